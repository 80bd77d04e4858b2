// Step points of the bank (check, write) and the deadlock (first lock, second lock): a schedule makes the
// overdraft or the deadlock on real threads, every time, and every order gives what a model of the
// account and of the locks, written here and not with Raceway's code, says it gives.

#include "countermodel.h"
#include "explorer.h"
#include "lockstepmodels.h"
#include "tracechecks.h"

#include <QElapsedTimer>
#include <QTest>

#include <map>

using namespace raceway;
using namespace raceway::testing;

namespace {

ParamValues parsed(const Scenario &s, const QStringList &a)
{
    QString error;
    const auto p = ParamValues::parse(s.params(), a, &error);
    if (!p) qFatal("%s", qPrintable(error));
    return *p;
}

const QStringList withdrawing = args({"initial=100", "amount=100", "withdraw_percent=100", "lock=off"});

} // namespace

class TestLockSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aScheduleOverdrawsEveryTime();
    void everyBankOrderGivesWhatTheModelSays();
    void theBankLockAllowsNoOverdraft();
    void aScheduleDeadlocksEveryTime();
    void everyDeadlockOrderIsTheModels();
    void aWaitingThreadCannotMove();
    void deadlockStepsGivenLive();
    void pingPongPrintsInTheOrderGiven();
};

void TestLockSteps::aScheduleOverdrawsEveryTime()
{
    // Both tellers check 100 before either pays: both pay, and the account ends at -100. Twenty times.
    for (int i = 0; i < 20; ++i) {
        const auto r = runScenario(QStringLiteral("bank"),
                                   withdrawing + args({"threads=2", "operations=1", "schedule=1,2,1,2"}));
        QCOMPARE(metric(*r, "final_balance"), -100);
        QCOMPARE(metric(*r, "overdrafts"), 1);
        QCOMPARE(metric(*r, "refused"), 0);
    }
    // One after the other: the second check sees 0 and refuses.
    const auto apart = runScenario(QStringLiteral("bank"),
                                   withdrawing + args({"threads=2", "operations=1", "schedule=1,1,2,2"}));
    QCOMPARE(metric(*apart, "final_balance"), 0);
    QCOMPARE(metric(*apart, "overdrafts"), 0);
    QCOMPARE(metric(*apart, "refused"), 1);
    QVERIFY(apart->scenario()
                .headline(apart->result().params, apart->result().metrics)
                .contains(QStringLiteral("schedule 1,1,2,2")));
}

