// Who gives way to whom: the workload's threads run at nice 19 on the command line, and in the window
// at the idle policy as well, so the window keeps painting next to 64 busy threads; the window's own
// thread keeps its priority, and nothing the window starts but its worker processes is told to idle.

#include "windowtest.h"

#include "runner.h"
#include "workerpriority.h"
#include "workerprocess.h"

#include <QDir>

#include <sched.h>
#include <sys/resource.h>

using namespace raceway;
using namespace raceway::windowtest;

namespace {

// The workload's threads (named counter-1, counter-2, ...) by thread id.
std::vector<pid_t> counterThreads()
{
    std::vector<pid_t> out;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith("counter-"))
            out.push_back(pid_t(tid.toInt()));
    }
    return out;
}

ParamValues longCounter(const Scenario &s)
{
    QString error;
    const auto v = ParamValues::parse(s.params(),
                                      {QStringLiteral("threads=2"), QStringLiteral("iterations=100000000"),
                                       QStringLiteral("pace_us=0"), QStringLiteral("window_ns=0")},
                                      &error);
    if (!v) qFatal("%s", qPrintable(error));
    return *v;
}

} // namespace

class TestWorkerPriority : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    // In this order: once a window exists, the whole process yields to it.
    void withoutAWindowNiceOnly();
    void inTheWindowIdle();
    void workerProcessesIdleToo();
};

void TestWorkerPriority::withoutAWindowNiceOnly()
{
    QVERIFY(!workerpriority::yieldsToWindow());
    const Scenario &s = *Registry::builtin().find(QStringLiteral("counter"));
    Runner runner(s, longCounter(s));
    runner.start();
    // Each thread lowers itself at its first event: wait until both have recorded.
    QElapsedTimer waited;
    waited.start();
    while (runner.trace().eventCount() < 100 && waited.elapsed() < 20000)
        runner.collect(5);
    const std::vector<pid_t> threads = counterThreads();
    QCOMPARE(threads.size(), std::size_t(2));
    for (pid_t tid : threads) {
        errno = 0;
        QCOMPARE(::getpriority(PRIO_PROCESS, id_t(tid)), 19);
        QCOMPARE(::sched_getscheduler(tid), SCHED_OTHER);
    }
    runner.cancel();
    runner.wait();
}

void TestWorkerPriority::inTheWindowIdle()
{
    MainWindow w;
    QVERIFY(workerpriority::yieldsToWindow());
    // Told to the worker processes it starts, not put in the environment everything else inherits.
    QVERIFY(qgetenv(workerpriority::idleVariable).isEmpty());
    w.selectScenario(QStringLiteral("counter"));
    w.form()->setValues(longCounter(*Registry::builtin().find(QStringLiteral("counter"))));
    w.startRun();
    QTRY_VERIFY_WITH_TIMEOUT(w.runner() && w.runner()->trace().eventCount() >= 100, 20000);
    const std::vector<pid_t> threads = counterThreads();
    QCOMPARE(threads.size(), std::size_t(2));
    for (pid_t tid : threads) {
        QCOMPARE(::sched_getscheduler(tid), SCHED_IDLE);
        errno = 0;
        QCOMPARE(::getpriority(PRIO_PROCESS, id_t(tid)), 19);
    }
    QCOMPARE(::sched_getscheduler(0), SCHED_OTHER); // the window's own thread
    // and Raceway's threads that record: the run's controller, the counter's sampler it started (both
    // wrote the counter's first readings)
    const QDir tasks(QStringLiteral("/proc/self/task"));
    int own = 0;
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith("raceway-control")) continue;
        ++own;
        QCOMPARE(::sched_getscheduler(pid_t(tid.toInt())), SCHED_OTHER);
    }
    QVERIFY(own >= 2);
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.stopRun();
    QVERIFY(done.wait(20000));
}

void TestWorkerPriority::workerProcessesIdleToo()
{
    // Worker processes started from the window run at the idle policy as its threads do: told so
    // through their environment alone.
    setWorkerPathOverride(QStringLiteral(RACEWAY_WORKER_BINARY));
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("processes")));
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("processes"), qlonglong(2));
    v.set(QStringLiteral("iterations"), qlonglong(100'000'000'000LL));
    w.form()->setValues(v);
    w.startRun();
    // The workers: this process's children running raceway-worker, once they have lowered themselves.
    const auto workers = [] {
        std::vector<pid_t> out;
        const QDir proc(QStringLiteral("/proc"));
        for (const QString &pid : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile stat(proc.filePath(pid + QStringLiteral("/stat")));
            if (!stat.open(QIODevice::ReadOnly)) continue;
            const QByteArray line = stat.readAll();
            const qsizetype close = line.lastIndexOf(')');
            if (close < 0 || !line.contains("(raceway-worker)")) continue;
            const QList<QByteArray> fields = line.mid(close + 2).split(' ');
            if (fields.size() > 1 && fields[1].toInt() == ::getpid()) out.push_back(pid_t(pid.toInt()));
        }
        return out;
    };
    const auto idle = [&] {
        const std::vector<pid_t> now = workers();
        return now.size() == 2 && std::all_of(now.begin(), now.end(),
                                              [](pid_t p) { return ::sched_getscheduler(p) == SCHED_IDLE; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(idle(), 20000);
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.stopRun();
    QVERIFY(done.wait(20000));
    QTRY_VERIFY_WITH_TIMEOUT(workers().empty(), 10000); // nothing left running
}

QTEST_MAIN(TestWorkerPriority)
#include "tst_workerpriority.moc"
