#pragma once

#include <QColor>
#include <QPainter>
#include <QRect>
#include <QVector>

#include <array>
#include <vector>

namespace raceway {

// Thousands of one-pixel-wide rectangles cost QPainter more in setup than in pixels. When painting
// opaque colour straight into a 32-bit image at a plain scale, this writes the scanlines
// directly and returns true; otherwise it draws nothing and returns false. Any one scale for both axes
// will do (a fractional device pixel ratio too: each edge to its nearest image pixel).
bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour);

// Whether fillOpaqueRects() writes straight in and puts every edge exactly where QPainter::fillRect()
// does: the painter maps logical pixels to image pixels by a whole-number scale and a whole-number shift.
// (At a fractional scale each of its edges goes to the nearest image pixel, which may be one from
// QPainter's.)
bool directFillIsExact(QPainter &p);

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

// A small image (premultiplied ARGB, at any device pixel ratio) drawn at many logical points, leaving the
// pixels QPainter::drawImage(point, image) leaves, at a scale that is a whole number of quarters other
// than 1 (1.25, 1.5, 2 ...) with every point landing on a sixteenth of an image pixel (points on whole
// and half pixels do): QPainter scales the image once for each phase the points land on, and those copies are
// blended straight into the target image (source over, as QPainter's own blend of a scaled image does),
// without QPainter's setup for every copy (at a fractional scale that was a sixth of a frame with thousands
// of markers). tst_rasterfill compares it with QPainter's copies.
class ImageStamp
{
public:
    ImageStamp() = default;
    explicit ImageStamp(QImage image);
    bool isNull() const { return m_image.isNull(); }
    const QImage &image() const { return m_image; }
    // Where the above does not hold, QPainter draws them; true when they were written straight in.
    bool draw(QPainter &p, const QVector<QPointF> &at);
    // Several images, each at its point, in the order given (where they overlap, the later on top).
    struct Placed
    {
        ImageStamp *stamp;
        QPointF at;
    };
    static bool drawInOrder(QPainter &p, const std::vector<Placed> &placed);

private:
    QImage m_image;
    double m_scale = 0;
    // The image as QPainter scales it at each phase, by sixteenth of a pixel down, then across; made when
    // first needed, with each row's stretch that is not transparent.
    struct Phase
    {
        QImage image;
        std::vector<std::pair<int, int>> rows; // [first, last] column drawn; first > last: none
    };
    std::array<Phase, 256> m_phases;
};

} // namespace raceway
