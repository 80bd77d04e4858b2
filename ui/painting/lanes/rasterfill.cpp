#include "rasterfill.h"

#include <QImage>

#include <algorithm>

namespace raceway {

bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    if (colour.alpha() != 255 || !p.device() || p.device()->devType() != QInternal::Image) return false;
    auto *image = static_cast<QImage *>(p.device());
    if (image->format() != QImage::Format_RGB32 && image->format() != QImage::Format_ARGB32 &&
        image->format() != QImage::Format_ARGB32_Premultiplied)
        return false;
    // Logical pixels to image pixels: a whole-number scale (the device pixel ratio: 1, 2, 3) and a
    // whole-pixel shift. Anything else (1.5, rotations) is left to QPainter.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() ||
        p.compositionMode() != QPainter::CompositionMode_SourceOver)
        return false;
    const int k = int(t.m11());
    const QPoint offset(int(t.dx()), int(t.dy()));
    if (k < 1 || double(k) != t.m11() || QPointF(t.dx(), t.dy()) != QPointF(offset)) return false;
    const auto toImage = [k, offset](const QRect &r) {
        return QRect(QPoint(r.left() * k, r.top() * k) + offset, QSize(r.width() * k, r.height() * k));
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
