// Waiting on I/O: downloads sequentially take the sum of their durations, concurrently they are
// awaited several at once; coroutines on an event loop overlap their waits on exactly one OS thread. Timing
// bounds here are deliberately generous (a loaded machine must pass); benchmarks measure precisely.

#include "tracechecks.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

using namespace raceway;
using namespace raceway::testing;

namespace {

qlonglong sumOf(const Runner &r)
{
    return metric(r, "sum_ms");
}
qlonglong maxOf(const Runner &r)
{
    return metric(r, "max_ms");
}
const QStringList files = {QStringLiteral("files=6"), QStringLiteral("min_ms=40"),
                           QStringLiteral("max_ms=250"), QStringLiteral("seed=7")};

} // namespace

class TestIo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seedMakesDurationsRepeatable();
    void sequentialTakesTheSum();
    void concurrentModesAwaitFilesAtOnce_data();
    void concurrentModesAwaitFilesAtOnce();
    void poolNeverExceedsItsThreads();
    void eventLoopRunsOnOneThread();
    void minAboveMaxIsRefused();
};

void TestIo::seedMakesDurationsRepeatable()
{
    auto a = runScenario(QStringLiteral("download"), files + QStringList{QStringLiteral("mode=async")});
    auto b = runScenario(QStringLiteral("download"), files + QStringList{QStringLiteral("mode=async")});
    auto c = runScenario(QStringLiteral("download"), {QStringLiteral("files=6"), QStringLiteral("min_ms=40"),
                                                      QStringLiteral("max_ms=250"), QStringLiteral("seed=8"),
                                                      QStringLiteral("mode=async")});
    const auto durations = [](const Runner &r) {
        return metricValue(r.result().metrics, QStringLiteral("durations_ms")).toList();
    };
    QCOMPARE(durations(*a), durations(*b));
    QVERIFY(durations(*a) != durations(*c));
    for (const QVariant &d : durations(*a))
        QVERIFY(d.toLongLong() >= 40 && d.toLongLong() <= 250);
}

void TestIo::sequentialTakesTheSum()
{
    auto r = runScenario(QStringLiteral("download"), files + QStringList{QStringLiteral("mode=sequential")});
    QVERIFY(r->result().wallMs >= double(sumOf(*r)) * 0.98);
    QVERIFY(r->result().wallMs < double(sumOf(*r)) + 1000);
    // The drawn waits are the durations: one lane, one I/O wait per file.
    const Trace &t = r->trace();
    QCOMPARE(lanesOfKind(t, LaneKind::Thread).size(), 1u);
    const std::int64_t waited = totalOverThreads(t, State::WaitingIo);
    QVERIFY(waited >= sumOf(*r) * 1'000'000 * 98 / 100);
}

void TestIo::concurrentModesAwaitFilesAtOnce_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("threads") << QStringLiteral("threads");
    QTest::newRow("pool of 6") << QStringLiteral("pool");
    QTest::newRow("async") << QStringLiteral("async");
}

void TestIo::concurrentModesAwaitFilesAtOnce()
{
    QFETCH(QString, mode);
    auto r = runScenario(QStringLiteral("download"),
                         files + QStringList{QStringLiteral("mode=") + mode, QStringLiteral("workers=6")});
    QCOMPARE(metric(*r, "files_done"), 6);
    QVERIFY(r->result().wallMs >= double(maxOf(*r)) * 0.98);
    // Concurrency is read from the drawn waits, not from the clock (on a loaded machine a pool's
    // threads may start hundreds of milliseconds late, so the run can take longer than the sum): at
    // some moment at least half of the files were awaited at once.
    const auto waits = intervalsIn(r->trace(), lanesOfKind(r->trace(), LaneKind::Thread), State::WaitingIo);
    QCOMPARE(waits.size(), 6u);
    std::vector<std::pair<std::int64_t, int>> edges;
    for (const Interval &iv : waits) {
        edges.emplace_back(iv.start, 1);
        edges.emplace_back(iv.end, -1);
    }
    std::sort(edges.begin(), edges.end()); // an end (-1) before a start at the same time
    int inFlight = 0, most = 0;
    for (const auto &[time, step] : edges)
        most = std::max(most, inFlight += step);
    QVERIFY2(most >= 3, qPrintable(QStringLiteral("at most %1 files awaited at once").arg(most)));
}

void TestIo::poolNeverExceedsItsThreads()
{
    auto r = runScenario(QStringLiteral("download"),
                         files + QStringList{QStringLiteral("mode=pool"), QStringLiteral("workers=2")});
    const Trace &t = r->trace();
    const auto lanes = lanesOfKind(t, LaneKind::Thread);
    QVERIFY(lanes.size() <= 2u);
    std::int64_t ioWaits = 0;
    for (std::size_t lane : lanes)
        for (State s : t.lane(lane).states)
            ioWaits += s == State::WaitingIo;
    QCOMPARE(ioWaits, 6);
    QVERIFY(r->result().wallMs >= double(sumOf(*r)) / 2 * 0.98); // two at a time at most
}

void TestIo::eventLoopRunsOnOneThread()
{
    auto r =
        runScenario(QStringLiteral("event-loop"),
                    {QStringLiteral("tasks=5"), QStringLiteral("delay_ms=300"), QStringLiteral("steps=2")});
    QCOMPARE(metric(*r, "os_threads"), 1);
    QCOMPARE(metric(*r, "tasks_finished"), 5);
    QVERIFY(r->result().wallMs >= 600 * 0.98);
    QVERIFY(r->result().wallMs < 5 * 600 * 0.5); // far below the sum of the awaits
    const Trace &t = r->trace();
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        if (t.lane(lane).name.startsWith(QStringLiteral("event loop"))) continue;
        int awaits = 0;
        for (State s : t.lane(lane).states)
            awaits += s == State::WaitingIo;
        QCOMPARE(awaits, 2);
    }
    // The awaited time is what the lanes draw as awaits, to the nanosecond, and no await ended early.
    const double awaitedMs = metricValue(r->result().metrics, QStringLiteral("awaited_ms")).toDouble();
    QCOMPARE(std::llround(awaitedMs * 1e6), totalOverThreads(t, State::WaitingIo));
    QVERIFY2(awaitedMs >= 5 * 2 * 300, qPrintable(QString::number(awaitedMs)));
}

void TestIo::minAboveMaxIsRefused()
{
    const Scenario *s = Registry::builtin().find(QStringLiteral("download"));
    QString error;
    const auto p =
        ParamValues::parse(s->params(), {QStringLiteral("min_ms=500"), QStringLiteral("max_ms=100")}, &error);
    QVERIFY(p.has_value());
    QVERIFY(s->validate(*p).contains(QStringLiteral("'min_ms': 500 is more than max_ms")));
}

QTEST_GUILESS_MAIN(TestIo)
#include "tst_io.moc"
