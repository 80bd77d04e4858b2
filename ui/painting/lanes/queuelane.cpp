#include "queuelane.h"

#include "barspainter.h"
#include "results.h"

#include <QLocale>

namespace raceway {

void QueueLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    paintBars(ctx, p, lane, r.adjusted(0, 2, 0, -2), seriesMost(lane), ctx.palette.waitersFill,
              r.height() - 4);
}

void QueueLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &text) const
{
    paintNameAndScale(
        ctx, p, lane, text,
        QStringLiteral("bar top: %1 queued").arg(QLocale().toString(qlonglong(seriesMost(lane)))));
}

void QueueLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    entries.add(LegendEntries::Queue, {LegendItem::Bar, entries.palette().waitersFill,
                                       QStringLiteral("tasks waiting in the queue")});
}

QString QueueLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.a, QStringLiteral("task"), QStringLiteral("tasks")) +
           QStringLiteral(" waiting for a free thread");
}

} // namespace raceway
