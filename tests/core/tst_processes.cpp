// Pools and processes: real QThreadPool tasks and real raceway-worker processes. Concurrency never
// exceeds the pool, results are exact and in order, shared-memory races add up exactly, failed workers
// are reported and reaped, and core utilisation agrees with /proc/stat read by this test.

#include "../procscan.h"
#include "coresview.h"
#include "cpusampler.h"
#include "tracechecks.h"
#include "workerprocess.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <limits>
#include <map>
#include <unistd.h>

using namespace raceway;
using namespace raceway::testing;

namespace {

QVariantList listMetric(const Runner &r, const char *key)
{
    return metricValue(r.result().metrics, QString::fromLatin1(key)).toList();
}

QList<qint64> workerChildren()
{
    return workerChildrenOf(getpid());
}

} // namespace

class TestProcesses : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setWorkerPathOverride(QStringLiteral(RACEWAY_WORKER_BINARY)); }
    void cleanup() { QCOMPARE(workerChildren(), QList<qint64>()); } // nothing left behind, ever
    void poolNeverExceedsItsThreads_data();
    void poolNeverExceedsItsThreads();
    void processesRunOnEveryCoreWithTheirOwnMemory();
    void crashedWorkerIsReported();
    void hungWorkerTimesOut();
    void workerKilledFromOutsideIsReported();
    void cancelKillsAndReapsWorkers();
    void processesTakenStepByStep();
    void processPoolResultsAreExactAndInOrder_data();
    void processPoolResultsAreExactAndInOrder();
    void factorialsAreExact();
    void sharedValueAddsUp_data();
    void sharedValueAddsUp();
    void compareRunsFourWaysOnOneAxis();
    void missingWorkerIsAClearError();
};

void TestProcesses::poolNeverExceedsItsThreads_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<int>("taskMs");
    QTest::newRow("seed: 5 tasks on 3 threads") << 3 << 5 << 100;
    QTest::newRow("1 thread") << 1 << 6 << 5;
    QTest::newRow("more threads than tasks") << 8 << 3 << 100;
    QTest::newRow("many short tasks") << 4 << 200 << 1;
}

void TestProcesses::poolNeverExceedsItsThreads()
{
    QFETCH(int, workers);
    QFETCH(int, tasks);
    QFETCH(int, taskMs);
    auto r = runScenario(QStringLiteral("pool"),
                         {QStringLiteral("workers=%1").arg(workers), QStringLiteral("tasks=%1").arg(tasks),
                          QStringLiteral("task_ms=%1").arg(taskMs)});
    QCOMPARE(metric(*r, "tasks_done"), tasks);
    QVERIFY(metric(*r, "max_concurrent") <= workers);
    if (taskMs >= 100) // long enough that the threads overlap on a loaded machine (20 ms did not: 2 of 3)
        QCOMPARE(metric(*r, "max_concurrent"), std::min(workers, tasks));
    // From the trace, independently: count task segments and the most that overlap at any instant.
    const Trace &t = r->trace();
    const std::vector<Interval> taskRuns = runsIn(t, lanesOfKind(t, LaneKind::Thread), State::Task);
    QCOMPARE(int(taskRuns.size()), tasks);
    QVERIFY(mostAtOnce(taskRuns) <= workers);
    // The queue lane empties by the end.
    const Lane &queue = t.lane(lanesOfKind(t, LaneKind::Queue).front());
    QCOMPARE(queue.series.back().a, 0);
    if (tasks > workers) { // later tasks had to wait for a free thread: the work came in waves
        std::vector<std::int64_t> starts, ends;
        for (const Interval &iv : taskRuns) {
            starts.push_back(iv.start);
            ends.push_back(iv.end);
        }
        std::sort(starts.begin(), starts.end());
        QVERIFY(starts[std::size_t(workers)] >= *std::min_element(ends.begin(), ends.end()));
        QVERIFY(metricDouble(*r, "max_queue_wait_ms") > 0);
    }
}

