#pragma once

#include "inklog.h"
#include "palette.h"
#include "timelinecoordinates.h"
#include "timelinelayout.h"
#include "trace.h"

namespace raceway {

// Everything a lane drawer needs for one frame, put together once by TimelinePainter and handed down
// to every lane (as Qt Creator's TrackPainterBase and Tracy's per-frame TimelineContext): the trace and
// its colours, the layout (computed once per change) and the visible window mapped onto the plot.
struct TimelineContext
{
    const Trace &trace;
    const TimelinePalette &palette;
    const TimelineLayout &layout;
    coords::Mapping mapping;
    qreal dpr = 1;         // device pixels per layout pixel: pre-drawn glyphs are made this much finer
    InkLog *ink = nullptr; // what the lanes lay down, for the legend (none for hit tests)

    void inked(const QColor &colour) const
    {
        if (ink) ink->fill(colour);
    }
};

} // namespace raceway
