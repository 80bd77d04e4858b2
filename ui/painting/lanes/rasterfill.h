#pragma once

#include <QColor>
#include <QPainter>
#include <QRect>
#include <QVector>

#include <vector>

namespace raceway {

// Thousands of one-pixel-wide rectangles cost QPainter more in setup than in pixels. When painting
// opaque colour straight into a 32-bit image at a plain scale, this writes the scanlines
// directly and returns true; otherwise it draws nothing and returns false. Any one scale for both axes
// will do (a fractional device pixel ratio too: each edge to its nearest image pixel).
bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour);

// Columns [x0, x1) of one lane, each in its own opaque colour (QColor::rgba()).
struct ColumnSpan
{
    int x0, x1;
    quint32 rgb;
};
// Spans that all run from `top` for `height` rows and do not overlap, given left to right, in one go: one
// scanline is built and its painted stretches copied to every row (at scale 2 a one-pixel column is two
// image pixels a row, and filling each such piece row by row cost more than the pixels did). The same
// conditions and the same image pixels as fillOpaqueRects() with each span as a rectangle.
bool fillOpaqueColumns(QPainter &p, const std::vector<ColumnSpan> &spans, int top, int height);

} // namespace raceway
