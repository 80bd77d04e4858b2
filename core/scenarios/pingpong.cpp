// Two threads, one printing "Ping" and one "Pong". Left alone, the order of their lines is whatever
// the scheduler gives; handing the turn over with two events makes them alternate strictly.

#include "scenario.h"
#include "stepgate.h"
#include "threadgang.h"
#include "tracedevent.h"

#include <QLocale>

#include <mutex>

namespace raceway::scenarios {
namespace {

class PingPongScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("ping-pong"); }
    QString title() const override { return QStringLiteral("Ping-pong: taking turns"); }
    QString description() const override
    {
        return QStringLiteral(
            "One thread prints Ping, the other Pong, each a number of times. Without coordination "
            "nothing makes them take turns: the lines come out in whatever order the scheduler runs the "
            "threads, and every line that repeats the previous word is marked as out of turn. With sync "
            "on, each thread waits for its turn (an event) and hands the turn to the other after "
            "printing: the lanes alternate, the hand-over shows as one thread's wait ending just as the "
            "other's begins, and no line is out of turn.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("rounds"), 1000, 1, 1'000'000, {},
                               QStringLiteral("How many lines each thread prints."))
                .withWatchValue(qlonglong(8)),
            ParamSpec::boolean(
                QStringLiteral("sync"), false,
                QStringLiteral("Take turns: each thread waits for its turn and then hands it over.")),
            ParamSpec::integer(QStringLiteral("pace_us"), 0, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("Pause after every line."))
                .withWatchValue(qlonglong(250'000)),
            scheduleParam(2, QStringLiteral("it prints its next line"),
                          QStringLiteral("1,1,2,2: Ping twice, then Pong twice, two lines out of turn, every "
                                         "time.")),
        };
    }

    // Every line printed, in the order the threads print them; with sync on, only one order is possible.
    std::optional<StepPlan> steps(const ParamValues &p) const override
    {
        const bool sync = p.flag(QStringLiteral("sync"));
        StepPlan plan;
        plan.threads = 2;
        plan.cycles = p.integer(QStringLiteral("rounds"));
        plan.names = QStringList{QStringLiteral("print")};
        plan.outcome = QStringLiteral("out_of_order");
        plan.outcomeLabel = QStringLiteral("lines out of turn");
        plan.alternating = sync;
        if (sync) plan.lockNames = QStringList{QStringLiteral("Ping's turn"), QStringLiteral("Pong's turn")};
        return plan;
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return 2 * p.integer(QStringLiteral("rounds"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line =
            QStringLiteral("ping-pong: %1 rounds, sync %2")
                .arg(QLocale().toString(qlonglong(p.integer(QStringLiteral("rounds")))))
                .arg(p.flag(QStringLiteral("sync")) ? QStringLiteral("on") : QStringLiteral("off")) +
            scheduleSuffix(p);
        const QVariant out = metricValue(metrics, QStringLiteral("out_of_order"));
        if (out.isValid())
            line += QStringLiteral(" — %1 of %2 lines out of turn")
                        .arg(QLocale().toString(out.toLongLong()),
                             QLocale().toString(metricValue(metrics, QStringLiteral("lines")).toLongLong()));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const std::int64_t rounds = p.integer(QStringLiteral("rounds"));
        const bool sync = p.flag(QStringLiteral("sync"));
        const std::int64_t paceNs = p.integer(QStringLiteral("pace_us")) * 1000;
        Recorder &rec = ctx.recorder();
        ThreadBuffer *lanes[2] = {rec.createBuffer(rec.addLane(QStringLiteral("Ping"), LaneKind::Thread)),
                                  rec.createBuffer(rec.addLane(QStringLiteral("Pong"), LaneKind::Thread))};
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        std::unique_ptr<TracedEvent> turn[2];
        if (sync) {
            turn[0] = std::make_unique<TracedEvent>(rec, QStringLiteral("Ping's turn"), true);
            turn[1] = std::make_unique<TracedEvent>(rec, QStringLiteral("Pong's turn"), true);
            turn[0]->set(*lanes[0]); // Ping goes first
        }
        const auto stop = [&ctx] { return ctx.cancelled(); };
        // A schedule (or the window's step mode) holds each thread before every line it prints.
        StepGate gate(*steps(p), p.integers(QStringLiteral("schedule")), &ctx.steps());
        const bool stepped = gate.holds();
        const std::uint8_t printTurn = stepped ? rec.addObject(QStringLiteral("its turn to print")) : 0;

        // The output: one line at a time, as print() takes its stream's lock.
        std::mutex output;
        std::int64_t lines = 0, outOfOrder = 0;
        int lastWord = 1; // as if Pong had printed: Ping is expected first

        runTogether(
            ctx, 2,
            [&](int who) {
                ThreadBuffer &lane = *lanes[who];
                // Waiting for its turn (the event): for the gate, it stands still until it has it.
                const auto waiting = [&, who] {
                    if (stepped)
                        gate.block(who, who == 0 ? QStringLiteral("waits for Ping's turn")
                                                 : QStringLiteral("waits for Pong's turn"));
                    return ctx.cancelled();
                };
                lane.record(EventKind::ThreadStart);
                for (std::int64_t r = 0; r < rounds; ++r) {
                    if (sync && !turn[who]->wait(lane, waiting)) break;
                    if (stepped) gate.unblock(who);
                    if (stepped && !gate.pass(who, lane, printTurn, stop)) break;
                    {
                        std::lock_guard lock(output);
                        const auto line = std::uint32_t(++lines);
                        lane.record(EventKind::Mark, std::uint8_t(MarkKind::Print), line);
                        if (lastWord == who) {
                            ++outOfOrder;
                            lane.record(EventKind::Mark, std::uint8_t(MarkKind::OutOfOrder), line);
                        }
                        if (stepped)
                            gate.say(QStringLiteral("%1 printed line %2%3")
                                         .arg(who == 0 ? QStringLiteral("Ping") : QStringLiteral("Pong"))
                                         .arg(line)
                                         .arg(lastWord == who ? QStringLiteral(", out of turn") : QString()));
                        lastWord = who;
                    }
                    lane.record(EventKind::Progress, 0, std::uint32_t(r + 1));
                    if (sync) turn[1 - who]->set(lane);
                    if (paceNs > 0) {
                        ctx.sleepDrawn(lane, paceNs);
                    }
                    if (ctx.cancelled()) break;
                }
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
                if (stepped) gate.leave(who);
            },
            [&] {
                if (stepped) gate.drive(stop);
            },
            [&](int i) { lanes[i]->prepareCoreWatch(); });

        ctx.addMetric(QStringLiteral("lines"), QStringLiteral("Lines printed"), qlonglong(lines));
        ctx.addMetric(QStringLiteral("out_of_order"), QStringLiteral("Lines out of turn"),
                      qlonglong(outOfOrder));
    }
};

} // namespace

std::unique_ptr<Scenario> make_pingpong()
{
    return std::make_unique<PingPongScenario>();
}

} // namespace raceway::scenarios