void TestProcesses::processesRunOnEveryCoreWithTheirOwnMemory()
{
    const auto before = readCpuTimes();
    QVERIFY(before.has_value());
    auto r = runScenario(QStringLiteral("processes"),
                         {QStringLiteral("processes=2"), QStringLiteral("iterations=300000000")});
    const auto after = readCpuTimes();
    QVERIFY(r->result().error.isEmpty());
    QCOMPARE(metric(*r, "failed"), 0);
    QCOMPARE(metric(*r, "parent_counter"), 0); // the children incremented their own copies
    const qlonglong chunks = (300000000LL + 65535) / 65536;
    for (const QVariant &c : listMetric(*r, "child_counters"))
        QCOMPARE(c.toLongLong(), chunks);
    for (const QVariant &ms : listMetric(*r, "process_cpu_ms"))
        QVERIFY(ms.toDouble() > 10);
    // Utilisation per core agrees with what this test reads from /proc/stat around the run.
    const std::vector<double> outside = utilisationBetween(*before, *after);
    const QVariantList inside = listMetric(*r, "core_utilization");
    QCOMPARE(std::size_t(inside.size()), outside.size());
    for (std::size_t i = 0; i < outside.size(); ++i)
        QVERIFY2(std::abs(inside[qsizetype(i)].toDouble() - outside[i]) <= 10.0,
                 qPrintable(QStringLiteral("core %1: %2 vs %3")
                                .arg(i)
                                .arg(inside[qsizetype(i)].toDouble())
                                .arg(outside[i])));
    // One lane per process and one per core; the core lanes carry samples.
    const Trace &t = r->trace();
    QCOMPARE(lanesOfKind(t, LaneKind::Process).size(), 2u);
    QCOMPARE(lanesOfKind(t, LaneKind::Core).size(), outside.size());
    for (std::size_t lane : lanesOfKind(t, LaneKind::Process))
        QCOMPARE(t.lane(lane).states.back(), State::Done);

    // The cores view puts the processes' running time on the core lanes, each segment naming its
    // process. A core runs one process at a time, so where two processes were seen on the same core
    // (both sharing it, as under other load) it shows the time once: each core lane's busy time is the
    // union of the running intervals seen on that core, computed here independently.
    const Trace byCore = groupByCore(t);
    std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> seen;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Process))
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == State::Running && iv.end > iv.start) seen[iv.obj].push_back({iv.start, iv.end});
        });
    std::int64_t unionOnCores = 0;
    for (auto &[core, runs] : seen) {
        std::sort(runs.begin(), runs.end());
        std::int64_t reached = std::numeric_limits<std::int64_t>::min();
        for (const auto &[start, end] : runs) {
            unionOnCores += std::max<std::int64_t>(0, end - std::max(start, reached));
            reached = std::max(reached, end);
        }
    }
    std::int64_t onCores = 0;
    for (std::size_t lane : lanesOfKind(byCore, LaneKind::CoreRuns)) {
        onCores += byCore.totalIn(lane, State::Held);
        for (std::size_t k = 0; k < byCore.lane(lane).states.size(); ++k)
            if (byCore.lane(lane).states[k] == State::Held)
                QCOMPARE(byCore.lane(byCore.lane(lane).objs[k]).kind, LaneKind::Process);
    }
    QVERIFY(unionOnCores > 0);
    QCOMPARE(onCores, unionOnCores);
    QCOMPARE(lanesOfKind(byCore, LaneKind::Process).size(), 2u);
}

void TestProcesses::crashedWorkerIsReported()
{
    auto r = runScenario(QStringLiteral("processes"),
                         {QStringLiteral("processes=2"), QStringLiteral("iterations=50000000"),
                          QStringLiteral("fault=crash")});
    QCOMPARE(metric(*r, "failed"), 1);
    QCOMPARE(listMetric(*r, "exits"), QVariantList({QStringLiteral("normal"), QStringLiteral("crashed")}));
    const auto lanes = lanesOfKind(r->trace(), LaneKind::Process);
    QCOMPARE(r->trace().lane(lanes[0]).states.back(), State::Done);
    QCOMPARE(r->trace().lane(lanes[1]).states.back(), State::Crashed);
    QVERIFY(!listMetric(*r, "process_cpu_ms")[1].isValid()); // it never reported: shown as unknown, not 0
}

