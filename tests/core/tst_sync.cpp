// Semaphores, events, conditions, taking turns and deadlocks, checked from the trace: what each
// scenario reports equals what its lanes draw, and the lesson holds (never more inside than permits,
// no release before the set, every item consumed once, strict turns with sync, the cycle that was
// reported is the one the lanes show).

#include "deadlockcycle.h"
#include "tracechecks.h"
#include "tracefind.h"

#include <QTest>

#include <map>

using namespace raceway;
using namespace raceway::testing;

namespace {

std::vector<std::size_t> lanesNamed(const Trace &t, const QString &prefix)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        if (t.lane(i).name.startsWith(prefix)) out.push_back(i);
    return out;
}

std::int64_t totalIn(const Trace &t, const std::vector<std::size_t> &lanes, State state)
{
    std::int64_t total = 0;
    for (std::size_t l : lanes)
        total += t.totalIn(l, state);
    return total;
}

struct Mark
{
    std::int64_t t;
    std::int64_t value;
    std::size_t lane;
};

std::vector<Mark> marksOf(const Trace &t, MarkKind kind)
{
    std::vector<Mark> out;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        for (const Instant &in : t.lane(i).instants)
            if (in.markKind() == kind) out.push_back({in.t, in.value, i});
    std::sort(out.begin(), out.end(), [](const Mark &a, const Mark &b) { return a.t < b.t; });
    return out;
}

// The state a lane is in just before t, with its object.
std::pair<State, std::uint16_t> stateBefore(const Trace &t, std::size_t lane, std::int64_t time)
{
    const Lane &l = t.lane(lane);
    const std::ptrdiff_t i = l.indexAt(time - 1);
    if (i < 0) return {State::Idle, 0};
    return {l.states[std::size_t(i)], l.objs[std::size_t(i)]};
}

} // namespace

class TestSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void semaphoreNeverHoldsMoreThanItsPermits_data();
    void semaphoreNeverHoldsMoreThanItsPermits();
    void eventReleasesNobodyBeforeItIsSet();
    void autoResetEventReleasesOnePerSet();
    void conditionQueueStaysWithinCapacity_data();
    void conditionQueueStaysWithinCapacity();
    void pingPongOrderIsCountedFromTheLines();
    void pingPongWithSyncAlternates();
    void deadlockCycleIsTheOneTheLanesShow_data();
    void deadlockCycleIsTheOneTheLanesShow();
    void consistentOrderNeverDeadlocks();
};

void TestSync::semaphoreNeverHoldsMoreThanItsPermits_data()
{
    QTest::addColumn<QStringList>("params");
    QTest::addColumn<int>("expectedMost");
    QTest::newRow("6 threads, 3 permits")
        << args({"threads=6", "permits=3", "rounds=20", "hold_us=2000"}) << 3;
    QTest::newRow("8 threads, 1 permit") << args({"threads=8", "permits=1", "rounds=10", "hold_us=500"}) << 1;
    QTest::newRow("2 threads, 5 permits")
        << args({"threads=2", "permits=5", "rounds=20", "hold_us=2000"}) << 2;
}

void TestSync::semaphoreNeverHoldsMoreThanItsPermits()
{
    QFETCH(QStringList, params);
    QFETCH(int, expectedMost);
    auto r = runScenario(QStringLiteral("semaphore"), params);
    const Trace &t = r->trace();
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    const auto sem = lanesOfKind(t, LaneKind::Semaphore);
    QCOMPARE(sem.size(), 1u);
    // Holds drawn on the thread lanes, overlapped: exactly min(permits, threads), and what is reported.
    QCOMPARE(mostAtOnce(t, threads, State::Holding), expectedMost);
    QCOMPARE(metric(*r, "max_inside"), qlonglong(expectedMost));
    // The semaphore's own lane counts the same: its peak, and nobody inside or waiting at the end.
    std::int64_t peakInside = 0, lowest = 0;
    for (const SeriesPoint &pt : t.lane(sem[0]).series) {
        peakInside = std::max(peakInside, pt.b);
        lowest = std::min({lowest, pt.a, pt.b});
    }
    QCOMPARE(peakInside, std::int64_t(expectedMost));
    QCOMPARE(lowest, 0);
    QCOMPARE(t.lane(sem[0]).series.back().a, 0);
    QCOMPARE(t.lane(sem[0]).series.back().b, 0);
    // Reported waiting = drawn waiting, to the nanosecond.
    QCOMPARE(qRound64(metricDouble(*r, "wait_ms") * 1e6), totalOverThreads(t, State::Waiting));
    const qlonglong rounds = params.contains(QStringLiteral("rounds=20")) ? 20 : 10;
    QCOMPARE(metric(*r, "uses"), qlonglong(threads.size()) * rounds);
    QCOMPARE(countTransitions(t, State::Holding), qlonglong(threads.size()) * rounds);
}

