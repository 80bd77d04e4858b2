#include "pyassembler.h"

// One traced thread's events drawn up to a moment: each the tracer sent, in its order, its /proc samples
// applied up to it, its objects and sites numbered as the run numbers them, its calls kept for its calls
// lane (the rest of the assembler: pyassembler.cpp).

#include <algorithm>

namespace raceway::py {
namespace {

bool usesObject(EventKind k)
{
    switch (k) {
    case EventKind::LockRequested:
    case EventKind::LockAcquired:
    case EventKind::LockReleased:
    case EventKind::WaitBegin:
    case EventKind::WaitEnd:
    case EventKind::Signal:
        return true;
    default:
        return false;
    }
}

} // namespace

void Assembler::push(ThreadState &ts, const Event &e)
{
    ts.out.push_back(e);
    ts.lastPushed = e.kind;
}

void Assembler::drawThread(ProcessState &ps, std::size_t index, PyThread &t, std::int64_t limit)
{
    ThreadState &ts = m_threads[index];
    Samples &q = m_samples[t.tid]; // an asyncio task's (tid 0) stays empty
    const auto samplesBefore = [&](std::int64_t until) {
        while (q.threadPos < q.s.size() && q.s[q.threadPos].t < until)
            applySample(ps, index, q.s[q.threadPos++]);
    };
    std::size_t i = t.drawn;
    for (; i < t.events.size(); ++i) {
        Event e = t.events[i];
        if (e.t < ts.doneTo) { // its moment is drawn already
            e.t = ts.doneTo;
            ++m_late;
        }
        if (e.t >= limit) break;
        ps.lastEvent = std::max(ps.lastEvent, e.t);
        samplesBefore(e.t);
        if (ts.overlay) {
            push(ts, {e.t, 0, ts.lane, EventKind::IoEnd, 0});
            ts.overlay = false;
        }
        if (e.kind == EventKind::CallBegin || e.kind == EventKind::CallEnd) {
            if (ts.calls) // a call's place, as the run numbers it; its thread's state is unchanged
                ts.callsOut.push_back(
                    {e.t, e.kind == EventKind::CallBegin ? siteFor(ps, e.arg) : 0, 0, e.kind, 0});
            continue;
        }
        const std::uint8_t localObj = e.obj;
        e.lane = ts.lane;
        if (usesObject(e.kind) && e.obj != 0) e.obj = objectFor(ps, e.obj);
        switch (e.kind) {
        case EventKind::ThreadStart:
            ts.base = Base::Running;
            if (ts.lastCpu < 0)
                for (std::size_t s = q.threadPos; s < q.s.size() && q.s[s].t < limit; ++s)
                    if (q.s[s].state == 'R') {
                        push(ts, {e.t, std::uint32_t(q.s[s].cpu), ts.lane, EventKind::OnCpu, 0});
                        ts.lastCpu = q.s[s].cpu;
                        break;
                    }
            break;
        case EventKind::ThreadEnd:
            ts.base = Base::Done;
            ts.waitingFor = -1;
            for (auto h = ps.holders.begin();
                 h != ps.holders.end();) // what it left held is held by nobody drawn
                h = h->second == index ? ps.holders.erase(h) : std::next(h);
            break;
        case EventKind::LockRequested:
            ts.base = Base::LockWait;
            ts.lockWaitFrom = e.t;
            ts.lockWaitCounted = isLockLike(ps.pid, localObj);
            if (ts.lockWaitCounted) ++m_lockWaits;
            // Who waits for which lock, and who holds each: a wait-for cycle is looked for once the
            // round is drawn (findDeadlocks).
            ts.waitingFor = e.obj != 0 && isLock(ps.pid, localObj) ? int(e.obj) : -1;
            break;
        case EventKind::LockAcquired:
            if (ts.base == Base::LockWait && isLockLike(ps.pid, localObj))
                m_lockWaitNs += e.t - ts.lockWaitFrom;
            ts.base = Base::Holding;
            ts.waitingFor = -1;
            ts.inCycle = false;
            if (e.obj != 0 && isLock(ps.pid, localObj)) ps.holders[e.obj] = index;
            break;
        case EventKind::LockReleased:
            ts.base = Base::Running;
            if (const auto h = ps.holders.find(e.obj); h != ps.holders.end() && h->second == index)
                ps.holders.erase(h);
            break;
        case EventKind::WaitBegin:
            ts.base = Base::Waiting;
            break;
        case EventKind::WaitEnd:
            if (ts.base == Base::LockWait && isLockLike(ps.pid, localObj))
                m_lockWaitNs += e.t - ts.lockWaitFrom;
            ts.base = Base::Running;
            ts.waitingFor = -1; // a timed acquire that gave up
            ts.inCycle = false;
            break;
        case EventKind::SleepBegin:
            ts.beforeSleep = ts.base;
            ts.base = Base::Sleeping;
            break;
        case EventKind::SleepEnd:
            ts.base = ts.beforeSleep;
            break;
        case EventKind::Mark:
            if (e.obj == std::uint8_t(MarkKind::Joined)) {
                const auto it = ps.threads.find(std::uint16_t(e.arg));
                e.arg = it == ps.threads.end() ? 0 : m_threads[it->second].lane;
            } else if (e.obj == std::uint8_t(MarkKind::Notify)) { // the condition, as Raceway numbers it
                e.arg = e.arg != 0 && e.arg < 256 ? objectFor(ps, std::uint8_t(e.arg)) : 0;
            } else if (e.obj == std::uint8_t(MarkKind::SlowStep) && m_slowSteps.size() < 1000) {
                // Where it ran, said just before its mark: kept with the mark, at its time.
                const PyProcess &p = m_stream.processes().at(ps.pid);
                const auto place = ts.stepPlace != 0 ? p.sites.find(ts.stepPlace) : p.sites.end();
                m_slowSteps.push_back({ts.lane, e.t, std::int64_t(e.arg) * 1000,
                                       place == p.sites.end() ? QString() : place->second});
                if (const std::uint32_t site = ts.stepPlace != 0 ? siteFor(ps, ts.stepPlace) : UINT32_MAX;
                    site != UINT32_MAX)
                    push(ts, {e.t, site, ts.lane, EventKind::Site, std::uint8_t(SiteOf::Step)});
                ts.stepPlace = 0;
            }
            break;
        case EventKind::Site: // where a slow asyncio step ran: its mark follows
            if (e.obj == std::uint8_t(SiteOf::Step)) ts.stepPlace = e.arg;
            continue;
        default:
            break;
        }
        // Where in the code: a wait asked for, a hold another thread waited for let go.
        const SiteOf siteOf = e.kind == EventKind::LockReleased ? SiteOf::Release : SiteOf::Wait;
        const bool sited = e.kind == EventKind::LockRequested || e.kind == EventKind::WaitBegin ||
                           e.kind == EventKind::LockReleased;
        const std::uint32_t site = sited && e.arg != 0 ? siteFor(ps, e.arg) : UINT32_MAX;
        if (e.kind == EventKind::LockRequested) ts.waitSite = site; // a deadlock's clause names it
        e.arg = sited ? 0 : e.arg;
        push(ts, e);
        if (site != UINT32_MAX) push(ts, {e.t, site, ts.lane, EventKind::Site, std::uint8_t(siteOf)});
    }
    m_stream.taken(i - t.drawn);
    t.drawn = i;
    // What is drawn is let go once it is most of the vector: moving the rest down at every round cost as
    // much as parsing (a second's events waiting, moved 60 times a second).
    if (t.drawn >= 4096 && t.drawn * 2 >= t.events.size()) {
        t.events.erase(t.events.begin(), t.events.begin() + std::ptrdiff_t(t.drawn));
        t.drawn = 0;
    }
    samplesBefore(limit);
}

} // namespace raceway::py