void TestProcesses::hungWorkerTimesOut()
{
    auto r = runScenario(QStringLiteral("processes"),
                         {QStringLiteral("processes=2"), QStringLiteral("iterations=65536"),
                          QStringLiteral("fault=hang"), QStringLiteral("timeout_ms=3000")});
    QCOMPARE(listMetric(*r, "exits"), QVariantList({QStringLiteral("normal"), QStringLiteral("timed out")}));
    QCOMPARE(r->trace().lane(lanesOfKind(r->trace(), LaneKind::Process)[1]).states.back(), State::TimedOut);
}

void TestProcesses::workerKilledFromOutsideIsReported()
{
    const Scenario *s = Registry::builtin().find(QStringLiteral("processes"));
    QString error;
    Runner runner(
        *s, *ParamValues::parse(s->params(),
                                {QStringLiteral("processes=2"), QStringLiteral("iterations=100000000000")},
                                &error));
    runner.start();
    QList<qint64> children;
    QTRY_VERIFY_WITH_TIMEOUT((children = workerChildren()).size() == 2, 10000);
    QVERIFY(::kill(pid_t(children.first()), SIGKILL) == 0);
    QTest::qWait(300);
    runner.cancel();
    runner.wait();
    const QVariantList exits = listMetric(runner, "exits");
    QCOMPARE(exits.count(QStringLiteral("killed")), 2); // one from outside, one by the cancel
    for (std::size_t lane : lanesOfKind(runner.trace(), LaneKind::Process))
        QCOMPARE(runner.trace().lane(lane).states.back(), State::Killed);
}

void TestProcesses::cancelKillsAndReapsWorkers()
{
    const Scenario *s = Registry::builtin().find(QStringLiteral("processes"));
    QString error;
    Runner runner(
        *s, *ParamValues::parse(s->params(),
                                {QStringLiteral("processes=3"), QStringLiteral("iterations=100000000000")},
                                &error));
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(workerChildren().size() == 3, 10000);
    runner.cancel();
    runner.wait();
    QVERIFY(runner.result().cancelled);
    QCOMPARE(listMetric(runner, "exits").count(QStringLiteral("killed")), 3);
}

void TestProcesses::processesTakenStepByStep()
{
    // The window's step mode on worker processes: each held at its read, moved one step at a time, what
    // it read said beside it; the steps become the run's schedule.
    const Scenario *s = Registry::builtin().find(QStringLiteral("shared-value"));
    QString error;
    const auto params = ParamValues::parse(
        s->params(), {QStringLiteral("processes=2"), QStringLiteral("increments=1")}, &error);
    QVERIFY(params);
    Runner runner(*s, *params);
    StepFeed &feed = runner.steps();
    feed.setLive(true);
    runner.start();
    const auto next = [&] { return feed.state().next.join(QLatin1Char(' ')); };
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("read read"), 20000);
    feed.push(1);
    feed.push(2);
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("write write"), 20000);
    QCOMPARE(feed.state().notes.join(QLatin1Char('|')), QStringLiteral("read 0|read 0"));
    feed.push(1);
    feed.push(2);
    runner.wait();
    QCOMPARE(metric(runner, "lost_updates"), 1);
    QCOMPARE(runner.result().params.integers(QStringLiteral("schedule")), QList<qlonglong>({1, 2, 1, 2}));

    // Stopped while every worker is held: the workers are killed and reaped at once.
    Runner held(*s, *params);
    held.steps().setLive(true);
    held.start();
    QTRY_COMPARE_WITH_TIMEOUT(held.steps().state().next.join(QLatin1Char(' ')), QStringLiteral("read read"),
                              20000);
    QElapsedTimer clock;
    clock.start();
    held.cancel();
    held.wait();
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(held.result().cancelled);
    QTRY_VERIFY_WITH_TIMEOUT(workerChildren().isEmpty(), 5000);
}

