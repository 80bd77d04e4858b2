#include "handoffs.h"

#include <algorithm>
#include <deque>

namespace raceway {

namespace {

bool isHeldLock(const Lane &lane)
{
    return lane.kind == LaneKind::Lock || lane.kind == LaneKind::Gil;
}

// The lane that draws object `obj` (-1: none).
int objectLane(const Trace &trace, std::uint16_t obj)
{
    const auto &objects = trace.objects();
    if (obj >= objects.size()) return -1;
    const int lane = objects[obj].lane;
    return lane >= 0 && std::size_t(lane) < trace.lanes().size() ? lane : -1;
}

LaneKind objectKind(const Trace &trace, std::uint16_t obj)
{
    const int lane = objectLane(trace, obj);
    return lane < 0 ? LaneKind::Thread : trace.lane(std::size_t(lane)).kind;
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
    Handoff h{lock, from, to, l.times[k], l.times[k], HandoffKind::Lock};
    if (l.states[k - 1] == State::Free)
        h.released = l.times[k - 1];
    else if (l.states[k - 1] != State::Held)
        return std::nullopt;
    // The waiter was waiting when the lock was let go (just before, for a direct hand-over).
    if (!waitingAt(trace, to, h.released == h.woke ? h.released - 1 : h.released)) return std::nullopt;
    return h;
}

// An event's wait that ended at `woke` (it began at `since`): ended by the last time the event was set
// before then, if that was during the wait, by whoever set it.
std::optional<Handoff> setInto(const Trace &trace, std::size_t waiter, std::int64_t since, std::int64_t woke,
                               std::uint16_t obj)
{
    const int lane = objectLane(trace, obj);
    if (lane < 0) return std::nullopt;
    const Lane &l = trace.lane(std::size_t(lane));
    for (std::ptrdiff_t k = l.indexAt(woke); k >= 0 && l.times[std::size_t(k)] >= since; --k) {
        if (l.states[std::size_t(k)] != State::Set) continue;
        const std::size_t setter = l.objs[std::size_t(k)];
        if (setter == waiter || setter >= trace.lanes().size()) return std::nullopt;
        return Handoff{std::size_t(lane), setter, waiter, l.times[std::size_t(k)], woke, HandoffKind::Set};
    }
    return std::nullopt;
}

// A wait on a condition (an object without a lane) that ended at `woke` (it began at `since`): ended by
// the last notify() of that condition by another thread during the wait.
std::optional<Handoff> notifyInto(const Trace &trace, std::size_t waiter, std::int64_t since,
                                  std::int64_t woke, std::uint16_t obj)
{
    std::optional<Handoff> last;
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane) {
        const Lane &l = trace.lane(lane);
        if (lane == waiter || !(l.marksSeen & (1u << unsigned(MarkKind::Notify)))) continue;
        auto it = std::upper_bound(l.instants.begin(), l.instants.end(), woke,
                                   [](std::int64_t t, const Instant &in) { return t < in.t; });
        while (it != l.instants.begin()) {
            --it;
            if (it->t < since) break;
            if (it->markKind() != MarkKind::Notify || it->value != obj) continue;
            if (!last || it->t > last->released)
                last = Handoff{SIZE_MAX, lane, waiter, it->t, woke, HandoffKind::Notify, obj};
            break;
        }
    }
    return last;
}

// The permits paired when the run ended (in time order of the wake) whose waiter went on at t or later.
auto permitsFrom(const Trace &trace, std::int64_t t)
{
    const auto &all = trace.permitHandoffs();
    return std::lower_bound(all.begin(), all.end(), t,
                            [](const Trace::PermitHandoff &p, std::int64_t at) { return p.woke < at; });
}

Handoff fromPermit(const Trace::PermitHandoff &p)
{
    return {p.semaphore, p.from, p.to, p.released, p.woke, HandoffKind::Permit};
}

// Lane `waiter`'s wait that ended at transition k, if another thread's set or given-back permit ended it.
std::optional<Handoff> objectHandoffAt(const Trace &trace, std::size_t waiter, std::size_t k)
{
    const Lane &w = trace.lane(waiter);
    if (k < 1 || k >= w.times.size() || w.states[k - 1] != State::Waiting) return std::nullopt;
    const std::uint16_t obj = w.objs[k - 1];
    switch (objectKind(trace, obj)) {
    case LaneKind::Signal:
        return setInto(trace, waiter, w.times[k - 1], w.times[k], obj);
    case LaneKind::Semaphore: // paired when the run ended
        for (auto it = permitsFrom(trace, w.times[k]);
             it != trace.permitHandoffs().end() && it->woke == w.times[k]; ++it)
            if (it->to == waiter) return fromPermit(*it);
        return std::nullopt;
    case LaneKind::Thread: // no lane: a built-in scenario's condition; the notifier's marks say who woke it
    case LaneKind::Queue:  // a traced script's condition (its lane counts its waiters)
        return notifyInto(trace, waiter, w.times[k - 1], w.times[k], obj);
    default:
        return std::nullopt;
    }
}

} // namespace

