#include "counterlane.h"

#include "columnsearch.h"
#include "vectorshapes.h"

#include <QLocale>

#include <cmath>

namespace raceway {

void CounterLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    const coords::Mapping &m = ctx.mapping;
    const auto &S = lane.series;
    if (S.empty()) return;
    // From the lowest value held (zero, or below it for a balance) to the highest.
    const std::int64_t low = std::min<std::int64_t>(0, lane.seriesLow);
    const std::int64_t top = std::max<std::int64_t>(low + 1, lane.seriesHigh);
    const double y0 = r.bottom() - 3, scale = double(r.height() - 8) / double(top - low);
    auto yOf = [&](std::int64_t v) { return int(std::lround(y0 - double(v - low) * scale)); };
    auto less = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    // One vertical segment per pixel column for each line (from the previous column's value to this
    // one's), and one rectangle for the gap between them: no path stroking, however long the series.
    QVector<QLine> expected, actual;
    QVector<QRect> gap;
    const std::int64_t lastT = std::max(ctx.trace.end(), S.back().t);
    const int firstX = std::max(0, int(std::floor(double(S.front().t - m.start) / m.nsPerPixel())));
    auto it = S.begin();
    int prevA = -1, prevB = -1;
    for (int x = firstX; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x + 1);
        if (m.toTime(r.left() + x) > lastT) break;
        it = gallop(it, S.end(), t, less);
        const SeriesPoint &pt = it == S.begin() ? S.front() : *(it - 1);
        const int ya = yOf(pt.a), yb = yOf(pt.b);
        const int px = r.left() + x;
        expected.append(QLine(px, prevA < 0 ? ya : prevA, px, ya));
        actual.append(QLine(px, prevB < 0 ? yb : prevB, px, yb));
        if (yb > ya + 1) gap.append(QRect(px, ya + 1, 1, yb - ya - 1));
        prevA = ya;
        prevB = yb;
        if (it != S.begin()) --it;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    if (isVectorDevice(p)) {
        // The gap as one polygon and each line as one polyline. Square caps and mitred corners make
        // the polyline's stroke cover what the separate segments' strokes cover.
        fillColumns(p, gap, ctx.palette.lostArea);
        p.setBrush(Qt::NoBrush);
        for (const auto &[segments, colour] :
             {std::pair{&expected, ctx.palette.expectedLine}, std::pair{&actual, ctx.palette.actualLine}}) {
            p.setPen(QPen(colour, 2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            const QPolygon line = joinSegments(*segments);
            if (line.size() >= 2)
                p.drawPolyline(line);
            else
                p.drawLines(*segments);
        }
        p.restore();
        return;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(ctx.palette.lostArea);
    p.drawRects(gap);
    p.setPen(QPen(ctx.palette.expectedLine, 2));
    p.drawLines(expected);
    p.setPen(QPen(ctx.palette.actualLine, 2));
    p.drawLines(actual);
    p.restore();
}

void CounterLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                             const QRect &text) const
{
    const QLocale locale;
    const SeriesPoint last = lane.series.empty() ? SeriesPoint{} : lane.series.back();
    paintName(p, lane.name, text.adjusted(0, 4, 0, 0), Qt::AlignTop);
    QFont small = p.font();
    small.setPixelSize(11);
    p.setFont(small);
    p.setPen(ctx.palette.expectedLine);
    p.drawText(text.adjusted(0, 24, 0, 0), Qt::AlignTop | Qt::AlignLeft,
               QStringLiteral("expected ") + locale.toString(qlonglong(last.a)));
    p.setPen(ctx.palette.actualLine.darker(ctx.palette.background.lightness() > 128 ? 130 : 100));
    p.drawText(text.adjusted(0, 40, 0, 0), Qt::AlignTop | Qt::AlignLeft,
               QStringLiteral("actual ") + locale.toString(qlonglong(last.b)));
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
}

QString CounterLane::describeValue(const SeriesPoint &value) const
{
    const QLocale l;
    return QStringLiteral("expected %1, actual %2, lost so far %3")
        .arg(l.toString(qlonglong(value.a)), l.toString(qlonglong(value.b)),
             l.toString(qlonglong(value.a - value.b)));
}

} // namespace raceway
