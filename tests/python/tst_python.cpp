// Real Python scripts under the real python3 and Raceway's tracer: the story the lanes tell is checked
// with equalities and ratios that hold on a loaded machine (no timing thresholds), and bad input fails
// with one line and leaves nothing running.

#include "pythonscenario.h"
#include "runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <cstring>
#include <map>
#include <set>

using namespace raceway;

class TestPython : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyThreadHasOneLane_data();
    void everyThreadHasOneLane();
    void readSleepWriteEndsAtOne();
    void lockWaitsDrawnEqualCounted();
    void gilThreadsTakeTurns();
    void drawnWhileItRuns();
    void processesRunSideBySide();
    void asyncioTasksHaveLanes();
    void forkAndSpawnChildrenAreTraced_data();
    void forkAndSpawnChildrenAreTraced();
    void savedTraceShowsTheSame();
    void hundredForkedProcesses();
    void badInput_data();
    void badInput();
    void syntaxErrorShowsTracebackExitsOne();
    void timeoutKillsEverything();
    void sigtermKillsEverything();
    void closedPipeIsReported();
    void megabytesOfOutput();

private:
    struct Result
    {
        int status;
        QByteArray out, err;
        QJsonObject json;
    };
    Result raceway(const QStringList &args, int timeoutMs = 60000)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(RACEWAY_BINARY), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        Result r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                 p.readAllStandardOutput(),
                 p.readAllStandardError(),
                 {}};
        r.json = QJsonDocument::fromJson(r.out).object();
        return r;
    }
    // The script started in this process through the Runner, as the window would run it.
    std::unique_ptr<Runner> started(const QString &script, const QStringList &args = {})
    {
        py::PythonJob job;
        job.script = script;
        job.args = args;
        job.python = m_python;
        QString error;
        job.tracerDir = py::tracerDirectory(&error);
        job.stdoutToStderr = true;
        job.timeoutMs = 60000;
        m_scenarios.push_back(std::make_unique<py::PythonScenario>(job));
        auto runner = std::make_unique<Runner>(*m_scenarios.back(), ParamValues(), 20'000'000);
        runner->start();
        return runner;
    }
    // ... and run to its end.
    std::unique_ptr<Runner> traced(const QString &script, const QStringList &args = {})
    {
        auto runner = started(script, args);
        runner->wait();
        return runner;
    }
    static QString example(const char *name)
    {
        return QStringLiteral(RACEWAY_EXAMPLES_DIR "/") + QLatin1String(name);
    }
    QString writeScript(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write a test script");
        f.write(text);
        return path;
    }
    static std::vector<std::size_t> lanesOf(const Trace &trace, LaneKind kind)
    {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (trace.lane(i).kind == kind) out.push_back(i);
        return out;
    }
    static std::size_t laneNamed(const Trace &trace, const QString &name)
    {
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (trace.lane(i).name == name) return i;
        return SIZE_MAX;
    }
    // Of the time two lanes both exist, the share in which both are Running.
    static double bothRunningShare(const Trace &trace, std::size_t a, std::size_t b);
    static bool processGone(qint64 pid);

    QTemporaryDir m_dir;
    QString m_python;
    std::vector<std::unique_ptr<py::PythonScenario>> m_scenarios;
};

double TestPython::bothRunningShare(const Trace &trace, std::size_t a, std::size_t b)
{
    std::vector<Interval> ra, rb;
    std::int64_t aFrom = INT64_MAX, aTo = 0, bFrom = INT64_MAX, bTo = 0;
    trace.forEachInterval(a, [&](const Interval &iv) {
        if (iv.state == State::Running) ra.push_back(iv);
        if (iv.state != State::Done && iv.state != State::Idle) {
            aFrom = std::min(aFrom, iv.start);
            aTo = std::max(aTo, iv.end);
        }
    });
    trace.forEachInterval(b, [&](const Interval &iv) {
        if (iv.state == State::Running) rb.push_back(iv);
        if (iv.state != State::Done && iv.state != State::Idle) {
            bFrom = std::min(bFrom, iv.start);
            bTo = std::max(bTo, iv.end);
        }
    });
    const std::int64_t from = std::max(aFrom, bFrom), to = std::min(aTo, bTo);
    if (to <= from) return 0;
    std::int64_t both = 0;
    std::size_t j = 0;
    for (const Interval &x : ra) {
        while (j < rb.size() && rb[j].end <= x.start)
            ++j;
        for (std::size_t k = j; k < rb.size() && rb[k].start < x.end; ++k)
            both += std::max<std::int64_t>(0, std::min({x.end, rb[k].end, to}) -
                                                  std::max({x.start, rb[k].start, from}));
    }
    return double(both) / double(to - from);
}

