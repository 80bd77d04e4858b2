// The shared counter adds up: with the lock the count is exact; without it every lost update is a
// marker, and lost == expected - actual == the markers' sum; lock wait == the drawn wait intervals.

#include "tracechecks.h"
#include "tracefind.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <sys/resource.h>

using namespace raceway;
using namespace raceway::testing;

class TestCounter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockedCountIsExact_data();
    void lockedCountIsExact();
    void unlockedLosesUpdatesAndAddsUp();
    void slowReadThenWriteEndsWithOne();
    void lockedSlowWindowIsExact();
    void singleThreadNeverLoses();
    void lockLaneHoldsNeverOverlap();
    void cancelStopsPromptlyAndJoins();
    void eventBudgetDropsButKeepsMetricsExact();
    void liveCounterLaneShowsOnlyWhatHappened_data();
    void liveCounterLaneShowsOnlyWhatHappened();
    void findVisitsEveryLostUpdateAndWaitInOrder();
    void threadsWithoutACoreAreNotDrawnRunning();
    void liveEdgeShowsOneHolderAtATime();
};

void TestCounter::lockedCountIsExact_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("iterations");
    QTest::newRow("1 thread") << 1 << 50000;
    QTest::newRow("2 threads") << 2 << 50000;
    QTest::newRow("4 threads") << 4 << 50000;
    QTest::newRow("8 threads") << 8 << 20000;
    QTest::newRow("16 threads, wide window") << 16 << 500;
}

void TestCounter::lockedCountIsExact()
{
    QFETCH(int, threads);
    QFETCH(int, iterations);
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=%1").arg(threads),
                          QStringLiteral("iterations=%1").arg(iterations), QStringLiteral("lock=on"),
                          QStringLiteral("window_ns=%1").arg(threads == 16 ? 20000 : 50)});
    const qlonglong expected = qlonglong(threads) * iterations;
    QCOMPARE(metric(*r, "expected"), expected);
    QCOMPARE(metric(*r, "actual"), expected);
    QCOMPARE(metric(*r, "lost_updates"), 0);
    QCOMPARE(metric(*r, "lock_acquisitions"), expected);
    const Trace &t = r->trace();
    QCOMPARE(markerTotal(t), 0);
    QCOMPARE(r->result().droppedEvents, 0u);
    // Every acquisition is a drawn hold; the summed drawn waits are the reported lock wait, to the ns.
    QCOMPARE(countTransitions(t, State::Holding), expected);
    const std::int64_t drawnWaitNs = totalOverThreads(t, State::Waiting);
    QCOMPARE(qRound64(metricDouble(*r, "lock_wait_ms") * 1e6), drawnWaitNs);
    // A thread on its core while another holds the lock reaches the lock within nanoseconds (its loop
    // is all lock, add, unlock) and waits: where that went on for a microsecond at once, waits are drawn.
    // (On a busy machine the two may take turns on one core, each doing all its work between
    // preemptions, and never wait.)
    if (threads > 1 && threads != 16) {
        const std::vector<std::size_t> lanes = lanesOfKind(t, LaneKind::Thread);
        std::int64_t longest = 0;
        for (std::size_t a : lanes)
            for (std::size_t b : lanes) {
                if (b == a) continue;
                // Both lists in time order, neither overlapping itself: one pass over the two.
                const std::vector<Interval> holds = intervalsIn(t, {a}, State::Holding);
                const std::vector<Interval> runs = intervalsIn(t, {b}, State::Running);
                for (std::size_t i = 0, j = 0; i < holds.size() && j < runs.size();) {
                    longest = std::max(longest, std::min(holds[i].end, runs[j].end) -
                                                    std::max(holds[i].start, runs[j].start));
                    (holds[i].end < runs[j].end ? i : j) += 1;
                }
            }
        qInfo("one thread on its core while another held the lock: at most %.3f us at once; waits %.3f ms",
              double(longest) / 1e3, double(drawnWaitNs) / 1e6);
        if (longest >= 1000) QVERIFY2(drawnWaitNs > 0, "threads sharing one lock must have waited for it");
    }
    // The counter lane ends at the true totals.
    const auto counter = lanesOfKind(t, LaneKind::Counter);
    QCOMPARE(counter.size(), 1u);
    const SeriesPoint last = t.lane(counter[0]).series.back();
    QCOMPARE(last.a, expected);
    QCOMPARE(last.b, expected);
}

