#include "tracedevent.h"

#include <chrono>

namespace raceway {

TracedEvent::TracedEvent(Recorder &recorder, const QString &name, bool autoReset)
    : m_autoReset(autoReset), m_lane(recorder.addLane(name, LaneKind::Signal)),
      m_id(recorder.addObject(name, m_lane))
{
}

void TracedEvent::set(ThreadBuffer &lane)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_set) return;
        m_set = true;
        m_lastSet = nowNs();
        lane.recordAt(m_lastSet, EventKind::Signal, m_id, 1);
    }
    m_changed.notify_all();
}

void TracedEvent::clear(ThreadBuffer &lane)
{
    std::lock_guard lock(m_mutex);
    if (!m_set) return;
    m_set = false;
    lane.record(EventKind::Signal, m_id, 0);
}

bool TracedEvent::wait(ThreadBuffer &lane, const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    if (!m_set) {
        const std::int64_t began = nowNs();
        lane.recordAt(began, EventKind::WaitBegin, m_id, 0);
        while (!m_set) {
            if (stop && stop()) {
                const std::int64_t t = nowNs();
                lane.recordAt(t, EventKind::WaitEnd, m_id, 0);
                m_waitedNs += t - began;
                return false;
            }
            m_changed.wait_for(lock, std::chrono::milliseconds(10));
        }
        const std::int64_t t = nowNs();
        lane.recordAt(t, EventKind::WaitEnd, m_id, 0);
        m_waitedNs += t - began;
    }
    if (m_autoReset) {
        // This waiter takes the set: the event is clear again, stamped by the lane that cleared it.
        m_set = false;
        lane.record(EventKind::Signal, m_id, 0);
    }
    return true;
}

std::int64_t TracedEvent::waitedNs() const
{
    std::lock_guard lock(m_mutex);
    return m_waitedNs;
}

bool TracedEvent::isSet() const
{
    std::lock_guard lock(m_mutex);
    return m_set;
}

std::int64_t TracedEvent::lastSetNs() const
{
    std::lock_guard lock(m_mutex);
    return m_lastSet;
}

} // namespace raceway