bool TestPython::processGone(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return true;
    const QByteArray s = stat.readAll();
    return s.mid(s.lastIndexOf(')') + 2, 1) == "Z";
}

void TestPython::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_python = py::findPython({}, &error);
    QVERIFY2(!m_python.isEmpty(), qPrintable(error)); // scripts/install-deps.sh installs python3
    QVERIFY2(!py::tracerDirectory(&error).isEmpty(), qPrintable(error));
}

void TestPython::everyThreadHasOneLane_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("threads");
    QTest::newRow("counter_race") << example("counter_race.py")
                                  << QStringList{QStringLiteral("MainThread"), QStringLiteral("adder-1"),
                                                 QStringLiteral("adder-2"), QStringLiteral("adder-3"),
                                                 QStringLiteral("adder-4")};
    QTest::newRow("ping_pong") << example("ping_pong.py")
                               << QStringList{QStringLiteral("MainThread"), QStringLiteral("ping"),
                                              QStringLiteral("pong")};
    QTest::newRow("thread_pool") << example("thread_pool.py")
                                 << QStringList{QStringLiteral("MainThread"), QStringLiteral("pool_0"),
                                                QStringLiteral("pool_1"), QStringLiteral("pool_2")};
}

void TestPython::everyThreadHasOneLane()
{
    QFETCH(QString, script);
    QFETCH(QStringList, threads);
    const auto runner = traced(script);
    const Trace &trace = runner->trace();
    QVERIFY2(runner->result().problems.isEmpty(), qPrintable(runner->result().problems.join(u'\n')));
    QStringList names;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread))
        names << trace.lane(i).name;
    names.sort();
    threads.sort();
    QCOMPARE(names, threads);
    QCOMPARE(lanesOf(trace, LaneKind::Gil).size(), std::size_t(1));
    QCOMPARE(lanesOf(trace, LaneKind::Process).size(), std::size_t(1));
}

void TestPython::readSleepWriteEndsAtOne()
{
    const Result r =
        raceway({QStringLiteral("trace"), example("read_sleep_write.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QVERIFY2(r.err.contains("counter 1\n"),
             r.err.constData()); // the script's own output, on stderr with --json
    int readers = 0, threads = 0;
    for (const QJsonValue &lane : r.json.value(QStringLiteral("lanes")).toArray()) {
        if (lane[QStringLiteral("kind")].toString() != QLatin1String("thread")) continue;
        ++threads;
        readers += lane[QStringLiteral("name")].toString().startsWith(QLatin1String("reader-"));
    }
    QCOMPARE(readers, 5);
    QCOMPARE(threads, 6); // and the main thread
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("exit_code")).toInt(), 0);
    QCOMPARE(m.value(QStringLiteral("printed_lines")).toInt(), 1);
    QVERIFY(m.value(QStringLiteral("overhead_ratio")).toDouble() >= 1.0);
    QVERIFY(m.value(QStringLiteral("sample_rate_hz")).toDouble() > 0);
}

