#pragma once

#include "timelinecontext.h"

#include <QColor>
#include <QPainter>
#include <QRect>

namespace raceway {

// A lane's series as one bar per pixel column rising from the bottom of `r`, `fullScale` reaching
// maxHeight: a core's load, a queue's length, the threads waiting for a lock.
// `second` reads the series' second channel (a semaphore's threads inside); `fromTop` hangs the bars.
void paintBars(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r,
               std::int64_t fullScale, const QColor &colour, int maxHeight, bool second = false,
               bool fromTop = false);
// The most a lane's series channel ever reached (`second`: its second channel), at least 1: the full
// scale of its bars, and the number its label gives for it.
std::int64_t seriesMost(const Lane &lane, bool second = false);
// The first point of the series, in the visible window (or in force where it starts), whose channel
// holds `value`; null when none does.
const SeriesPoint *firstAt(const TimelineContext &ctx, const Lane &lane, std::int64_t value, bool second);

} // namespace raceway
