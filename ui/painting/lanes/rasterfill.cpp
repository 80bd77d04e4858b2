#include "rasterfill.h"

#include <QImage>

#include <algorithm>
#include <cmath>
#include <cstdint>

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

bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    if (colour.alpha() != 255 || !p.device() || p.device()->devType() != QInternal::Image) return false;
    auto *image = static_cast<QImage *>(p.device());
    if (image->format() != QImage::Format_RGB32 && image->format() != QImage::Format_ARGB32 &&
        image->format() != QImage::Format_ARGB32_Premultiplied)
        return false;
    // Logical pixels to image pixels: one scale for both axes (the device pixel ratio: 1, 1.25, 1.5, 2)
    // and a shift. Each edge goes to the image pixel nearest it, so rectangles that meet still meet, none
    // overlaps its neighbour, and a whole-number scale is exact. Rotations and shears are left to QPainter.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() || t.m11() <= 0 || t.m11() > 16 ||
        p.compositionMode() != QPainter::CompositionMode_SourceOver)
        return false;
    const double k = t.m11(), dx = t.dx(), dy = t.dy();
    const int whole = int(k);
    const bool exact = double(whole) == k && double(int(dx)) == dx && double(int(dy)) == dy;
    const auto toImage = [k, dx, dy, whole, exact](const QRect &r) {
        if (exact) // a whole-number scale and shift: integers only
            return QRect(QPoint(r.left() * whole + int(dx), r.top() * whole + int(dy)),
                         QSize(r.width() * whole, r.height() * whole));
        const int x0 = roundHalfAway(r.left() * k + dx), y0 = roundHalfAway(r.top() * k + dy);
        const int x1 = roundHalfAway((r.left() + r.width()) * k + dx);
        const int y1 = roundHalfAway((r.top() + r.height()) * k + dy);
        return QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1));
    };
    QRect bounds = image->rect();
    if (p.hasClipping()) {
        const QRegion clip = p.clipRegion();
        if (clip.rectCount() != 1) return false;
        bounds &= toImage(clip.boundingRect());
    }
    const quint32 value = colour.rgba();
    uchar *bits = image->bits(); // detaches once, not per scanline
    const qsizetype stride = image->bytesPerLine();
    for (const QRect &r : rects) {
        const QRect d = toImage(r) & bounds;
        for (int y = d.top(); y <= d.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(bits + y * stride);
            std::fill(line + d.left(), line + d.right() + 1, value);
        }
    }
    return true;
}

} // namespace raceway
