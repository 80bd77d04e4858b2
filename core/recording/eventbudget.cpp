#include "eventbudget.h"

#include <algorithm>
#include <unistd.h>

namespace raceway::eventbudget {

std::uint64_t physicalMemory()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0) return std::uint64_t(1) << 30; // unknown: assume a small machine
    return std::uint64_t(pages) * std::uint64_t(size);
}

std::uint64_t defaultBudget()
{
    return std::clamp<std::uint64_t>(physicalMemory() / 4 / bytesPerEvent, minBudget, defaultCap);
}

std::uint64_t maxBudget()
{
    return std::max<std::uint64_t>(physicalMemory() / 2 / bytesPerEvent, minBudget);
}

} // namespace raceway::eventbudget
