// PNG and SVG exports: the right size at every device pixel ratio, columns that cover their rectangles,
// and the SVG drawn as a few shapes per lane that look like the PNG.

#include "paintertest.h"

using namespace raceway;
using namespace raceway::testing;
using namespace raceway::paintertest;

class TestExports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pngAndSvgExports();
    void highDpiFillsItsRectangle_data();
    void highDpiFillsItsRectangle();
    void columnsOutlineCoversTheRects_data();
    void columnsOutlineCoversTheRects();
    void svgDrawsShapesThatLookLikeThePng_data();
    void svgDrawsShapesThatLookLikeThePng();
};

void TestExports::pngAndSvgExports()
{
    // The seed's read-sleep-write: every thread reads 0 before any writes, so updates are lost for sure.
    auto r =
        runScenario(QStringLiteral("counter"), {QStringLiteral("threads=3"), QStringLiteral("iterations=1"),
                                                QStringLiteral("window_sleep_ms=30")});
    ExportOptions o;
    o.width = 2000;
    o.title = QStringLiteral("export check");
    QBuffer png;
    png.open(QIODevice::ReadWrite);
    QString error;
    QVERIFY2(writePng(r->trace(), o, png, &error), qPrintable(error));
    QImage back;
    QVERIFY(back.loadFromData(png.data(), "PNG"));
    QCOMPARE(back.width(), 2000);

    QBuffer svg;
    svg.open(QIODevice::ReadWrite);
    QVERIFY2(writeSvg(r->trace(), o, svg, &error), qPrintable(error));
    const QByteArray text = svg.data();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("thread 1"));
    QVERIFY(text.contains("export check"));
    QVERIFY(text.contains("lost update"));
    // Sized in pixels like the PNG (Qt's own millimetres opened at another size in a browser), and every
    // font named as the PNG draws it, with the generic family after it ("Sans Serif" alone drew serif).
    QVERIFY2(
        text.contains(QStringLiteral("<svg width=\"2000px\" height=\"%1px\"").arg(back.height()).toUtf8()),
        text.left(300).constData());
    QXmlStreamReader xml(text);
    int fonts = 0;
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement &&
            xml.attributes().hasAttribute(QLatin1String("font-family"))) {
            const QString family = xml.attributes().value(QLatin1String("font-family")).toString();
            QVERIFY2(family.endsWith(QLatin1String(", sans-serif")) &&
                         !family.startsWith(QLatin1String("'Sans Serif'")),
                     qPrintable(family));
            ++fonts;
        }
    QVERIFY(!xml.hasError());
    QVERIFY(fonts > 10);
}

void TestExports::highDpiFillsItsRectangle_data()
{
    QTest::addColumn<qreal>("dpr");
    QTest::newRow("1") << qreal(1);
    QTest::newRow("1.5") << qreal(1.5);
    QTest::newRow("2") << qreal(2);
}

void TestExports::highDpiFillsItsRectangle()
{
    // On a high-DPI screen the same logical picture covers more device pixels: the lanes must fill the
    // whole image, not a corner of it at 1/dpr size.
    QFETCH(qreal, dpr);
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=2"), QStringLiteral("iterations=20000"), QStringLiteral("lock=on")});
    const TimelinePainter painter(r->trace());
    const QSize logical(900, painter.preferredHeight(900));
    QImage image((QSizeF(logical) * dpr).toSize(), QImage::Format_RGB32);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::white);
    QPainter p(&image);
    painter.paint(p, QRect(QPoint(0, 0), logical));
    p.end();
    const TimelineLayout l = painter.layout(QRect(QPoint(0, 0), logical));
    const TimelinePalette pal = TimelinePalette::light();
    // The right part of the thread lane that ends last, in device pixels: state colours, not empty
    // background. (One that finished early is a thin line there: under AddressSanitizer one thread
    // once did all its work in the first half of the run.)
    const std::vector<std::size_t> threads = lanesOfKind(r->trace(), LaneKind::Thread);
    QVERIFY(!threads.empty());
    const std::size_t last =
        *std::max_element(threads.begin(), threads.end(), [&](std::size_t a, std::size_t b) {
            return r->trace().lane(a).times.back() < r->trace().lane(b).times.back();
        });
    QVERIFY(last < l.lanes.size());
    const QRect lane = l.lanes[last];
    const QRect right(int((l.plot.left() + l.plot.width() * 0.55) * dpr), int((lane.top() + 4) * dpr),
                      int(l.plot.width() * 0.4 * dpr), int((lane.height() - 8) * dpr));
    int coloured = 0;
    // Any state's colour: on a busy machine the two threads lose their cores for a while, holding the lock
    // too (under AddressSanitizer, beside other tests, 'holding, waiting for a core' once took a fifth).
    for (int s = 0; s < stateCount; ++s)
        if (State(s) != State::Idle && State(s) != State::Free) // never drawn: the lane's own background
            coloured += count(image, right, pal.state(State(s)));
    QVERIFY2(coloured > right.width() * right.height() / 5,
             qPrintable(QStringLiteral("%1 of %2").arg(coloured).arg(right.width() * right.height())));
}

