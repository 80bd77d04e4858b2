#pragma once

// Pieces every racing workload shares: the word a logical race is run on, the CPU work that cannot be
// optimised away, and CPU-time clocks.

#include <cstdint>
#include <ctime>

namespace raceway::racy {

// The shared word: the value in the low 56 bits, 1 + the last writer's lane (or worker number) in the
// top 8. An exchange returns the word it overwrote: its value minus the value this writer read is how
// many increments the write erased, and its top byte says whose write was overwritten.
constexpr int writerShift = 56;
constexpr std::uint64_t valueMask = (std::uint64_t(1) << writerShift) - 1;
constexpr std::uint64_t tag(unsigned writer)
{
    return std::uint64_t(writer) << writerShift;
}
constexpr std::uint64_t value(std::uint64_t word)
{
    return word & valueMask;
}
constexpr std::uint8_t writer(std::uint64_t word)
{
    return std::uint8_t(word >> writerShift);
}
constexpr std::int64_t erased(std::uint64_t overwritten, std::uint64_t read)
{
    return std::int64_t(value(overwritten)) - std::int64_t(read);
}

// A chain of multiply-xorshift steps: each depends on the last, so the compiler can neither drop nor
// vectorise it. Callers publish the result somewhere.
inline std::uint64_t churn(std::uint64_t x, int steps)
{
    for (int i = 0; i < steps; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        x ^= x >> 29;
    }
    return x;
}

inline std::int64_t cpuClockNs(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
inline std::int64_t threadCpuNs()
{
    return cpuClockNs(CLOCK_THREAD_CPUTIME_ID);
}
inline std::int64_t processCpuNs()
{
    return cpuClockNs(CLOCK_PROCESS_CPUTIME_ID);
}

} // namespace raceway::racy
