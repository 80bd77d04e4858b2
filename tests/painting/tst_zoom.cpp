// The zoom state: clamping, zoom around a point, panning, fitting, following a growing run, and
// signals only on real change.

#include "timelinezoom.h"

#include <QSignalSpy>
#include <QTest>

using namespace raceway;

class TestZoom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsAGrowingRun();
    void zoomAroundKeepsTheAnchor_data();
    void zoomAroundKeepsTheAnchor();
    void clampsToTheRun();
    void panStopsAtTheEdges();
    void emitsOnlyOnRealChange();
    void selectionIsOrderedAndClamped();
    void skipsTheLeadIn();
};

void TestZoom::skipsTheLeadIn()
{
    // An interpreter's start-up before the program: following and fitting start where the program does,
    // and zooming out still reaches the run's start.
    TimelineZoom z;
    z.setLeadIn(400'000'000);
    z.setSpan(500'000'000);
    QCOMPARE(z.start(), 400'000'000);
    QCOMPARE(z.end(), 500'000'000);
    z.zoomAround(0.5, 100);
    QCOMPARE(z.start(), 0);
    z.fit();
    QCOMPARE(z.start(), 400'000'000);
    z.setLeadIn(0);
    QCOMPARE(z.start(), 0);   // still following: the whole run
    z.setLeadIn(900'000'000); // past the end (a stale value): never an empty window
    QVERIFY(z.end() - z.start() >= TimelineZoom::minimumSpan);
    z.reset();
    QCOMPARE(z.leadIn(), 0);
}

void TestZoom::followsAGrowingRun()
{
    TimelineZoom z;
    z.setSpan(1'000'000);
    QCOMPARE(z.start(), 0);
    QCOMPARE(z.end(), 1'000'000);
    z.setSpan(5'000'000);
    QCOMPARE(z.end(), 5'000'000); // still following
    z.zoomAround(0.5, 0.5);
    QVERIFY(!z.following());
    const auto before = std::make_pair(z.start(), z.end());
    z.setSpan(9'000'000); // the user zoomed: the window stays where it was
    QCOMPARE(std::make_pair(z.start(), z.end()), before);
    z.fit();
    QVERIFY(z.following());
    QCOMPARE(z.end(), 9'000'000);
}

void TestZoom::zoomAroundKeepsTheAnchor_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<double>("factor");
    QTest::newRow("in at a quarter") << 0.25 << 0.5;
    QTest::newRow("in at the middle") << 0.5 << 0.8;
    QTest::newRow("in at the right edge") << 1.0 << 0.1;
    QTest::newRow("in at the left edge") << 0.0 << 0.3;
}

void TestZoom::zoomAroundKeepsTheAnchor()
{
    QFETCH(double, fraction);
    QFETCH(double, factor);
    TimelineZoom z;
    z.setSpan(10'000'000);
    z.setWindow(2'000'000, 6'000'000);
    const double anchor = 2'000'000 + fraction * 4'000'000;
    z.zoomAround(fraction, factor);
    const std::int64_t width = z.end() - z.start();
    QCOMPARE(width, std::int64_t(4'000'000 * factor));
    QVERIFY(std::abs(double(z.start()) + fraction * double(width) - anchor) <= 1.0);
}

void TestZoom::clampsToTheRun()
{
    TimelineZoom z;
    z.setSpan(10'000'000);
    z.zoomAround(0.5, 100.0); // cannot show more than the run
    QCOMPARE(z.start(), 0);
    QCOMPARE(z.end(), 10'000'000);
    for (int i = 0; i < 60; ++i)
        z.zoomAround(0.9, 0.5); // cannot go below the minimum span
    QCOMPARE(z.end() - z.start(), TimelineZoom::minimumSpan);
    QVERIFY(z.end() <= 10'000'000);
    z.setWindow(-500, 2'000'000);
    QCOMPARE(z.start(), 0);
    QCOMPARE(z.end(), 2'000'500);
}

void TestZoom::panStopsAtTheEdges()
{
    TimelineZoom z;
    z.setSpan(10'000'000);
    z.setWindow(1'000'000, 3'000'000);
    z.panBy(-5'000'000);
    QCOMPARE(z.start(), 0);
    QCOMPARE(z.end(), 2'000'000);
    z.panBy(50'000'000);
    QCOMPARE(z.end(), 10'000'000);
    QCOMPARE(z.start(), 8'000'000);
}

void TestZoom::emitsOnlyOnRealChange()
{
    TimelineZoom z;
    z.setSpan(10'000'000);
    QSignalSpy spy(&z, &TimelineZoom::windowChanged);
    z.fit(); // already showing everything
    QCOMPARE(spy.count(), 0);
    z.setWindow(0, 5'000'000);
    QCOMPARE(spy.count(), 1);
    z.setWindow(0, 5'000'000);
    QCOMPARE(spy.count(), 1);
    z.panBy(-10); // pinned at zero already
    QCOMPARE(spy.count(), 1);
}

void TestZoom::selectionIsOrderedAndClamped()
{
    TimelineZoom z;
    z.setSpan(1'000'000);
    QSignalSpy spy(&z, &TimelineZoom::selectionChanged);
    z.setSelection(800'000, 200'000);
    QCOMPARE(z.selection()->first, 200'000);
    QCOMPARE(z.selection()->second, 800'000);
    z.setSelection(200'000, 800'000);
    QCOMPARE(spy.count(), 1);
    z.setSelection(-5, 5'000'000);
    QCOMPARE(z.selection()->first, 0);
    QCOMPARE(z.selection()->second, 1'000'000);
    z.clearSelection();
    QVERIFY(!z.selection());
    QCOMPARE(spy.count(), 3);
}

QTEST_GUILESS_MAIN(TestZoom)
#include "tst_zoom.moc"
