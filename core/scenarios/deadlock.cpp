// Deadlock: threads that each hold one lock and wait for the next one around a circle (the dining
// philosophers). Raceway's traced locks find the wait-for cycle, draw it, and break it: the member
// with the highest lane number gives up its wait, puts back what it holds and tries again later.

#include "scenario.h"
#include "stepgate.h"
#include "threadgang.h"
#include "tracedmutex.h"

#include <QLocale>

#include <mutex>

namespace raceway::scenarios {
namespace {

QString lockName(int i)
{
    return QStringLiteral("lock %1").arg(QChar(u'A' + i));
}

// The locks thread i asks for, first and second: its own and its neighbour's, or the lower-numbered first.
std::pair<int, int> locksOf(int i, int threads, const ParamValues &p)
{
    int first = i, second = (i + 1) % threads;
    if (p.text(QStringLiteral("order")) == QLatin1String("consistent") && first > second)
        std::swap(first, second);
    return {first, second};
}

class DeadlockScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("deadlock"); }
    QString title() const override { return QStringLiteral("Deadlock: locks taken in a circle"); }
    QString description() const override
    {
        return QStringLiteral(
            "Each thread needs two locks: its own and its neighbour's, as philosophers around a table "
            "need two forks. Taken in opposite orders, every thread can end up holding one lock and "
            "waiting for the next, which the next thread holds while waiting for its neighbour's: a "
            "circle of waits that never ends by itself. Raceway's locks notice the circle within a few "
            "milliseconds, draw it across the lanes (who holds which lock, who wants it) and break it: "
            "one thread gives up, puts its lock back (rolled back) and tries again. With order "
            "consistent, every thread takes the lower-numbered lock first, and no circle can form.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 2, 2, 16, {},
                               QStringLiteral("Threads (and locks) around the circle.")),
            ParamSpec::choice(QStringLiteral("order"), QStringLiteral("opposite"),
                              {QStringLiteral("opposite"), QStringLiteral("consistent")},
                              QStringLiteral("Opposite: each takes its own lock, then its neighbour's. "
                                             "Consistent: always the lower-numbered lock first.")),
            ParamSpec::integer(QStringLiteral("rounds"), 3, 1, 100'000, {},
                               QStringLiteral("How many times each thread needs both locks.")),
            ParamSpec::integer(
                QStringLiteral("gap_ms"), 5, 0, 60'000, QStringLiteral("ms"),
                QStringLiteral("Time between taking the first lock and asking for the second."))
                .withWatchValue(qlonglong(300)),
            ParamSpec::integer(QStringLiteral("hold_ms"), 2, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Time spent holding both locks."))
                .withWatchValue(qlonglong(300)),
            scheduleParam(16, QStringLiteral("it asks for its first lock, then its second, and so on"),
                          QStringLiteral("With rounds=1, 1,2,1,2: each thread takes its own lock before "
                                         "either asks for the other's, and they deadlock, every time.")),
        };
    }