void TestSync::eventReleasesNobodyBeforeItIsSet()
{
    auto r = runScenario(QStringLiteral("event"), args({"threads=6", "delay_ms=20", "work_ms=1"}));
    const Trace &t = r->trace();
    const auto signal = lanesOfKind(t, LaneKind::Signal);
    QCOMPARE(signal.size(), 1u);
    std::int64_t setAt = -1;
    t.forEachInterval(signal[0], [&](const Interval &iv) {
        if (iv.state == State::Set && setAt < 0) setAt = iv.start;
    });
    QVERIFY(setAt > 0);
    const auto workers = lanesNamed(t, QStringLiteral("worker"));
    const auto waits = intervalsIn(t, workers, State::Waiting);
    QCOMPARE(qlonglong(waits.size()), 6); // every worker waited: the set came after all were waiting
    for (const Interval &w : waits)
        QVERIFY2(w.end >= setAt, "a waiter was released before the event was set");
    QCOMPARE(metric(*r, "released"), 6);
    QCOMPARE(qRound64(metricDouble(*r, "wait_ms") * 1e6), totalIn(t, workers, State::Waiting));
    QCOMPARE(qRound64(metricDouble(*r, "set_at_ms") * 1e6), setAt - t.start());
}

void TestSync::autoResetEventReleasesOnePerSet()
{
    auto r = runScenario(QStringLiteral("event"),
                         args({"threads=4", "delay_ms=5", "auto_reset=on", "interval_ms=3"}));
    const Trace &t = r->trace();
    const auto signal = lanesOfKind(t, LaneKind::Signal);
    std::vector<std::int64_t> sets;
    t.forEachInterval(signal[0], [&](const Interval &iv) {
        if (iv.state == State::Set) sets.push_back(iv.start);
    });
    QCOMPARE(sets.size(), 4u);
    std::vector<std::int64_t> releases;
    for (const Interval &w : intervalsIn(t, lanesNamed(t, QStringLiteral("worker")), State::Waiting))
        releases.push_back(w.end);
    std::sort(releases.begin(), releases.end());
    QCOMPARE(releases.size(), 4u);
    // One at a time: the k-th release comes after the k-th set and before the next one.
    for (std::size_t k = 0; k < 4; ++k) {
        QVERIFY(releases[k] >= sets[k]);
        if (k + 1 < 4) QVERIFY(releases[k] <= sets[k + 1]);
    }
    QCOMPARE(metric(*r, "released"), 4);
}

void TestSync::conditionQueueStaysWithinCapacity_data()
{
    QTest::addColumn<QStringList>("params");
    QTest::newRow("slow consumers") << args(
        {"producers=3", "consumers=2", "capacity=3", "items=40", "consume_us=300"});
    QTest::newRow("slow producers") << args(
        {"producers=2", "consumers=4", "capacity=2", "items=40", "produce_us=300"});
    QTest::newRow("flat out") << args({"producers=4", "consumers=4", "capacity=1", "items=2000"});
}

void TestSync::conditionQueueStaysWithinCapacity()
{
    QFETCH(QStringList, params);
    auto r = runScenario(QStringLiteral("condition"), params);
    const Trace &t = r->trace();
    const auto queue = lanesOfKind(t, LaneKind::Queue);
    QCOMPARE(queue.size(), 1u);
    const qlonglong capacity = metric(*r, "capacity");
    std::int64_t most = 0;
    for (const SeriesPoint &pt : t.lane(queue[0]).series) {
        QVERIFY(pt.a >= 0);
        QVERIFY(pt.a <= capacity);
        most = std::max(most, pt.a);
    }
    QCOMPARE(most, metric(*r, "max_depth"));
    QCOMPARE(t.lane(queue[0]).series.back().a, 0);
    QCOMPARE(metric(*r, "produced"), metric(*r, "consumed"));
    const auto producers = lanesNamed(t, QStringLiteral("producer"));
    const auto consumers = lanesNamed(t, QStringLiteral("consumer"));
    // Every item taken shows as a task on a consumer's lane: as many as were produced.
    const auto tasks = qlonglong(runsIn(t, consumers, State::Task).size());
    QCOMPARE(tasks, metric(*r, "consumed"));
    QCOMPARE(qRound64(metricDouble(*r, "producer_wait_ms") * 1e6), totalIn(t, producers, State::Waiting));
    QCOMPARE(qRound64(metricDouble(*r, "consumer_wait_ms") * 1e6), totalIn(t, consumers, State::Waiting));
}

