#include "signallane.h"

#include "barspainter.h"
#include "results.h"
#include "statespainter.h"
#include "summarypainter.h"

namespace raceway {

void SignalLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    paintStates(ctx, p, lane, r);
    paintPastBudget(ctx, p, lane, r); // held or set: its share of each bucket
    const int threads = std::max(1, ctx.layout.summary.count(LaneKind::Thread));
    paintBars(ctx, p, lane, r, threads, ctx.palette.waitersFill, r.height() / 3);
}

void SignalLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    if ((lane.statesSeen | lane.pastBudget.statesSeen()) & (1u << unsigned(State::Set)))
        entries.add(LegendEntries::States + 50,
                    {LegendItem::Swatch, entries.palette().state(State::Set), QStringLiteral("event set")});
    if (!lane.series.empty())
        entries.add(LegendEntries::Waiters,
                    {LegendItem::Bar, entries.palette().waitersFill,
                     entries.summary().waiters() + QStringLiteral(" waiting on the event")});
}

QString SignalLane::describeState(const Trace &trace, const Lane &, const Interval &iv) const
{
    const QString who = iv.obj < trace.lanes().size() ? trace.lane(iv.obj).name : QString();
    if (iv.state == State::Set)
        return who.isEmpty() ? QStringLiteral("set") : QStringLiteral("set by %1").arg(who.toHtmlEscaped());
    if (iv.state == State::Free)
        return who.isEmpty() ? QStringLiteral("clear")
                             : QStringLiteral("clear (cleared by %1)").arg(who.toHtmlEscaped());
    return stateName(iv.state);
}

QString SignalLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.a, QStringLiteral("thread"), QStringLiteral("threads")) +
           QStringLiteral(" waiting on it");
}

} // namespace raceway
