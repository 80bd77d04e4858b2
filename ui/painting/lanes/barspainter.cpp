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
    const std::int64_t last = ctx.trace.end();
    for (int x = 0; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x);
        if (t > last) break;
        it = gallop(it, S.end(), t, before);
        if (it == S.begin()) continue;
        --it;
        const std::int64_t v = second ? it->b : it->a;
        if (v <= 0) continue;
        const int h =
            std::clamp(int(std::lround(double(v) * maxHeight / double(std::max<std::int64_t>(1, fullScale)))),
                       1, maxHeight);
        bars.append(QRect(r.left() + x, fromTop ? r.top() : r.bottom() - h, 1, h));
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
    for (const SeriesPoint &pt : lane.series) // short: two points per use, next to the thread lanes
        most = std::max(most, second ? pt.b : pt.a);
    return most;
}

} // namespace raceway
