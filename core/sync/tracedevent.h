#pragma once

#include "recorder.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace raceway {

// An event object (Python's threading.Event; with auto-reset, a Win32-style event that lets one
// waiter through per set). Waits are drawn on the waiting lanes (WaitBegin .. WaitEnd), sets and
// clears on the event's own lane (Signal). Every change and the event recording it happen under
// one mutex, so no drawn release comes before the set that caused it.
class TracedEvent
{
public:
    TracedEvent(Recorder &recorder, const QString &name, bool autoReset);

    void set(ThreadBuffer &lane);
    void clear(ThreadBuffer &lane);
    // Waits until the event is set (taking the set with auto-reset); false when `stop()` said to give
    // up first. A wait that finds the event already set records nothing.
    bool wait(ThreadBuffer &lane, const std::function<bool()> &stop);

    std::int64_t waitedNs() const; // summed over every wait, from the recorded timestamps
    std::int64_t lastSetNs() const;
    bool isSet() const;
    std::uint8_t id() const { return m_id; }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    const bool m_autoReset;
    bool m_set = false;
    std::int64_t m_waitedNs = 0;
    std::int64_t m_lastSet = 0;
    std::uint16_t m_lane;
    std::uint8_t m_id;
};

} // namespace raceway
