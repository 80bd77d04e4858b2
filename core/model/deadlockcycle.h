#pragma once

#include "trace.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace raceway {

// One link of a wait-for cycle as the lanes draw it: `waiter` waits for lock `obj`, whose lane says
// `holder` holds it.
struct CycleLink
{
    std::size_t waiter = 0;
    std::uint16_t obj = 0;
    std::size_t lockLane = 0;
    std::size_t holder = 0;
};

// The cycle a Deadlock mark on `lane` at `t` stands for, read from the trace just before t: from the
// lane that found it, around to the lane that holds what the last one waits for (which is `lane`).
// Empty when the lanes do not show a closed cycle there.
std::vector<CycleLink> deadlockCycleAt(const Trace &trace, std::size_t lane, std::int64_t t);
// "thread 2 waits for lock A, held by thread 1, which waits for lock B, held by thread 2"
QString describeCycle(const Trace &trace, const std::vector<CycleLink> &cycle);

} // namespace raceway
