// Interleavings made on purpose: a schedule moves real threads one step at a time, and the outcome is the
// one the order of reads and writes gives, every time. Checked against a model of the reads and writes
// written here, not with Raceway's code.

#include "countermodel.h"
#include "stepgate.h"
#include "stepplan.h"
#include "tracechecks.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <map>
#include <thread>

using namespace raceway;
using namespace raceway::testing;

namespace {

// Each thread lane's states, in order, without their times: what a replay must repeat exactly.
std::vector<std::vector<State>> statesOf(const Trace &t)
{
    std::vector<std::vector<State>> out;
    for (const std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        const Lane &l = t.lane(lane);
        out.emplace_back(l.states.begin(), l.states.end());
    }
    return out;
}

} // namespace

class TestSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void badSchedulesSayWhere_data();
    void badSchedulesSayWhere();
    void countsEveryOrder_data();
    void countsEveryOrder();
    void aScheduleLosesWhatItsOrderLoses();
    void everyOrderOfTwoByTwo();
    void aScheduleReplaysExactly();
    void shortSchedulesLetTheRestRunFreely();
    void stopFromAnyGate();
    void stepsGivenLive();
};

void TestSteps::badSchedulesSayWhere_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<bool>("lock");
    QTest::addColumn<QString>("problem"); // empty: fine
    QTest::newRow("lost update") << "1,2,1,2" << false << "";
    QTest::newRow("shorter than the run") << "2" << false << "";
    QTest::newRow("unknown thread") << "1,3" << false << "position 2 names thread 3; the threads are 1 to 2";
    QTest::newRow("no steps left") << "1,1,1" << false
                                   << "position 3 moves thread 1, which has no steps left (each thread has "
                                      "2 steps: read then write, once)";
    QTest::newRow("the lock is held")
        << "1,2" << true << "position 2 moves thread 2 to read, but thread 1 holds the lock";
    QTest::newRow("the lock taken in turn") << "1,1,2,2" << true << "";
}

void TestSteps::badSchedulesSayWhere()
{
    QFETCH(QString, schedule);
    QFETCH(bool, lock);
    QFETCH(QString, problem);
    const Scenario *counter = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto params = ParamValues::parse(counter->params(),
                                           {QStringLiteral("threads=2"), QStringLiteral("iterations=1"),
                                            QStringLiteral("lock=") + QLatin1String(lock ? "on" : "off"),
                                            QStringLiteral("schedule=") + schedule},
                                           &error);
    QVERIFY2(params, qPrintable(error));
    const QString said = counter->validate(*params);
    if (problem.isEmpty()) {
        QVERIFY2(said.isEmpty(), qPrintable(said));
    } else {
        QVERIFY2(said.startsWith(QStringLiteral("schedule: ") + problem), qPrintable(said));
        QVERIFY(!said.contains(QLatin1Char('\n')));
    }
    // Out of range numbers never get as far: the parameter's own check names the allowed values.
    QVERIFY(!ParamValues::parse(counter->params(), {QStringLiteral("schedule=1,0")}, &error));
    QVERIFY2(error.contains(QStringLiteral("'schedule'")) && error.contains(QStringLiteral("1..64")),
             qPrintable(error));
    QVERIFY2(ParamValues::parse(counter->params(), {QStringLiteral("schedule=")}, &error), qPrintable(error));
}

void TestSteps::countsEveryOrder_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<bool>("lock");
    for (const bool lock : {false, true}) {
        const char *l = lock ? "lock on" : "lock off";
        QTest::addRow("2x1, %s", l) << 2 << 1 << lock;
        QTest::addRow("2x2, %s", l) << 2 << 2 << lock;
        QTest::addRow("2x3, %s", l) << 2 << 3 << lock;
        QTest::addRow("3x1, %s", l) << 3 << 1 << lock;
        QTest::addRow("3x2, %s", l) << 3 << 2 << lock;
    }
}