void TestCounter::unlockedLosesUpdatesAndAddsUp()
{
    // The promise: four threads, 200000 increments each, lock off: updates are lost on every run.
    for (int run = 0; run < 3; ++run) {
        auto r = runScenario(
            QStringLiteral("counter"),
            {QStringLiteral("threads=4"), QStringLiteral("iterations=200000"), QStringLiteral("lock=off")});
        const Trace &t = r->trace();
        const qlonglong expected = metric(*r, "expected");
        const qlonglong actual = metric(*r, "actual");
        QCOMPARE(expected, 800000);
        QVERIFY2(actual < expected, qPrintable(QStringLiteral("run %1 lost nothing").arg(run)));
        QCOMPARE(metric(*r, "lost_updates"), expected - actual);
        QCOMPARE(markerTotal(t), expected - actual);
        QCOMPARE(metric(*r, "erased_by_writes"), expected - actual);
        qlonglong markers = 0;
        for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
            markers += qlonglong(t.lane(lane).markers.size());
            for (const Marker &m : t.lane(lane).markers) {
                QVERIFY(m.value != 0);
                // The overwritten value was written by some thread lane, or was the initial zero.
                QVERIFY(m.other == -1 || t.lane(std::size_t(m.other)).kind == LaneKind::Thread);
            }
        }
        QCOMPARE(markers, metric(*r, "lossy_writes"));
        QCOMPARE(metric(*r, "lock_acquisitions"), 0);
        QCOMPARE(totalOverThreads(t, State::Waiting), 0);
        const SeriesPoint last = t.lane(lanesOfKind(t, LaneKind::Counter)[0]).series.back();
        QCOMPARE(last.a, expected);
        QCOMPARE(last.b, actual);
    }
}

void TestCounter::slowReadThenWriteEndsWithOne()
{
    // Five threads read 0, sleep, and all write 1: four increments vanish.
    auto r =
        runScenario(QStringLiteral("counter"), {QStringLiteral("threads=5"), QStringLiteral("iterations=1"),
                                                QStringLiteral("window_sleep_ms=100")});
    QCOMPARE(metric(*r, "expected"), 5);
    QCOMPARE(metric(*r, "actual"), 1);
    QCOMPARE(markerTotal(r->trace()), 4);
    QVERIFY(totalOverThreads(r->trace(), State::Sleeping) >= 5 * 100'000'000LL);
}

void TestCounter::lockedSlowWindowIsExact()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=5"), QStringLiteral("iterations=1"),
                          QStringLiteral("window_sleep_ms=20"), QStringLiteral("lock=on")});
    QCOMPARE(metric(*r, "actual"), 5);
    // Holders take turns, each sleeping 20 ms with the lock, so the k-th to get it (by time) got it at least
    // 20 (k - 1) ms after the first did; a thread that queued waited at least from its request until then.
    // (With every request at the start that is 20+40+60+80 ms; a thread that started late waited less.)
    const Trace &t = r->trace();
    struct Turn
    {
        std::int64_t requested = -1, acquired = -1;
    };
    std::vector<Turn> turns;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        Turn turn;
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == State::Waiting && turn.requested < 0) turn.requested = iv.start;
            if (iv.state == State::Holding && turn.acquired < 0) turn.acquired = iv.start;
        });
        turns.push_back(turn);
    }
    std::sort(turns.begin(), turns.end(),
              [](const Turn &a, const Turn &b) { return a.acquired < b.acquired; });
    std::int64_t least = 0;
    for (std::size_t k = 0; k < turns.size(); ++k)
        if (turns[k].requested >= 0)
            least += std::max<std::int64_t>(0, turns.front().acquired + std::int64_t(k) * 20'000'000 -
                                                   turns[k].requested);
    const std::int64_t waited = totalOverThreads(t, State::Waiting);
    QVERIFY2(waited >= least, qPrintable(QStringLiteral("%1 < %2").arg(waited).arg(least)));
    QCOMPARE(qRound64(metricDouble(*r, "lock_wait_ms") * 1e6), waited);
}

