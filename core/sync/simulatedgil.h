#pragma once

#include "recorder.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace raceway {

// A global lock that behaves like CPython's GIL. A thread must hold it to run "bytecode". The holder
// keeps it until another thread has waited one switch interval (then that waiter asks for it, and the
// holder drops it at its next check) or until it starts I/O. A dropped GIL goes to the longest waiter,
// so CPU-bound threads take turns and never run Python code at the same time.
// Its lane (kind Gil) shows the holder; thread lanes show running vs waiting for the GIL.
class SimulatedGil
{
public:
    SimulatedGil(Recorder &recorder, std::int64_t switchIntervalNs);

    // Takes the GIL for thread `me`; returns how long it waited, measured with the recorded times.
    std::int64_t acquire(ThreadBuffer &lane, int me);
    void release(ThreadBuffer &lane);
    // Between bytecodes: if a waiter has asked for the GIL, hand it over and queue up again.
    // Returns the wait this cost (0 when nobody asked).
    std::int64_t checkInterval(ThreadBuffer &lane, int me)
    {
        if (!m_dropRequest.load(std::memory_order_relaxed)) [[likely]]
            return 0;
        return forceSwitch(lane, me);
    }
    std::uint64_t switches() const { return m_switches.load(std::memory_order_relaxed); }
    std::uint8_t id() const { return m_id; }

private:
    std::int64_t forceSwitch(ThreadBuffer &lane, int me);

    std::mutex m_mutex;
    std::condition_variable m_handover;
    int m_holder = -1;
    std::deque<int> m_waiters; // longest waiter first
    std::atomic<bool> m_dropRequest{false};
    std::atomic<std::uint64_t> m_switches{0};
    std::int64_t m_interval;
    std::uint16_t m_lane;
    std::uint8_t m_id;
};

} // namespace raceway
