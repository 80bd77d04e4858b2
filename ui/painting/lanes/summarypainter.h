#pragma once

#include "timelinecontext.h"

#include <QPainter>
#include <QRect>

namespace raceway {

// A lane past the event budget (Lane::pastBudget): from where its summary begins, each bucket is drawn
// as stripes one above the other, each state's height its share of the bucket's time (a lock's or an
// event's time free left empty), and a red line along the bottom where its writes erased updates. Buckets too
// narrow for a pixel are drawn together; zoomed in, a bucket stays one block (its width is the resolution,
// nothing finer is known).
void paintPastBudget(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r);

// The widest bucket any lane's summary has (0: none has one), for the picture's note.
std::int64_t summaryResolution(const Trace &trace);

} // namespace raceway