void TestCounter::singleThreadNeverLoses()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=1"), QStringLiteral("iterations=100000")});
    QCOMPARE(metric(*r, "actual"), 100000);
    QCOMPARE(markerTotal(r->trace()), 0);
}

void TestCounter::lockLaneHoldsNeverOverlap()
{
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=4"), QStringLiteral("iterations=20000"), QStringLiteral("lock=on")});
    const Trace &t = r->trace();
    const auto locks = lanesOfKind(t, LaneKind::Lock);
    QCOMPARE(locks.size(), 1u);
    std::int64_t held = 0, holds = 0, previousEnd = 0;
    bool holding = false;
    t.forEachInterval(locks[0], [&](const Interval &iv) {
        QVERIFY(iv.start >= previousEnd || !holding);
        if (iv.state == State::Held) {
            held += iv.end - iv.start;
            ++holds;
            QCOMPARE(t.lane(iv.obj).kind, LaneKind::Thread);
        }
        holding = iv.state == State::Held;
        previousEnd = iv.end;
    });
    QCOMPARE(holds, 80000);
    // The lock lane's held time is the thread lanes' holding time, seen from the other side.
    // (A holder taken off its core is drawn "holding, waiting for a core": still holding.)
    QCOMPARE(held, totalOverThreads(t, State::Holding) + totalOverThreads(t, State::HoldingReady));
    // All waiters eventually got the lock: the queue is empty at the end.
    QCOMPARE(t.lane(locks[0]).series.empty() ? 0 : t.lane(locks[0]).series.back().a, 0);
}

void TestCounter::cancelStopsPromptlyAndJoins()
{
    const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    auto params = ParamValues::parse(
        s->params(),
        {QStringLiteral("threads=8"), QStringLiteral("iterations=100000000"), QStringLiteral("pace_us=1000")},
        &error);
    Runner runner(*s, *params);
    runner.start();
    QTest::qWait(100);
    QVERIFY(!runner.collect());
    QElapsedTimer timer;
    timer.start();
    runner.cancel();
    runner.wait();
    QVERIFY(runner.result().cancelled);
    QVERIFY(metric(runner, "expected") < 8LL * 100000000);
    QCOMPARE(metric(runner, "lost_updates"), metric(runner, "expected") - metric(runner, "actual"));
    QCOMPARE(markerTotal(runner.trace()), metric(runner, "lost_updates"));
    // Every thread lane ends cancelled then done.
    for (std::size_t lane : lanesOfKind(runner.trace(), LaneKind::Thread)) {
        const auto &states = runner.trace().lane(lane).states;
        QCOMPARE(states.back(), State::Done);
        QVERIFY(std::find(states.begin(), states.end(), State::Cancelled) != states.end());
    }
    qInfo("cancel to joined: %lld ms", timer.elapsed());
}

void TestCounter::eventBudgetDropsButKeepsMetricsExact()
{
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=2"), QStringLiteral("iterations=100000"), QStringLiteral("lock=on")}, 20000);
    QVERIFY(r->result().droppedEvents > 0);
    QCOMPARE(metric(*r, "actual"), 200000);
    // The budget is counted in 4096-event chunks: 20000 rounds up to five.
    QVERIFY(r->trace().eventCount() <= 5 * 4096);
    // Every increment records at least an acquisition and a release: none vanished uncounted.
    QVERIFY(r->trace().eventCount() + r->result().droppedEvents >= 2 * 200000);
}

