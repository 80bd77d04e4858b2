#include "locklane.h"

#include "barspainter.h"
#include "results.h"
#include "statespainter.h"
#include "summarypainter.h"

namespace raceway {

void LockLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    paintStates(ctx, p, lane, r);
    paintPastBudget(ctx, p, lane, r); // held or set: its share of each bucket
    // Bars scale to the number of lanes that could queue for the lock.
    const int queuers =
        ctx.layout.summary.count(LaneKind::Thread) + ctx.layout.summary.count(LaneKind::Process);
    paintBars(ctx, p, lane, r, std::max<std::int64_t>(1, queuers), ctx.palette.waitersFill, r.height() / 3);
}

void LockLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    // Threads' lanes show holding a lock in the colour that the lock's lane shows being held in.
    if ((lane.statesSeen | lane.pastBudget.statesSeen()) & (1u << unsigned(State::Held)))
        entries.addStates(1u << unsigned(State::Holding));
    if (!lane.series.empty())
        entries.add(LegendEntries::Waiters,
                    {LegendItem::Bar, entries.palette().waitersFill,
                     entries.summary().waiters() + QStringLiteral(" queued for the lock")});
}

QString LockLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.a, QStringLiteral("thread"), QStringLiteral("threads")) + QStringLiteral(" queued");
}

} // namespace raceway
