// The painter draws what the trace holds: lane names and state colours where the lanes are, markers in
// the lock-off run, holding and waiting in the lock-on run; PNG and SVG exports of the right size; the
// SVG as a few shapes per lane that look like the PNG.

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

using namespace raceway;
using namespace raceway::testing;

class TestPainter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockOffShowsRunningAndMarkers();
    void lockOnShowsWaitingAndHolding();
    void pngAndSvgExports();
    void zoomedWindowDrawsOnlyItsPart();
    void denseLanesShowTheDominantState_data();
    void denseLanesShowTheDominantState();
    void handOversShowASeam();
    void overlappingMarkersClusterUntilZoomedIn();
    void highDpiFillsItsRectangle_data();
    void highDpiFillsItsRectangle();
    void columnsOutlineCoversTheRects_data();
    void columnsOutlineCoversTheRects();
    void svgDrawsShapesThatLookLikeThePng_data();
    void svgDrawsShapesThatLookLikeThePng();
    void everyLaneKindHasADrawer();

private:
    // How many pixels inside `r` have exactly this colour.
    static int count(const QImage &img, const QRect &r, QColor c)
    {
        int n = 0;
        const QRgb want = c.rgb();
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x)
                n += (img.pixel(x, y) & 0xFFFFFF) == (want & 0xFFFFFF);
        return n;
    }
};

void TestPainter::lockOffShowsRunningAndMarkers()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=4"), QStringLiteral("iterations=100000")});
    const Trace &t = r->trace();
    ExportOptions o;
    o.title = QStringLiteral("lock off");
    const QImage img = renderTimeline(t, o);
    QCOMPARE(img.width(), 1600);
    TimelinePainter painter(t);
    QCOMPARE(img.height(), painter.preferredHeight(img.width()));
    const TimelineLayout l = painter.layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    QCOMPARE(l.lanes.size(), t.lanes().size());
    const coords::Mapping m = painter.mapping(l);
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        // While a thread runs its lane is mostly green (running), carrying the yellow lost-update markers.
        const Lane &data = t.lane(lane);
        const auto done =
            std::find(data.states.begin(), data.states.end(), State::Done) - data.states.begin();
        const int x0 = int(m.toX(data.times.front())), x1 = int(m.toX(data.times[std::size_t(done)]));
        const QRect running(x0, l.lanes[lane].top(), std::max(1, x1 - x0), l.lanes[lane].height());
        QVERIFY2(count(img, running, pal.state(State::Running)) > running.width() * running.height() / 3,
                 qPrintable(data.name));
        const QRect rect = l.lanes[lane];
        // A lane's writes can all have given increments back (under load the interleaving varies), and
        // those are drawn in the restored colour: one of the two must show.
        if (!data.markers.empty())
            QVERIFY(count(img, rect, pal.lostMarker) + count(img, rect, pal.restoredMarker) > 0);
        QCOMPARE(count(img, rect, pal.state(State::Holding)), 0);
    }
    // The counter lane draws the actual line.
    QVERIFY(count(img, l.lanes[lanesOfKind(t, LaneKind::Counter)[0]], pal.actualLine) > 0);
    // Lane labels are text in the label column: dark pixels in each label row.
    for (const QRect &lane : l.lanes) {
        const QRect label(l.labels.left() + 8, lane.top(), 80, lane.height());
        int dark = 0;
        for (int y = label.top(); y <= label.bottom(); ++y)
            for (int x = label.left(); x <= label.right(); ++x)
                dark += qGray(img.pixel(x, y)) < 120;
        QVERIFY(dark > 10);
    }
}

void TestPainter::lockOnShowsWaitingAndHolding()
{
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=4"), QStringLiteral("iterations=20000"), QStringLiteral("lock=on")});
    const QImage img = renderTimeline(r->trace(), ExportOptions{});
    const TimelinePalette pal = TimelinePalette::light();
    const TimelineLayout l = TimelinePainter(r->trace()).layout(img.rect());
    int waiting = 0, holding = 0;
    for (std::size_t lane : lanesOfKind(r->trace(), LaneKind::Thread)) {
        waiting += count(img, l.lanes[lane], pal.state(State::Waiting));
        holding += count(img, l.lanes[lane], pal.state(State::Holding));
        QCOMPARE(count(img, l.lanes[lane], pal.lostMarker), 0);
    }
    QVERIFY(waiting > 0);
    QVERIFY(holding > 0);
    QVERIFY(count(img, l.lanes[lanesOfKind(r->trace(), LaneKind::Lock)[0]], pal.state(State::Held)) > 0);
}

