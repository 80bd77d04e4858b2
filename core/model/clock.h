#pragma once

#include <chrono>
#include <cstdint>

namespace raceway {

// One timebase for every thread and every worker process on the machine: CLOCK_MONOTONIC in
// nanoseconds. Events are stamped with it at the moment they happen, never at collection.
inline std::int64_t nowNs() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace raceway
