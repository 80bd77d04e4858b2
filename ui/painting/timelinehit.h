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
    int markers = 0;           // lost-update markers within a few pixels (restoring writes included)
    std::int64_t erased = 0;   // what the lost updates among them erased
    int restoring = 0;         // how many of them were restoring writes (a stale write putting some back)
    std::int64_t restored = 0; // and what those put back
    std::optional<Marker> nearest;
    std::optional<SeriesPoint> value; // counter and lock lanes: the series value at `time`
    std::optional<Instant> instant;   // the nearest marked moment within a few pixels
    // Past the event budget, where the lane is drawn from its summary: the bucket under the mouse (-1:
    // none), or past its last bucket while the run goes on, the state it has been in since (`open`).
    int summaryBucket = -1;
    bool summaryOpen = false;
    int valueBucket = -1; // a value lane's summary (Lane::pastSeries): its bucket under the mouse
    // A slice lane: the row under the mouse (-1: none) and its slice there (-1: none).
    int sliceRow = -1;
    std::ptrdiff_t sliceIndex = -1;
    int taskGroup = -1; // a task group's lane (TimelineLayout::taskGroups) under the mouse; lane is then -1

    void count(const Marker &mk)
    {
        ++markers;
        if (mk.value >= 0) {
            erased += mk.value;
        } else {
            ++restoring;
            restored -= mk.value;
        }
    }
};

} // namespace raceway