void TestPainter::pngAndSvgExports()
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
}

void TestPainter::zoomedWindowDrawsOnlyItsPart()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=2"), QStringLiteral("iterations=2"),
                          QStringLiteral("window_sleep_ms=40"), QStringLiteral("lock=on")});
    const Trace &t = r->trace();
    // Zoom into the first 30 ms: only the first holder's sleep is in view, the other thread waits.
    ExportOptions o;
    o.windowStart = t.start();
    o.windowEnd = t.start() + 30'000'000;
    const QImage img = renderTimeline(t, o);
    const TimelineLayout l = TimelinePainter(t).layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    int sleeping = 0, waiting = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        sleeping += count(img, l.lanes[lane], pal.state(State::Sleeping));
        waiting += count(img, l.lanes[lane], pal.state(State::Waiting));
    }
    QVERIFY(sleeping > l.plot.width() * 10);
    QVERIFY(waiting > l.plot.width() * 10);
}

void TestPainter::denseLanesShowTheDominantState_data()
{
    QTest::addColumn<int>("cycles");             // 2 transitions each
    QTest::newRow("sampled columns") << 20000;   // ~28 transitions per pixel
    QTest::newRow("bucket summaries") << 400000; // ~550 per pixel: drawn from bucket summaries
}

void TestPainter::denseLanesShowTheDominantState()
{
    // Lane 0 waits 90% of the time, lane 1 runs 90% of the time, in cycles far below a pixel.
    QFETCH(int, cycles);
    Recorder rec;
    TracedMutex mutex(rec, QStringLiteral("m"));
    const std::uint16_t lanes[2] = {rec.addLane(QStringLiteral("waits"), LaneKind::Thread),
                                    rec.addLane(QStringLiteral("runs"), LaneKind::Thread)};
    Trace trace;
    trace.setRegistry(rec.lanes(), {});
    trace.setStart(0);
    for (int l = 0; l < 2; ++l) {
        std::vector<Event> ev;
        std::int64_t t = 0;
        for (int c = 0; c < cycles; ++c) {
            ev.push_back({t, 0, lanes[l], EventKind::ThreadStart, 0});
            t += l == 0 ? 10 : 90;
            ev.push_back({t, 0, lanes[l], EventKind::LockRequested, 0});
            t += l == 0 ? 90 : 10;
        }
        trace.ingest(ev.data(), ev.size());
        trace.commit();
    }
    const QImage img = renderTimeline(trace, ExportOptions{});
    const TimelineLayout l = TimelinePainter(trace).layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    const QRect waits = l.lanes[lanes[0]], runs = l.lanes[lanes[1]];
    const int area = waits.width() * (waits.height() - 4);
    QVERIFY(count(img, waits, pal.state(State::Waiting)) > area * 9 / 10);
    QVERIFY(count(img, runs, pal.state(State::Running)) > area * 9 / 10);
}

