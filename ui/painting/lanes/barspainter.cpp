#include "barspainter.h"

#include "columnsearch.h"
#include "rasterfill.h"
#include "vectorshapes.h"

namespace raceway {

void paintBars(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r,
               std::int64_t fullScale, const QColor &colour, int maxHeight, bool second, bool fromTop)
{
    const coords::Mapping &m = ctx.mapping;
    const auto &S = lane.series;
    if (S.empty()) return;
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    QVector<QRect> bars;
    auto it = S.begin();
    const SeriesSummary &past = lane.pastSeries;
    const std::int64_t last = ctx.trace.end();
    // Its readings stop where its summary begins: from there, the summary's blocks.
    const std::int64_t stop = past.started() ? std::min(past.start(), last) : last;
    const auto heightOf = [&](std::int64_t v) {
        return std::clamp(
            int(std::lround(double(v) * maxHeight / double(std::max<std::int64_t>(1, fullScale)))), 1,
            maxHeight);
    };
    for (int x = 0; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x);
        if (t > stop || (past.started() && t >= stop)) break;
        it = gallop(it, S.end(), t, before);
        if (it == S.begin()) continue;
        --it;
        const std::int64_t v = second ? it->b : it->a;
        if (v <= 0) continue;
        const int h = heightOf(v);
        bars.append(QRect(r.left() + x, fromTop ? r.top() : r.bottom() - h, 1, h));
    }
    // Past the budget, each block (two pixels wide at least) as its range: solid up to the least the
    // channel held in it, lighter up to the most.
    QVector<QRect> bands;
    if (past.started() && past.start() < m.end) {
        const auto xOf = [&](std::int64_t t) {
            return int(std::lround(std::clamp(m.toX(t), double(r.left()) - 1, double(r.right()) + 2)));
        };
        std::int64_t low = INT64_MAX, high = INT64_MIN;
        int from = -1;
        const auto flush = [&](int x1) {
            if (from < 0 || x1 <= from) return;
            const int w = x1 - from;
            if (high > 0) {
                const int hh = heightOf(high), hl = low > 0 ? heightOf(low) : 0;
                if (hl > 0) bars.append(QRect(from, fromTop ? r.top() : r.bottom() - hl, w, hl));
                if (hh > hl) bands.append(QRect(from, fromTop ? r.top() + hl : r.bottom() - hh, w, hh - hl));
            }
            low = INT64_MAX;
            high = INT64_MIN;
            from = -1;
        };
        const std::int64_t end = std::min(past.end(), last);
        for (std::size_t i = 0; i < past.size(); ++i) {
            const std::int64_t b0 = std::max(past.bucketStart(i), past.start());
            const std::int64_t b1 = std::min(past.bucketStart(i) + past.width(), end);
            if (b1 <= m.start || b1 <= b0) continue;
            if (b0 >= m.end) break;
            const SeriesSummary::Channel &c = second ? past.bucket(i).b : past.bucket(i).a;
            if (from < 0) from = std::max(r.left(), xOf(b0));
            low = std::min(low, c.low);
            high = std::max(high, c.high);
            if (const int x1 = std::min(r.right() + 1, xOf(b1)); x1 - from >= 2) flush(x1);
        }
        flush(std::max(from + 1, std::min(r.right() + 1, xOf(end))));
        // While the run goes on: the last value up to the live edge.
        if (const std::int64_t v = second ? past.lastB() : past.lastA(); end < last && v > 0) {
            const int x0 = std::max(r.left(), xOf(end)), x1 = std::min(r.right() + 1, xOf(last));
            const int h = heightOf(v);
            if (x1 > x0) bars.append(QRect(x0, fromTop ? r.top() : r.bottom() - h, x1 - x0, h));
        }
    }
    if (!bands.isEmpty()) {
        QColor light = colour;
        light.setAlpha(110);
        p.save();
        p.setPen(Qt::NoPen);
        p.setBrush(light);
        p.drawRects(bands);
        p.restore();
        ctx.inked(colour);
    }
    if (!bars.isEmpty()) ctx.inked(colour);
    p.save();
    p.setPen(Qt::NoPen);
    if (isVectorDevice(p)) {
        fillColumns(p, bars, colour);
    } else if (!fillOpaqueRects(p, bars, colour)) {
        p.setBrush(colour);
        p.drawRects(bars);
    }
    p.restore();
}

const SeriesPoint *firstAt(const TimelineContext &ctx, const Lane &lane, std::int64_t value, bool second)
{
    const auto &S = lane.series;
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    auto it = std::upper_bound(S.begin(), S.end(), ctx.mapping.start, before);
    if (it != S.begin()) --it; // the value in force where the window starts
    const auto end = std::upper_bound(it, S.end(), ctx.mapping.end, before);
    for (; it != end; ++it)
        if ((second ? it->b : it->a) == value) return &*it;
    return nullptr;
}

std::int64_t seriesMost(const Lane &lane, bool second)
{
    std::int64_t most = 1;
    // (Where a summary goes on, only the readings before it: a saved run replays a few more there.)
    const std::int64_t until = lane.pastSeries.started() ? lane.pastSeries.start() : INT64_MAX;
    for (const SeriesPoint &pt : lane.series) // short: two points per use, next to the thread lanes
        if (pt.t < until) most = std::max(most, second ? pt.b : pt.a);
    if (lane.pastSeries.started())
        most = std::max(most, second ? lane.pastSeries.highB() : lane.pastSeries.highA());
    return most;
}

} // namespace raceway
