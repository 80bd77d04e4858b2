#pragma once

#include <cstdint>

// How many events a run may record: enough to watch millions of increments, never more than the
// machine's memory holds comfortably. The figures are the event store's measured peak cost per event
// (BM_PeakBytesPerEvent keeps it honest).
namespace raceway::eventbudget {

constexpr std::uint64_t bytesPerEvent = 24;
constexpr std::uint64_t minBudget = 4096;
constexpr std::uint64_t defaultCap = 50'000'000;

std::uint64_t physicalMemory();
// A quarter of physical memory at most, and no more than defaultCap.
std::uint64_t defaultBudget();
// The largest budget accepted: half of physical memory.
std::uint64_t maxBudget();

} // namespace raceway::eventbudget
