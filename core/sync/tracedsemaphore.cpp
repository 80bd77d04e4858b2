#include "tracedsemaphore.h"

#include <chrono>

namespace raceway {

TracedSemaphore::TracedSemaphore(Recorder &recorder, const QString &name, int permits)
    : m_permits(permits), m_lane(recorder.addLane(name, LaneKind::Semaphore)),
      m_id(recorder.addObject(name, m_lane))
{
}

bool TracedSemaphore::acquire(ThreadBuffer &lane, const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    if (m_inside == m_permits) {
        const std::int64_t requested = nowNs();
        lane.recordAt(requested, EventKind::LockRequested, m_id, 0);
        ++m_waits;
        // Timed waits: a stopped run never leaves a thread blocked here.
        while (m_inside == m_permits) {
            if (stop && stop()) {
                const std::int64_t t = nowNs();
                lane.recordAt(t, EventKind::WaitEnd, m_id, 0);
                m_waitedNs += t - requested;
                return false;
            }
            m_freed.wait_for(lock, std::chrono::milliseconds(10));
        }
        const std::int64_t acquired = nowNs();
        lane.recordAt(acquired, EventKind::LockAcquired, m_id, 0);
        m_waitedNs += acquired - requested;
    } else {
        lane.record(EventKind::LockAcquired, m_id);
    }
    m_maxInside = std::max(m_maxInside, ++m_inside);
    return true;
}

void TracedSemaphore::release(ThreadBuffer &lane)
{
    {
        std::lock_guard lock(m_mutex);
        lane.record(EventKind::LockReleased, m_id);
        --m_inside;
    }
    m_freed.notify_one();
}

int TracedSemaphore::maxInside() const
{
    std::lock_guard lock(m_mutex);
    return m_maxInside;
}

std::int64_t TracedSemaphore::waitedNs() const
{
    std::lock_guard lock(m_mutex);
    return m_waitedNs;
}

std::int64_t TracedSemaphore::waits() const
{
    std::lock_guard lock(m_mutex);
    return m_waits;
}

} // namespace raceway
