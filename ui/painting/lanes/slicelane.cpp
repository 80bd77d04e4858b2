#include "slicelane.h"

#include <QFontMetrics>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace raceway {

int SliceLane::laneBaseHeight(const Lane &lane) const
{
    return int(std::max<std::size_t>(1, lane.slices.depth())) * rowHeight + 2;
}

int SliceLane::laneMinimumHeight(const Lane &lane) const
{
    return int(std::max<std::size_t>(1, lane.slices.depth())) * 8 + 2; // a row still a bar at 8 px
}

std::pair<int, int> SliceLane::rowSpan(const Lane &lane, const QRect &r, std::size_t depth)
{
    const double rows = double(std::max<std::size_t>(1, lane.slices.depth()));
    const double h = double(r.height() - 1) / rows;
    const int top = r.top() + 1 + int(std::lround(double(depth) * h));
    const int bottom = r.top() + 1 + int(std::lround(double(depth + 1) * h)) - 1; // a pixel between rows
    return {top, std::max(1, bottom - top)};
}

int SliceLane::rowAt(const Lane &lane, const QRect &r, int y)
{
    for (std::size_t d = 0; d < lane.slices.depth(); ++d) {
        const auto [top, h] = rowSpan(lane, r, d);
        if (y >= top && y <= top + h) return int(d);
    }
    return -1;
}

void SliceLane::paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const
{
    const Lane &lane = ctx.trace.lane(index);
    const SliceStack &stack = lane.slices;
    const coords::Mapping &m = ctx.mapping;
    const TimelinePalette &pal = ctx.palette;
    if (stack.empty()) return;
    p.save();
    QFont font = p.font();
    const int textPx = std::clamp(rowSpan(lane, r, 0).second - 4, 7, 11);
    font.setPixelSize(textPx);
    p.setFont(font);
    const QFontMetrics fm(font);
    const int minTextWidth = fm.horizontalAdvance(QStringLiteral("abc…")) + 4; // three letters, or nothing
    const double left = double(r.left()), right = double(r.right() + 1);
    bool crowd = false, named = false;
    // Blocks of one colour that touch are filled as one rectangle: a dense row is a few fills, not one
    // per pixel.
    QRectF pending;
    QColor pendingColour;
    const auto fill = [&](const QRectF &box, const QColor &c) {
        if (!pending.isEmpty() && c == pendingColour && box.top() == pending.top() &&
            box.left() <= pending.right() + 0.01) {
            pending.setRight(std::max(pending.right(), box.right()));
            return;
        }
        if (!pending.isEmpty()) p.fillRect(pending, pendingColour);
        pending = box;
        pendingColour = c;
    };
    for (std::size_t d = 0; d < stack.depth(); ++d) {
        const auto [top, h] = rowSpan(lane, r, d);
        const std::vector<Slice> &row = stack.row(d);
        auto [k, last] = stack.visible(d, m.start, m.end);
        while (k < last) {
            const Slice &s = row[k];
            const double x0 = std::max(left, m.toX(s.start)), x1 = std::min(right, m.toX(s.end));
            if (x1 - x0 < 1.0) {
                // Narrower than a pixel: it and every slice that starts before the next pixel is one block.
                const double px = std::floor(x0);
                const std::int64_t next = m.toTime(px + 1.0);
                // Galloping from here: the next pixel's first slice is usually a few away.
                std::size_t lo = k + 1, step = 1;
                while (lo + step < last && row[lo + step].start < next) {
                    lo += step;
                    step *= 2;
                }
                auto it = std::lower_bound(row.begin() + std::ptrdiff_t(lo),
                                           row.begin() + std::ptrdiff_t(std::min(last, lo + step)), next,
                                           [](const Slice &x, std::int64_t t) { return x.start < t; });
                const std::size_t to = std::size_t(it - row.begin());
                const double end = std::min(right, std::max(px + 1.0, m.toX(row[to - 1].end)));
                const bool alone = to == k + 1;
                fill(QRectF(px, top, std::max(1.0, std::ceil(end) - px), h),
                     alone ? pal.slice(ctx.trace.sliceHueOf(s.name)) : pal.sliceCrowd);
                (alone ? named : crowd) = true;
                k = to;
                continue;
            }
            // A pixel's gap at its end where it is wide enough, so that two calls in a row read as two.
            const QRectF box(x0, top, x1 - x0 >= 3.0 ? x1 - x0 - 1.0 : x1 - x0, h);
            fill(box, pal.slice(ctx.trace.sliceHueOf(s.name)));
            named = true;
            if (x1 - x0 >= minTextWidth && h >= 8) {
                p.fillRect(pending, pendingColour); // the name goes over its own slice
                pending = QRectF();
                p.setPen(pal.sliceText);
                const QRectF text = box.adjusted(2, 0, -2, 0);
                p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                           fm.elidedText(ctx.trace.sliceName(s.name), Qt::ElideRight, int(text.width())));
            }
            ++k;
        }
    }
    if (!pending.isEmpty()) p.fillRect(pending, pendingColour);
    p.restore();
    if (named && ctx.ink) ctx.ink->slices = true;
    if (crowd) ctx.inked(pal.sliceCrowd);
}

void SliceLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &text) const
{
    const QLocale l;
    const std::size_t n = lane.slices.size(), deep = lane.slices.depth(), more = lane.slices.notKept();
    QString scale =
        QStringLiteral("%1 %2, %3 deep")
            .arg(l.toString(qulonglong(n)), n == 1 ? QStringLiteral("slice") : QStringLiteral("slices"),
                 l.toString(qulonglong(deep)));
    // Deeper than the rows allow: said, not hidden (a recursion 2,000 calls deep).
    if (more > 0) scale += QStringLiteral(" (+%1 deeper)").arg(l.toString(qulonglong(more)));
    paintNameAndScale(ctx, p, lane, text, scale);
}

void SliceLane::legend(const Lane &lane, LegendEntries &entries) const
{
    if (lane.slices.empty()) return;
    const TimelinePalette &pal = entries.palette();
    entries.add(LegendEntries::States,
                {LegendItem::Slices, pal.slice(210),
                 QStringLiteral("named slices: what the code was in, a colour per name, nested below")});
    entries.add(LegendEntries::States,
                {LegendItem::Swatch, pal.sliceCrowd, QStringLiteral("many slices within a pixel")});
    legendMarkers(lane, entries);
}

} // namespace raceway
