// The overview strip above the window's timeline, under the offscreen platform: it frames the visible
// range and moves it, and a dense run's strip agrees with its lanes.

#include "windowtest.h"

using namespace raceway;
using namespace raceway::windowtest;

class TestWindowOverview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void overviewFramesTheVisibleRangeAndMovesIt();
    void overviewOfADenseRunAgreesWithItsLanes();
};

void TestWindowOverview::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
}

void TestWindowOverview::init()
{
    QSettings().clear();
}

void TestWindowOverview::overviewFramesTheVisibleRangeAndMovesIt()
{
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w, 200);
    runToEnd(w);
    OverviewStrip *strip = w.overview();
    TimelineZoom *zoom = w.view()->zoom();
    const QRect plot = strip->plotRect();
    const std::int64_t span = zoom->span();
    const double nsPerPixel = double(span) / plot.width();
    // The frame sits where the visible range is, on the strip's scale of the whole run.
    zoom->setWindow(span / 4, span / 2);
    QRect frame = strip->rangeRect();
    QVERIFY(qAbs(frame.left() - (plot.left() + plot.width() / 4)) <= 1);
    QVERIFY(qAbs(frame.right() - (plot.left() + plot.width() / 2)) <= 1);
    // Dragging the frame pans by as much time as the pixels moved stand for.
    const QPoint middle(frame.center().x(), plot.center().y());
    QTest::mousePress(strip, Qt::LeftButton, {}, middle);
    QMouseEvent move(QEvent::MouseMove, QPointF(middle + QPoint(60, 0)),
                     strip->mapToGlobal(QPointF(middle + QPoint(60, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(strip, &move);
    QTest::mouseRelease(strip, Qt::LeftButton, {}, middle + QPoint(60, 0));
    QVERIFY(qAbs(double(zoom->start() - span / 4) - 60 * nsPerPixel) <= 2 * nsPerPixel);
    QVERIFY(qAbs(double(zoom->end() - zoom->start()) - double(span / 2 - span / 4)) <= 2);
    // Dragging the right edge zooms: the end follows, the start stays.
    frame = strip->rangeRect();
    const std::int64_t startBefore = zoom->start(), endBefore = zoom->end();
    const QPoint edge(frame.right(), plot.center().y());
    QTest::mousePress(strip, Qt::LeftButton, {}, edge);
    QMouseEvent pull(QEvent::MouseMove, QPointF(edge - QPoint(40, 0)),
                     strip->mapToGlobal(QPointF(edge - QPoint(40, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(strip, &pull);
    QTest::mouseRelease(strip, Qt::LeftButton, {}, edge - QPoint(40, 0));
    QCOMPARE(zoom->start(), startBefore);
    QVERIFY(qAbs(double(endBefore - zoom->end()) - 40 * nsPerPixel) <= 2 * nsPerPixel);
    // A click elsewhere centres the view there.
    const int at = plot.left() + plot.width() / 10;
    const std::int64_t width = zoom->end() - zoom->start();
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(at, plot.center().y()));
    const std::int64_t centre = std::int64_t((at - plot.left()) * nsPerPixel);
    if (centre >= width / 2)
        QVERIFY(qAbs(double((zoom->start() + zoom->end()) / 2 - centre)) <= 2 * nsPerPixel);
    else
        QCOMPARE(zoom->start(), 0);
    // Double-click: everything (past a slow start-up, as the view fits).
    QTest::mouseDClick(strip, Qt::LeftButton, {}, QPoint(at, plot.center().y()));
    QCOMPARE(zoom->start(), zoom->leadIn());
    QCOMPARE(zoom->end(), span);
}

void TestWindowOverview::overviewOfADenseRunAgreesWithItsLanes()
{
    // A thread holding a lock 30 % of its time in holds far shorter than a pixel, 400,000 of them: its
    // lane and the lock's are drawn as what fills most of each pixel's time (running, free), and so is
    // the strip above them (it was the state at each pixel's middle: blue about a third of the way).
    Trace trace;
    trace.setRegistry(
        {{QStringLiteral("thread 1"), LaneKind::Thread}, {QStringLiteral("lock"), LaneKind::Lock}},
        {{}, {QStringLiteral("lock"), 1}});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0}};
    std::int64_t t = 0;
    for (int k = 0; k < 400'000; ++k) {
        ev.push_back({t += 700, 0, 0, EventKind::LockAcquired, 1});
        ev.push_back({t += 300, 0, 0, EventKind::LockReleased, 1});
    }
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(t);
    TimelineZoom zoom;
    zoom.setSpan(trace.end() - trace.start());
    OverviewStrip strip(&zoom);
    strip.resize(1600, strip.sizeHint().height());
    strip.setTrace(&trace);
    QImage image(strip.size(), QImage::Format_RGB32);
    strip.render(&image);
    const QRect plot = strip.plotRect().adjusted(2, 2, -2, -2);
    const TimelinePalette pal = TimelinePalette::light();
    int running = 0, held = 0;
    for (int y = plot.top(); y <= plot.bottom(); ++y)
        for (int x = plot.left(); x <= plot.right(); ++x) {
            const QRgb c = image.pixel(x, y);
            running += c == pal.state(State::Running).rgb();
            held += c == pal.state(State::Held).rgb() || c == pal.state(State::Holding).rgb();
        }
    const int area = plot.width() * plot.height();
    qInfo("of %d pixels: %d running, %d held or holding", area, running, held);
    QVERIFY(running > area * 4 / 10); // the thread's row
    QVERIFY(held < area / 20);
}

QTEST_MAIN(TestWindowOverview)
#include "tst_windowoverview.moc"
