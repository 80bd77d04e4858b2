#pragma once

#include "trace.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace raceway {

// What lane drawers need to know about the whole trace rather than their own lane, gathered in one pass
// whenever the layout is computed: a lock's bars scale to the lanes that could queue for it, a core
// keeps its colour when another core's lane is hidden, a lock's legend depends on what other lanes hold.
struct TraceSummary
{
    std::vector<int> kindCounts;      // indexed by LaneKind
    std::vector<int> ordinals;        // per lane: how many lanes of its kind come before it, hidden ones too
    std::uint32_t statesSeen = 0;     // bit per State occurring on any lane
    std::uint8_t coreWaitSources = 0; // Lane::coreWaitSources of every lane together
    int tasks = 0; // thread lanes that are asyncio tasks (the tracer names them "task ..."): they queue too

    static TraceSummary of(const Trace &trace);
    int count(LaneKind kind) const
    {
        return std::size_t(kind) < kindCounts.size() ? kindCounts[std::size_t(kind)] : 0;
    }
    bool seen(State state) const { return statesSeen & (1u << unsigned(state)); }
    // Who queues for a lock or waits on an event in this trace, for the legends: "threads", "tasks" (an
    // asyncio program's coroutines), or "threads or tasks".
    QString waiters() const
    {
        if (tasks == 0) return QStringLiteral("threads");
        return tasks >= count(LaneKind::Thread) ? QStringLiteral("tasks")
                                                : QStringLiteral("threads or tasks");
    }
};

} // namespace raceway
