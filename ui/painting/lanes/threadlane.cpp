#include "threadlane.h"

#include "markerspainter.h"
#include "summarypainter.h"

namespace raceway {

void ThreadLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    paintStates(ctx, p, lane, r, style());
    paintMarkers(ctx, p, lane, r);
    paintPastBudget(ctx, p, lane, r);
}

} // namespace raceway
