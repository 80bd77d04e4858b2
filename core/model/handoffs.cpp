#include "handoffs.h"

#include <algorithm>

namespace raceway {

namespace {

bool isHeldLock(const Lane &lane)
{
    return lane.kind == LaneKind::Lock || lane.kind == LaneKind::Gil;
}

bool waitingAt(const Trace &trace, std::size_t lane, std::int64_t t)
{
    if (lane >= trace.lanes().size()) return false;
    const Lane &l = trace.lane(lane);
    const std::ptrdiff_t i = l.indexAt(t);
    if (i < 0) return false;
    const State s = l.states[std::size_t(i)];
    return s == State::Waiting || s == State::WaitingGil;
}

// Transition k of a lock lane, if it is a hand-off: the lock taken by W, just let go by another thread
// while W waited (or, for a GIL handed over directly, held by another thread until then).
std::optional<Handoff> handoffAt(const Trace &trace, std::size_t lock, std::size_t k)
{
    const Lane &l = trace.lane(lock);
    if (k < 1 || l.states[k] != State::Held) return std::nullopt;
    const std::size_t to = l.objs[k];
    const std::size_t from = l.objs[k - 1];
    if (from == to || l.states[k - 1] == State::Idle) return std::nullopt;
    Handoff h{lock, from, to, l.times[k], l.times[k]};
    if (l.states[k - 1] == State::Free)
        h.released = l.times[k - 1];
    else if (l.states[k - 1] != State::Held)
        return std::nullopt;
    // The waiter was waiting when the lock was let go (just before, for a direct hand-over).
    if (!waitingAt(trace, to, h.released == h.woke ? h.released - 1 : h.released)) return std::nullopt;
    return h;
}

} // namespace

bool handoffsIn(const Trace &trace, std::int64_t start, std::int64_t end, std::size_t most,
                std::vector<Handoff> &out)
{
    for (std::size_t lock = 0; lock < trace.lanes().size(); ++lock) {
        const Lane &l = trace.lane(lock);
        if (!isHeldLock(l)) continue;
        const auto from = std::lower_bound(l.times.begin(), l.times.end(), start) - l.times.begin();
        const auto to = std::upper_bound(l.times.begin(), l.times.end(), end) - l.times.begin();
        for (auto k = std::size_t(from); k < std::size_t(to); ++k)
            if (const auto h = handoffAt(trace, lock, k)) {
                if (out.size() == most) return false;
                out.push_back(*h);
            }
    }
    return true;
}

std::vector<Handoff> allHandoffs(const Trace &trace)
{
    std::vector<Handoff> out;
    handoffsIn(trace, INT64_MIN, INT64_MAX, SIZE_MAX, out);
    return out;
}

std::optional<Handoff> handoffInto(const Trace &trace, std::size_t lane, std::int64_t woke)
{
    for (std::size_t lock = 0; lock < trace.lanes().size(); ++lock) {
        const Lane &l = trace.lane(lock);
        if (!isHeldLock(l)) continue;
        const auto it = std::lower_bound(l.times.begin(), l.times.end(), woke);
        for (auto k = std::size_t(it - l.times.begin()); k < l.times.size() && l.times[k] == woke; ++k)
            if (l.objs[k] == lane)
                if (const auto h = handoffAt(trace, lock, k)) return h;
    }
    return std::nullopt;
}

} // namespace raceway
