#pragma once

#include "trace.h"

#include <cstdint>
#include <optional>

namespace raceway {

// What is under a point of the painted timeline.
struct TimelineHit
{
    int lane = -1;
    std::int64_t time = 0; // absolute ns
    std::optional<Interval> interval;
    int markers = 0;         // lost-update markers within a few pixels
    std::int64_t erased = 0; // their summed counts
    std::optional<Marker> nearest;
    std::optional<SeriesPoint> value; // counter and lock lanes: the series value at `time`
    std::optional<Instant> instant;   // the nearest marked moment within a few pixels
};

} // namespace raceway