void TestLockSteps::everyBankOrderGivesWhatTheModelSays()
{
    // Two tellers × two withdrawals from 200: 70 orders, each run on real threads.
    std::vector<int> left{4, 4};
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    orders(left, sofar, all);
    QCOMPARE(all.size(), std::size_t(70));
    std::map<qlonglong, std::uint64_t> histogram;
    const QStringList base =
        args({"threads=2", "operations=2", "initial=200", "amount=100", "withdraw_percent=100", "lock=off"});
    for (const QList<qlonglong> &s : all) {
        const BankOutcome want = withdrawals(s, 2, 200, 100);
        const auto r = runScenario(QStringLiteral("bank"), base + QStringList{scheduleArg(s)});
        QCOMPARE(metric(*r, "final_balance"), want.balance);
        QCOMPARE(metric(*r, "overdrafts"), want.overdrafts);
        QCOMPARE(metric(*r, "refused"), want.refused);
        ++histogram[want.overdrafts];
    }
    // explore's histogram is the model's.
    const Scenario &bank = *Registry::builtin().find(QStringLiteral("bank"));
    const ParamValues p = parsed(bank, base);
    const StepPlan plan = *bank.steps(p);
    QCOMPARE(plan.count(100'000), std::uint64_t(70));
    const ExploreResult found = exploreOrders(bank, p, plan, 70, [] { return false; });
    QCOMPARE(found.runs, std::uint64_t(70));
    std::map<qlonglong, std::uint64_t> explored;
    for (const ExploreOutcome &o : found.outcomes)
        explored[o.value] = o.orders;
    QCOMPARE(explored, histogram);
    QVERIFY(histogram.size() >= 2); // some orders overdraw, some do not
}

void TestLockSteps::theBankLockAllowsNoOverdraft()
{
    // With the lock, check and write go together: 6 orders of whole operations, none overdraws.
    const Scenario &bank = *Registry::builtin().find(QStringLiteral("bank"));
    const ParamValues p = parsed(bank, withdrawing + args({"threads=3", "operations=1", "lock=on"}));
    const StepPlan plan = *bank.steps(p);
    QCOMPARE(plan.count(100'000), std::uint64_t(6));
    QVERIFY(plan.problem(list({1, 2})).contains(QStringLiteral("thread 1 holds the lock")));
    const ExploreResult found = exploreOrders(bank, p, plan, 6, [] { return false; });
    QCOMPARE(found.outcomes.size(), std::size_t(1));
    QCOMPARE(found.outcomes.front().value, 0);
    QCOMPARE(found.outcomes.front().orders, std::uint64_t(6));
}

void TestLockSteps::aScheduleDeadlocksEveryTime()
{
    // Each thread takes its own lock before either asks for the other's: one deadlock, found and broken
    // (thread 2 gives its lock back and goes round again), every time.
    for (int i = 0; i < 5; ++i) {
        const auto r = runScenario(QStringLiteral("deadlock"), args({"rounds=1", "schedule=1,2,1,2,2,2"}));
        QCOMPARE(metric(*r, "deadlocks"), 1);
        QCOMPARE(metric(*r, "rollbacks"), 1);
        QCOMPARE(metric(*r, "rounds_done"), 2);
    }
    const auto apart = runScenario(QStringLiteral("deadlock"), args({"rounds=1", "schedule=1,1,2,2"}));
    QCOMPARE(metric(*apart, "deadlocks"), 0);
}

void TestLockSteps::everyDeadlockOrderIsTheModels()
{
    // The orders the plan counts and lists are the model's, for two and three threads, and a run of each
    // deadlocks as often as the model says.
    const Scenario &deadlock = *Registry::builtin().find(QStringLiteral("deadlock"));
    for (const auto &[threads, rounds] : {std::pair{2, 1}, std::pair{2, 2}, std::pair{3, 1}}) {
        std::vector<std::pair<QList<qlonglong>, int>> want;
        QList<qlonglong> sofar;
        philosopherOrders(Philosophers(threads, rounds), sofar, want);
        const ParamValues p = parsed(deadlock, {QStringLiteral("threads=%1").arg(threads),
                                                QStringLiteral("rounds=%1").arg(rounds),
                                                QStringLiteral("gap_ms=0"), QStringLiteral("hold_ms=0")});
        const StepPlan plan = *deadlock.steps(p);
        QCOMPARE(plan.count(100'000), std::uint64_t(want.size()));
        std::vector<QList<qlonglong>> listed;
        plan.enumerate([&](const QList<qlonglong> &s) {
            listed.push_back(s);
            return true;
        });
        QCOMPARE(listed.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i)
            QCOMPARE(listed[i], want[i].first);
        if (threads == 2 && rounds == 2) continue; // 86 orders: counted, not all run here
        std::map<qlonglong, std::uint64_t> histogram;
        for (const auto &[order, deadlocks] : want)
            ++histogram[deadlocks];
        const ExploreResult found = exploreOrders(deadlock, p, plan, want.size(), [] { return false; });
        QCOMPARE(found.runs, std::uint64_t(want.size()));
        std::map<qlonglong, std::uint64_t> explored;
        for (const ExploreOutcome &o : found.outcomes)
            explored[o.value] = o.orders;
        QCOMPARE(explored, histogram);
    }
    // Two threads, one round: 6 orders, 4 deadlock (both first locks taken before either second).
    std::vector<std::pair<QList<qlonglong>, int>> two;
    QList<qlonglong> sofar;
    philosopherOrders(Philosophers(2, 1), sofar, two);
    QCOMPARE(two.size(), std::size_t(6));
    QCOMPARE(std::count_if(two.begin(), two.end(), [](const auto &o) { return o.second == 1; }), 4);
    // Consistent order: no order deadlocks.
    const ParamValues consistent =
        parsed(deadlock, args({"threads=3", "rounds=1", "order=consistent", "gap_ms=0", "hold_ms=0"}));
    const StepPlan plan = *deadlock.steps(consistent);
    const ExploreResult found =
        exploreOrders(deadlock, consistent, plan, plan.count(100'000), [] { return false; });
    QCOMPARE(found.outcomes.size(), std::size_t(1));
    QCOMPARE(found.outcomes.front().value, 0);
}

void TestLockSteps::aWaitingThreadCannotMove()
{
    // Thread 1 asked for lock B, which thread 2 holds: it cannot take another step until it has it.
    const Scenario &deadlock = *Registry::builtin().find(QStringLiteral("deadlock"));
    const StepPlan plan = *deadlock.steps(parsed(deadlock, args({"rounds=1"})));
    QCOMPARE(
        plan.problem(list({1, 2, 1, 1})),
        QStringLiteral("schedule: position 4 moves thread 1, which waits for lock B (thread 2 holds it): "
                       "move thread 2 first"));
    QVERIFY(plan.problem(list({1, 2, 1, 2, 2, 2})).isEmpty());
    QVERIFY(plan.problem(list({1, 2, 1, 2, 2, 2, 2})).contains(QStringLiteral("no steps left")));
    QCOMPARE(plan.problem(list({3})),
             QStringLiteral("schedule: position 1 names thread 3; the threads are 1 to 2"));
}

void TestLockSteps::deadlockStepsGivenLive()
{
    // The window's step mode on the deadlock: a thread waiting for a lock is said to wait and cannot be
    // moved; the deadlock its partner's step closes is broken, and the state follows by itself.
    const Scenario &deadlock = *Registry::builtin().find(QStringLiteral("deadlock"));
    Runner runner(deadlock, parsed(deadlock, args({"rounds=1", "gap_ms=0", "hold_ms=0"})));
    StepFeed &feed = runner.steps();
    feed.setLive(true);
    runner.start();
    const auto next = [&] { return feed.state().next.join(QLatin1Char('|')); };
    const auto waits = [&] { return feed.state().waits.join(QLatin1Char('|')); };
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("first lock|first lock"), 20000);
    feed.push(1);
    feed.push(2);
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("second lock|second lock"), 20000);
    QCOMPARE(feed.state().notes.join(QLatin1Char('|')),
             QStringLiteral("has lock A, asks for lock B|has lock B, asks for lock A"));
    feed.push(1);
    QTRY_COMPARE_WITH_TIMEOUT(waits(), QStringLiteral("waits for lock B|"), 20000);
    feed.push(1);
    QTRY_VERIFY_WITH_TIMEOUT(feed.state().refused.contains(QStringLiteral("which waits for lock B")), 20000);
    feed.push(2); // closes the circle: thread 2 gives lock B back, thread 1 finishes
    QTRY_COMPARE_WITH_TIMEOUT(next(), QStringLiteral("|first lock"), 20000);
    QCOMPARE(
        feed.state().said,
        QStringLiteral("deadlock: every thread in the circle waits for the next; thread 2 "
                       "gives lock B back and goes round again; thread 1 took lock B: it has both locks, "
                       "does its work and gives them back"));
    QCOMPARE(waits(), QStringLiteral("|"));
    feed.push(2);
    feed.push(2);
    runner.wait();
    QCOMPARE(metric(runner, "deadlocks"), 1);
    QCOMPARE(metric(runner, "rounds_done"), 2);
    QCOMPARE(runner.result().params.integers(QStringLiteral("schedule")), list({1, 2, 1, 2, 2, 2}));

    // Stopped while a thread waits for a lock and the other is held: joined at once.
    Runner stopped(deadlock, parsed(deadlock, args({"rounds=1", "gap_ms=0", "hold_ms=0"})));
    stopped.steps().setLive(true);
    stopped.start();
    stopped.steps().push(1);
    stopped.steps().push(2);
    stopped.steps().push(1);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.steps().state().waits.join(QLatin1Char('|')),
                              QStringLiteral("waits for lock B|"), 20000);
    QElapsedTimer clock;
    clock.start();
    stopped.cancel();
    stopped.wait();
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(stopped.result().cancelled);
}

void TestLockSteps::pingPongPrintsInTheOrderGiven()
{
    // Without sync every order of the lines can happen: each run prints as many out of turn as its order
    // has, and explore counts them as the model does.
    const Scenario &pingPong = *Registry::builtin().find(QStringLiteral("ping-pong"));
    std::vector<int> left{3, 3};
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    orders(left, sofar, all);
    std::map<qlonglong, std::uint64_t> histogram;
    for (const QList<qlonglong> &s : all) {
        const auto r = runScenario(QStringLiteral("ping-pong"), {QStringLiteral("rounds=3"), scheduleArg(s)});
        QCOMPARE(metric(*r, "out_of_order"), outOfTurn(s));
        QCOMPARE(metric(*r, "lines"), 6);
        ++histogram[outOfTurn(s)];
    }
    const ParamValues free = parsed(pingPong, args({"rounds=3"}));
    const StepPlan plan = *pingPong.steps(free);
    QCOMPARE(plan.count(100'000), std::uint64_t(all.size()));
    const ExploreResult found = exploreOrders(pingPong, free, plan, all.size(), [] { return false; });
    std::map<qlonglong, std::uint64_t> explored;
    for (const ExploreOutcome &o : found.outcomes)
        explored[o.value] = o.orders;
    QCOMPARE(explored, histogram);

    // With sync on the turn is handed over: one order, and a step out of turn is refused before anything
    // runs.
    const ParamValues sync = parsed(pingPong, args({"rounds=3", "sync=on"}));
    const StepPlan turns = *pingPong.steps(sync);
    QCOMPARE(turns.count(100'000), std::uint64_t(1));
    QCOMPARE(turns.problem(list({1, 1})),
             QStringLiteral(
                 "schedule: position 2 moves thread 1, which waits for Ping's turn: move thread 2 first"));
    const auto inTurn =
        runScenario(QStringLiteral("ping-pong"), args({"rounds=3", "sync=on", "schedule=1,2,1,2,1,2"}));
    QCOMPARE(metric(*inTurn, "out_of_order"), 0);
    QCOMPARE(metric(*inTurn, "lines"), 6);
    const ExploreResult one = exploreOrders(pingPong, sync, turns, 1, [] { return false; });
    QCOMPARE(one.runs, std::uint64_t(1));
    QCOMPARE(one.outcomes.front().value, 0);
}

QTEST_GUILESS_MAIN(TestLockSteps)
#include "tst_locksteps.moc"
