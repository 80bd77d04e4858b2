// The words on the picture stay whole and tell lanes apart: long lane names keep both ends, a core's
// numbers and a value lane's scale are written whole or rounded, never cut, and a long note leaves the
// title its room.

#include "lanes/corerunslane.h"
#include "paintertest.h"

using namespace raceway;
using namespace raceway::testing;
using namespace raceway::paintertest;

class TestLabels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void longLaneNamesKeepBothEnds();
    void coreLaneNumbersAreWhole();
    void longNoteLeavesTheTitle();
    void valueLanesSayTheirScale_data();
    void valueLanesSayTheirScale();
};

void TestLabels::longLaneNamesKeepBothEnds()
{
    // Python's pool threads differ only at the end of a long name: a label cut at its column's edge drew
    // them all alike. Elided in the middle, lanes with different names get different labels, in both
    // kinds of label; lanes with the same name (on the same zebra stripe) the same.
    const QString a0 = QStringLiteral("ThreadPoolExecutor-0_worker-with-a-long-name_0");
    const QString a1 = QStringLiteral("ThreadPoolExecutor-0_worker-with-a-long-name_1");
    Trace t;
    t.setRegistry({{a0, LaneKind::Thread},
                   {a1, LaneKind::Thread},
                   {a1, LaneKind::Thread},
                   {a1, LaneKind::Thread},
                   {a0, LaneKind::Counter},
                   {a1, LaneKind::Counter},
                   {a1, LaneKind::Counter},
                   {a1, LaneKind::Counter}},
                  {});
    t.setStart(0);
    std::vector<Event> ev;
    for (std::uint16_t lane = 0; lane < 4; ++lane) {
        ev.push_back({0, 0, lane, EventKind::ThreadStart, 0});
        ev.push_back({1'000'000, 0, lane, EventKind::ThreadEnd, 0});
    }
    t.ingest(ev.data(), ev.size());
    t.commit();
    t.setEnd(1'000'000);
    const auto [img, l] = drawn(TimelinePainter(t));
    const auto label = [&](std::size_t lane) {
        const QRect r = l.lanes[lane];
        return img.copy(QRect(l.labels.left(), r.top(), l.labels.width(), r.height()));
    };
    QVERIFY(label(1) == label(3)); // the same name: the same pixels
    QVERIFY(label(0) != label(2)); // names that differ at the end: different labels
    QVERIFY(label(5) == label(7));
    QVERIFY(label(4) != label(6));
}

void TestLabels::coreLaneNumbersAreWhole()
{
    // A core's label under its name never cuts a number: whole where it fits, the count rounded where
    // not, the share alone in the narrowest column (a 79M-event run's said "busy 80 %, 356,030 sw…").
    QFont font;
    font.setPixelSize(10);
    const QFontMetrics fm(font);
    const QString whole = CoreRunsLane::busyText(80.2, 356'030, 1000, fm);
    QCOMPARE(whole, QStringLiteral("busy 80 %, 356,030 swaps"));
    const int wholeWidth = fm.horizontalAdvance(whole);
    const QString rounded = CoreRunsLane::busyText(80.2, 356'030, wholeWidth - 1, fm);
    QCOMPARE(rounded, QStringLiteral("busy 80 %, 356k swaps"));
    QCOMPARE(CoreRunsLane::busyText(80.2, 12'345'678,
                                    fm.horizontalAdvance(QStringLiteral("busy 80 %, 12M swaps")), fm),
             QStringLiteral("busy 80 %, 12M swaps"));
    QCOMPARE(CoreRunsLane::busyText(80.2, 356'030, fm.horizontalAdvance(rounded) - 1, fm),
             QStringLiteral("busy 80 %"));
    QCOMPARE(CoreRunsLane::busyText(80.2, 999, 60, fm), QStringLiteral("busy 80 %"));
}

void TestLabels::longNoteLeavesTheTitle()
{
    // A run's error is the header's note, right-aligned in the waiting colour: a long one (a missing
    // worker names both places it looked) ran off the header's left edge, over the title. It keeps to the
    // right two thirds.
    Trace t;
    t.setRegistry({{QStringLiteral("thread 1"), LaneKind::Thread}}, {});
    t.setStart(0);
    const std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0},
                                {1'000'000, 0, 0, EventKind::ThreadEnd, 0}};
    t.ingest(ev.data(), ev.size());
    t.commit();
    t.setEnd(1'000'000);
    TimelinePainter painter(t);
    painter.setTitle(QStringLiteral("compare"));
    painter.setNote(
        QStringLiteral("Could not run compare: the worker program is missing: looked for it ").repeated(4));
    const auto [img, l] = drawn(painter, 800);
    const QColor note = TimelinePalette::light().state(State::Waiting);
    int leftmost = img.width();
    for (int y = l.header.top(); y <= l.header.bottom(); ++y)
        for (int x = l.header.left(); x <= l.header.right(); ++x)
            if (img.pixelColor(x, y) == note) leftmost = std::min(leftmost, x);
    QVERIFY2(leftmost < img.width(), "the note is not drawn");
    QVERIFY2(leftmost >= l.header.left() + l.header.width() / 3 - 10, qPrintable(QString::number(leftmost)));
}

void TestLabels::valueLanesSayTheirScale_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("params");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("semaphore") << QStringLiteral("semaphore")
                               << QStringList{QStringLiteral("threads=4"), QStringLiteral("permits=2"),
                                              QStringLiteral("rounds=3"), QStringLiteral("hold_us=500")}
                               << int(LaneKind::Semaphore) << QStringLiteral("2-permit semaphore");
    QTest::newRow("condition") << QStringLiteral("condition")
                               << QStringList{QStringLiteral("items=20"), QStringLiteral("capacity=3")}
                               << int(LaneKind::Queue) << QStringLiteral("queue (capacity 3)");
}

void TestLabels::valueLanesSayTheirScale()
{
    // A semaphore's or a queue's lane names its limit, and its label has a second line saying what the
    // bars' full height stands for: ink at the top of the label (the name) and at its bottom (the scale),
    // where one centred line left both empty.
    QFETCH(QString, scenario);
    QFETCH(QStringList, params);
    QFETCH(int, kind);
    QFETCH(QString, name);
    auto r = runScenario(scenario, params);
    const Trace &t = r->trace();
    const std::vector<std::size_t> lanes = lanesOfKind(t, LaneKind(kind));
    QCOMPARE(lanes.size(), 1u);
    QCOMPARE(t.lane(lanes.front()).name, name);
    const auto [img, l] = drawn(TimelinePainter(t));
    const QRect lane = l.lanes[lanes.front()];
    const QRgb background = img.pixel(l.labels.left() + 2, lane.center().y());
    const auto ink = [&](int from, int to) {
        int n = 0;
        for (int y = from; y <= to; ++y)
            for (int x = l.labels.left() + 10; x < l.labels.left() + l.labels.width() - 10; ++x)
                n += img.pixel(x, y) != background;
        return n;
    };
    QVERIFY(ink(lane.top() + 1, lane.top() + 5) > 5);
    QVERIFY(ink(lane.bottom() - 5, lane.bottom() - 1) > 5);
}

RACEWAY_PAINTER_TEST_MAIN(TestLabels)
#include "tst_labels.moc"