void TestPainter::handOversShowASeam()
{
    // Thread a holds the lock, then hands it straight to thread b: on the lock's lane the two holds meet
    // with a one-pixel seam, so the hand-over is visible; a single long hold has none. A stripe in each
    // holder's colour says whose turn it is even where no name fits.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    const auto b = rec.addLane(QStringLiteral("b"), LaneKind::Thread);
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *ba = rec.createBuffer(a);
    ThreadBuffer *bb = rec.createBuffer(b);
    ba->recordAt(0, EventKind::ThreadStart, 0, 0);
    bb->recordAt(0, EventKind::ThreadStart, 0, 0);
    ba->recordAt(100, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(200, EventKind::LockRequested, mutex.id(), 0);
    ba->recordAt(50'000, EventKind::LockReleased, mutex.id(), 0);
    bb->recordAt(50'000, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(99'900, EventKind::LockReleased, mutex.id(), 0);
    ba->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    bb->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    const auto trace = traceOf(rec, 0, 100'000);
    const Trace &t = *trace;
    TimelinePainter painter(t);
    QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
    QPainter p(&img);
    painter.paint(p, img.rect());
    p.end();
    const TimelineLayout l = painter.layout(img.rect());
    const coords::Mapping m = painter.mapping(l);
    const QRect lock = l.lanes[mutex.lane()];
    const int seam = int(std::floor(m.toX(50'000)));
    const QColor held = TimelinePalette::light().state(State::Held);
    // Along the top, a stripe in the holder's colour: thread a's hue, then thread b's.
    const int stripe = lock.top() + 3;
    QCOMPARE(QColor(img.pixel(seam - 6, stripe)), TimelinePalette::core(int(a)));
    QCOMPARE(QColor(img.pixel(seam + 6, stripe)), TimelinePalette::core(int(b)));
    QVERIFY(TimelinePalette::core(int(a)) != TimelinePalette::core(int(b)));
    const int y = lock.top() + 8; // inside the bar, below the stripe
    QCOMPARE(QColor(img.pixel(seam - 6, y)), held);
    QCOMPARE(QColor(img.pixel(seam + 30, y)), held); // past the holder's name
    for (const int row : {stripe, y}) {
        int gaps = 0;
        for (int x = seam - 2; x <= seam + 2; ++x)
            gaps += QColor(img.pixel(x, row)) == TimelinePalette::light().background;
        QCOMPARE(gaps, 1); // the seam cuts through the stripe and the bar
    }
    int elsewhere = 0; // inside one hold: no seam
    for (int x = int(m.toX(5'000)); x < int(m.toX(45'000)); ++x)
        elsewhere += QColor(img.pixel(x, y)) != held;
    QCOMPARE(elsewhere, 0);
}

void TestPainter::overlappingMarkersClusterUntilZoomedIn()
{
    // Ten lossy writes 100 ns apart in a 1 ms run: one badge zoomed out, ten triangles zoomed in.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    ThreadBuffer *ba = rec.createBuffer(a);
    ba->recordAt(0, EventKind::ThreadStart, 0, 0);
    for (int i = 0; i < 10; ++i)
        ba->recordAt(500'000 + i * 100, EventKind::LostUpdate, 0, 1);
    ba->recordAt(1'000'000, EventKind::ThreadEnd, 0, 0);
    const auto trace = traceOf(rec, 0, 1'000'000);
    const Trace &t = *trace;
    const QColor yellow = TimelinePalette::light().lostMarker;
    // Groups of the marker colour along a row near the lane's top (gaps under 8 px, such as the digits
    // of a badge's count, do not split a group), and the widest group.
    auto groupsOnTop = [&](std::int64_t from, std::int64_t to, int *widest) {
        TimelinePainter painter(t);
        painter.setWindow(from, to);
        QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
        QPainter p(&img);
        painter.paint(p, img.rect());
        p.end();
        const QRect lane = painter.layout(img.rect()).lanes[a];
        std::vector<int> xs;
        for (int x = lane.left(); x <= lane.right(); ++x)
            if (QColor(img.pixel(x, lane.top() + 2)) == yellow) xs.push_back(x);
        int groups = 0, first = 0;
        *widest = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (i == 0 || xs[i] - xs[i - 1] >= 8) {
                ++groups;
                first = xs[i];
            }
            *widest = std::max(*widest, xs[i] - first + 1);
        }
        return groups;
    };
    int widest = 0;
    QCOMPARE(groupsOnTop(0, 1'000'000, &widest), 1);
    QVERIFY2(widest > 9, qPrintable(QString::number(widest))); // a badge with "10", wider than a triangle
    QCOMPARE(groupsOnTop(499'000, 502'000, &widest), 10); // 100 ns = 40 px apart: every write its own glyph
    QVERIFY(widest <= 9);
}

void TestPainter::highDpiFillsItsRectangle_data()
{
    QTest::addColumn<qreal>("dpr");
    QTest::newRow("1") << qreal(1);
    QTest::newRow("1.5") << qreal(1.5);
    QTest::newRow("2") << qreal(2);
}

void TestPainter::highDpiFillsItsRectangle()
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
    // The right part of the first thread lane, in device pixels: state colours, not empty background.
    const QRect lane = l.lanes[lanesOfKind(r->trace(), LaneKind::Thread)[0]];
    const QRect right(int((l.plot.left() + l.plot.width() * 0.55) * dpr), int((lane.top() + 4) * dpr),
                      int(l.plot.width() * 0.4 * dpr), int((lane.height() - 8) * dpr));
    int coloured = 0;
    for (State s : {State::Running, State::Waiting, State::Holding, State::Done})
        coloured += count(image, right, pal.state(s));
    QVERIFY2(coloured > right.width() * right.height() / 5,
             qPrintable(QStringLiteral("%1 of %2").arg(coloured).arg(right.width() * right.height())));
}

void TestPainter::columnsOutlineCoversTheRects_data()
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

void TestPainter::columnsOutlineCoversTheRects()
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

void TestPainter::svgDrawsShapesThatLookLikeThePng_data()
{
    QTest::addColumn<QString>("lock");
    QTest::newRow("lock off") << QStringLiteral("lock=off");
    QTest::newRow("lock on") << QStringLiteral("lock=on");
}

void TestPainter::svgDrawsShapesThatLookLikeThePng()
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
    for (std::size_t i = 0; i < l.lanes.size(); ++i) {
        const QRect &lane = l.lanes[i];
        const int textRows = t.lane(i).markers.empty() ? 0 : 11;
        int same = 0, total = 0;
        for (int y = lane.top() + textRows; y <= lane.bottom(); ++y)
            for (int x = lane.left(); x <= lane.right(); ++x, ++total)
                same += close(png.pixel(x, y), drawn.pixel(x, y));
        for (int x = lane.left(); textRows > 0 && x + 5 <= lane.right(); x += 6, ++total) {
            const QRect block(x, lane.top(), 6, textRows);
            same += close(mean(png, block), mean(drawn, block));
        }
        const double share = double(same) / double(total);
        QVERIFY2(share >= 0.99,
                 qPrintable(QStringLiteral("%1: %2 % alike").arg(t.lane(i).name).arg(share * 100)));
    }
}

void TestPainter::everyLaneKindHasADrawer()
{
    // One lane of every kind, each with something to show: every drawer gives it a legible height,
    // paints inside its rectangle, explains a point in it, and adds to the legend.
    Trace t;
    t.setStart(0);
    constexpr LaneKind kinds[] = {LaneKind::Thread, LaneKind::Lock,  LaneKind::Counter, LaneKind::Process,
                                  LaneKind::Core,   LaneKind::Queue, LaneKind::Gil,     LaneKind::CoreRuns};
    for (const LaneKind kind : kinds) {
        const LaneDrawer &d = drawerFor(kind);
        QVERIFY(d.minimumHeight() > 0 && d.minimumHeight() <= d.baseHeight());
        for (double scale : {0.3, 1.0, 2.5})
            QVERIFY(d.height(scale) >= d.minimumHeight());
        QCOMPARE(TimelinePainter::laneHeight(kind), d.baseHeight());
        Lane lane;
        lane.name = laneKindName(kind);
        lane.kind = kind;
        const bool held = kind == LaneKind::Lock || kind == LaneKind::Gil || kind == LaneKind::CoreRuns;
        for (std::int64_t i = 0; i < 10; ++i) {
            lane.times.push_back(i * 100'000);
            lane.states.push_back(held ? (i % 2 ? State::Free : State::Held) : State::Running);
            lane.objs.push_back(0);
            lane.series.push_back({i * 100'000, 500 + i, 400 + i});
        }
        t.appendLane(std::move(lane));
    }
    t.setEnd(1'000'000);
    const TimelinePalette pal = TimelinePalette::light();
    const TimelinePainter painter(t, pal);
    QVERIFY(!painter.legendItems().empty());
    QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
    QPainter p(&img);
    const TimelineLayout l = painter.layout(img.rect());
    painter.paint(p, l);
    p.end();
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        const QRect &r = l.lanes[i];
        QCOMPARE(r.height(), drawerFor(t.lane(i).kind).baseHeight());
        const QRect inside =
            r.adjusted(0, 2, -r.width() / 2, -2); // the first half: every kind has data there
        const int background = count(img, inside, pal.background) + count(img, inside, pal.laneAlternate);
        QVERIFY2(background < inside.width() * inside.height(), qPrintable(t.lane(i).name));
        const QString tip = painter.describe(l, painter.hitTest(l, QPoint(r.left() + 40, r.center().y())));
        QVERIFY2(tip.contains(t.lane(i).name), qPrintable(t.lane(i).name + QStringLiteral(": ") + tip));
    }
}

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestPainter t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_painter.moc"