void TestExports::columnsOutlineCoversTheRects_data()
{
    QTest::addColumn<QVector<QRect>>("rects");
    QTest::addColumn<bool>("merged");
    QTest::newRow("one") << QVector<QRect>{QRect(3, 4, 5, 6)} << true;
    QTest::newRow("runs with gaps") << QVector<QRect>{QRect(2, 5, 3, 10), QRect(5, 5, 1, 10),
                                                      QRect(9, 5, 4, 10), QRect(20, 5, 1, 10)}
                                    << true;
    QTest::newRow("bars on a baseline")
        << QVector<QRect>{QRect(1, 10, 1, 10), QRect(2, 4, 1, 16), QRect(3, 12, 1, 8), QRect(6, 2, 1, 18),
                          QRect(7, 2, 1, 18)}
        << true;
    QTest::newRow("columns of a band")
        << QVector<QRect>{QRect(1, 3, 1, 5), QRect(2, 4, 1, 9), QRect(3, 10, 1, 2), QRect(8, 1, 1, 3),
                          QRect(9, 15, 1, 4)}
        << true;
    QTest::newRow("overlapping: drawn one by one")
        << QVector<QRect>{QRect(1, 1, 5, 5), QRect(3, 8, 5, 5)} << false;
}

void TestExports::columnsOutlineCoversTheRects()
{
    // Filled without antialiasing, the one polygon covers exactly the pixels of the rectangles.
    QFETCH(QVector<QRect>, rects);
    QFETCH(bool, merged);
    const QPolygon outline = columnsOutline(rects);
    QCOMPARE(!outline.isEmpty(), merged);
    if (!merged) return;
    auto fill = [](const auto &draw) {
        QImage img(32, 32, QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::black);
        draw(p);
        return img;
    };
    const QImage want = fill([&](QPainter &p) { p.drawRects(rects); });
    QCOMPARE(fill([&](QPainter &p) { p.drawPolygon(outline, Qt::OddEvenFill); }), want);
    QCOMPARE(fill([&](QPainter &p) { p.drawPolygon(outline, Qt::WindingFill); }), want);
    QVERIFY(outline.size() <= 6 * rects.size()); // four corners, two more across a gap
}

void TestExports::svgDrawsShapesThatLookLikeThePng_data()
{
    QTest::addColumn<QString>("lock");
    QTest::newRow("lock off") << QStringLiteral("lock=off");
    QTest::newRow("lock on") << QStringLiteral("lock=on");
}