void TestCounter::liveCounterLaneShowsOnlyWhatHappened_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<qlonglong>("total");
    QTest::newRow("counter, lock off, 8 threads")
        << QStringLiteral("counter")
        << QStringList{QStringLiteral("threads=8"), QStringLiteral("iterations=100000"),
                       QStringLiteral("lock=off")}
        << qlonglong(800000);
    QTest::newRow("counter, lock on")
        << QStringLiteral("counter")
        << QStringList{QStringLiteral("threads=4"), QStringLiteral("iterations=20000"),
                       QStringLiteral("lock=on")}
        << qlonglong(80000);
    QTest::newRow("gil, switches between read and write")
        << QStringLiteral("gil")
        << QStringList{QStringLiteral("threads=4"), QStringLiteral("iterations=20000"),
                       QStringLiteral("switch_at=read-write"), QStringLiteral("work_us=1")}
        << qlonglong(80000);
}

void TestCounter::liveCounterLaneShowsOnlyWhatHappened()
{
    // Watched live, slice by slice as the window does, the counter lane only ever holds states the
    // counter was really in: never negative, the value never above the increments made, the count
    // never falling and never above the run's total. At the end it is exactly the reported result.
    QFETCH(QString, scenario);
    QFETCH(QStringList, args);
    QFETCH(qlonglong, total);
    const Scenario *s = Registry::builtin().find(scenario);
    QString error;
    const auto params = ParamValues::parse(s->params(), args, &error);
    QVERIFY2(params, qPrintable(error));
    Runner runner(*s, *params);
    runner.start();
    std::size_t checked = 0;
    std::int64_t lastExpected = 0;
    int slices = 0;
    auto check = [&]() -> bool {
        const auto lanes = lanesOfKind(runner.trace(), LaneKind::Counter);
        if (lanes.size() != 1) return lanes.empty();
        const auto &series = runner.trace().lane(lanes[0]).series;
        // The newest point may still change (readings within a microsecond fold into it).
        for (std::size_t i = checked == 0 ? 0 : checked - 1; i < series.size(); ++i) {
            const SeriesPoint &p = series[i];
            if (p.b < 0 || p.b > p.a || p.a > total || p.a < lastExpected) {
                qWarning("point %zu at %lld ns: expected %lld, actual %lld (before: expected %lld)", i,
                         qlonglong(p.t - runner.trace().start()), qlonglong(p.a), qlonglong(p.b),
                         qlonglong(lastExpected));
                return false;
            }
            lastExpected = p.a;
        }
        checked = series.size();
        return true;
    };
    while (!runner.collect(1)) {
        ++slices;
        QVERIFY(check());
        QThread::msleep(1);
    }
    QVERIFY(check());
    QVERIFY(checked > 1);
    const auto &series = runner.trace().lane(lanesOfKind(runner.trace(), LaneKind::Counter)[0]).series;
    QCOMPARE(series.back().a, metricValue(runner.result().metrics, QStringLiteral("expected")).toLongLong());
    QCOMPARE(series.back().b, metricValue(runner.result().metrics, QStringLiteral("actual")).toLongLong());
    QCOMPARE(series.back().a, total);
    qInfo("%d live slices, %zu counter points", slices, series.size());
}