void TestPython::lockWaitsDrawnEqualCounted()
{
    const auto runner = traced(example("counter_lock.py"));
    const Trace &trace = runner->trace();
    // Waits drawn: on thread lanes, waiting intervals whose object is a lock's.
    std::uint64_t drawn = 0;
    std::int64_t drawnNs = 0;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread))
        trace.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state != State::Waiting || iv.obj == 0) return;
            const int l = trace.objects()[iv.obj].lane;
            if (l >= 0 && trace.lane(std::size_t(l)).kind == LaneKind::Lock) {
                ++drawn;
                drawnNs += iv.end - iv.start;
            }
        });
    const auto &metrics = runner->result().metrics;
    const auto counted = metricValue(metrics, QStringLiteral("lock_waits_traced")).toULongLong();
    qInfo("lock waits drawn %llu, counted by the tracer %llu, waited %.3f ms", qulonglong(drawn),
          qulonglong(counted), double(drawnNs) / 1e6);
    QCOMPARE(drawn, counted);
    QCOMPARE(metricValue(metrics, QStringLiteral("lock_waits")).toULongLong(), counted);
    QCOMPARE(std::int64_t(metricValue(metrics, QStringLiteral("lock_wait_ms")).toDouble() * 1e6 + 0.5),
             drawnNs);
    // The lock's lane: exactly one holder at a time, and as many holds as the four threads' 5,000 steps.
    const std::size_t lock = laneNamed(trace, QStringLiteral("Lock counter_lock.py:8"));
    QVERIFY(lock != SIZE_MAX);
    std::uint64_t holds = 0;
    trace.forEachInterval(lock,
                          [&](const Interval &iv) { holds += iv.state == State::Held && iv.end > iv.start; });
    std::uint64_t acquisitions = 0;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread))
        trace.forEachInterval(i, [&](const Interval &iv) { acquisitions += iv.state == State::Holding; });
    QCOMPARE(acquisitions, std::uint64_t(4 * 5000));
    QVERIFY(holds <= acquisitions);
}

void TestPython::gilThreadsTakeTurns()
{
    const auto runner = traced(example("gil_pair.py"));
    const Trace &trace = runner->trace();
    const std::size_t a = laneNamed(trace, QStringLiteral("cruncher-1"));
    const std::size_t b = laneNamed(trace, QStringLiteral("cruncher-2"));
    QVERIFY(a != SIZE_MAX && b != SIZE_MAX);
    const double both = bothRunningShare(trace, a, b);
    const auto &metrics = runner->result().metrics;
    const double held = metricValue(metrics, QStringLiteral("gil_held_share")).toDouble();
    const double cpuMs = metricValue(metrics, QStringLiteral("cpu_ms")).toDouble();
    const double wallMs = runner->result().wallMs;
    qInfo("two CPU-bound threads: both running %.1f%% of their shared time, GIL held %.1f%%, on-CPU %.1f ms "
          "in %.1f ms wall (%.2f)",
          both * 100, held * 100, cpuMs, wallMs, cpuMs / wallMs);
    // Under the GIL they take turns: they are both runnable only around hand-overs (2-6% of the time
    // on an idle machine, up to 40% measured when hand-overs wait for a busy core; without a GIL, as
    // the processes below, it is 100%), and one core's worth of CPU time at most is spent however many
    // cores there are.
    QVERIFY2(both < 0.6, qPrintable(QString::number(both)));
    QVERIFY2(held > 0.6, qPrintable(QString::number(held)));
    QVERIFY2(cpuMs < 1.3 * wallMs, qPrintable(QString::number(cpuMs / wallMs)));
    // Each thread waited for the GIL at some point, and the GIL lane names both as holders.
    for (std::size_t lane : {a, b})
        QVERIFY(trace.totalIn(lane, State::WaitingGil) > 0);
    std::set<std::uint16_t> holders;
    trace.forEachInterval(lanesOf(trace, LaneKind::Gil).front(), [&](const Interval &iv) {
        if (iv.state == State::Held) holders.insert(iv.obj);
    });
    QVERIFY(holders.count(std::uint16_t(a)) && holders.count(std::uint16_t(b)));
}