void TestProcesses::processPoolResultsAreExactAndInOrder_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QVariantList>("results");
    QTest::newRow("squares") << QStringList{QStringLiteral("inputs=1,2,3,4,5")}
                             << QVariantList{1, 4, 9, 16, 25};
    QTest::newRow("cubes, 2 workers")
        << QStringList{QStringLiteral("inputs=5,4,3,2,1,0"), QStringLiteral("function=cube"),
                       QStringLiteral("workers=2")}
        << QVariantList{125, 64, 27, 8, 1, 0};
    QTest::newRow("one worker") << QStringList{QStringLiteral("inputs=7,8"), QStringLiteral("workers=1")}
                                << QVariantList{49, 64};
}

void TestProcesses::processPoolResultsAreExactAndInOrder()
{
    QFETCH(QStringList, args);
    QFETCH(QVariantList, results);
    auto r = runScenario(QStringLiteral("process-pool"), args);
    const QVariantList got = listMetric(*r, "results");
    QCOMPARE(got.size(), results.size());
    for (qsizetype i = 0; i < got.size(); ++i)
        QCOMPARE(got[i].toLongLong(), results[i].toLongLong());
    QVERIFY(metric(*r, "max_concurrent") <= r->result().params.integer(QStringLiteral("workers")));
    QCOMPARE(metric(*r, "failed"), 0);
}

void TestProcesses::factorialsAreExact()
{
    auto r = runScenario(QStringLiteral("process-pool"),
                         {QStringLiteral("inputs=100,200,300"), QStringLiteral("function=factorial")});
    const QVariantList got = listMetric(*r, "results");
    QCOMPARE(got.size(), 3);
    const QString f100 = got[0].toString(), f200 = got[1].toString(), f300 = got[2].toString();
    QVERIFY(
        f100.startsWith(QStringLiteral("933262154439441526816992388562667004907159682643816214685929638952175"
                                       "99993229915608941463976156518286253697920827223758251185210916864")));
    // Digit counts and trailing zeros of n! are known exactly (Legendre's formula for the zeros).
    QCOMPARE(f100.size(), 158);
    QCOMPARE(f200.size(), 375);
    QCOMPARE(f300.size(), 615);
    auto zeros = [](const QString &s) {
        return s.size() - QString(s).remove(QRegularExpression(QStringLiteral("0+$"))).size();
    };
    QCOMPARE(zeros(f100), 24);
    QCOMPARE(zeros(f200), 49);
    QCOMPARE(zeros(f300), 74);
}

void TestProcesses::sharedValueAddsUp_data()
{
    QTest::addColumn<bool>("lock");
    QTest::newRow("lock off") << false;
    QTest::newRow("lock on") << true;
}

void TestProcesses::sharedValueAddsUp()
{
    QFETCH(bool, lock);
    auto r = runScenario(QStringLiteral("shared-value"),
                         {QStringLiteral("processes=4"), QStringLiteral("increments=50000"),
                          lock ? QStringLiteral("lock=on") : QStringLiteral("lock=off")});
    const Trace &t = r->trace();
    const qlonglong expected = metric(*r, "expected"), actual = metric(*r, "actual");
    QCOMPARE(expected, 200000);
    QCOMPARE(metric(*r, "lost_updates"), expected - actual);
    QCOMPARE(markerTotal(t), expected - actual);                 // the markers drawn on the process lanes
    QCOMPARE(metric(*r, "erased_by_writes"), expected - actual); // what the workers counted themselves
    const auto &series = t.lane(lanesOfKind(t, LaneKind::Counter)[0]).series;
    const SeriesPoint last = series.back();
    QCOMPARE(last.a, expected);
    QCOMPARE(last.b, actual);
    // Every point is a reading of the shared memory: a state the value was really in.
    std::int64_t before = 0;
    for (const SeriesPoint &p : series) {
        QVERIFY(p.b >= 0 && p.b <= p.a && p.a <= expected && p.a >= before);
        before = p.a;
    }
    std::int64_t waited = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Process))
        waited += t.totalIn(lane, State::Waiting);
    QCOMPARE(qRound64(metricDouble(*r, "lock_wait_ms") * 1e6), waited);
    if (lock) {
        QCOMPARE(actual, expected);
        QCOMPARE(metric(*r, "lock_acquisitions"), expected);
    } else {
        QCOMPARE(metric(*r, "lock_acquisitions"), 0);
    }
}

