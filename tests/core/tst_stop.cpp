// Stop at the extremes: every scenario, with its knobs turned to their limits, is cancelled once it
// is well under way and must come back joined and reaped, with numbers that still add up. No timing
// threshold here (tests run on loaded machines): a scenario that ignores Stop hangs and the test's
// own timeout fails it. Stop latency itself is measured in the benchmarks (BM_StopLatency).

#include "../procscan.h"
#include "tracechecks.h"
#include "workerprocess.h"

#include <QTest>

#include <unistd.h>

using namespace raceway;
using namespace raceway::testing;

class TestStop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setWorkerPathOverride(QStringLiteral(RACEWAY_WORKER_BINARY)); }
    void cleanup() { QCOMPARE(workerChildrenOf(getpid()), QList<qint64>()); }
    void stopJoinsAtTheExtremes_data();
    void stopJoinsAtTheExtremes();
    void counterNumbersStayExactAfterStop_data();
    void counterNumbersStayExactAfterStop();
    void collectionIsBoundedPerCall();
};

void TestStop::stopJoinsAtTheExtremes_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("params");
    // The rows are shared out between tst_stop1 and tst_stop2 (RACEWAY_STOP_SHARE 1 and 2, alternate
    // rows) so that the two run side by side: under AddressSanitizer one alone took 54 s.
    int index = 0;
    auto row = [&index](const char *name, const char *scenario, QStringList params) {
        if (index++ % 2 + 1 == RACEWAY_STOP_SHARE)
            QTest::newRow(name) << QString::fromLatin1(scenario) << params;
    };
    row("counter 64 threads unpaced", "counter",
        {QStringLiteral("threads=64"), QStringLiteral("iterations=100000000")});
    row("counter lock, wide window", "counter",
        {QStringLiteral("threads=64"), QStringLiteral("iterations=100000000"), QStringLiteral("lock=on"),
         QStringLiteral("window_ns=100000000")});
    row("counter sleeping window", "counter",
        {QStringLiteral("threads=64"), QStringLiteral("iterations=100000000"),
         QStringLiteral("window_sleep_ms=10000")});
    row("gil 64 threads, 1 s bytecodes", "gil",
        {QStringLiteral("threads=64"), QStringLiteral("iterations=100000000"),
         QStringLiteral("work_us=1000000")});
    row("gil io", "gil", {QStringLiteral("threads=64"), QStringLiteral("io_ms=10000")});
    row("compare 10 minutes", "compare", {QStringLiteral("workers=16"), QStringLiteral("work_ms=600000")});
    row("pool cpu", "pool",
        {QStringLiteral("workers=64"), QStringLiteral("tasks=10000"), QStringLiteral("task_ms=60000"),
         QStringLiteral("work=cpu")});
    row("event loop", "event-loop",
        {QStringLiteral("tasks=1000"), QStringLiteral("steps=1000"), QStringLiteral("work_us=1000000")});
    row("download pool", "download",
        {QStringLiteral("files=1000"), QStringLiteral("min_ms=60000"), QStringLiteral("max_ms=60000"),
         QStringLiteral("mode=pool")});
    row("processes", "processes",
        {QStringLiteral("processes=64"), QStringLiteral("iterations=100000000000")});
    row("shared value", "shared-value",
        {QStringLiteral("processes=64"), QStringLiteral("increments=100000000"), QStringLiteral("lock=on")});
    row("semaphore 64 threads, 1 permit, 10 s holds", "semaphore",
        {QStringLiteral("threads=64"), QStringLiteral("permits=1"), QStringLiteral("rounds=1000000"),
         QStringLiteral("hold_us=10000000")});
    row("event never set", "event", {QStringLiteral("threads=64"), QStringLiteral("delay_ms=600000")});
    row("condition, consumers stuck", "condition",
        {QStringLiteral("producers=32"), QStringLiteral("consumers=32"), QStringLiteral("capacity=1"),
         QStringLiteral("items=10000000"), QStringLiteral("consume_us=10000000")});
    row("daemon, workers for 10 minutes", "daemon",
        {QStringLiteral("workers=32"), QStringLiteral("daemons=32"), QStringLiteral("work_ms=600000")});
    row("timer, an hour", "timer", {QStringLiteral("interval_ms=1"), QStringLiteral("duration_ms=3600000")});
    row("ping-pong in sync", "ping-pong", {QStringLiteral("rounds=1000000"), QStringLiteral("sync=on")});
    row("bank 64 threads", "bank", {QStringLiteral("threads=64"), QStringLiteral("operations=100000000")});
    row("inside the deadlock", "deadlock",
        {QStringLiteral("threads=16"), QStringLiteral("rounds=100000"), QStringLiteral("gap_ms=1"),
         QStringLiteral("hold_ms=60000")});
    row("process pool", "process-pool",
        {QStringLiteral("workers=64"), QStringLiteral("inputs=5000,5000,5000"),
         QStringLiteral("function=factorial"), QStringLiteral("task_ms=60000")});
}