void TestSteps::countsEveryOrder()
{
    QFETCH(int, threads);
    QFETCH(int, iterations);
    QFETCH(bool, lock);
    const StepPlan plan{
        threads, iterations, {QStringLiteral("read"), QStringLiteral("write")}, lock, {}, {}, {}, {}, false};
    // Every order of the steps, then those the lock allows (no read while another thread has read and
    // not written), by brute force.
    std::vector<int> left(std::size_t(threads), 2 * iterations);
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    orders(left, sofar, all);
    std::vector<QList<qlonglong>> allowed;
    for (const QList<qlonglong> &s : all) {
        bool ok = true;
        std::vector<int> steps(std::size_t(threads) + 1, 0);
        qlonglong inside = 0;
        for (const qlonglong t : s) {
            const bool read = steps[std::size_t(t)]++ % 2 == 0;
            if (lock && read && inside != 0) ok = false;
            inside = read ? t : 0;
        }
        if (ok || !lock) allowed.push_back(s);
        QCOMPARE(plan.problem(s).isEmpty(), ok || !lock);
    }
    QCOMPARE(plan.count(1'000'000), std::uint64_t(allowed.size()));
    std::vector<QList<qlonglong>> enumerated;
    QVERIFY(plan.enumerate([&](const QList<qlonglong> &s) {
        enumerated.push_back(s);
        return true;
    }));
    QVERIFY(enumerated == allowed); // the same orders, in the same (lexical) order
    // Past a limit the count stops: limit + 1 says "more".
    QCOMPARE(plan.count(allowed.size() - 1), std::uint64_t(allowed.size()));
    // Huge plans are counted at once, never enumerated.
    const StepPlan huge = StepPlan::increments(64, 100'000'000, lock);
    QCOMPARE(huge.count(100'000), std::uint64_t(100'001));
}

void TestSteps::aScheduleLosesWhatItsOrderLoses()
{
    // Both threads read before either writes: one update lost, on real threads, whatever the machine's
    // load. Then each thread's read and write together: nothing lost.
    const auto r = runScenario(QStringLiteral("counter"),
                               args({"threads=2", "iterations=1", "lock=off", "schedule=1,2,1,2"}));
    QCOMPARE(metric(*r, "lost_updates"), 1);
    QCOMPARE(metric(*r, "actual"), 1);
    QCOMPARE(markerTotal(r->trace()), 1); // the write that erased it is marked
    const auto apart = runScenario(QStringLiteral("counter"),
                                   args({"threads=2", "iterations=1", "lock=off", "schedule=1,1,2,2"}));
    QCOMPARE(metric(*apart, "lost_updates"), 0);
    // While held at a step point a thread is drawn waiting for its turn.
    const Trace &t = r->trace();
    for (const std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        const Lane &l = t.lane(lane);
        QVERIFY(std::count(l.states.begin(), l.states.end(), State::Waiting) >= 2);
    }
    QVERIFY(r->scenario()
                .headline(r->result().params, r->result().metrics)
                .contains(QStringLiteral("schedule 1,2,1,2")));
}

void TestSteps::everyOrderOfTwoByTwo()
{
    // All 70 orders of two threads' two increments, each run on real threads: the run loses what the
    // model says that order loses.
    std::vector<int> left{4, 4};
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    orders(left, sofar, all);
    QCOMPARE(all.size(), std::size_t(70));
    std::map<qlonglong, int> histogram;
    for (const QList<qlonglong> &s : all) {
        const auto r =
            runScenario(QStringLiteral("counter"),
                        {QStringLiteral("threads=2"), QStringLiteral("iterations=2"), scheduleArg(s)});
        QCOMPARE(metric(*r, "lost_updates"), lostBy(s, 2));
        ++histogram[metric(*r, "lost_updates")];
    }
    QCOMPARE(histogram.size(), std::size_t(3)); // 0, 1 or 2 lost
}

void TestSteps::aScheduleReplaysExactly()
{
    // The same schedule, 100 runs in a row: the same numbers and the same states on every lane.
    const QStringList a = args({"threads=3", "iterations=2", "schedule=1,2,3,2,1,3,3,1,2,2,3,1"});
    const auto first = runScenario(QStringLiteral("counter"), a);
    const auto states = statesOf(first->trace());
    const qlonglong lost = metric(*first, "lost_updates");
    QCOMPARE(lost, lostBy(list({1, 2, 3, 2, 1, 3, 3, 1, 2, 2, 3, 1}), 3));
    for (int i = 0; i < 100; ++i) {
        const auto again = runScenario(QStringLiteral("counter"), a);
        QCOMPARE(metric(*again, "lost_updates"), lost);
        QCOMPARE(metric(*again, "actual"), metric(*first, "actual"));
        // What the scheduler did (a thread waiting for a core, or blocked a moment on a mutex inside the
        // gate) comes and goes with the machine's load: every state the run recorded itself repeats.
        auto withoutReady = [](std::vector<std::vector<State>> s) {
            for (auto &lane : s) {
                lane.erase(
                    std::remove_if(lane.begin(), lane.end(),
                                   [](State st) { return st == State::Ready || st == State::Blocked; }),
                    lane.end());
                lane.erase(std::unique(lane.begin(), lane.end()), lane.end());
            }
            return s;
        };
        const auto show = [](const std::vector<std::vector<State>> &s) {
            QStringList lanes;
            for (const auto &lane : s) {
                QStringList names;
                for (const State st : lane)
                    names << stateName(st);
                lanes << names.join(QLatin1Char(' '));
            }
            return lanes.join(QStringLiteral(" | "));
        };
        QVERIFY2(
            withoutReady(statesOf(again->trace())) == withoutReady(states),
            qPrintable(QStringLiteral("run %1: %2\nfirst: %3")
                           .arg(i)
                           .arg(show(withoutReady(statesOf(again->trace()))), show(withoutReady(states)))));
    }
}

