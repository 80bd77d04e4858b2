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

// Whether fillOpaqueRects() puts every edge exactly where QPainter::fillRect() does: the painter maps
// logical pixels to image pixels by a whole-number scale and a whole-number shift. (At a fractional
// scale each of its edges goes to the nearest image pixel, which may be one from QPainter's.)
bool directFillIsExact(const QPainter &p);

// Vertical lines from (x, y1()) down to (x, y2()), both ends included, each covering the image pixels
// that QPainter's aliased one-pixel pen (QPen(colour, 1), square caps) covers: at scale 1 the pixel
// column right of x; at any other scale the square-capped stroke, half a pixel either side of the line
// and past each end, each edge to its nearest image pixel (tst_rasterfill compares the two). The same
// conditions as fillOpaqueRects; lines that are not vertical, or a scale of 1 with a fractional shift,
// draw nothing and return false.
bool fillOpaqueVerticalLines(QPainter &p, const QVector<QLine> &lines, const QColor &colour);

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
