// The painter draws what the trace holds: lane names and state colours where the lanes are, markers in
// the lock-off run, holding and waiting in the lock-on run; PNG and SVG exports of the right size.

#include "../core/tracechecks.h"
#include "imageexport.h"
#include "timelinepainter.h"

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
    QCOMPARE(img.height(), painter.preferredHeight());
    const TimelineLayout l = painter.layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    QCOMPARE(l.lanes.size(), t.lanes().size());
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        // Each thread lane is mostly green (running) and carries the yellow lost-update markers.
        const QRect rect = l.lanes[lane];
        QVERIFY2(count(img, rect, pal.state(State::Running)) > rect.width() * rect.height() / 4,
                 qPrintable(t.lane(lane).name));
        if (!t.lane(lane).markers.empty())
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
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=2"), QStringLiteral("iterations=5000")});
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

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestPainter t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_painter.moc"
