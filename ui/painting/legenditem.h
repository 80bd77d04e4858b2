#pragma once

#include <QColor>
#include <QString>

namespace raceway {

// One entry of the legend under the lanes: a sample of what is drawn, and what it means.
struct LegendItem
{
    enum Kind { Swatch, Marker, Restoring, Bar, Line, Glyph, Slices } kind; // Slices: named, nested bars
    QColor colour;
    QString text;
    int mark = 0; // Glyph: the MarkKind drawn
};

} // namespace raceway
