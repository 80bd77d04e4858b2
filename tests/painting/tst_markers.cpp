// Lost-update markers that would overlap are drawn as one badge with their count; the tooltip under
// any part of that badge counts exactly the writes the badge stands for.

#include "lanes/markerspainter.h"
#include "timelinepainter.h"

#include <QGuiApplication>
#include <QLocale>
#include <QRegularExpression>
#include <QTest>

#include <climits>
#include <cmath>
#include <random>

using namespace raceway;

class TestMarkers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hoverOnABadgeCountsItsWholeCluster();
    void restoringWritesAreCountedApart();
    void aCalloutNearTheEndStaysRightOfItsPoint();
    void clustersEqualOneColumnAtATime();
};

namespace {

// Clusters as found one pixel column at a time, with a plain walk where markerClusters gallops: each
// column's writes join the last cluster if its glyph would touch that cluster's badge as wide as it would
// become.
std::vector<MarkerCluster> clustersColumnByColumn(const coords::Mapping &m, const Lane &lane, int left,
                                                  int digitWidth)
{
    const auto &M = lane.markers;
    std::vector<MarkerCluster> clusters;
    const double npp = m.nsPerPixel();
    std::size_t k = 0;
    while (k < M.size() && M[k].t < m.start)
        ++k;
    while (k < M.size() && M[k].t <= m.end) {
        const double col = std::floor(double(M[k].t - m.start) / npp);
        const double x = left + col + 0.5;
        const std::int64_t colEnd = m.start + std::int64_t((col + 1) * npp);
        std::size_t k2 = k + 1;
        while (k2 < M.size() && M[k2].t < colEnd)
            ++k2;
        bool anyLost = false;
        for (std::size_t j = k; j < k2; ++j)
            anyLost |= M[j].value > 0;
        const int writes = int(k2 - k);
        if (!clusters.empty() && x - 4.5 < clusters.back().x - 4.5 +
                                               markerBadgeWidth(clusters.back().writes + writes, digitWidth) +
                                               1) {
            clusters.back().writes += writes;
            clusters.back().lost |= anyLost;
            clusters.back().last = k2;
        } else {
            clusters.push_back({x, writes, anyLost, k, k2});
        }
        k = k2;
    }
    return clusters;
}

} // namespace

void TestMarkers::aCalloutNearTheEndStaysRightOfItsPoint()
{
    // A step that blocked an event loop, marked where it ended, near the plot's right end: its sentence
    // goes right of the mark on narrower lines, not left of it over the step it is about.
    Trace trace;
    trace.setRegistry({{QStringLiteral("task Task-4 (blocker)"), LaneKind::Thread}}, {});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0},
                          {780'000, 200'000, 0, EventKind::Mark, std::uint8_t(MarkKind::SlowStep)},
                          {1'000'000, 0, 0, EventKind::ThreadEnd, 0}};
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(1'000'000);
    for (const int width : {1000, 1400}) {
        TimelinePainter painter(trace);
        const TimelineLayout l = painter.layout(QRect(0, 0, width, painter.preferredHeight(width)));
        const std::vector<Callout> callouts = painter.callouts(l);
        const std::vector<QRect> boxes = painter.calloutBoxes(l);
        QCOMPARE(boxes.size(), std::size_t(1));
        QVERIFY2(callouts[0].text.contains(QStringLiteral("blocked the event loop")),
                 qPrintable(callouts[0].text));
        QVERIFY2(boxes[0].left() > callouts[0].at.x() && boxes[0].right() <= l.plot.right(),
                 qPrintable(QStringLiteral("width %1: the mark at %2, the box %3..%4, the plot to %5")
                                .arg(width)
                                .arg(callouts[0].at.x())
                                .arg(boxes[0].left())
                                .arg(boxes[0].right())
                                .arg(l.plot.right())));
    }
}

