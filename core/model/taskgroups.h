#pragma once

#include "trace.h"

#include <QString>

#include <array>
#include <cstdint>
#include <vector>

namespace raceway {

// asyncio tasks that run the same coroutine function in one process ("task Task-12 (worker)", "task
// Task-13 (worker)", ...): drawn as one lane counting how many of them are in each state, when there are
// more than a handful. 200 tasks as 200 lanes made a picture 5,000 pixels tall in which no lane said
// anything; their counts say what they did together (199 waiting for the lock while one holds it).
struct TaskGroup
{
    QString key;   // what the members share: the process's prefix and the coroutine ("worker")
    QString label; // "200 tasks (worker)"
    std::vector<std::size_t> members; // trace lanes, in the trace's order
};

constexpr std::size_t minGroupedTasks = 8; // fewer are drawn lane by lane

// The task groups of a trace, in the order of their first members. `minMembers` as above.
std::vector<TaskGroup> taskGroups(const Trace &trace, std::size_t minMembers = minGroupedTasks);
// The key a lane's name gives it ("" for a lane that is not a task running a named coroutine).
QString taskGroupKey(const Lane &lane);

// How many members were in each state, on average over each of `columns` equal parts of [start, end):
// time in a state summed over the members, divided by the part's length. A member counts from its first
// transition; past the event budget, by its summary's shares of each bucket (spread evenly over it).
using StateCounts = std::array<float, stateCount>;
void countStates(const Trace &trace, const std::vector<std::size_t> &members, std::int64_t start,
                 std::int64_t end, int columns, std::vector<StateCounts> &out);

// The same at one moment: how many members were in each state at t (exact where events were kept).
StateCounts statesAt(const Trace &trace, const std::vector<std::size_t> &members, std::int64_t t);

} // namespace raceway