void TestPython::drawnWhileItRuns()
{
    const QString script = writeScript(QStringLiteral("live.py"), R"PY(import threading, time
def work():
    x = 0
    for i in range(4_000_000):
        x += i
def nap():
    for _ in range(8):
        time.sleep(0.1)
a = threading.Thread(target=work, name="worker")
b = threading.Thread(target=nap, name="napper")
a.start(); b.start(); a.join(); b.join()
)PY");
    const std::unique_ptr<Runner> live = started(script);
    Runner &runner = *live;
    // Collected as the window does; what the lanes show is kept at every turn.
    struct Snapshot
    {
        std::int64_t edge = 0;
        std::map<QString, std::vector<std::pair<std::int64_t, State>>> lanes;
    };
    std::vector<Snapshot> shown;
    const auto threadLanes = [](const Trace &trace, std::int64_t before) {
        std::map<QString, std::vector<std::pair<std::int64_t, State>>> out;
        for (const Lane &lane : trace.lanes())
            if (lane.kind == LaneKind::Thread || lane.kind == LaneKind::Process)
                for (std::size_t i = 0; i < lane.times.size() && lane.times[i] < before; ++i)
                    out[lane.name].emplace_back(lane.times[i], lane.states[i]);
        return out;
    };
    bool sleptWhileRunning = false;
    while (!runner.collect(20)) {
        const Trace &trace = runner.trace();
        const std::size_t napper = laneNamed(trace, QStringLiteral("napper"));
        if (napper != SIZE_MAX && trace.totalIn(napper, State::Sleeping) > 150'000'000)
            sleptWhileRunning = true;
        shown.push_back({trace.end(), threadLanes(trace, trace.end())});
        QThread::msleep(10);
    }
    QVERIFY2(sleptWhileRunning, "the script's lanes were not drawn while it ran");
    QCOMPARE(runner.result().error, QString());
    // What was shown at each moment is what the finished run shows up to there: nothing drawn was
    // taken back, nothing was drawn ahead of what was known.
    for (const Snapshot &then : shown) {
        const auto final = threadLanes(runner.trace(), then.edge);
        for (const auto &[name, transitions] : final) {
            const auto it = then.lanes.find(name);
            if (it != then.lanes.end() && it->second != transitions) {
                for (auto [t, st] : it->second)
                    qDebug() << "then" << t - then.edge << int(st);
                for (auto [t, st] : transitions)
                    qDebug() << "final" << t - then.edge << int(st);
            }
            QVERIFY2(it == then.lanes.end() ? transitions.empty() : it->second == transitions,
                     qPrintable(QStringLiteral("%1 at %2").arg(name).arg(then.edge)));
        }
    }
    QVERIFY(shown.back().edge < runner.trace().end());
}

void TestPython::processesRunSideBySide()
{
    const auto runner = traced(example("processes.py"));
    const Trace &trace = runner->trace();
    const std::size_t a = laneNamed(trace, QStringLiteral("cruncher-1: MainThread"));
    const std::size_t b = laneNamed(trace, QStringLiteral("cruncher-2: MainThread"));
    QVERIFY(a != SIZE_MAX && b != SIZE_MAX);
    const double both = bothRunningShare(trace, a, b);
    qInfo("two CPU-bound processes: both running %.1f%% of their shared time", both * 100);
    // Each process has a GIL of its own: both stay runnable (on a core, or queued for one on a busy
    // machine) nearly all the time they share.
    QVERIFY2(both > 0.6, qPrintable(QString::number(both)));
    QCOMPARE(lanesOf(trace, LaneKind::Gil).size(), std::size_t(3));
    QCOMPARE(lanesOf(trace, LaneKind::Process).size(), std::size_t(3));
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("processes")).toInt(), 3);
}

void TestPython::asyncioTasksHaveLanes()
{
    const auto runner = traced(example("asyncio_gather.py"));
    const Trace &trace = runner->trace();
    // asyncio.run's main task and the five gathered ones (and the tasks asyncio.run makes as it shuts
    // down): each has a lane; the five awaited their timers side by side while the main task awaited
    // them.
    std::vector<std::size_t> tasks;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread))
        if (trace.lane(i).name.startsWith(QLatin1String("task "))) tasks.push_back(i);
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("asyncio_tasks")).toULongLong(),
             tasks.size());
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("threads")).toInt(), 1);
    int awaited = 0;
    std::int64_t latestStart = 0, earliestEnd = INT64_MAX;
    for (std::size_t i : tasks) {
        std::int64_t from = -1, to = -1;
        trace.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state == State::WaitingIo && iv.end - iv.start >= 150'000'000) { // the 200 ms sleep
                from = iv.start;
                to = iv.end;
            }
        });
        if (from < 0) continue;
        ++awaited;
        latestStart = std::max(latestStart, from);
        earliestEnd = std::min(earliestEnd, to);
    }
    QCOMPARE(awaited, 6);
    QVERIFY(latestStart < earliestEnd); // all five were waiting at once
}

void TestPython::forkAndSpawnChildrenAreTraced_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("fork") << QStringLiteral("fork");
    QTest::newRow("spawn") << QStringLiteral("spawn");
}

