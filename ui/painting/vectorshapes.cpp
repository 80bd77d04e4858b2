#include "vectorshapes.h"

#include <QPaintEngine>

#include <climits>

namespace raceway {
namespace {

// Appends c, dropping a repeated point and the middle of three points on one horizontal or
// vertical line (every edge here is axis-aligned).
void append(QPolygon &poly, QPoint c)
{
    const qsizetype n = poly.size();
    if (n > 0 && poly[n - 1] == c) return;
    if (n > 1) {
        const QPoint a = poly[n - 2], b = poly[n - 1];
        if ((a.x() == b.x() && b.x() == c.x()) || (a.y() == b.y() && b.y() == c.y())) {
            poly[n - 1] = c;
            if (poly[n - 2] == c) // went there and straight back: nothing left of that edge
                poly.removeLast();
            return;
        }
    }
    poly.append(c);
}

} // namespace

bool isVectorDevice(const QPainter &p)
{
    const QPaintEngine *engine = p.paintEngine();
    return engine && (engine->type() == QPaintEngine::SVG || engine->type() == QPaintEngine::Pdf);
}

QPolygon columnsOutline(const QVector<QRect> &rects)
{
    QPolygon top, bottom; // both left to right
    int right = INT_MIN, lastBottom = 0;
    for (const QRect &r : rects) {
        if (r.isEmpty()) continue;
        const int x1 = r.left() + r.width(), y1 = r.top() + r.height();
        if (r.left() < right) return {};
        if (!top.isEmpty() && r.left() > right) {
            // A gap: both edges follow the previous rectangle's bottom, in opposite directions.
            for (QPolygon *edge : {&top, &bottom}) {
                append(*edge, QPoint(right, lastBottom));
                append(*edge, QPoint(r.left(), lastBottom));
            }
        }
        append(top, QPoint(r.left(), r.top()));
        append(top, QPoint(x1, r.top()));
        append(bottom, QPoint(r.left(), y1));
        append(bottom, QPoint(x1, y1));
        right = x1;
        lastBottom = y1;
    }
    for (qsizetype i = bottom.size() - 1; i >= 0; --i)
        append(top, bottom[i]);
    return top;
}

QPolygon joinSegments(const QVector<QLine> &segments)
{
    QPolygon line;
    for (const QLine &s : segments) {
        append(line, s.p1());
        append(line, s.p2());
    }
    return line;
}

void fillColumns(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    if (rects.isEmpty()) return;
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    const QPolygon outline = columnsOutline(rects);
    if (outline.size() >= 3)
        p.drawPolygon(outline);
    else
        p.drawRects(rects);
}

} // namespace raceway
