#include "rasterfill.h"

#include <QImage>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

namespace raceway {
namespace {

// std::lround for |v| < 2^31, without a library call: halves away from zero.
int roundHalfAway(double v)
{
    const auto whole = std::int64_t(v); // toward zero; v - whole is exact
    const double rest = v - double(whole);
    return int(whole + (rest >= 0.5 ? 1 : 0) - (rest <= -0.5 ? 1 : 0));
}

} // namespace

namespace {

// Where a painter can be written to directly: its image's pixels, the scale and shift from logical
// pixels to image pixels, and the part it may write (image and clip). Empty when QPainter must do it.
struct DirectTarget
{
    uchar *bits = nullptr;
    qsizetype stride = 0;
    double k = 1, dx = 0, dy = 0;
    int whole = 1;
    bool exact = true;
    QRect bounds;

    // Logical pixels to image pixels: one scale for both axes (the device pixel ratio: 1, 1.25, 1.5, 2)
    // and a shift. Each edge goes to the image pixel nearest it, so rectangles that meet still meet, none
    // overlaps its neighbour, and a whole-number scale is exact.
    int toX(int x) const { return exact ? x * whole + int(dx) : roundHalfAway(x * k + dx); }
    int toY(int y) const { return exact ? y * whole + int(dy) : roundHalfAway(y * k + dy); }
    QRect toImage(const QRect &r) const
    {
        return QRect(QPoint(toX(r.left()), toY(r.top())),
                     QPoint(toX(r.left() + r.width()) - 1, toY(r.top() + r.height()) - 1));
    }
};

std::optional<DirectTarget> directTarget(QPainter &p, const QColor &colour)
{
    if (colour.alpha() != 255 || !p.device() || p.device()->devType() != QInternal::Image) return {};
    auto *image = static_cast<QImage *>(p.device());
    if (image->format() != QImage::Format_RGB32 && image->format() != QImage::Format_ARGB32 &&
        image->format() != QImage::Format_ARGB32_Premultiplied)
        return {};
    // Rotations and shears are left to QPainter.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() || t.m11() <= 0 || t.m11() > 16 ||
        p.compositionMode() != QPainter::CompositionMode_SourceOver)
        return {};
    DirectTarget d;
    d.k = t.m11();
    d.dx = t.dx();
    d.dy = t.dy();
    d.whole = int(d.k);
    d.exact = double(d.whole) == d.k && double(int(d.dx)) == d.dx && double(int(d.dy)) == d.dy;
    d.bounds = image->rect();
    if (p.hasClipping()) {
        const QRegion clip = p.clipRegion();
        if (clip.rectCount() != 1) return {};
        d.bounds &= d.toImage(clip.boundingRect());
    }
    d.bits = image->bits(); // detaches once, not per scanline
    d.stride = image->bytesPerLine();
    return d;
}

} // namespace

bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    const std::optional<DirectTarget> d = directTarget(p, colour);
    if (!d) return false;
    const quint32 value = colour.rgba();
    for (const QRect &r : rects) {
        const QRect box = d->toImage(r) & d->bounds;
        for (int y = box.top(); y <= box.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
            std::fill(line + box.left(), line + box.right() + 1, value);
        }
    }
    return true;
}

bool directFillIsExact(const QPainter &p)
{
    const QTransform t = p.deviceTransform();
    const auto whole = [](double v) { return v == std::floor(v); };
    return t.type() <= QTransform::TxScale && t.m11() == t.m22() && t.m11() >= 1 && whole(t.m11()) &&
           whole(t.dx()) && whole(t.dy());
}

bool fillOpaqueVerticalLines(QPainter &p, const QVector<QLine> &lines, const QColor &colour)
{
    std::optional<DirectTarget> d = directTarget(p, colour);
    if (!d || (d->k == 1 && !d->exact)) return false;
    for (const QLine &l : lines)
        if (l.x1() != l.x2() || l.y1() >= l.y2()) return false;
    const quint32 value = colour.rgba();
    const bool plain = d->exact && d->whole == 1;
    const auto edge = [](double v, double k, double shift) { return roundHalfAway(v * k + shift); };
    for (const QLine &l : lines) {
        const QRect box =
            (plain
                 ? d->toImage(QRect(l.x1(), l.y1(), 1, l.y2() - l.y1() + 1))
                 : QRect(QPoint(edge(l.x1() - 0.5, d->k, d->dx), edge(l.y1() - 0.5, d->k, d->dy)),
                         QPoint(edge(l.x1() + 0.5, d->k, d->dx) - 1, edge(l.y2() + 0.5, d->k, d->dy) - 1))) &
            d->bounds;
        for (int y = box.top(); y <= box.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
            std::fill(line + box.left(), line + box.right() + 1, value);
        }
    }
    return true;
}

bool fillOpaqueColumns(QPainter &p, const std::vector<ColumnSpan> &spans, int top, int height)
{
    if (spans.empty()) return true;
    const std::optional<DirectTarget> d = directTarget(p, Qt::black);
    if (!d) return false;
    const int y0 = std::max(d->toY(top), d->bounds.top());
    const int y1 = std::min(d->toY(top + height) - 1, d->bounds.bottom());
    const int left = d->bounds.left(), right = d->bounds.right();
    if (y0 > y1 || left > right) return true;
    // One scanline with every span in its colour, and the stretches of it that are painted.
    std::vector<quint32> row(std::size_t(right - left + 1));
    std::vector<std::pair<int, int>> painted; // [from, to] in image columns
    for (const ColumnSpan &s : spans) {
        const int x0 = std::max(d->toX(s.x0), left), x1 = std::min(d->toX(s.x1) - 1, right);
        if (x0 > x1) continue;
        std::fill(row.begin() + (x0 - left), row.begin() + (x1 - left + 1), s.rgb);
        if (!painted.empty() && painted.back().second + 1 == x0)
            painted.back().second = x1;
        else
            painted.push_back({x0, x1});
    }
    for (int y = y0; y <= y1; ++y) {
        auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
        for (const auto &[x0, x1] : painted)
            std::copy(row.begin() + (x0 - left), row.begin() + (x1 - left + 1), line + x0);
    }
    return true;
}

} // namespace raceway
