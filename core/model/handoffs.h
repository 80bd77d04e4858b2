#pragma once

#include "trace.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace raceway {

// A wait ended by another thread: the holder of a lock (or of the GIL) let it go while this thread
// waited for it, and this thread took it next. From the lock's lane (who held it, who let it go, when)
// and the waiter's (waiting at that moment).
struct Handoff
{
    std::size_t lock = 0;         // the lock's or the GIL's lane
    std::size_t from = 0, to = 0; // the releasing and the woken thread's lanes
    std::int64_t released = 0;    // when the lock was let go (a GIL handed over directly: == woke)
    std::int64_t woke = 0;        // when the waiter had it: release -> running, a wait for a core included
    std::int64_t latency() const { return woke - released; }
};

// The hand-offs whose waiter took the lock in [start, end], in time order per lock. False (and `out`
// holding what was found so far) once there are more than `most`: too many to draw one by one.
bool handoffsIn(const Trace &trace, std::int64_t start, std::int64_t end, std::size_t most,
                std::vector<Handoff> &out);
// Every hand-off of the run, in time order per lock.
std::vector<Handoff> allHandoffs(const Trace &trace);
// The hand-off that ended `lane`'s wait at `woke` (its state changed from waiting to holding then).
std::optional<Handoff> handoffInto(const Trace &trace, std::size_t lane, std::int64_t woke);

} // namespace raceway
