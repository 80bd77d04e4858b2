#pragma once

#include "recorder.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace raceway {

// A counting semaphore drawn like a lock: a thread that finds no permit free waits (LockRequested),
// one that has a permit holds it (LockAcquired .. LockReleased). Its own lane counts the threads
// waiting and inside. Every count change and the event recording it happen under one mutex, so the
// number of holds overlapping on the lanes at any instant is exactly how many were inside then.
class TracedSemaphore
{
public:
    TracedSemaphore(Recorder &recorder, const QString &name, int permits);

    // Takes a permit; false when `stop()` said to give up first (no permit taken, the wait ended).
    bool acquire(ThreadBuffer &lane, const std::function<bool()> &stop);
    void release(ThreadBuffer &lane);

    int permits() const { return m_permits; }
    int maxInside() const;         // the most threads that held a permit at once
    std::int64_t waitedNs() const; // summed over every wait, from the recorded timestamps
    std::int64_t waits() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
    const int m_permits;
    int m_inside = 0;
    int m_maxInside = 0;
    std::int64_t m_waitedNs = 0;
    std::int64_t m_waits = 0;
    std::uint16_t m_lane;
    std::uint8_t m_id;
};

} // namespace raceway
