#include "semaphorelane.h"

#include "barspainter.h"
#include "results.h"

#include <QLocale>
#include <QRegularExpression>

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
    // The bars of threads inside are holding's colour: the holding entry ("holding a permit") explains
    // them, and the lane's label says what their full height stands for.
    entries.add(LegendEntries::Waiters,
                {LegendItem::Bar, entries.palette().waitersFill,
                 entries.summary().waiters() + QStringLiteral(" waiting for a permit")});
    entries.addStates(1u << unsigned(State::Holding));
}

void SemaphoreLane::callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                             std::vector<Callout> &out) const
{
    // Where it first filled up: "3 of 3 permits in use" (the permits from the lane's name, which says
    // its limit, "3-permit semaphore"; a name that does not gets "3 inside at once").
    const Lane &lane = ctx.trace.lane(index);
    const std::int64_t most = seriesMost(lane, true);
    const SeriesPoint *first = firstAt(ctx, lane, most, true);
    if (!first) return;
    static const QRegularExpression limitPattern(
        QStringLiteral("^([0-9][0-9,.]*)-permit")); // compiled once, not per frame
    const QLocale l;
    const QRegularExpressionMatch limit = limitPattern.match(lane.name);
    const QString text =
        limit.hasMatch()
            ? QStringLiteral("%1 of %2 permits in use").arg(l.toString(qlonglong(most)), limit.captured(1))
            : QStringLiteral("%1 inside at once").arg(l.toString(qlonglong(most)));
    out.push_back({QPointF(std::max(double(r.left()), ctx.mapping.toX(first->t)), r.top() + 2), text});
}

QString SemaphoreLane::describeValue(const SeriesPoint &value) const
{
    return countOf(value.b, QStringLiteral("thread"), QStringLiteral("threads")) +
           QStringLiteral(" inside, %1 waiting for a permit").arg(QLocale().toString(value.a));
}

} // namespace raceway
