#pragma once

#include "trace.h"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace raceway {

// One stretch of the critical path: `lane` was in `state` from start to end, and nothing else was
// holding the end back then.
struct PathSegment
{
    std::size_t lane = 0;
    State state = State::Idle; // Idle before the lane's thread began
    std::int64_t start = 0, end = 0;
    std::int64_t ns() const { return end - start; }
};

// Why the run (or one thread) ended when it did, walked back from that end to the trace's start: along
// the thread's own running, sleeping and waiting for a core, and, where it waited for a lock or the GIL
// that another thread handed it, over to that thread from the moment it let go (the wait before that
// moment was that thread's doing). Contiguous, in time order: the durations add up to end - start.
// Without `lane`, the thread or process that finished last.
struct PathShare
{
    std::size_t lane = 0;
    State state = State::Idle;
    std::int64_t ns = 0;
};
struct CriticalPath
{
    // The segments nearest the end, in time order: all of them, or the last `keep` (a lock handed to
    // and fro millions of times makes a path of millions).
    std::vector<PathSegment> segments;
    std::size_t total = 0;           // segments in the whole path
    std::int64_t start = 0, end = 0; // the whole path's
    std::vector<PathShare> shares;   // the whole path's time per lane and state, largest first
    bool complete() const { return segments.size() == total; }
};
CriticalPath criticalPath(const Trace &trace, std::optional<std::size_t> lane = std::nullopt,
                          std::size_t keep = SIZE_MAX);

} // namespace raceway