void TestProcesses::compareRunsFourWaysOnOneAxis()
{
    auto r =
        runScenario(QStringLiteral("compare"), {QStringLiteral("workers=2"), QStringLiteral("work_ms=120")});
    QVERIFY(r->result().error.isEmpty());
    const QVariantList modes = listMetric(*r, "modes");
    QCOMPARE(modes.size(), 4);
    QStringList names;
    for (const QVariant &m : modes) {
        names << m.toMap().value(QStringLiteral("mode")).toString();
        QVERIFY(m.toMap().value(QStringLiteral("wall_ms")).toDouble() > 0);
    }
    QCOMPARE(names, QStringList({QStringLiteral("sequential"), QStringLiteral("threads_gil"),
                                 QStringLiteral("threads"), QStringLiteral("processes")}));
    QCOMPARE(metricDouble(*r, "sequential_speedup"), 1.0);
    // From the trace: the GIL threads never ran at once; the free threads were ready to (whether both got a
    // core at the same moment is the scheduler's: on a loaded machine one waits for a core, drawn so).
    const Trace &t = r->trace();
    std::vector<std::size_t> gilThreads, freeThreads;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread))
        (t.lane(lane).name.startsWith(QStringLiteral("GIL")) ? gilThreads : freeThreads).push_back(lane);
    freeThreads.erase(freeThreads.begin()); // the sequential lane
    QCOMPARE(mostAtOnce(t, gilThreads, State::Running), 1);
    QCOMPARE(mostAtOnce(runsIn(t, freeThreads, State::Running)), 2);
    for (std::size_t lane : lanesOfKind(t, LaneKind::Process))
        QCOMPARE(t.lane(lane).states.back(), State::Done);
    // Grouped by core (Ctrl+G), the threads that the switch records put on each core stay there, still
    // named, beside the processes sampled on their cores.
    const auto heldBy = [](const Trace &tr, LaneKind kind) {
        std::int64_t held = 0;
        for (std::size_t core : lanesOfKind(tr, LaneKind::CoreRuns))
            tr.forEachInterval(core, [&](const Interval &iv) {
                if (iv.state == State::Held && tr.lane(iv.obj).kind == kind) held += iv.end - iv.start;
            });
        return held;
    };
    const Trace byCore = groupByCore(t);
    QCOMPARE(lanesOfKind(byCore, LaneKind::Thread).size(), lanesOfKind(t, LaneKind::Thread).size());
    QVERIFY(heldBy(byCore, LaneKind::Process) > 0);
    const std::int64_t threadsBefore = heldBy(t, LaneKind::Thread),
                       threadsAfter = heldBy(byCore, LaneKind::Thread);
    QVERIFY(threadsAfter <= threadsBefore && threadsAfter >= threadsBefore * 99 / 100);
    // The chart under the timeline: one bar per mode and the ideal line.
    const auto chart = r->scenario().chart(r->result().params, r->result().metrics);
    QVERIFY(chart.has_value());
    QCOMPARE(chart->bars.size(), 4);
    const int cores = std::min(2, QThread::idealThreadCount());
    QCOMPARE(chart->ideal, metricDouble(*r, "sequential_ms") / cores);
}

void TestProcesses::missingWorkerIsAClearError()
{
    setWorkerPathOverride(QStringLiteral("/nonexistent/raceway-worker"));
    auto r = runScenario(QStringLiteral("processes"), {QStringLiteral("processes=1")});
    setWorkerPathOverride(QStringLiteral(RACEWAY_WORKER_BINARY));
    QVERIFY(r->result().error.contains(QStringLiteral("missing")));
    QVERIFY(r->result().error.contains(QStringLiteral("/nonexistent/raceway-worker")));
}

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
