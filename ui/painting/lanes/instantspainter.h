#pragma once

#include "lanedrawer.h"
#include "legendentries.h"
#include "timelinecontext.h"

#include <QPainter>
#include <QRect>
#include <QString>

namespace raceway {

// A lane's marked moments (ticks, overdrafts, printed lines, is_alive() checks, cut-offs, deadlocks):
// one small glyph each, at most one per kind per pixel column, and for a deadlock the cycle itself
// drawn across the lanes it runs through (waiter, lock, holder, around).
void paintInstants(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r);
// The glyph of one kind centred on (x, y) at `size` pixels: lanes and the legend draw the same.
void paintInstantGlyph(QPainter &p, MarkKind kind, std::int64_t value, double x, double y, double size,
                       const TimelinePalette &palette);
// The marks' key facts: the first deadlock in the window with its cycle in words, beside its mark.
void instantCallouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                     std::vector<Callout> &out);
// What the lane's marks add to the legend.
void legendInstants(const Lane &lane, LegendEntries &entries);
// The tooltip line for one mark on `lane`.
QString describeInstant(const Trace &trace, std::size_t lane, const Instant &in);

} // namespace raceway
