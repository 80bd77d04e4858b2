#pragma once

#include <QPointF>
#include <QString>

namespace raceway {

// A lane's key fact written where it happens ("lost 4,399 of 8,000 (55 %)", "3 of 3 permits in use", a
// deadlock's cycle in words), in a small box the painter places beside the point, so that a picture
// makes its point without the app.
struct Callout
{
    QPointF at; // the point it is about, in the layout's coordinates
    QString text;
    // What it says where the plot has little room for boxes (a small window): the fact in a few words.
    // Empty: the text's first line.
    QString brief = {};
};

} // namespace raceway