void TestCounter::liveEdgeShowsOneHolderAtATime()
{
    // Watched live, no moment of the picture shows two threads holding the one lock, the live edge
    // included: each thread's lane is drawn in its last state only as far as every thread is known.
    const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto params = ParamValues::parse(s->params(),
                                           {QStringLiteral("threads=16"), QStringLiteral("iterations=100000"),
                                            QStringLiteral("lock=on"), QStringLiteral("pace_us=0"),
                                            QStringLiteral("window_ns=0")},
                                           &error);
    QVERIFY2(params, qPrintable(error));
    Runner runner(*s, *params);
    runner.start();
    int rounds = 0, looked = 0;
    const auto holdersAt = [&](std::int64_t t) {
        const Trace &tr = runner.trace();
        int n = 0;
        for (const Lane &l : tr.lanes()) {
            if (l.kind != LaneKind::Thread) continue;
            const std::ptrdiff_t i = l.indexAt(t);
            if (i >= 0 && l.states[std::size_t(i)] == State::Holding) ++n;
        }
        return n;
    };
    while (!runner.collect(2)) {
        ++rounds;
        const Trace &tr = runner.trace();
        // The last 2 ms before the live edge, every 20 us, and the edge itself.
        for (std::int64_t back = 0; back <= 2'000'000; back += 20'000) {
            const std::int64_t t = tr.end() - 1 - back;
            if (t < tr.start()) break;
            const int n = holdersAt(t);
            ++looked;
            QVERIFY2(n <= 1,
                     qPrintable(QStringLiteral("%1 threads drawn holding the lock %2 ns before the live "
                                               "edge (round %3)")
                                    .arg(n)
                                    .arg(back + 1)
                                    .arg(rounds)));
        }
        QThread::msleep(5);
    }
    qInfo("%d live rounds, %d moments looked at", rounds, looked);
}