void TestSteps::shortSchedulesLetTheRestRunFreely()
{
    // Two steps given, then the threads race: every increment is still counted.
    const auto r = runScenario(QStringLiteral("counter"),
                               args({"threads=4", "iterations=20000", "lock=on", "schedule=3,3"}));
    QCOMPARE(metric(*r, "expected"), 80000);
    QCOMPARE(metric(*r, "lost_updates"), 0);
}

void TestSteps::stopFromAnyGate()
{
    // Threads held at their step points with nobody to move them: a stop lets every one go at once.
    for (int held = 1; held <= 4; ++held) {
        Recorder rec;
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < held; ++i)
            lanes.push_back(rec.createBuffer(rec.addLane(QStringLiteral("t%1").arg(i), LaneKind::Thread)));
        StepGate gate(StepPlan::increments(held, 2, false), list({1, 1, 1}));
        std::atomic<bool> stop{false};
        std::atomic<int> stopped{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < held; ++i)
            threads.emplace_back([&, i] {
                if (!gate.pass(i, *lanes[std::size_t(i)], 1, [&] { return stop.load(); })) ++stopped;
                gate.leave(i);
            });
        QTest::qWait(20);
        stop = true;
        for (auto &t : threads)
            t.join();
        QCOMPARE(stopped.load(), held);
    }
    // And a run stopped while its controller moves them: joined at once, drawn as cancelled.
    const Scenario *counter = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto params = ParamValues::parse(
        counter->params(), args({"threads=3", "iterations=2", "window_sleep_ms=10000", "schedule=1,2,3,1"}),
        &error);
    QVERIFY(params);
    Runner runner(*counter, *params);
    runner.start();
    QTest::qWait(200); // thread 1 is in its 10 s race window, 2 and 3 held
    QElapsedTimer stopping;
    stopping.start();
    runner.cancel();
    runner.wait();
    QVERIFY2(stopping.elapsed() < 5000, qPrintable(QString::number(stopping.elapsed())));
    QVERIFY(runner.result().cancelled);
}

void TestSteps::stepsGivenLive()
{
    // The window's step mode: every thread held at its read until a step is pushed for it; a step the
    // run cannot take is refused and said; the steps taken become the run's schedule.
    const Scenario *counter = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto params = ParamValues::parse(counter->params(), args({"threads=2", "iterations=1"}), &error);
    QVERIFY(params);
    Runner runner(*counter, *params);
    StepFeed &feed = runner.steps();
    feed.setLive(true);
    runner.start();
    const auto next = [&] { return feed.state().next.join(QLatin1Char(' ')); };
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("read read"), 20000);
    QVERIFY(feed.state().holding);
    feed.push(1);
    feed.push(2);
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("write write"), 20000);
    QCOMPARE(feed.state().said, QStringLiteral("thread 2 read 0"));
    feed.push(1);
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral(" write"), 20000); // thread 1 is done
    QCOMPARE(feed.state().said, QStringLiteral("thread 1 wrote 1"));
    feed.push(1);
    QTRY_VERIFY_WITH_TIMEOUT(
        feed.state().refused.contains(QStringLiteral("thread 1, which has no steps left")), 20000);
    QCOMPARE(feed.state().taken, list({1, 2, 1}));
    feed.push(2);
    runner.wait();
    QCOMPARE(metric(runner, "lost_updates"), 1);
    // The write that erased thread 1's, said in words the moment it happened.
    QCOMPARE(feed.state().said, QStringLiteral("thread 2 wrote 1 over thread 1's 1: one increment lost"));
    QCOMPARE(runner.result().params.integers(QStringLiteral("schedule")), list({1, 2, 1, 2}));

    // A few steps by hand, then the rest freely: every increment counted.
    const auto many =
        ParamValues::parse(counter->params(), args({"threads=3", "iterations=1000", "lock=on"}), &error);
    Runner free(*counter, *many);
    free.steps().setLive(true);
    free.start();
    free.steps().push(3);
    free.steps().push(3);
    QTRY_COMPARE_WITH_TIMEOUT(free.steps().state().taken, list({3, 3}), 20000);
    free.steps().release();
    free.wait();
    QCOMPARE(metric(free, "expected"), 3000);
    QCOMPARE(metric(free, "lost_updates"), 0);
}

QTEST_GUILESS_MAIN(TestSteps)
#include "tst_steps.moc"
