// The painter draws what the trace holds: lane names and state colours where the lanes are, markers in
// the lock-off run, holding and waiting in the lock-on run; PNG and SVG exports of the right size.

#include "../core/tracechecks.h"
#include "imageexport.h"
#include "timelinepainter.h"
#include "tracedmutex.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImageReader>
#include <QTest>

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
    void highDpiFillsItsRectangle_data();
    void highDpiFillsItsRectangle();

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
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=4"), QStringLiteral("iterations=100000")});
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
        const auto done = std::find(data.states.begin(), data.states.end(), State::Done) - data.states.begin();
        const int x0 = int(m.toX(data.times.front())), x1 = int(m.toX(data.times[std::size_t(done)]));
        const QRect running(x0, l.lanes[lane].top(), std::max(1, x1 - x0), l.lanes[lane].height());
        QVERIFY2(count(img, running, pal.state(State::Running)) > running.width() * running.height() / 3,
                 qPrintable(data.name));
        const QRect rect = l.lanes[lane];
        if (!data.markers.empty())
            QVERIFY(count(img, rect, pal.lostMarker) > 0);
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
    auto r = runScenario(QStringLiteral("counter"),
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
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=3"), QStringLiteral("iterations=1"),
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
                         {QStringLiteral("threads=2"), QStringLiteral("iterations=2"), QStringLiteral("window_sleep_ms=40"),
                          QStringLiteral("lock=on")});
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
    QTest::addColumn<int>("cycles"); // 2 transitions each
    QTest::newRow("sampled columns") << 20000;    // ~28 transitions per pixel
    QTest::newRow("bucket summaries") << 400000;  // ~550 per pixel: drawn from bucket summaries
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
    // with a one-pixel seam, so the hand-over is visible; a single long hold has none.
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
    Trace t;
    t.setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *e, std::size_t n) { t.ingest(e, n); });
    t.commit();
    t.setStart(0);
    t.setEnd(100'000);
    TimelinePainter painter(t);
    QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
    QPainter p(&img);
    painter.paint(p, img.rect());
    p.end();
    const TimelineLayout l = painter.layout(img.rect());
    const coords::Mapping m = painter.mapping(l);
    const QRect lock = l.lanes[mutex.lane()];
    const int y = lock.top() + 3; // inside the bar, above the holder's name
    const int seam = int(std::floor(m.toX(50'000)));
    const QColor held = TimelinePalette::light().state(State::Held);
    QCOMPARE(QColor(img.pixel(seam - 6, y)), held);
    QCOMPARE(QColor(img.pixel(seam + 6, y)), held);
    int gaps = 0;
    for (int x = seam - 2; x <= seam + 2; ++x)
        gaps += QColor(img.pixel(x, y)) != held;
    QCOMPARE(gaps, 1);
    int elsewhere = 0; // inside one hold: no seam
    for (int x = int(m.toX(5'000)); x < int(m.toX(45'000)); ++x)
        elsewhere += QColor(img.pixel(x, y)) != held;
    QCOMPARE(elsewhere, 0);
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
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=2"), QStringLiteral("iterations=20000"),
                                                     QStringLiteral("lock=on")});
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

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestPainter t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_painter.moc"