bool handoffsIn(const Trace &trace, std::int64_t start, std::int64_t end, std::size_t most,
                std::vector<Handoff> &out)
{
    bool events = false; // their waiters' lanes are read too
    for (std::size_t lock = 0; lock < trace.lanes().size(); ++lock) {
        const Lane &l = trace.lane(lock);
        events = events || l.kind == LaneKind::Signal || (l.marksSeen & (1u << unsigned(MarkKind::Notify)));
        if (!isHeldLock(l)) continue;
        const auto from = std::lower_bound(l.times.begin(), l.times.end(), start) - l.times.begin();
        const auto to = std::upper_bound(l.times.begin(), l.times.end(), end) - l.times.begin();
        // Far more transitions than arrows could be told apart (most of them one holder taking the lock
        // again): too dense to read one by one, and not worth a scan of them all.
        if (most < SIZE_MAX / 64 && std::size_t(to - from) > 64 * most) return false;
        for (auto k = std::size_t(from); k < std::size_t(to); ++k)
            if (const auto h = handoffAt(trace, lock, k)) {
                if (out.size() == most) return false;
                out.push_back(*h);
            }
    }
    // Permits, as paired when the run ended.
    for (auto it = permitsFrom(trace, start); it != trace.permitHandoffs().end() && it->woke <= end; ++it) {
        if (out.size() == most) return false;
        out.push_back(fromPermit(*it));
    }
    if (!events) return true;
    // Waits for an event that another thread ended by setting it, found from the waiters' lanes; in
    // time order per event.
    std::vector<Handoff> found;
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane) {
        const Lane &l = trace.lane(lane);
        if (l.kind != LaneKind::Thread) continue;
        const auto from = std::lower_bound(l.times.begin(), l.times.end(), start) - l.times.begin();
        const auto to = std::upper_bound(l.times.begin(), l.times.end(), end) - l.times.begin();
        // Far more transitions than arrows could be told apart: too dense to read one by one.
        if (most < SIZE_MAX / 64 && std::size_t(to - from) > 64 * most) return false;
        for (auto k = std::size_t(from); k < std::size_t(to); ++k)
            if (const auto h = objectHandoffAt(trace, lane, k);
                h && (h->kind == HandoffKind::Set || h->kind == HandoffKind::Notify)) {
                if (out.size() + found.size() == most) return false;
                found.push_back(*h);
            }
    }
    std::stable_sort(found.begin(), found.end(), [](const Handoff &a, const Handoff &b) {
        return a.object != b.object ? a.object < b.object : a.woke < b.woke;
    });
    out.insert(out.end(), found.begin(), found.end());
    return true;
}

QString handoffObjectName(const Trace &trace, const Handoff &h)
{
    return h.object < trace.lanes().size() ? trace.lane(h.object).name : trace.objectName(h.obj);
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
    if (lane >= trace.lanes().size()) return std::nullopt;
    const Lane &w = trace.lane(lane);
    // The waiter's transition at `woke` that ended a wait (the first of any at that moment).
    const auto it = std::lower_bound(w.times.begin(), w.times.end(), woke);
    if (it == w.times.end() || *it != woke) return std::nullopt;
    return objectHandoffAt(trace, lane, std::size_t(it - w.times.begin()));
}

std::vector<Trace::PermitHandoff> matchPermits(const Trace &trace)
{
    std::vector<Trace::PermitHandoff> out;
    for (std::size_t sem = 0; sem < trace.lanes().size(); ++sem) {
        if (trace.lane(sem).kind != LaneKind::Semaphore) continue;
        const auto ofThis = [&](std::uint16_t obj) { return objectLane(trace, obj) == int(sem); };
        // Every take and give-back of its permits, from the threads' lanes: a hold begins (from running,
        // or from a wait for this semaphore) or ends (back to running).
        struct Step
        {
            std::int64_t t;
            int kind; // 0: given back, 1: taken at once, 2: taken after a wait
            std::uint32_t lane;
            std::int64_t since; // a wait's start
        };
        std::vector<Step> steps;
        for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane) {
            const Lane &l = trace.lane(lane);
            if (l.kind != LaneKind::Thread) continue;
            for (std::size_t k = 1; k < l.times.size(); ++k) {
                const State before = l.states[k - 1], now = l.states[k];
                if (now == State::Holding && before == State::HoldingReady)
                    continue; // the same hold, back on a core
                if (now == State::Holding && ofThis(l.objs[k])) {
                    if (before == State::Running)
                        steps.push_back({l.times[k], 1, std::uint32_t(lane), 0});
                    else if (before == State::Waiting && l.objs[k - 1] == l.objs[k])
                        steps.push_back({l.times[k], 2, std::uint32_t(lane), l.times[k - 1]});
                } else if (before == State::Holding && now == State::Running && ofThis(l.objs[k - 1])) {
                    steps.push_back({l.times[k], 0, std::uint32_t(lane), 0});
                }
            }
        }
        // The semaphore's own lock put them in this order; at one instant a give-back comes first.
        std::stable_sort(steps.begin(), steps.end(), [](const Step &a, const Step &b) {
            return a.t != b.t ? a.t < b.t : a.kind < b.kind;
        });
        std::deque<Step> given; // permits given back and not yet taken, oldest first
        for (const Step &s : steps) {
            if (s.kind == 0) {
                given.push_back(s);
                if (given.size() > 4096) given.pop_front(); // never taken: more than any semaphore holds
            } else if (s.kind == 1) {
                if (!given.empty()) given.pop_front();
            } else {
                const auto it = std::find_if(given.begin(), given.end(), [&](const Step &g) {
                    return g.t >= s.since && g.lane != s.lane;
                });
                if (it == given.end()) continue;
                out.push_back({it->t, s.t, std::uint32_t(sem), it->lane, s.lane});
                given.erase(it);
            }
        }
    }
    std::stable_sort(
        out.begin(), out.end(),
        [](const Trace::PermitHandoff &a, const Trace::PermitHandoff &b) { return a.woke < b.woke; });
    return out;
}

} // namespace raceway