void TestStop::stopJoinsAtTheExtremes()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, params);
    const Scenario *s = Registry::builtin().find(scenario);
    QVERIFY(s);
    QString error;
    const auto values = ParamValues::parse(s->params(), params, &error);
    QVERIFY2(values, qPrintable(error));
    Runner runner(*s, *values);
    runner.start();
    // Well under way: events are flowing (or half a second has passed for the quiet ones).
    QElapsedTimer clock;
    clock.start();
    while (runner.trace().eventCount() < 2000 && clock.elapsed() < 500)
        QVERIFY(!runner.collect(5));
    runner.cancel();
    // Joined and reaped: the controller thread returned, so every thread and process of the run did.
    while (!runner.workersJoined())
        QThread::msleep(1);
    QCOMPARE(workerChildrenOf(getpid()), QList<qint64>());
    runner.wait();
    QVERIFY(runner.result().cancelled);
    QVERIFY(runner.result().error.isEmpty());
}

void TestStop::counterNumbersStayExactAfterStop_data()
{
    if (RACEWAY_STOP_SHARE != 2) QSKIP("run by tst_stop2");
    QTest::addColumn<QString>("lock");
    QTest::newRow("lock off") << QStringLiteral("off");
    QTest::newRow("lock on") << QStringLiteral("on");
}

void TestStop::counterNumbersStayExactAfterStop()
{
    QFETCH(QString, lock);
    const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto values =
        ParamValues::parse(s->params(),
                           {QStringLiteral("threads=16"), QStringLiteral("iterations=100000000"),
                            QStringLiteral("lock=") + lock},
                           &error);
    Runner runner(*s, *values);
    runner.start();
    while (runner.trace().progress() < 100000)
        QVERIFY(!runner.collect(5));
    runner.cancel();
    runner.wait();
    const Trace &t = runner.trace();
    // Stopped early, yet every equality holds: lost = expected - actual = the markers' sum, and the
    // recorded waits are the drawn ones.
    QVERIFY(metric(runner, "expected") < 16LL * 100'000'000);
    QCOMPARE(metric(runner, "lost_updates"), metric(runner, "expected") - metric(runner, "actual"));
    QCOMPARE(markerTotal(t), metric(runner, "lost_updates"));
    QCOMPARE(t.progress(), metric(runner, "expected"));
    if (lock == QLatin1String("on")) {
        QCOMPARE(metric(runner, "lost_updates"), 0);
        QCOMPARE(qRound64(metricDouble(runner, "lock_wait_ms") * 1e6), totalOverThreads(t, State::Waiting));
    }
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread))
        QVERIFY(t.lane(lane).states.back() == State::Done);
}

void TestStop::collectionIsBoundedPerCall()
{
    if (RACEWAY_STOP_SHARE != 2) QSKIP("run by tst_stop2");
    // However much is waiting, one collect() takes a slice and returns: the caller's loop keeps turning.
    const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
    QString error;
    const auto values = ParamValues::parse(
        s->params(),
        {QStringLiteral("threads=8"), QStringLiteral("iterations=400000"), QStringLiteral("lock=on")},
        &error);
    Runner runner(*s, *values);
    runner.start();
    while (!runner.workersJoined())
        QThread::msleep(5); // let a backlog build up without collecting anything
    const std::uint64_t waiting = runner.eventsWaiting();
    QVERIFY2(waiting > 4 * 65536, qPrintable(QString::number(waiting)));
    QVERIFY(!runner.collect(0)); // a zero budget still takes one slice, and only one
    QVERIFY(runner.trace().eventCount() <= 65536);
    QVERIFY(runner.trace().eventCount() > 0);
    int calls = 1;
    while (!runner.collect(1))
        ++calls;
    QVERIFY(calls > 1);
    QCOMPARE(runner.trace().eventCount(), runner.result().events);
    QCOMPARE(runner.recorder().droppedEvents(), 0u);
}

QTEST_GUILESS_MAIN(TestStop)
#include "tst_stop.moc"
