#pragma once

#include "timelinecontext.h"

#include <QPainter>
#include <QRect>

namespace raceway {

// A lane past the event budget (Lane::pastBudget): from where its summary begins, each bucket is drawn
// as stripes one above the other, each state's height its share of the bucket's time, and a red line
// along the bottom where its writes erased updates. Buckets too narrow for a pixel are drawn together;
// zoomed in, a bucket stays one block (its width is the resolution, nothing finer is known).
void paintPastBudget(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r);

// Where a value lane goes on as a summary of its readings (Lane::pastSeries), its states (a lock's
// holder, an event's set) were not kept: from there they are cleared and hatched as not recorded.
void hatchPastStates(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r);

// The widest bucket any lane's summary has (0: none has one), for the picture's note.
std::int64_t summaryResolution(const Trace &trace);

} // namespace raceway
