#include "semaphorelane.h"

#include "barspainter.h"
#include "results.h"

#include <QLocale>

namespace raceway {

void SemaphoreLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    const std::int64_t inside = seriesMost(lane, true), waiting = seriesMost(lane);
    const QRect body = r.adjusted(0, 1, 0, -1);
    paintBars(ctx, p, lane, body, inside, ctx.palette.state(State::Holding), body.height(), true);
    // Waiters over the top third, scaled to every thread that could wait.
    const int threads = std::max(1, ctx.layout.summary.count(LaneKind::Thread));
    paintBars(ctx, p, lane, body, std::max<std::int64_t>(waiting, threads), ctx.palette.waitersFill,
              body.height() / 3, false, true);
}

void SemaphoreLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                               const QRect &text) const
{
    paintNameAndScale(
        ctx, p, lane, text,
        QStringLiteral("bar top: %1 inside").arg(QLocale().toString(qlonglong(seriesMost(lane, true)))));
}

void SemaphoreLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    entries.add(LegendEntries::Queue, {LegendItem::Bar, entries.palette().state(State::Holding),
                                       QStringLiteral("threads inside the semaphore")});
    entries.add(LegendEntries::Waiters, {LegendItem::Bar, entries.palette().waitersFill,
                                         QStringLiteral("threads waiting for a permit")});
    entries.addStates(1u << unsigned(State::Holding));
}

QString SemaphoreLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.b, QStringLiteral("thread"), QStringLiteral("threads")) +
           QStringLiteral(" inside, %1 waiting for a permit").arg(QLocale().toString(value.a));
}

} // namespace raceway