void TestMarkers::hoverOnABadgeCountsItsWholeCluster()
{
    Trace trace;
    trace.setRegistry({{QStringLiteral("thread 1"), LaneKind::Thread}}, {});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0}};
    // 40 writes in a burst (one pixel column or a few at this zoom) and one far away.
    for (int i = 0; i < 40; ++i)
        ev.push_back({500'000 + i * 50, std::uint32_t(i + 1), 0, EventKind::LostUpdate, 0});
    ev.push_back({900'000, 7, 0, EventKind::LostUpdate, 0});
    ev.push_back({1'000'000, 0, 0, EventKind::ThreadEnd, 0});
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(1'000'000);
    TimelinePainter painter(trace);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1000, painter.preferredHeight(1000)));
    const QRect lane = l.lanes[0];
    const auto clusters = markerClusters(painter.mapping(l), trace.lane(0), lane.left(), lane.right(),
                                         markerDigitWidth(QFont()));
    QCOMPARE(clusters.size(), 2u);
    QCOMPARE(clusters[0].writes, 40);
    const double width = markerBadgeWidth(40, markerDigitWidth(QFont()));
    QVERIFY(width > 12); // two digits: wider than the ±4 px a lone marker answers for
    // Its right end, well past four pixels from any of its writes: still the whole badge.
    const QPoint right(int(clusters[0].x - 4.5 + width) - 1, lane.top() + 4);
    const TimelineHit hit = painter.hitTest(l, right);
    QCOMPARE(hit.lane, 0);
    QCOMPARE(hit.markers, 40);
    QCOMPARE(hit.erased, 40 * 41 / 2);
    QVERIFY(painter.describe(l, hit).contains(QStringLiteral("40 lost-update writes")));
    // The lone marker answers alone.
    const TimelineHit lone = painter.hitTest(l, QPoint(int(clusters[1].x), lane.top() + 4));
    QCOMPARE(lone.markers, 1);
    QCOMPARE(lone.erased, 7);
}

void TestMarkers::restoringWritesAreCountedApart()
{
    // A burst of lost updates with restoring writes among them (a stale write puts increments back: its
    // marker's value is negative). The badge's tooltip once summed both: "erasing -1,329 increments".
    Trace trace;
    trace.setRegistry({{QStringLiteral("thread 1"), LaneKind::Thread}}, {});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0}};
    for (int i = 0; i < 10; ++i) {
        const std::int64_t t = 500'000 + i * 50;
        if (i % 2 == 0) {
            ev.push_back({t, 3, 0, EventKind::LostUpdate, 0});
        } else { // -500, as a 64-bit argument: the high half first
            ev.push_back({t, 0xFFFFFFFFu, 0, EventKind::ArgHigh, 0});
            ev.push_back({t, std::uint32_t(-500), 0, EventKind::LostUpdate, 0});
        }
    }
    ev.push_back({1'000'000, 0, 0, EventKind::ThreadEnd, 0});
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(1'000'000);
    QCOMPARE(trace.lane(0).markers.size(), 10u);
    TimelinePainter painter(trace);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1000, painter.preferredHeight(1000)));
    const auto clusters = markerClusters(painter.mapping(l), trace.lane(0), l.lanes[0].left(),
                                         l.lanes[0].right(), markerDigitWidth(QFont()));
    QCOMPARE(clusters.size(), 1u);
    const TimelineHit hit = painter.hitTest(l, QPoint(int(clusters[0].x), l.lanes[0].top() + 4));
    QCOMPARE(hit.markers, 10);
    QCOMPARE(hit.erased, 15);
    QCOMPARE(hit.restoring, 5);
    QCOMPARE(hit.restored, 2500);
    const QString tip = painter.describe(l, hit);
    QVERIFY2(tip.contains(QStringLiteral("5 lost-update writes</b> here, erasing 15 increments")) &&
                 tip.contains(QStringLiteral("5 restoring writes</b> here, putting ") +
                              QLocale().toString(2500)) &&
                 !tip.contains(QRegularExpression(QStringLiteral("[-\u2212][0-9]"))), // no negative count
             qPrintable(tip));
}

