#include "threadlane.h"

#include "markerspainter.h"
#include "summarypainter.h"

namespace raceway {

void ThreadLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    paintStates(ctx, p, lane, r, style());
    paintPastBudget(ctx, p, lane, r);
    // Over the summary: a badge of lost updates just before the budget keeps its number whole (drawn
    // first, the summary cut it: "281425|85" at 64 threads).
    paintMarkers(ctx, p, lane, r);
}

} // namespace raceway
