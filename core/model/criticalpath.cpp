#include "criticalpath.h"

#include "handoffs.h"

#include <algorithm>

namespace raceway {

namespace {

bool hasThreadStates(const Lane &lane)
{
    return (lane.kind == LaneKind::Thread || lane.kind == LaneKind::Process) && !lane.times.empty();
}

// When the lane's work ended: its last change into done, cancelled or idle, or the trace's end.
std::int64_t workEnd(const Trace &trace, const Lane &lane)
{
    const std::size_t n = lane.times.size();
    const State last = lane.states[n - 1];
    if (hasEnded(last) || last == State::Idle) return std::min(lane.times[n - 1], trace.end());
    return trace.end();
}

} // namespace

CriticalPath criticalPath(const Trace &trace, std::optional<std::size_t> only, std::size_t keep)
{
    CriticalPath path;
    std::size_t lane = SIZE_MAX;
    std::int64_t t = INT64_MIN;
    if (only) {
        if (*only >= trace.lanes().size() || !hasThreadStates(trace.lane(*only))) return path;
        lane = *only;
        t = workEnd(trace, trace.lane(lane));
    } else {
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (hasThreadStates(trace.lane(i)) && workEnd(trace, trace.lane(i)) > t) {
                lane = i;
                t = workEnd(trace, trace.lane(i));
            }
        if (lane == SIZE_MAX) return path;
    }
    const std::int64_t start = trace.start();
    path.start = std::min(start, t);
    path.end = t;
    // Built from the end backwards. The last segment added is kept open (`open`), so that stretches of
    // one lane in one state merge before they are counted.
    std::vector<PathSegment> back;
    std::vector<std::int64_t> sums(trace.lanes().size() * std::size_t(stateCount), 0);
    std::optional<PathSegment> open;
    const auto close = [&] {
        if (!open) return;
        ++path.total;
        sums[open->lane * std::size_t(stateCount) + std::size_t(open->state)] += open->ns();
        if (back.size() < keep) back.push_back(*open);
        open.reset();
    };
    const auto add = [&](std::size_t l, State s, std::int64_t from, std::int64_t to) {
        if (to <= from) return;
        if (open && open->lane == l && open->state == s && open->start == to) {
            open->start = from;
            return;
        }
        close();
        open = PathSegment{l, s, from, to};
    };
    // Each step moves t back, or moves to another lane at the same t (a GIL handed over directly), and
    // then the holder's next step moves back: it was holding just before.
    std::size_t sameTimeJumps = 0;
    std::ptrdiff_t i = trace.lane(lane).indexAt(t - 1);
    while (t > start) {
        const Lane &l = trace.lane(lane);
        if (i < 0) { // before this thread began: nothing of its own held the end back yet
            add(lane, State::Idle, start, t);
            break;
        }
        const auto k = std::size_t(i);
        const State s = l.states[k];
        const std::int64_t from = std::max(l.times[k], start);
        const bool endsHere = k + 1 < l.times.size() && l.times[k + 1] == t;
        if ((s == State::Waiting || s == State::WaitingGil) && endsHere && sameTimeJumps < 4)
            if (const auto h = handoffInto(trace, lane, t); h && h->released >= from) {
                add(lane, s, h->released, t); // waking up after the release: still this thread's wait
                sameTimeJumps = h->released == t ? sameTimeJumps + 1 : 0;
                t = h->released;
                lane = h->from;
                i = trace.lane(lane).indexAt(t - 1);
                continue;
            }
        sameTimeJumps = 0;
        add(lane, s, from, t);
        t = from;
        i -= 1; // the interval before, which holds from - 1 (one of no length is skipped by add)
    }
    close();
    std::reverse(back.begin(), back.end());
    path.segments = std::move(back);
    for (std::size_t j = 0; j < sums.size(); ++j)
        if (sums[j] > 0)
            path.shares.push_back({j / std::size_t(stateCount), State(j % std::size_t(stateCount)), sums[j]});
    std::stable_sort(path.shares.begin(), path.shares.end(),
                     [](const PathShare &a, const PathShare &b) { return a.ns > b.ns; });
    return path;
}

} // namespace raceway