void TestMarkers::clustersEqualOneColumnAtATime()
{
    // Bursts dense enough for badges of hundreds and thousands, lone writes, restoring ones among them,
    // seen whole and through many windows and widths: the same clusters as one column at a time.
    Trace trace;
    trace.setRegistry({{QStringLiteral("thread 1"), LaneKind::Thread}}, {});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0}};
    std::mt19937_64 rng(11);
    std::int64_t t = 1000;
    for (int i = 0; i < 60'000; ++i) {
        t += rng() % 8 == 0 ? std::int64_t(rng() % 400'000) : std::int64_t(1 + rng() % 40);
        if (rng() % 9 == 0) {
            ev.push_back({t, 0xFFFFFFFFu, 0, EventKind::ArgHigh, 0});
            ev.push_back({t, std::uint32_t(-3), 0, EventKind::LostUpdate, 0});
        } else {
            ev.push_back({t, std::uint32_t(1 + rng() % 5), 0, EventKind::LostUpdate, 0});
        }
    }
    ev.push_back({t + 1000, 0, 0, EventKind::ThreadEnd, 0});
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(t + 1000);
    const Lane &lane = trace.lane(0);
    const int digitWidth = markerDigitWidth(QFont());
    int compared = 0, badges = 0, edgeMoves = 0, edgeJoins = 0;
    for (int round = 0; round < 300; ++round) {
        coords::Mapping m;
        m.start = round == 0 ? 0 : std::int64_t(rng() % std::uint64_t(t));
        m.end = round == 0 ? t + 1000 : m.start + 1 + std::int64_t(rng() % std::uint64_t(t - m.start + 2000));
        m.left = 150;
        m.width = double(200 + rng() % 1800);
        const int left = 150;
        const auto got = markerClusters(m, lane, left, INT_MAX / 2, digitWidth); // no right end in sight
        const auto want = clustersColumnByColumn(m, lane, left, digitWidth);
        QCOMPARE(got.size(), want.size());
        for (std::size_t c = 0; c < got.size(); ++c) {
            QCOMPARE(got[c].x, want[c].x);
            QCOMPARE(got[c].writes, want[c].writes);
            QCOMPARE(got[c].lost, want[c].lost);
            QCOMPARE(got[c].first, want[c].first);
            QCOMPARE(got[c].last, want[c].last);
            badges += got[c].writes >= 100;
        }
        compared += int(got.size());
        // Up to the plot's right end: every write still counted once, every badge whole inside the plot and
        // clear of the one before.
        const int right = left + int(m.width) - 1;
        const auto ended = markerClusters(m, lane, left, right, digitWidth);
        int writes = 0, wanted = 0;
        double end = -1e9;
        for (const MarkerCluster &c : ended) {
            writes += c.writes;
            if (c.writes < 2) {
                end = c.x + 4.5;
                continue;
            }
            const double width = markerBadgeWidth(c.writes, digitWidth);
            QVERIFY2(c.left + width <= right + 1 || ended.size() == 1,
                     qPrintable(QStringLiteral("round %1: a badge of %2 from %3 past %4")
                                    .arg(round)
                                    .arg(c.writes)
                                    .arg(c.left)
                                    .arg(right)));
            QVERIFY(c.left >= end + 1 || &c == &ended.front());
            end = c.left + width;
            edgeMoves += c.left != c.x - 4.5;
        }
        for (const MarkerCluster &c : want)
            wanted += c.writes;
        QCOMPARE(writes, wanted);
        edgeJoins += ended.size() < want.size();
    }
    QVERIFY(compared > 1000);
    QVERIFY(badges > 50);
    QVERIFY(edgeMoves > 0 && edgeJoins > 0); // both happened
}

QTEST_MAIN(TestMarkers)
#include "tst_markers.moc"
