#pragma once

#include <QColor>
#include <QPainter>
#include <QRect>
#include <QVector>

namespace raceway {

// Thousands of one-pixel-wide rectangles cost QPainter more in setup than in pixels. When painting
// opaque colour straight into a 32-bit image at a plain scale, this writes the scanlines
// directly and returns true; otherwise it draws nothing and returns false. Any one scale for both axes
// will do (a fractional device pixel ratio too: each edge to its nearest image pixel).
bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour);

} // namespace raceway
