// The seeds' exercises, checked from the trace: the tick timer's drift, the bank account's books,
// and daemon threads cut off at exit. Each reported number equals what the lanes draw.

#include "tracechecks.h"

#include <QTest>

using namespace raceway;
using namespace raceway::testing;

namespace {

std::vector<Instant> instantsOn(const Trace &t, std::size_t lane, MarkKind kind)
{
    std::vector<Instant> out;
    for (const Instant &in : t.lane(lane).instants)
        if (in.markKind() == kind) out.push_back(in);
    return out;
}

qlonglong countMarks(const Trace &t, MarkKind kind)
{
    qlonglong n = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        n += qlonglong(instantsOn(t, i, kind).size());
    return n;
}

std::size_t laneNamed(const Trace &t, const QString &name)
{
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        if (t.lane(i).name == name) return i;
    qFatal("no lane %s", qPrintable(name));
    return 0;
}

} // namespace

class TestExercises : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timerDriftIsMeasuredFromTheTicks();
    void bankWithTheLockKeepsItsBooks();
    void bankWithoutTheLockLosesWhatTheMarkersSay();
    void daemonsStillRunningAreCutOffAtExit();
    void daemonsThatFinishedAreNotCutOff();
};

void TestExercises::timerDriftIsMeasuredFromTheTicks()
{
    auto r = runScenario(QStringLiteral("timer"), args({"interval_ms=10", "duration_ms=100", "work_ms=2"}));
    const Trace &t = r->trace();
    const std::int64_t interval = 10'000'000;
    for (const char *schedule : {"sleep", "deadline"}) {
        const std::size_t lane = laneNamed(t, QLatin1String(schedule) == QLatin1String("sleep")
                                                  ? QStringLiteral("sleep after work")
                                                  : QStringLiteral("sleep until deadline"));
        const auto ticks = instantsOn(t, lane, MarkKind::Tick);
        QCOMPARE(qlonglong(ticks.size()), 10);
        QCOMPARE(metric(*r, QByteArray("ticks_" + QByteArray(schedule)).constData()), 10);
        std::int64_t worst = 0;
        for (std::size_t k = 0; k < ticks.size(); ++k) {
            const std::int64_t drift = ticks[k].t - t.start() - std::int64_t(k + 1) * interval;
            QCOMPARE(std::int64_t(ticks[k].value), drift); // what the tooltip and the dotted line show
            worst = std::max(worst, drift);
        }
        const std::int64_t last = ticks.back().t - t.start() - 10 * interval;
        QCOMPARE(
            qRound64(metricDouble(*r, QByteArray("drift_" + QByteArray(schedule) + "_ms").constData()) * 1e6),
            last);
        QCOMPARE(
            qRound64(metricDouble(*r, QByteArray("max_drift_" + QByteArray(schedule) + "_ms").constData()) *
                     1e6),
            worst);
        // Sleeping after the work drifts by at least the work at every tick after the first.
        if (QLatin1String(schedule) == QLatin1String("sleep")) QVERIFY(last >= 9 * 2'000'000);
    }
}

void TestExercises::bankWithTheLockKeepsItsBooks()
{
    auto r = runScenario(QStringLiteral("bank"),
                         args({"threads=4", "operations=400", "lock=on", "window_ns=20000", "initial=500"}));
    const Trace &t = r->trace();
    QCOMPARE(metric(*r, "final_balance"), metric(*r, "expected_balance"));
    QCOMPARE(metric(*r, "expected_balance"),
             500 + (metric(*r, "deposits") - metric(*r, "withdrawals")) * 100);
    QCOMPARE(metric(*r, "overdrafts"), 0);
    QVERIFY(metric(*r, "lowest_balance") >= 0);
    QCOMPARE(markerTotal(t), 0);
    QCOMPARE(countMarks(t, MarkKind::Refused), metric(*r, "refused"));
    QVERIFY(metric(*r, "refused") > 0); // 60 % withdrawals from 500: the account runs dry
    // The balance lane never shows less than nothing, and ends on the books' figure.
    const auto balance = lanesOfKind(t, LaneKind::Counter);
    QCOMPARE(balance.size(), 1u);
    for (const SeriesPoint &p : t.lane(balance[0]).series)
        QVERIFY(p.b >= 0);
    QCOMPARE(t.lane(balance[0]).series.back().b, metric(*r, "final_balance"));
    QCOMPARE(t.lane(balance[0]).series.back().a, metric(*r, "expected_balance"));
    QCOMPARE(metric(*r, "deposits") + metric(*r, "withdrawals") + metric(*r, "refused"), 1600);
}