void TestExports::svgDrawsShapesThatLookLikeThePng()
{
    // The command line's default counter run: thousands of pixel columns of state changes, markers and
    // counter steps, which the SVG draws as a few shapes per lane and colour.
    QFETCH(QString, lock);
    auto r = runScenario(QStringLiteral("counter"), {lock});
    const Trace &t = r->trace();
    ExportOptions o;
    o.title = Registry::builtin()
                  .find(QStringLiteral("counter"))
                  ->headline(r->result().params, r->result().metrics);
    QBuffer out;
    out.open(QIODevice::ReadWrite);
    QString error;
    QVERIFY2(writeSvg(t, o, out, &error), qPrintable(error));
    const QByteArray svg = out.data();
    QVERIFY2(svg.size() <= 300 * 1024, qPrintable(QStringLiteral("%1 bytes").arg(svg.size())));

    // Shapes: one per colour a lane uses, a few per lane (its background, hand-over seams, the ticks
    // under lost-update markers, queue bars; a counter's gap and two lines) and the frame around them
    // (canvas, label column, axis line, a grid line and a tick at most every 90 pixels, a legend
    // swatch each). Marker glyphs keep at least 5 pixels apart: at most one per 5 pixels of a lane.
    const TimelinePainter painter(t);
    const QImage png = renderTimeline(t, o);
    const TimelineLayout l = painter.layout(png.rect());
    const TimelinePalette pal = TimelinePalette::light();
    int colours = 0, glyphBound = 0;
    for (const Lane &lane : t.lanes()) {
        colours += std::popcount(lane.statesSeen) +
                   (lane.kind == LaneKind::Process ? std::popcount(lane.coresSeen) : 0);
        if (!lane.markers.empty()) glyphBound += l.plot.width() / 5 + 1;
    }
    const int lanes = int(t.lanes().size());
    const int frame = 3 + 2 * (l.plot.width() / 90 + 1) + int(painter.legendItems().size());
    const int shapeBound = colours + 4 * lanes + frame;
    int shapes = 0, glyphs = 0;
    QStringList fills;
    QXmlStreamReader xml(svg);
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("g"))
            fills.append(xml.attributes().value(QLatin1String("fill")).toString());
        else if (xml.isEndElement() && xml.name() == QLatin1String("g"))
            fills.removeLast();
        else if (xml.isStartElement() && QStringList{QStringLiteral("rect"), QStringLiteral("path"),
                                                     QStringLiteral("polyline"), QStringLiteral("polygon")}
                                             .contains(xml.name().toString())) {
            const QString fill = fills.isEmpty() ? QString() : fills.back();
            (fill == pal.lostMarker.name() || fill == pal.restoredMarker.name() ? glyphs : shapes) += 1;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY2(shapes <= shapeBound,
             qPrintable(QStringLiteral("%1 shapes, at most %2").arg(shapes).arg(shapeBound)));
    QVERIFY2(glyphs <= glyphBound + 2,
             qPrintable(QStringLiteral("%1 glyphs, at most %2").arg(glyphs).arg(glyphBound)));

    // Drawn back at the PNG's size, every lane has nearly every pixel in the PNG's colour (99 %; all of them
    // when this was written): a lane left out, moved by a pixel or drawn in another colour differs in more.
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QImage drawn(png.size(), QImage::Format_RGB32);
    drawn.fill(Qt::white);
    QPainter p(&drawn);
    renderer.render(&p);
    p.end();
    auto close = [](QRgb a, QRgb b) {
        return std::abs(qRed(a) - qRed(b)) <= 40 && std::abs(qGreen(a) - qGreen(b)) <= 40 &&
               std::abs(qBlue(a) - qBlue(b)) <= 40;
    };
    // The badges' counts (top 11 rows of a lane with markers) are text, which each renderer draws with its
    // own font engine: there, 6-pixel blocks must match in their mean colour; everywhere else, pixels.
    auto mean = [](const QImage &img, const QRect &area) {
        long long red = 0, green = 0, blue = 0;
        for (int y = area.top(); y <= area.bottom(); ++y)
            for (int x = area.left(); x <= area.right(); ++x) {
                const QRgb c = img.pixel(x, y);
                red += qRed(c), green += qGreen(c), blue += qBlue(c);
            }
        const long long n = std::max<long long>(1, area.width() * area.height());
        return qRgb(int(red / n), int(green / n), int(blue / n));
    };
    // Callouts are boxes of text too: compared the same way, in blocks.
    const std::vector<QRect> callouts = painter.calloutBoxes(l);
    const auto inCallout = [&](int x, int y) {
        return std::any_of(callouts.begin(), callouts.end(),
                           [&](const QRect &b) { return b.contains(x, y); });
    };
    // 6-pixel blocks of an area, compared by their mean colour.
    const auto blocks = [&](const QRect &area, int &same, int &total) {
        for (int y = area.top(); y + 5 <= area.bottom(); y += 6)
            for (int x = area.left(); x + 5 <= area.right(); x += 6, ++total)
                same += close(mean(png, QRect(x, y, 6, 6)), mean(drawn, QRect(x, y, 6, 6)));
    };
    for (std::size_t i = 0; i < l.lanes.size(); ++i) {
        const QRect &lane = l.lanes[i];
        const int textRows = t.lane(i).markers.empty() ? 0 : 11;
        int same = 0, total = 0;
        // Names written across stretches wide enough: a core's threads, a lock's holders (a loaded
        // machine stretches the holds until they fit one).
        if (t.lane(i).kind == LaneKind::CoreRuns || (t.lane(i).statesSeen & (1u << int(State::Held))) != 0) {
            blocks(lane, same, total);
        } else {
            for (int y = lane.top() + textRows; y <= lane.bottom(); ++y)
                for (int x = lane.left(); x <= lane.right(); ++x) {
                    if (inCallout(x, y)) continue;
                    ++total;
                    same += close(png.pixel(x, y), drawn.pixel(x, y));
                }
            for (const QRect &box : callouts)
                blocks(box.intersected(QRect(box.left(), lane.top(), box.width(), lane.height())), same,
                       total);
            for (int x = lane.left(); textRows > 0 && x + 5 <= lane.right(); x += 6, ++total) {
                const QRect block(x, lane.top(), 6, textRows);
                same += close(mean(png, block), mean(drawn, block));
            }
        }
        const double share = double(same) / double(total);
        QVERIFY2(share >= 0.99,
                 qPrintable(QStringLiteral("%1: %2 % alike").arg(t.lane(i).name).arg(share * 100)));
    }
}

RACEWAY_PAINTER_TEST_MAIN(TestExports)
#include "tst_exports.moc"
