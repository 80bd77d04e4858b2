#pragma once

// What the painter's tests share: the includes, a pixel count, and a main with a GUI application on the
// offscreen platform.

#include "../core/tracechecks.h"
#include "imageexport.h"
#include "lanes/lanedrawers.h"
#include "registry.h"
#include "timelinepainter.h"
#include "tracedmutex.h"
#include "vectorshapes.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImageReader>
#include <QSvgRenderer>
#include <QTest>
#include <QXmlStreamReader>

#include <bit>

namespace raceway::paintertest {

// How many pixels inside `r` have exactly this colour.
inline int count(const QImage &img, const QRect &r, QColor c)
{
    int n = 0;
    const QRgb want = c.rgb();
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += (img.pixel(x, y) & 0xFFFFFF) == (want & 0xFFFFFF);
    return n;
}

// The painter's picture of the whole trace at `width`, on white, and the layout it was drawn with.
inline std::pair<QImage, TimelineLayout> drawn(const TimelinePainter &painter, int width = 1600)
{
    const QRect area(0, 0, width, painter.preferredHeight(width));
    std::pair<QImage, TimelineLayout> out{QImage(area.size(), QImage::Format_RGB32), painter.layout(area)};
    out.first.fill(Qt::white);
    QPainter p(&out.first);
    painter.paint(p, out.second);
    return out;
}

} // namespace raceway::paintertest

#define RACEWAY_PAINTER_TEST_MAIN(TestClass)                                                                 \
    int main(int argc, char **argv)                                                                          \
    {                                                                                                        \
        qputenv("QT_QPA_PLATFORM", "offscreen");                                                             \
        QGuiApplication app(argc, argv);                                                                     \
        TestClass t;                                                                                         \
        return QTest::qExec(&t, argc, argv);                                                                 \
    }
