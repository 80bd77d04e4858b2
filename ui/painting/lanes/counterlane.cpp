#include "counterlane.h"

#include "columnsearch.h"
#include "results.h"
#include "vectorshapes.h"

#include <QLocale>

#include <algorithm>

#include <cmath>

namespace raceway {
namespace {

// From the lowest value held (zero, or below it for a balance) to the highest.
struct ValueScale
{
    ValueScale(const Lane &lane, const QRect &r)
        : low(std::min<std::int64_t>(0, lane.seriesLow)),
          top(std::max<std::int64_t>(low + 1, lane.seriesHigh)), y0(r.bottom() - 3),
          scale(double(r.height() - 8) / double(top - low))
    {
    }
    int y(std::int64_t v) const { return int(std::lround(y0 - double(v - low) * scale)); }

    std::int64_t low, top;
    double y0, scale;
};

// A share in whole percent that never rounds some to none or most to all ("100 %" of 1,226,800 when
// 200 are left is not true).
QString percentOf(std::int64_t part, std::int64_t whole)
{
    const double share = 100.0 * double(part) / double(whole);
    const long rounded = std::clamp(std::lround(share), part > 0 ? 1L : 0L, part < whole ? 99L : 100L);
    return QString::number(rounded);
}

} // namespace

namespace {

// The series as one vertical segment per pixel column for each line (from the previous column's value
// to this one's), and one rectangle per column for the gap between them: no path stroking, however long
// the series. `second` null: the first channel alone (a value lane).
void columnLines(const TimelineContext &ctx, const Lane &lane, const QRect &r, const ValueScale &vs,
                 QVector<QLine> &first, QVector<QLine> *second, QVector<QRect> *gap)
{
    const coords::Mapping &m = ctx.mapping;
    const auto &S = lane.series;
    auto less = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    const std::int64_t lastT = std::max(ctx.trace.end(), S.back().t);
    const int firstX = std::max(0, int(std::floor(double(S.front().t - m.start) / m.nsPerPixel())));
    auto it = S.begin();
    int prevA = -1, prevB = -1;
    for (int x = firstX; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x + 1);
        if (m.toTime(r.left() + x) > lastT) break;
        it = gallop(it, S.end(), t, less);
        const SeriesPoint &pt = it == S.begin() ? S.front() : *(it - 1);
        const int ya = vs.y(pt.a), yb = vs.y(pt.b);
        const int px = r.left() + x;
        first.append(QLine(px, prevA < 0 ? ya : prevA, px, ya));
        prevA = ya;
        if (second) {
            second->append(QLine(px, prevB < 0 ? yb : prevB, px, yb));
            if (yb > ya + 1) gap->append(QRect(px, ya + 1, 1, yb - ya - 1));
            prevB = yb;
        }
        if (it != S.begin()) --it;
    }
}

// Each line as one polyline on a vector device (square caps and mitred corners make its stroke cover
// what the separate segments' strokes cover), else as its segments.
void strokeLines(QPainter &p, const std::vector<std::pair<const QVector<QLine> *, QColor>> &lines)
{
    p.setBrush(Qt::NoBrush);
    const bool vector = isVectorDevice(p);
    for (const auto &[segments, colour] : lines) {
        if (!vector) {
            p.setPen(QPen(colour, 2));
            p.drawLines(*segments);
            continue;
        }
        p.setPen(QPen(colour, 2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        const QPolygon line = joinSegments(*segments);
        if (line.size() >= 2)
            p.drawPolyline(line);
        else
            p.drawLines(*segments);
    }
}

// Where zero is, dashed, when the lane's values go below it: the lines under it read as negative.
// Under a value lane's numbers, `top` pixels down its label: what its bottom and its top stand for.
void paintScaleLine(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &text, int top)
{
    const ValueScale vs(lane, text);
    QFont f = p.font();
    f.setPixelSize(10);
    p.setFont(f);
    p.setPen(ctx.palette.mutedText);
    p.drawText(text.adjusted(0, top, 0, 0), Qt::AlignTop | Qt::AlignLeft,
               QStringLiteral("scale %1 to %2").arg(formatWhole(vs.low), formatWhole(vs.top)));
}

void paintZero(const TimelineContext &ctx, QPainter &p, const QRect &r, const ValueScale &vs)
{
    if (vs.low >= 0) return;
    p.save();
    p.setPen(QPen(ctx.palette.mutedText, 1, Qt::DashLine));
    p.drawLine(r.left(), vs.y(0), r.right(), vs.y(0));
    p.drawText(QRect(r.left() + 2, vs.y(0) - 14, 40, 13), Qt::AlignLeft | Qt::AlignBottom,
               QStringLiteral("0"));
    p.restore();
}

} // namespace

void CounterLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    if (lane.series.empty()) return;
    const ValueScale vs(lane, r);
    QVector<QLine> expected, actual;
    QVector<QRect> gap;
    columnLines(ctx, lane, r, vs, expected, &actual, &gap);
    if (!gap.isEmpty()) ctx.inked(ctx.palette.lostArea);
    if (!expected.isEmpty()) {
        ctx.inked(ctx.palette.expectedLine);
        ctx.inked(ctx.palette.actualLine);
    }
    paintZero(ctx, p, r, vs);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    if (isVectorDevice(p))
        fillColumns(p, gap, ctx.palette.lostArea); // one polygon
    else {
        p.setPen(Qt::NoPen);
        p.setBrush(ctx.palette.lostArea);
        p.drawRects(gap);
    }
    strokeLines(p, {{&expected, ctx.palette.expectedLine}, {&actual, ctx.palette.actualLine}});
    p.restore();
}

void CounterLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                             const QRect &text) const
{
    const SeriesPoint last = lane.series.empty() ? SeriesPoint{} : lane.series.back();
    paintName(p, lane.name, text.adjusted(0, 4, 0, 0), Qt::AlignTop);
    QFont small = p.font();
    small.setPixelSize(11);
    p.setFont(small);
    // Each number only where it fits whole (one cut at its foot reads wrong: 6,000,000 as 6.000.000); in
    // a lane too short for the usual spacing the two lines close up under the name.
    const int lineHeight = p.fontMetrics().height();
    int expectedTop = 24, actualTop = 40;
    if (actualTop + lineHeight > text.height()) {
        expectedTop = 19;
        actualTop = expectedTop + lineHeight;
    }
    p.setPen(ctx.palette.expectedLine);
    if (expectedTop + lineHeight <= text.height())
        p.drawText(text.adjusted(0, expectedTop, 0, 0), Qt::AlignTop | Qt::AlignLeft,
                   QStringLiteral("expected ") + formatWhole(last.a));
    p.setPen(ctx.palette.actualLine.darker(ctx.palette.background.lightness() > 128 ? 130 : 100));
    if (actualTop + lineHeight <= text.height())
        p.drawText(text.adjusted(0, actualTop, 0, 0), Qt::AlignTop | Qt::AlignLeft,
                   QStringLiteral("actual ") + formatWhole(last.b));
    if (text.height() >= 68 && !lane.series.empty()) paintScaleLine(ctx, p, lane, text, 56);
    small.setPixelSize(12);
    p.setFont(small);
}

void CounterLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    entries.add(LegendEntries::Counter,
                {LegendItem::Line, entries.palette().expectedLine, QStringLiteral("expected")});
    entries.add(LegendEntries::Counter,
                {LegendItem::Line, entries.palette().actualLine, QStringLiteral("actual")});
    // The area between the lines, where actual fell behind expected.
    const bool behind = std::any_of(lane.series.begin(), lane.series.end(),
                                    [](const SeriesPoint &pt) { return pt.b < pt.a; });
    if (behind)
        entries.add(LegendEntries::Counter, {LegendItem::Bar, entries.palette().lostArea,
                                             QStringLiteral("lost increments (expected − actual)")});
}

void CounterLane::callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                           std::vector<Callout> &out) const
{
    const Lane &lane = ctx.trace.lane(index);
    const auto &S = lane.series;
    const coords::Mapping &m = ctx.mapping;
    if (S.empty() || S.front().t > m.end) return;
    const ValueScale vs(lane, r);
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    const auto end = std::upper_bound(S.begin(), S.end(), m.end, before);
    // Where the window ends (or the run, if sooner): how much is lost by then.
    const SeriesPoint &last = *(end - 1);
    const double xEnd = std::min(double(r.right()), m.toX(std::max(last.t, ctx.trace.end())));
    if (xEnd > r.left() && last.a > last.b && last.a > 0) {
        QString text =
            QStringLiteral("lost %1 of %2 (%3\u00a0%)") // (a line may break before the share, not in it)
                .arg(formatWhole(last.a - last.b), formatWhole(last.a), percentOf(last.a - last.b, last.a));
        // Where threads were drawn waiting for a core, and the window reaches the run's end: how much of
        // it the writes right after such a wait erased (the others' net may be a giving back).
        const Trace &t = ctx.trace;
        if (t.erasedAfterCoreWait() != 0 && end == S.end()) {
            const std::int64_t other = t.erasedOtherwise();
            // Past the event budget the writes were not recorded: the split is of those before it.
            if (t.budgetReached() != 0)
                text +=
                    QStringLiteral("\nof the writes in the first %1 (the event budget):")
                        .arg(QString::fromStdString(coords::formatDuration(t.budgetReached() - t.start())));
            // Either side's net may be a giving back: said so, not as "erased −100".
            const auto net = [](std::int64_t n) {
                return n < 0 ? QStringLiteral("gave back %1").arg(formatWhole(-n))
                             : QStringLiteral("erased %1").arg(formatWhole(n));
            };
            text += QStringLiteral("\nwrites right after a wait for a core %1;\nthe other writes %2")
                        .arg(net(t.erasedAfterCoreWait()), net(other));
        }
        out.push_back({QPointF(xEnd - 3, (vs.y(last.a) + vs.y(last.b)) / 2.0), text});
    } else if (xEnd > r.left() && last.a == last.b && last.a > 0 && lane.seriesLow >= 0)
        // Exact (the lock on): the lines lie on each other, so say it in words.
        out.push_back({QPointF(xEnd - 3, vs.y(last.a)),
                       QStringLiteral("nothing lost: %1 of %1").arg(formatWhole(last.a))});
    // A balance (the actual value, not what the books expected) below zero: where it first went lowest
    // in the window.
    if (lane.seriesLow < 0) {
        auto it = std::upper_bound(S.begin(), end, m.start, before);
        if (it != S.begin()) --it;
        const SeriesPoint *lowest = nullptr;
        for (; it != end; ++it)
            if (it->b < 0 && (!lowest || it->b < lowest->b)) lowest = &*it;
        if (lowest)
            out.push_back({QPointF(std::max(double(r.left()), m.toX(lowest->t)), vs.y(lowest->b)),
                           QStringLiteral("%1 %2 here: below zero").arg(lane.name, formatWhole(lowest->b))});
    }
}

