// The simulated GIL, checked from the trace: never held by two threads, at most one thread running at
// any instant, waits that sum to the reported GIL wait, and the counter lesson: no lost updates when
// switches fall between whole increments, lost updates when a switch can split a read from its write.

#include "tracechecks.h"

#include <QTest>

using namespace raceway;
using namespace raceway::testing;

class TestGil : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneHolderOneRunner_data();
    void oneHolderOneRunner();
    void loopBoundarySwitchesLoseNothing();
    void readWriteSwitchesLoseUpdates();
    void withoutTheGilThreadsRunTogether();
};

void TestGil::oneHolderOneRunner_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("2 threads") << QStringList{QStringLiteral("threads=2"), QStringLiteral("iterations=200"),
                                              QStringLiteral("work_us=100"), QStringLiteral("switch_ms=1")};
    QTest::newRow("4 threads") << QStringList{QStringLiteral("threads=4"), QStringLiteral("iterations=100"),
                                              QStringLiteral("work_us=100"), QStringLiteral("switch_ms=1")};
    QTest::newRow("with I/O") << QStringList{QStringLiteral("threads=3"), QStringLiteral("iterations=40"),
                                             QStringLiteral("work_us=200"), QStringLiteral("io_ms=2")};
    QTest::newRow("read-write switches") << QStringList{
        QStringLiteral("threads=2"), QStringLiteral("iterations=200"), QStringLiteral("work_us=100"),
        QStringLiteral("switch_ms=1"), QStringLiteral("switch_at=read-write")};
}

void TestGil::oneHolderOneRunner()
{
    QFETCH(QStringList, args);
    auto r = runScenario(QStringLiteral("gil"), args);
    const Trace &t = r->trace();
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    const auto gil = lanesOfKind(t, LaneKind::Gil);
    QCOMPARE(gil.size(), 1u);
    QCOMPARE(mostAtOnce(t, gil, State::Held), 1);        // one holder at a time (it is one lane)
    QCOMPARE(mostAtOnce(t, threads, State::Running), 1); // and only the holder runs
    // Every GIL hold on the GIL lane is some thread's running time, seen from the other side, or time
    // the holder spent off its core (the operating system took it, or it blocked in the kernel, while it
    // held the GIL).
    QCOMPARE(t.totalIn(gil[0], State::Held), totalOverThreads(t, State::Running) +
                                                 totalOverThreads(t, State::Ready) +
                                                 totalOverThreads(t, State::Blocked));
    // The reported GIL wait is the drawn waiting, to the nanosecond.
    QCOMPARE(qRound64(metricDouble(*r, "gil_wait_ms") * 1e6), totalOverThreads(t, State::WaitingGil));
    // CPU-bound threads that all live at once take turns: someone waits. With I/O between the steps they
    // may never want the GIL together (on a busy machine, one ran while the others were in I/O).
    if (!args.join(QLatin1Char(' ')).contains(QLatin1String("io_ms")))
        QVERIFY(totalOverThreads(t, State::WaitingGil) > 0);
    QCOMPARE(metric(*r, "lost_updates"), metric(*r, "expected") - metric(*r, "actual"));
    QCOMPARE(markerTotal(t), metric(*r, "lost_updates"));
}

void TestGil::loopBoundarySwitchesLoseNothing()
{
    auto r =
        runScenario(QStringLiteral("gil"), {QStringLiteral("threads=2"), QStringLiteral("iterations=300"),
                                            QStringLiteral("work_us=100"), QStringLiteral("switch_ms=1")});
    QVERIFY(metric(*r, "gil_switches") > 0); // the threads really took turns...
    QCOMPARE(metric(*r, "lost_updates"), 0); // ...and never between a read and its write
    QCOMPARE(metric(*r, "actual"), 600);
}

void TestGil::readWriteSwitchesLoseUpdates()
{
    // 200 ms of work: with 30 ms (300 iterations) one thread once finished before a loaded machine (the
    // sanitizer's run, beside other tests) started the other, and nothing forced a switch.
    auto r =
        runScenario(QStringLiteral("gil"), {QStringLiteral("threads=2"), QStringLiteral("iterations=2000"),
                                            QStringLiteral("work_us=100"), QStringLiteral("switch_ms=1"),
                                            QStringLiteral("switch_at=read-write")});
    QVERIFY(metric(*r, "gil_switches") > 0);
    QVERIFY(metric(*r, "lost_updates") > 0);
    QCOMPARE(markerTotal(r->trace()), metric(*r, "lost_updates"));
}

void TestGil::withoutTheGilThreadsRunTogether()
{
    auto r =
        runScenario(QStringLiteral("gil"), {QStringLiteral("threads=2"), QStringLiteral("iterations=200"),
                                            QStringLiteral("work_us=200"), QStringLiteral("gil=off")});
    const Trace &t = r->trace();
    QVERIFY(lanesOfKind(t, LaneKind::Gil).empty());
    QCOMPARE(metric(*r, "gil_switches"), 0);
    QCOMPARE(totalOverThreads(t, State::WaitingGil), 0);
    // Nothing serialises them: both have work at once (running, or waiting for a core where a busy
    // machine lends them fewer than two), on a machine with two cores or more.
    if (QThread::idealThreadCount() >= 2) {
        const auto threads = lanesOfKind(t, LaneKind::Thread);
        std::vector<Interval> busy = intervalsIn(t, threads, State::Running);
        const std::vector<Interval> ready = intervalsIn(t, threads, State::Ready);
        busy.insert(busy.end(), ready.begin(), ready.end());
        QCOMPARE(mostAtOnce(busy), 2);
    }
}

QTEST_GUILESS_MAIN(TestGil)
#include "tst_gil.moc"
