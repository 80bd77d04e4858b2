#include "criticalpath.h"

#include "handoffs.h"

#include <algorithm>
#include <map>

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
    if (last == State::Done || last == State::Cancelled || last == State::Idle || last == State::Crashed ||
        last == State::Killed || last == State::TimedOut)
        return std::min(lane.times[n - 1], trace.end());
    return trace.end();
}

} // namespace

std::vector<PathSegment> criticalPath(const Trace &trace, std::optional<std::size_t> only)
{
    std::vector<PathSegment> back; // built from the end backwards
    std::size_t lane = SIZE_MAX;
    std::int64_t t = INT64_MIN;
    if (only) {
        if (*only >= trace.lanes().size() || !hasThreadStates(trace.lane(*only))) return {};
        lane = *only;
        t = workEnd(trace, trace.lane(lane));
    } else {
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (hasThreadStates(trace.lane(i)) && workEnd(trace, trace.lane(i)) > t) {
                lane = i;
                t = workEnd(trace, trace.lane(i));
            }
        if (lane == SIZE_MAX) return {};
    }
    const std::int64_t start = trace.start();
    const auto add = [&](std::size_t l, State s, std::int64_t from, std::int64_t to) {
        if (to <= from) return;
        if (!back.empty() && back.back().lane == l && back.back().state == s && back.back().start == to)
            back.back().start = from;
        else
            back.push_back({l, s, from, to});
    };
    // Every step moves t back, or moves to another lane at the same t once (a GIL handed over directly):
    // the holder was holding just before, so its next step moves back.
    std::size_t sameTimeJumps = 0;
    while (t > start) {
        const Lane &l = trace.lane(lane);
        const std::ptrdiff_t i = l.indexAt(t - 1);
        if (i < 0) { // before this thread began: nothing of its own held the end back yet
            add(lane, State::Idle, start, t);
            break;
        }
        const State s = l.states[std::size_t(i)];
        const std::int64_t from = std::max(l.times[std::size_t(i)], start);
        const bool endsHere = std::size_t(i) + 1 < l.times.size() && l.times[std::size_t(i) + 1] == t;
        if ((s == State::Waiting || s == State::WaitingGil) && endsHere && sameTimeJumps < 4)
            if (const auto h = handoffInto(trace, lane, t); h && h->released >= from) {
                add(lane, s, h->released, t); // waking up after the release: still this thread's wait
                sameTimeJumps = h->released == t ? sameTimeJumps + 1 : 0;
                t = h->released;
                lane = h->from;
                continue;
            }
        sameTimeJumps = 0;
        add(lane, s, from, t);
        t = from;
    }
    std::reverse(back.begin(), back.end());
    return back;
}

std::vector<PathShare> pathShares(const std::vector<PathSegment> &path)
{
    std::map<std::pair<std::size_t, int>, std::int64_t> sums;
    for (const PathSegment &s : path)
        sums[{s.lane, int(s.state)}] += s.ns();
    std::vector<PathShare> out;
    for (const auto &[key, ns] : sums)
        out.push_back({key.first, State(key.second), ns});
    std::stable_sort(out.begin(), out.end(),
                     [](const PathShare &a, const PathShare &b) { return a.ns > b.ns; });
    return out;
}

} // namespace raceway