    // Each thread asks for its first lock, then its second, every round; a thread whose lock another
    // holds waits for it (and cannot move until it has it).
    std::optional<StepPlan> steps(const ParamValues &p) const override
    {
        const int threads = int(p.integer(QStringLiteral("threads")));
        StepPlan plan;
        plan.threads = threads;
        plan.cycles = p.integer(QStringLiteral("rounds"));
        plan.names = QStringList{QStringLiteral("first lock"), QStringLiteral("second lock")};
        plan.outcome = QStringLiteral("deadlocks");
        plan.outcomeLabel = QStringLiteral("deadlocks");
        for (int i = 0; i < threads; ++i) {
            const auto [first, second] = locksOf(i, threads, p);
            plan.takes << QList<int>{first, second};
            plan.lockNames << lockName(i);
        }
        return plan;
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads")) * p.integer(QStringLiteral("rounds"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("deadlock: %1 threads, order %2")
                           .arg(p.integer(QStringLiteral("threads")))
                           .arg(p.text(QStringLiteral("order"))) +
                       scheduleSuffix(p);
        const QVariant found = metricValue(metrics, QStringLiteral("deadlocks"));
        if (found.isValid())
            line += QStringLiteral(" — %1 deadlock%2 found and broken")
                        .arg(found.toLongLong())
                        .arg(found.toLongLong() == 1 ? QString() : QStringLiteral("s"));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const std::int64_t rounds = p.integer(QStringLiteral("rounds"));
        const std::int64_t gapNs = p.integer(QStringLiteral("gap_ms")) * 1'000'000;
        const std::int64_t holdNs = p.integer(QStringLiteral("hold_ms")) * 1'000'000;
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < threads; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        std::vector<std::unique_ptr<TracedMutex>> locks;
        for (int i = 0; i < threads; ++i)
            locks.push_back(std::make_unique<TracedMutex>(rec, lockName(i)));
        const auto stop = [&ctx] { return ctx.cancelled(); };
        // A schedule (or the window's step mode) holds every thread before it asks for each lock.
        StepGate gate(*steps(p), p.integers(QStringLiteral("schedule")), &ctx.steps());
        const bool stepped = gate.holds();
        const std::uint8_t firstTurn = stepped ? rec.addObject(QStringLiteral("its turn: first lock")) : 0;
        const std::uint8_t secondTurn = stepped ? rec.addObject(QStringLiteral("its turn: second lock")) : 0;

        std::mutex found; // guards what the victims report
        QVariantList firstCycle;
        std::int64_t worstDetectNs = 0;
        int rollbacks = 0;
        std::vector<std::int64_t> done(static_cast<std::size_t>(threads), 0);

        runTogether(
            ctx, threads,
            [&](int i) {
                ThreadBuffer &lane = *lanes[std::size_t(i)];
                // Plain names, not a structured binding: the lambdas below use them (clang 14 cannot capture
                // one).
                const std::pair<int, int> pair = locksOf(i, threads, p);
                const int first = pair.first, second = pair.second;
                // Asking for a lock another thread holds: for the gate, the step is taken and the thread
                // stands still (said by the lock's first check).
                const auto blocked = [&, i](int lock) {
                    return [&, i, lock] {
                        if (stepped) gate.block(i, QStringLiteral("waits for %1").arg(lockName(lock)));
                        return ctx.cancelled();
                    };
                };
                const auto ask = [&](int lock, std::uint8_t turn) {
                    if (stepped)
                        gate.note(
                            i,
                            lock == first
                                ? QStringLiteral("asks for %1").arg(lockName(lock))
                                : QStringLiteral("has %1, asks for %2").arg(lockName(first), lockName(lock)));
                    if (stepped && !gate.pass(i, lane, turn, stop)) {
                        TracedMutex::Result stopped;
                        stopped.outcome = TracedMutex::Outcome::Stopped;
                        return stopped;
                    }
                    TracedMutex::Result r = locks[std::size_t(lock)]->acquire(lane, blocked(lock));
                    if (stepped) {
                        gate.unblock(i);
                        if (r.outcome == TracedMutex::Outcome::Acquired)
                            gate.say(
                                lock == second
                                    ? QStringLiteral("thread %1 took %2: it has both locks, does "
                                                     "its work and gives them back")
                                          .arg(i + 1)
                                          .arg(lockName(lock))
                                    : QStringLiteral("thread %1 took %2").arg(i + 1).arg(lockName(lock)));
                        else if (r.outcome == TracedMutex::Outcome::Deadlock)
                            gate.say(QStringLiteral(
                                         "deadlock: every thread in the circle waits for the next; thread "
                                         "%1 gives %2 back and goes round again")
                                         .arg(i + 1)
                                         .arg(lockName(first)));
                    }
                    return r;
                };
                lane.record(EventKind::ThreadStart);
                for (std::int64_t r = 0; r < rounds && !ctx.cancelled();) {
                    if (ask(first, firstTurn).outcome != TracedMutex::Outcome::Acquired) break;
                    ctx.sleepFor(gapNs);
                    const TracedMutex::Result second_ = ask(second, secondTurn);
                    if (second_.outcome == TracedMutex::Outcome::Deadlock) {
                        // This thread is the victim: it puts back what it holds so the others can go on.
                        locks[std::size_t(first)]->unlock(lane);
                        lane.record(EventKind::Mark, std::uint8_t(MarkKind::Rollback), rec.deadlocks());
                        {
                            std::lock_guard lock(found);
                            ++rollbacks;
                            std::int64_t closed = 0;
                            for (const WaitGraph::Step &s : second_.cycle)
                                closed = std::max(closed, s.waitingSince);
                            worstDetectNs = std::max(worstDetectNs, second_.detectedNs - closed);
                            if (firstCycle.isEmpty())
                                for (const WaitGraph::Step &s : second_.cycle)
                                    firstCycle << rec.lanes()[s.lane].name;
                        }
                        // It backs off before trying again.
                        ctx.sleepDrawn(lane, gapNs + holdNs);
                        continue;
                    }
                    if (second_.outcome == TracedMutex::Outcome::Stopped) {
                        locks[std::size_t(first)]->unlock(lane);
                        break;
                    }
                    ctx.sleepFor(holdNs); // holding both: the work they were needed for
                    locks[std::size_t(second)]->unlock(lane);
                    locks[std::size_t(first)]->unlock(lane);
                    done[std::size_t(i)] = ++r;
                    lane.record(EventKind::Progress, 0, std::uint32_t(r));
                }
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
                if (stepped) gate.leave(i);
            },
            [&] {
                if (stepped) gate.drive(stop);
            },
            [&](int i) { lanes[std::size_t(i)]->prepareCoreWatch(); });

        qlonglong rounds_ = 0;
        for (std::int64_t d : done)
            rounds_ += d;
        ctx.addMetric(QStringLiteral("deadlocks"), QStringLiteral("Deadlocks found"),
                      qlonglong(rec.deadlocks()));
        ctx.addMetric(QStringLiteral("cycle"), QStringLiteral("First cycle (who waits for whom)"),
                      firstCycle);
        ctx.addMetric(QStringLiteral("rollbacks"), QStringLiteral("Threads that gave up their locks"),
                      qlonglong(rollbacks));
        ctx.addMetric(QStringLiteral("detect_ms"), QStringLiteral("Slowest detection after the cycle closed"),
                      double(worstDetectNs) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("rounds_done"), QStringLiteral("Rounds with both locks"), rounds_);
    }
};

} // namespace

std::unique_ptr<Scenario> make_deadlock()
{
    return std::make_unique<DeadlockScenario>();
}

} // namespace raceway::scenarios
