#pragma once

#include "trace.h"

#include <array>
#include <cstdint>
#include <vector>

namespace raceway {

// What each thread or process lane did inside a time range: the time in every state (clipped to the
// range), how many waits for a lock or the GIL began in it and the longest of them (its part inside
// the range), and the lost updates its writes caused there.
struct LaneRangeStats
{
    std::size_t lane = 0;
    std::array<std::int64_t, stateCount> ns{}; // by State
    std::int64_t waits = 0;
    std::int64_t longestWaitNs = 0;
    std::int64_t lossyWrites = 0;
    std::int64_t lostUpdates = 0; // increments erased (net of any given back)

    std::int64_t in(State s) const { return ns[std::size_t(s)]; }
    std::int64_t waitingNs() const { return in(State::Waiting) + in(State::WaitingGil); }
};

// [start, end) in absolute ns; thread and process lanes only, in lane order.
std::vector<LaneRangeStats> rangeStats(const Trace &trace, std::int64_t start, std::int64_t end);

} // namespace raceway