void TestPython::forkAndSpawnChildrenAreTraced()
{
    QFETCH(QString, method);
    const QString script = writeScript(QStringLiteral("children.py"), R"PY(import multiprocessing as mp, sys
from concurrent.futures import ProcessPoolExecutor
def square(n):
    return n * n
if __name__ == "__main__":
    ctx = mp.get_context(sys.argv[1])
    pool = ctx.Pool(2)
    pool.map(square, range(4))
    pool.close()  # not terminate(): a spawned worker still starting would be killed unnamed
    pool.join()
    with ProcessPoolExecutor(1, mp_context=ctx) as ex:
        list(ex.map(square, range(2)))
    p = ctx.Process(target=square, args=(3,), name="single")
    p.start()
    p.join()
)PY");
    const auto runner = traced(script, {method});
    const Trace &trace = runner->trace();
    QVERIFY2(runner->result().problems.isEmpty(), qPrintable(runner->result().problems.join(u'\n')));
    const QString prefix = method == QLatin1String("fork") ? QStringLiteral("Fork") : QStringLiteral("Spawn");
    int poolWorkers = 0, executorWorkers = 0, single = 0;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread)) {
        const QString &name = trace.lane(i).name;
        poolWorkers += name.startsWith(prefix + QStringLiteral("PoolWorker-")) &&
                       name.endsWith(QLatin1String(": MainThread"));
        executorWorkers += name.startsWith(prefix + QStringLiteral("Process-")) &&
                           name.endsWith(QLatin1String(": MainThread"));
        single += name == QLatin1String("single: MainThread");
    }
    QCOMPARE(poolWorkers, 2);
    QCOMPARE(executorWorkers, 1);
    QCOMPARE(single, 1);
    // Every process lane ended normally.
    for (std::size_t i : lanesOf(trace, LaneKind::Process))
        QCOMPARE(trace.lane(i).states.back(), State::Done);
}

void TestPython::savedTraceShowsTheSame()
{
    const QString saved = m_dir.filePath(QStringLiteral("ping.raceway"));
    const Result traced = raceway({QStringLiteral("trace"), example("ping_pong.py"), QStringLiteral("--json"),
                                   QStringLiteral("--save"), saved});
    QCOMPARE(traced.status, 0);
    const Result shown = raceway({QStringLiteral("show"), saved, QStringLiteral("--json")});
    QCOMPARE(shown.status, 0);
    for (const char *key : {"scenario", "lanes", "metrics", "wall_ms", "events"})
        QCOMPARE(shown.json.value(QLatin1String(key)), traced.json.value(QLatin1String(key)));
    QCOMPARE(traced.json.value(QStringLiteral("metrics"))
                 .toObject()
                 .value(QStringLiteral("printed_lines"))
                 .toInt(),
             10);
}

void TestPython::hundredForkedProcesses()
{
    const QString script = writeScript(QStringLiteral("forks.py"), R"PY(import os
children = []
for n in range(100):
    pid = os.fork()
    if pid == 0:
        os._exit(n % 3)
    children.append(pid)
codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
print("children", len(codes), "failed", sum(1 for c in codes if c))
)PY");
    const Result r = raceway({QStringLiteral("trace"), script, QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QVERIFY2(r.err.contains("children 100 failed 66"), r.err.constData());
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("processes")).toInt(), 101);
    int processLanes = 0;
    for (const QJsonValue &lane : r.json.value(QStringLiteral("lanes")).toArray())
        processLanes += lane[QStringLiteral("kind")].toString() == QLatin1String("process");
    QCOMPARE(processLanes, 101);
}

void TestPython::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no script") << QStringList{QStringLiteral("trace")}
                               << QStringLiteral("trace needs a Python script");
    QTest::newRow("missing") << QStringList{QStringLiteral("trace"), QStringLiteral("nowhere.py")}
                             << QStringLiteral("no such script 'nowhere.py'");
    QTest::newRow("directory") << QStringList{QStringLiteral("trace"), QStringLiteral(".")}
                               << QStringLiteral("is a directory");
    QTest::newRow("binary") << QStringList{QStringLiteral("trace"), QStringLiteral("binary.py")}
                            << QStringLiteral("not a Python script");
    QTest::newRow("no python") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                              QStringLiteral("--python"),
                                              QStringLiteral("/nonexistent/python3")}
                               << QStringLiteral("no Python interpreter at '/nonexistent/python3'");
    QTest::newRow("bad timeout") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                                QStringLiteral("--timeout"), QStringLiteral("soon")}
                                 << QStringLiteral("option --timeout");
    QTest::newRow("option without value")
        << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"), QStringLiteral("--png")}
        << QStringLiteral("option --png needs a value");
}

