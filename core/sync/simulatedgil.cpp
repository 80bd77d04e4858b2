#include "simulatedgil.h"

#include "clock.h"

#include <chrono>

namespace raceway {

SimulatedGil::SimulatedGil(Recorder &recorder, std::int64_t switchIntervalNs)
    : m_interval(switchIntervalNs), m_lane(recorder.addLane(QStringLiteral("GIL"), LaneKind::Gil)),
      m_id(recorder.addObject(QStringLiteral("GIL"), m_lane))
{
}

std::int64_t SimulatedGil::acquire(ThreadBuffer &lane, int me)
{
    std::unique_lock lock(m_mutex);
    // Events are recorded under the GIL's own mutex, so the GIL lane's hand-overs are in true order.
    if (m_holder < 0 && m_waiters.empty()) {
        m_holder = me;
        lane.record(EventKind::LockAcquired, m_id);
        return 0;
    }
    const std::int64_t requested = nowNs();
    lane.recordAt(requested, EventKind::LockRequested, m_id, 0);
    m_waiters.push_back(me);
    while (m_holder != me) {
        // Like CPython: wait one interval; if the GIL is still not ours and we are first in line,
        // ask the holder to drop it at its next check.
        if (!m_handover.wait_for(lock, std::chrono::nanoseconds(m_interval),
                                 [&] { return m_holder == me; }) &&
            !m_waiters.empty() && m_waiters.front() == me)
            m_dropRequest.store(true, std::memory_order_relaxed);
    }
    const std::int64_t acquired = nowNs();
    lane.recordAt(acquired, EventKind::LockAcquired, m_id, 0);
    return acquired - requested;
}

void SimulatedGil::release(ThreadBuffer &lane)
{
    {
        std::lock_guard lock(m_mutex);
        lane.record(EventKind::LockReleased, m_id);
        if (m_waiters.empty()) {
            m_holder = -1;
        } else {
            m_holder = m_waiters.front();
            m_waiters.pop_front();
        }
        m_dropRequest.store(false, std::memory_order_relaxed);
    }
    m_handover.notify_all();
}

std::int64_t SimulatedGil::forceSwitch(ThreadBuffer &lane, int me)
{
    release(lane);
    m_switches.fetch_add(1, std::memory_order_relaxed);
    return acquire(lane, me);
}

} // namespace raceway
