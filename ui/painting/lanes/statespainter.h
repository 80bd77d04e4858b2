#pragma once

#include "timelinecontext.h"

#include <QPainter>
#include <QRect>

namespace raceway {

// How a lane of states differs from a thread's.
struct StateStyle
{
    bool runningByCore = false; // running is drawn in the colour of the core it ran on (process lanes)
    bool heldAsRunning = false; // held is drawn as running (the cores view: a process runs on the core)
};

// A lane's state intervals, level of detail included: it walks pixel columns, not transitions. A column
// covered by one state jumps straight to the column of the next transition; a column holding several
// is drawn in the state that fills most of it.
void paintStates(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r,
                 StateStyle style = {});

} // namespace raceway
