#pragma once

#include "trace.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace raceway {

// What ended the wait: a lock (or the GIL) let go, an event set, a semaphore's permit given back.
enum class HandoffKind : std::uint8_t { Lock, Set, Permit, Notify };

// A wait ended by another thread: the holder of a lock (or of the GIL) let it go while this thread
// waited for it, and this thread took it next; or it set the event this thread waited for; or it gave
// back the permit this thread then took; or it notified the condition this thread waited on. From the
// object's lane (who held it or set it, when), the notifier's notify() marks, and the threads' (waiting
// at that moment, and when the wait ended).
struct Handoff
{
    std::size_t object = 0;       // the lock's, the GIL's, the event's or the semaphore's lane (SIZE_MAX: a
                                  // condition's, which has none; `obj` names it)
    std::size_t from = 0, to = 0; // the releasing (setting) and the woken thread's lanes
    std::int64_t released = 0;    // when it was let go or set (a GIL handed over directly: == woke)
    std::int64_t woke = 0;        // when the waiter went on: release -> running, a wait for a core included
    HandoffKind kind = HandoffKind::Lock;
    std::uint16_t obj = 0; // the condition notified (HandoffKind::Notify)
    std::int64_t latency() const { return woke - released; }
};

// What was handed over, by name: its lane's, or the condition's.
QString handoffObjectName(const Trace &trace, const Handoff &h);

// The hand-offs whose waiter went on in [start, end], in time order per object. False (and `out`
// holding what was found so far) once there are more than `most`, or the window holds far more
// transitions than that: too many to draw one by one.
bool handoffsIn(const Trace &trace, std::int64_t start, std::int64_t end, std::size_t most,
                std::vector<Handoff> &out);
// Every hand-off of the run, in time order per object.
std::vector<Handoff> allHandoffs(const Trace &trace);
// The hand-off that ended `lane`'s wait at `woke` (its state changed from waiting then).
std::optional<Handoff> handoffInto(const Trace &trace, std::size_t lane, std::int64_t woke);

// Each semaphore's permits given back and taken after a wait, paired from the threads' lanes in time
// order: a permit given back goes to the first thread after it to take one (one that did not wait
// takes the oldest given back), and a thread that waited takes the oldest given back during its wait
// by another thread. One permit ends one wait at most. For Trace::compact().
std::vector<Trace::PermitHandoff> matchPermits(const Trace &trace);

} // namespace raceway