void TestExercises::bankWithoutTheLockLosesWhatTheMarkersSay()
{
    // A wide window between check and act forces the races on any machine.
    auto r = runScenario(QStringLiteral("bank"), args({"threads=4", "operations=300", "window_ns=200000",
                                                       "initial=300", "withdraw_percent=50"}));
    const Trace &t = r->trace();
    const qlonglong discrepancy = metric(*r, "expected_balance") - metric(*r, "final_balance");
    QCOMPARE(metric(*r, "discrepancy"), discrepancy);
    QCOMPARE(markerTotal(t), discrepancy); // the lost-update markers add up to the money gone astray
    QCOMPARE(metric(*r, "erased_by_writes"), discrepancy);
    QVERIFY(metric(*r, "lossy_writes") > 0);
    QCOMPARE(countMarks(t, MarkKind::Overdraft), metric(*r, "overdrafts"));
    QCOMPARE(countMarks(t, MarkKind::Refused), metric(*r, "refused"));
    const auto balance = lanesOfKind(t, LaneKind::Counter);
    QCOMPARE(t.lane(balance[0]).series.back().b, metric(*r, "final_balance"));
    std::int64_t lowest = 300, low = 0, high = 0;
    for (const SeriesPoint &p : t.lane(balance[0]).series) {
        lowest = std::min(lowest, p.b);
        low = std::min({low, p.a, p.b});
        high = std::max({high, p.a, p.b});
    }
    // The lane's drawn range is every value it held, below zero too (not only its first and last).
    QCOMPARE(t.lane(balance[0]).seriesLow, low);
    QCOMPARE(t.lane(balance[0]).seriesHigh, high);
    QVERIFY(high >= 300);
    QVERIFY(lowest >= metric(*r, "lowest_balance")); // readings can only miss the lowest moment
    if (metric(*r, "overdrafts") > 0) QVERIFY(metric(*r, "lowest_balance") < 0);
}

void TestExercises::daemonsStillRunningAreCutOffAtExit()
{
    auto r = runScenario(QStringLiteral("daemon"),
                         args({"workers=2", "daemons=3", "work_ms=20", "main_ms=5", "poll_ms=3"}));
    const Trace &t = r->trace();
    QCOMPARE(metric(*r, "cut_off"), 3);
    QCOMPARE(countMarks(t, MarkKind::CutOff), 3);
    const std::size_t mainLane = laneNamed(t, QStringLiteral("main thread"));
    const std::int64_t exitAt = t.lane(mainLane).times[t.lane(mainLane).transitionCount() - 1];
    QCOMPARE(t.lane(mainLane).states[t.lane(mainLane).transitionCount() - 1], State::Done);
    QCOMPARE(qRound64(metricDouble(*r, "exit_ms") * 1e6), exitAt - t.start());
    for (int d = 1; d <= 3; ++d) {
        const Lane &l = t.lane(laneNamed(t, QStringLiteral("daemon %1").arg(d)));
        QCOMPARE(l.states[l.transitionCount() - 1], State::Killed);
        QCOMPARE(l.times[l.transitionCount() - 1], exitAt); // cut off at the very moment the program ended
        for (std::size_t i = 0; i < l.transitionCount(); ++i)
            QVERIFY(l.times[i] <= exitAt); // nothing a daemon did comes after the end
    }
    // join(): both workers joined, each after its last is_alive() said no.
    QCOMPARE(metric(*r, "joined"), 2);
    const auto checks = instantsOn(t, mainLane, MarkKind::AliveCheck);
    QCOMPARE(qlonglong(checks.size()), metric(*r, "alive_checks"));
    QCOMPARE(qlonglong(instantsOn(t, mainLane, MarkKind::Joined).size()), 2);
    for (int w = 1; w <= 2; ++w) {
        const Lane &l = t.lane(laneNamed(t, QStringLiteral("worker %1").arg(w)));
        QCOMPARE(l.states[l.transitionCount() - 1], State::Done);
        QVERIFY(l.times[l.transitionCount() - 1] <= exitAt);
    }
    QCOMPARE(checks.back().value, 0);
}

void TestExercises::daemonsThatFinishedAreNotCutOff()
{
    auto r =
        runScenario(QStringLiteral("daemon"),
                    args({"workers=1", "daemons=2", "work_ms=150", "daemon_ms=1", "main_ms=0", "poll_ms=5"}));
    QCOMPARE(metric(*r, "cut_off"), 0);
    QCOMPARE(countMarks(r->trace(), MarkKind::CutOff), 0);
}

QTEST_GUILESS_MAIN(TestExercises)
#include "tst_exercises.moc"
