#pragma once

#include <QColor>
#include <QLine>
#include <QPainter>
#include <QPolygon>
#include <QRect>
#include <QVector>

namespace raceway {

// A vector device (SVG, PDF) keeps every primitive as an element of the file, with its own style
// block when the pen or brush changes. The lane painter walks pixel columns, so drawing the same way
// there writes thousands of one-pixel rectangles. These helpers let it hand such devices a few merged
// shapes instead, covering exactly the same area.
bool isVectorDevice(const QPainter &p);

// The outline of the union of rectangles that are sorted by x and do not overlap in x (columns and
// runs of one colour, whatever their heights): the top edges left to right, then the bottom edges
// right to left. Between rectangles that do not touch, both edges run along one line and so cancel
// out, whichever fill rule is used. Points where the outline goes straight on are left out. Empty
// when the rectangles are not in that order.
QPolygon columnsOutline(const QVector<QRect> &rects);

// Segments that follow on from one another (each column's step of a series) as one polyline, in
// which each end is joined to the next start. Points on a straight stretch are left out.
QPolygon joinSegments(const QVector<QLine> &segments);

// Fills the rectangles with one colour and no outline (leaving that pen and brush set): as one
// polygon where columnsOutline can draw them, else one rectangle each.
void fillColumns(QPainter &p, const QVector<QRect> &rects, const QColor &colour);

} // namespace raceway
