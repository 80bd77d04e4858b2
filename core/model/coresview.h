#pragma once

#include "trace.h"

namespace raceway {

// The cores view of a trace, as profilers draw it: one lane per CPU core showing which process ran
// there and when ("cpu 0: process 2, then process 1"), then the process lanes themselves, then the
// core utilisation lanes. Built from the process lanes' running intervals, which carry their core.
// A trace without process lanes comes back unchanged.
Trace groupByCore(const Trace &trace);

// One core's lane, "cpu N runs": held by each stretch's lane, free between them. Where two stretches
// overlap (their ends are known to a fraction of a microsecond, or seen at sample points), the later
// one starts where the earlier ends; nothing is drawn before `from`.
Lane coreRunsLane(int core, std::vector<CoreStretch> stretches, std::int64_t from);

} // namespace raceway
