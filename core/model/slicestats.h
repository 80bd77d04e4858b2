#pragma once

#include "trace.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace raceway {

// Named slices in a range, by name, as a profiler's table: how many, their time and their self time
// (what none of their children took), each clipped to the range. A name that calls itself counts its
// nested time once per level, as other profilers' "total" does.
struct SliceTotals
{
    QString name;
    std::int64_t count = 0, totalNs = 0, selfNs = 0, longestNs = 0;
};

// [start, end) absolute ns; every lane; largest total first (then by name).
std::vector<SliceTotals> sliceTotals(const Trace &trace, std::int64_t start, std::int64_t end);

} // namespace raceway
