// Time <-> pixel maths, tick steps, units and zoom-around-cursor, as pure functions.

#include "timelinecoordinates.h"

#include <QTest>

using namespace raceway::coords;

class TestCoordinates : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void niceSteps_data();
    void niceSteps();
    void units();
    void durations();
    void zoomKeepsAnchor();
    void zoomClamps();
};

void TestCoordinates::roundTrip()
{
    const Mapping m{1'000'000, 2'000'000, 100, 1000};
    QCOMPARE(m.nsPerPixel(), 1000.0);
    QCOMPARE(m.toX(1'000'000), 100.0);
    QCOMPARE(m.toX(1'500'000), 600.0);
    QCOMPARE(m.toTime(600.0), 1'500'000LL);
    for (double x : {100.0, 333.0, 1099.0})
        QCOMPARE(m.toX(m.toTime(x)), x);
}

void TestCoordinates::niceSteps_data()
{
    QTest::addColumn<double>("min");
    QTest::addColumn<qlonglong>("step");
    QTest::newRow("tiny") << 0.3 << 1LL;
    QTest::newRow("1") << 1.0 << 1LL;
    QTest::newRow("1.5") << 1.5 << 2LL;
    QTest::newRow("3") << 3.0 << 5LL;
    QTest::newRow("7") << 7.0 << 10LL;
    QTest::newRow("120") << 120.0 << 200LL;
    QTest::newRow("4.2ms") << 4.2e6 << 5'000'000LL;
    QTest::newRow("11s") << 1.1e10 << 20'000'000'000LL;
}

void TestCoordinates::niceSteps()
{
    QFETCH(double, min);
    QFETCH(qlonglong, step);
    QCOMPARE(niceStep(min), step);
}

void TestCoordinates::units()
{
    QCOMPARE(std::string(unitForStep(500).suffix), std::string("ns"));
    QCOMPARE(std::string(unitForStep(2000).suffix), std::string("µs"));
    QCOMPARE(std::string(unitForStep(5'000'000).suffix), std::string("ms"));
    QCOMPARE(std::string(unitForStep(2'000'000'000).suffix), std::string("s"));
}

void TestCoordinates::durations()
{
    QCOMPARE(formatDuration(0), std::string("0 ns"));
    QCOMPARE(formatDuration(950), std::string("950 ns"));
    QCOMPARE(formatDuration(12'500'000), std::string("12.50 ms"));
    QCOMPARE(formatDuration(1'234'000'000), std::string("1.234 s"));
}

void TestCoordinates::zoomKeepsAnchor()
{
    const Mapping m{0, 1'000'000, 0, 1000};
    const Mapping in = zoomAround(m, 250, 0.5, 0, 1'000'000);
    QCOMPARE(in.end - in.start, 500'000LL);
    QCOMPARE(in.toTime(250), m.toTime(250)); // the time under the cursor stays put
    const Mapping out = zoomAround(in, 250, 2.0, 0, 1'000'000);
    QCOMPARE(out.start, 0LL);
    QCOMPARE(out.end, 1'000'000LL);
}

void TestCoordinates::zoomClamps()
{
    const Mapping m{0, 1'000'000, 0, 1000};
    const Mapping far = zoomAround(m, 500, 100.0, 0, 1'000'000); // cannot zoom out past everything
    QCOMPARE(far.start, 0LL);
    QCOMPARE(far.end, 1'000'000LL);
    const Mapping deep = zoomAround(m, 1000, 1e-9, 0, 1'000'000, 1000); // nor in past the minimum span
    QCOMPARE(deep.end - deep.start, 1000LL);
    QCOMPARE(deep.end, 1'000'000LL); // anchored at the right edge, still inside the trace
}

QTEST_GUILESS_MAIN(TestCoordinates)
#include "tst_coordinates.moc"