void TestPython::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    writeScript(QStringLiteral("binary.py"), QByteArray("\x7f"
                                                        "ELF\0\0\0",
                                                        7));
    writeScript(QStringLiteral("ok.py"), "print('never run')\n");
    const Result r = raceway(args);
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.startsWith("raceway: ") && r.err.count('\n') == 1, r.err.constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY(!r.err.contains("never run"));
}

void TestPython::syntaxErrorShowsTracebackExitsOne()
{
    writeScript(QStringLiteral("broken.py"), "print('a'\nx = = 1\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("broken.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("SyntaxError"), r.err.constData());
    QVERIFY2(r.err.contains("broken.py"), r.err.constData());
    QVERIFY2(r.err.contains("raceway: the script exited with status 1"), r.err.constData());
    QCOMPARE(r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("exit_code")).toInt(),
             1);
}

namespace {
// A script that never ends and leaves a child process and a grandchild behind it, writing their pids.
const char *const endless = R"PY(import multiprocessing as mp, os, subprocess, sys, time
def forever():
    time.sleep(1000)
if __name__ == "__main__":
    child = mp.Process(target=forever)
    child.start()
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
    with open(sys.argv[1], "w") as f:
        f.write("%d %d %d\n" % (os.getpid(), child.pid, grandchild.pid))
    while True:
        time.sleep(0.05)
)PY";
} // namespace

void TestPython::timeoutKillsEverything()
{
    writeScript(QStringLiteral("endless.py"), endless);
    const QString pids = m_dir.filePath(QStringLiteral("pids-timeout"));
    const Result r = raceway({QStringLiteral("trace"), QStringLiteral("endless.py"), pids,
                              QStringLiteral("--timeout"), QStringLiteral("3"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("ran past the timeout"), r.err.constData());
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> list = f.readAll().trimmed().split(' ');
    QCOMPARE(list.size(), 3);
    for (const QByteArray &pid : list)
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.toLongLong()), 5000);
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("exit_code")).toInt(), -SIGKILL);
    // Killed processes never said their tallies: unknown, not zero (the lanes still count theirs).
    for (const char *unknown : {"tracer_events", "lock_waits_traced", "overhead_ratio"})
        QVERIFY2(m.value(QLatin1String(unknown)).isNull(), unknown);
    QVERIFY(m.value(QStringLiteral("lock_waits")).isDouble());
}

void TestPython::sigtermKillsEverything()
{
    writeScript(QStringLiteral("endless.py"), endless);
    const QString pids = m_dir.filePath(QStringLiteral("pids-term"));
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    app.start(QStringLiteral(RACEWAY_BINARY), {QStringLiteral("trace"), QStringLiteral("endless.py"), pids});
    QVERIFY(app.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFile(pids).size() > 0, 30000);
    QTest::qWait(200);
    ::kill(pid_t(app.processId()), SIGTERM);
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 143);
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    for (const QByteArray &pid : f.readAll().trimmed().split(' '))
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.toLongLong()), 5000);
}

void TestPython::closedPipeIsReported()
{
    writeScript(QStringLiteral("closer.py"),
                "import os, threading\nos.close(int(os.environ['RACEWAY_TRACE_FD']))\n"
                "t = threading.Thread(target=print, args=('still here',))\nt.start()\nt.join()\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("closer.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("still here"), r.err.constData());
    QVERIFY2(r.err.contains("closed Raceway's pipe"), r.err.constData());
    QCOMPARE(r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("exit_code")).toInt(),
             0);
}

void TestPython::megabytesOfOutput()
{
    writeScript(QStringLiteral("chatty.py"),
                "import sys\nline = 'x' * 1023\nfor i in range(4096):\n    print(line)\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("chatty.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.err.size(), 4096 * 1024); // every byte reached the terminal's stand-in, none was held back
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("printed_lines")).toInt(), 4096);
}

QTEST_GUILESS_MAIN(TestPython)
#include "tst_python.moc"