QString CounterLane::describeValue(const SeriesPoint &value) const
{
    const QLocale l;
    return QStringLiteral("expected %1, actual %2, lost so far %3")
        .arg(l.toString(qlonglong(value.a)), l.toString(qlonglong(value.b)),
             l.toString(qlonglong(value.a - value.b)));
}

void ValueLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    if (lane.series.empty()) return;
    const ValueScale vs(lane, r);
    QVector<QLine> line;
    columnLines(ctx, lane, r, vs, line, nullptr, nullptr);
    if (!line.isEmpty()) ctx.inked(ctx.palette.valueLine);
    paintZero(ctx, p, r, vs);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    strokeLines(p, {{&line, ctx.palette.valueLine}});
    p.restore();
}

void ValueLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &text) const
{
    paintName(p, lane.name, text.adjusted(0, 4, 0, 0), Qt::AlignTop);
    if (lane.series.empty()) return;
    QFont small = p.font();
    small.setPixelSize(11);
    p.setFont(small);
    p.setPen(ctx.palette.valueLine);
    if (24 + p.fontMetrics().height() <= text.height()) // whole or not at all, as the counter's numbers
        p.drawText(text.adjusted(0, 24, 0, 0), Qt::AlignTop | Qt::AlignLeft,
                   QStringLiteral("last ") + formatWhole(lane.series.back().a));
    if (text.height() >= 52) paintScaleLine(ctx, p, lane, text, 40);
    small.setPixelSize(12);
    p.setFont(small);
}

void ValueLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    if (!lane.series.empty())
        entries.add(LegendEntries::Counter,
                    {LegendItem::Line, entries.palette().valueLine, QStringLiteral("a watched value")});
}

void ValueLane::callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                         std::vector<Callout> &out) const
{
    const Lane &lane = ctx.trace.lane(index);
    const auto &S = lane.series;
    const coords::Mapping &m = ctx.mapping;
    if (S.empty() || S.front().t > m.end) return;
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    const auto end = std::upper_bound(S.begin(), S.end(), m.end, before);
    const SeriesPoint &last = *(end - 1);
    const double xEnd = std::min(double(r.right()), m.toX(std::max(last.t, ctx.trace.end())));
    if (xEnd > r.left())
        out.push_back({QPointF(xEnd - 3, ValueScale(lane, r).y(last.a)),
                       QStringLiteral("%1 = %2").arg(lane.name, formatWhole(last.a))});
}

QString ValueLane::describeValue(const SeriesPoint &value) const
{
    return QStringLiteral("value ") + formatWhole(value.a);
}

} // namespace raceway
