#include "queuelane.h"

#include "barspainter.h"
#include "results.h"

#include <QLocale>
#include <QRegularExpression>

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

void QueueLane::callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                         std::vector<Callout> &out) const
{
    // Where the queue first held the most: "full: 4 of 4 queued" when that is its capacity (from the
    // lane's name, "queue (capacity 4)").
    const Lane &lane = ctx.trace.lane(index);
    const std::int64_t most = seriesMost(lane);
    const SeriesPoint *first = firstAt(ctx, lane, most, false);
    if (!first) return;
    static const QRegularExpression limitPattern(
        QStringLiteral("capacity ([0-9][0-9,.]*)")); // compiled once, not per frame
    const QLocale l;
    const QRegularExpressionMatch capacity = limitPattern.match(lane.name);
    QString text = QStringLiteral("most queued: %1").arg(l.toString(qlonglong(most)));
    if (capacity.hasMatch())
        text = (l.toString(qlonglong(most)) == capacity.captured(1) ? QStringLiteral("full: %1 of %2 queued")
                                                                    : QStringLiteral("most queued: %1 of %2"))
                   .arg(l.toString(qlonglong(most)), capacity.captured(1));
    out.push_back({QPointF(std::max(double(r.left()), ctx.mapping.toX(first->t)), r.top() + 2), text});
}

QString QueueLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.a, QStringLiteral("task"), QStringLiteral("tasks")) +
           QStringLiteral(" waiting for a free thread");
}

} // namespace raceway
