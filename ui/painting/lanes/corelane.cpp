#include "corelane.h"

#include "barspainter.h"

#include <QLocale>

namespace raceway {

void CoreLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    // Busy per mille, full height at 100 %. One colour for every core (the lane's name says which):
    // the cores' own hues mean "a process running on this cpu" on process lanes.
    paintBars(ctx, p, ctx.trace.lane(index), r.adjusted(0, 2, 0, -2), 1000, ctx.palette.coreBusy,
              r.height() - 4);
}

void CoreLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    entries.add(LegendEntries::CoreBusy, {LegendItem::Bar, entries.palette().coreBusy,
                                          QStringLiteral("core busy (from /proc/stat, 10 ms ticks)")});
}

QString CoreLane::describeValue(const SeriesPoint &value) const
{
    return QStringLiteral("%1% busy in this sample (/proc/stat counts in 10 ms ticks)")
        .arg(QLocale().toString(double(value.a) / 10, 'f', 1));
}

void ObserverLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    paintBars(ctx, p, ctx.trace.lane(index), r.adjusted(0, 2, 0, -2), 1000, ctx.palette.observerBusy,
              r.height() - 4);
}

void ObserverLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                              const QRect &text) const
{
    // Its scale is the share of all cores; the label says what it came to over the run.
    const auto &s = lane.series;
    double weighted = 0, span = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const std::int64_t until = i + 1 < s.size() ? s[i + 1].t : std::max(s[i].t, ctx.trace.end());
        weighted += double(s[i].a) * double(until - s[i].t);
        span += double(until - s[i].t);
    }
    const double percent = span > 0 ? weighted / span / 10 : 0;
    paintNameAndScale(
        ctx, p, lane, text,
        QStringLiteral("mean %1 % of all cores").arg(QLocale().toString(percent, 'f', percent < 10 ? 1 : 0)));
}

void ObserverLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    entries.add(LegendEntries::CoreBusy,
                {LegendItem::Bar, entries.palette().observerBusy,
                 QStringLiteral("Raceway's own threads (share of all cores, from /proc schedstat)")});
}

QString ObserverLane::describeValue(const SeriesPoint &value) const
{
    return QStringLiteral("Raceway's own threads (collector, samplers, window) used %1% of all cores in "
                          "this sample")
        .arg(QLocale().toString(double(value.a) / 10, 'f', 1));
}

} // namespace raceway
