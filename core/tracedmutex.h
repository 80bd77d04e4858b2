#pragma once

#include "recorder.h"

#include <cstdint>
#include <mutex>

namespace raceway {

// A mutex whose every request, acquisition and release lands on the calling thread's lane and on the
// lock's own lane. An acquisition that succeeds at once records no request: its wait is zero.
class TracedMutex
{
public:
    TracedMutex(Recorder &recorder, const QString &name);

    // Returns how long the caller waited, in nanoseconds, measured with the recorded timestamps.
    std::int64_t lock(ThreadBuffer &lane) noexcept
    {
        if (m_mutex.try_lock()) {
            lane.record(EventKind::LockAcquired, m_id);
            return 0;
        }
        const std::int64_t requested = nowNs();
        lane.recordAt(requested, EventKind::LockRequested, m_id, 0);
        m_mutex.lock();
        const std::int64_t acquired = nowNs();
        lane.recordAt(acquired, EventKind::LockAcquired, m_id, 0);
        return acquired - requested;
    }

    // The release is stamped before unlocking, so two holds never overlap on the lock's lane.
    void unlock(ThreadBuffer &lane) noexcept
    {
        lane.record(EventKind::LockReleased, m_id);
        m_mutex.unlock();
    }

    std::uint8_t id() const noexcept { return m_id; }
    std::uint16_t lane() const noexcept { return m_lane; }

private:
    std::mutex m_mutex;
    std::uint16_t m_lane;
    std::uint8_t m_id;
};

} // namespace raceway