void TestCounter::findVisitsEveryLostUpdateAndWaitInOrder()
{
    // F3's list: every lossy write, in time order, as many as the run counted; every wait, whose
    // durations add up to the reported lock wait.
    auto off = runScenario(QStringLiteral("counter"),
                           {QStringLiteral("threads=4"), QStringLiteral("iterations=3000"),
                            QStringLiteral("lock=off"), QStringLiteral("window_ns=20000")});
    const TraceFinder lost(off->trace(), FindKind::LostUpdate);
    QCOMPARE(qlonglong(lost.size()), metric(*off, "lossy_writes"));
    QVERIFY(lost.size() > 0);
    std::int64_t erased = 0;
    for (std::size_t i = 0; i < lost.size(); ++i) {
        erased += lost.findings()[i].amount;
        if (i > 0) QVERIFY(lost.findings()[i - 1].start <= lost.findings()[i].start);
    }
    QCOMPARE(erased, metric(*off, "lost_updates"));
    const Finding &first = lost.findings().front();
    // "thread 2 erased 3 increments of …", or "thread 2 was off its core 2.98 ms between reading and
    // writing back: 142 increments of thread 4 erased" where its wait for a core explains it.
    const QString said = lost.describe(0);
    QVERIFY2(said.startsWith(QStringLiteral("lost update 1 of ") +
                             QLocale().toString(qulonglong(lost.size())) + QStringLiteral(": ") +
                             off->trace().lane(first.lane).name + QStringLiteral(" ")) &&
                 said.contains(QStringLiteral(" erased")),
             qPrintable(said));
    QCOMPARE(said.contains(QStringLiteral("off its core")),
             off->trace().lane(first.lane).readyEndingAt(first.start) > 0);
    QCOMPARE(lost.nextAfter(first.start - 1), std::ptrdiff_t(0));
    QCOMPARE(lost.previousBefore(first.start), std::ptrdiff_t(-1));
    QCOMPARE(lost.nextAfter(lost.findings().back().start), std::ptrdiff_t(-1));
    QVERIFY(TraceFinder(off->trace(), FindKind::LongWait, 0).size() == 0); // nobody waits without a lock

    auto on = runScenario(QStringLiteral("counter"),
                          {QStringLiteral("threads=4"), QStringLiteral("iterations=2000"),
                           QStringLiteral("lock=on"), QStringLiteral("window_ns=2000")});
    const TraceFinder waits(on->trace(), FindKind::LongWait, 0);
    std::int64_t waited = 0;
    for (const Finding &f : waits.findings())
        waited += f.end - f.start;
    QCOMPARE(qRound64(metricDouble(*on, "lock_wait_ms") * 1e6), waited);
    // A threshold keeps only the long ones.
    const TraceFinder over(on->trace(), FindKind::LongWait, 50'000);
    for (const Finding &f : over.findings())
        QVERIFY(f.end - f.start >= 50'000);
    QCOMPARE(over.size(),
             std::size_t(std::count_if(waits.findings().begin(), waits.findings().end(),
                                       [](const Finding &f) { return f.end - f.start >= 50'000; })));
    QCOMPARE(TraceFinder(on->trace(), FindKind::LostUpdate).size(), std::size_t(0));
}

void TestCounter::threadsWithoutACoreAreNotDrawnRunning()
{
    // Eight threads on this machine's cores: what is drawn running can be no more than the cores could
    // run in the wall time (a thread that had work but no core is drawn waiting for one), and no more
    // than the CPU time the whole process used, measured by the kernel independently of the trace.
    const int cores = std::max(1, QThread::idealThreadCount());
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    auto r = runScenario(QStringLiteral("counter"), args({"threads=8", "iterations=1000000"}));
    getrusage(RUSAGE_SELF, &after);
    const Trace &t = r->trace();
    const auto cpuNs = [](const rusage &u) {
        return (std::int64_t(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1'000'000'000 +
               (std::int64_t(u.ru_utime.tv_usec) + u.ru_stime.tv_usec) * 1'000;
    };
    const std::int64_t processCpu = cpuNs(after) - cpuNs(before);
    const std::int64_t running = totalOverThreads(t, State::Running);
    const std::int64_t ready = totalOverThreads(t, State::Ready);
    const std::int64_t wall = t.end() - t.start();
    qInfo("drawn running %.3f s, waiting for a core %.3f s; process CPU %.3f s; %d cores x wall %.3f s; "
          "switch records lost %s, source %s",
          double(running) / 1e9, double(ready) / 1e9, double(processCpu) / 1e9, cores, double(wall) / 1e9,
          qPrintable(metricValue(r->result().metrics, QStringLiteral("switch_records_lost")).toString()),
          qPrintable(metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString()));
    if (cores >= 8) QSKIP("as many cores as threads: nobody need wait for one");
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn running");
    QVERIFY(ready > 0);
    QVERIFY2(double(running) <= double(cores) * double(wall) * 1.05,
             "more drawn running than the cores could run");
    QVERIFY2(double(running) <= double(processCpu) * 1.05,
             "more drawn running than the process had CPU time");
    // The writes made right after their thread got its core back, counted from the drawn lanes: the
    // run's metrics say the same, and with the other writes they add up to the lost updates.
    std::int64_t afterWait = 0, other = 0, writes = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        std::vector<Interval> waits; // independently of Lane::readyEndingAt: from the drawn intervals
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == State::Ready) waits.push_back(iv);
        });
        for (const Marker &m : t.lane(lane).markers) {
            const bool waited = std::any_of(waits.begin(), waits.end(), [&](const Interval &iv) {
                return iv.end == m.t && iv.end > iv.start;
            });
            (waited ? afterWait : other) += m.value;
            writes += waited && m.value > 0;
        }
    }
    QCOMPARE(metric(*r, "erased_after_core_wait"), afterWait);
    QCOMPARE(metric(*r, "erased_by_other_writes"), other);
    QCOMPARE(metric(*r, "writes_after_core_wait"), writes);
    QCOMPARE(afterWait + other, metric(*r, "lost_updates"));
    qInfo("%lld writes right after a wait for a core erased %lld, the others %lld (net)", qlonglong(writes),
          qlonglong(afterWait), qlonglong(other));
}

QTEST_MAIN(TestCounter)
#include "tst_counter.moc"