void TestSync::pingPongOrderIsCountedFromTheLines()
{
    auto r = runScenario(QStringLiteral("ping-pong"), args({"rounds=300"}));
    const Trace &t = r->trace();
    auto prints = marksOf(t, MarkKind::Print);
    QCOMPARE(qlonglong(prints.size()), 600);
    // In output order (the line numbers), count every line that repeats the word before it.
    std::sort(prints.begin(), prints.end(), [](const Mark &a, const Mark &b) { return a.value < b.value; });
    const std::size_t ping = lanesNamed(t, QStringLiteral("Ping"))[0];
    qlonglong outOfTurn = prints[0].lane != ping;
    for (std::size_t i = 1; i < prints.size(); ++i)
        outOfTurn += prints[i].lane == prints[i - 1].lane;
    QCOMPARE(metric(*r, "out_of_order"), outOfTurn);
    QCOMPARE(qlonglong(marksOf(t, MarkKind::OutOfOrder).size()), outOfTurn);
    QCOMPARE(metric(*r, "lines"), 600);
}

void TestSync::pingPongWithSyncAlternates()
{
    auto r = runScenario(QStringLiteral("ping-pong"), args({"rounds=200", "sync=on"}));
    const Trace &t = r->trace();
    const auto prints = marksOf(t, MarkKind::Print); // in time order
    QCOMPARE(qlonglong(prints.size()), 400);
    const std::size_t ping = lanesNamed(t, QStringLiteral("Ping"))[0];
    for (std::size_t i = 0; i < prints.size(); ++i) {
        QCOMPARE(prints[i].value, qlonglong(i + 1)); // time order is output order
        QCOMPARE(prints[i].lane == ping, i % 2 == 0);
    }
    QCOMPARE(metric(*r, "out_of_order"), 0);
    QVERIFY(marksOf(t, MarkKind::OutOfOrder).empty());
}

void TestSync::deadlockCycleIsTheOneTheLanesShow_data()
{
    QTest::addColumn<QStringList>("params");
    QTest::newRow("2 threads") << args({"threads=2", "rounds=2", "gap_ms=5", "hold_ms=1"});
    QTest::newRow("4 threads") << args({"threads=4", "rounds=2", "gap_ms=20", "hold_ms=1"});
}

void TestSync::deadlockCycleIsTheOneTheLanesShow()
{
    QFETCH(QStringList, params);
    auto r = runScenario(QStringLiteral("deadlock"), params);
    const Trace &t = r->trace();
    const auto deadlocks = marksOf(t, MarkKind::Deadlock);
    QVERIFY(!deadlocks.empty());
    QCOMPARE(metric(*r, "deadlocks"), qlonglong(deadlocks.size()));
    QCOMPARE(qlonglong(marksOf(t, MarkKind::Rollback).size()), metric(*r, "rollbacks"));
    // Follow the first deadlock through the lanes: the victim waits for a lock, that lock's lane says
    // who holds it, that thread waits for the next lock... back to the victim.
    const Mark first =
        *std::find_if(deadlocks.begin(), deadlocks.end(), [](const Mark &m) { return m.value == 1; });
    QStringList drawn;
    std::size_t lane = first.lane;
    for (int guard = 0; guard < 32; ++guard) {
        drawn << t.lane(lane).name;
        const auto [state, obj] = stateBefore(t, lane, first.t);
        QCOMPARE(state, State::Waiting);
        const int lockLane = t.objects()[obj].lane;
        QVERIFY(lockLane >= 0);
        const auto [held, holder] = stateBefore(t, std::size_t(lockLane), first.t);
        QCOMPARE(held, State::Held);
        lane = holder;
        if (lane == first.lane) break;
    }
    QCOMPARE(metricValue(r->result().metrics, QStringLiteral("cycle")).toStringList(), drawn);
    // The window's reading of the same moment (find bar, tooltip, drawing) follows the same links.
    const auto links = deadlockCycleAt(t, first.lane, first.t);
    QCOMPARE(qlonglong(links.size()), qlonglong(drawn.size()));
    for (std::size_t i = 0; i < links.size(); ++i)
        QCOMPARE(t.lane(links[i].waiter).name, drawn[qsizetype(i)]);
    const TraceFinder finder(t, FindKind::Deadlock);
    QCOMPARE(qlonglong(finder.size()), metric(*r, "deadlocks"));
    QVERIFY(finder.describe(0).startsWith(QStringLiteral("deadlock 1 of ")));
    // Broken and gone on: every thread did all its rounds.
    const qlonglong threads = qlonglong(lanesOfKind(t, LaneKind::Lock).size());
    QCOMPARE(metric(*r, "rounds_done"), threads * 2);
}

void TestSync::consistentOrderNeverDeadlocks()
{
    auto r = runScenario(QStringLiteral("deadlock"),
                         args({"threads=4", "order=consistent", "rounds=5", "gap_ms=2"}));
    QCOMPARE(metric(*r, "deadlocks"), 0);
    QVERIFY(marksOf(r->trace(), MarkKind::Deadlock).empty());
    QCOMPARE(metric(*r, "rounds_done"), 20);
}

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
