// Daemon threads: the program ends when its last non-daemon thread ends. The main thread joins the
// ordinary workers (asking is_alive() as it waits), then ends; the daemon threads still running at that
// moment are cut off wherever they are.

#include "scenario.h"
#include "threadgang.h"

#include <QLocale>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace raceway::scenarios {
namespace {

class DaemonScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("daemon"); }
    QString title() const override { return QStringLiteral("Daemon threads: cut off at exit"); }
    QString description() const override
    {
        return QStringLiteral(
            "A program ends when its last ordinary thread ends; daemon threads do not keep it alive. "
            "The main thread starts ordinary workers and daemon threads, does its own work, then joins "
            "the workers one by one, asking is_alive() while it waits (the points on its lane). "
            "join() returns once a worker is done. Then the main thread ends, and with it the program: "
            "every daemon thread still running is cut off on the spot, mid-work, with no chance to "
            "finish or clean up (marked on its lane). A daemon that finished before that is not.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("workers"), 2, 0, 32, {},
                               QStringLiteral("Ordinary threads: the program waits for them.")),
            ParamSpec::integer(QStringLiteral("daemons"), 2, 0, 32, {},
                               QStringLiteral("Daemon threads: the program does not wait for them.")),
            ParamSpec::integer(QStringLiteral("work_ms"), 30, 0, 600'000, QStringLiteral("ms"),
                               QStringLiteral("How long each worker works (the n-th takes n times as long)."))
                .withWatchValue(qlonglong(900)),
            ParamSpec::integer(QStringLiteral("daemon_ms"), 0, 0, 600'000, QStringLiteral("ms"),
                               QStringLiteral("How long each daemon would work (0: forever)."))
                .withWatchValue(qlonglong(0)),
            ParamSpec::integer(QStringLiteral("main_ms"), 10, 0, 600'000, QStringLiteral("ms"),
                               QStringLiteral("The main thread's own work before it joins the workers."))
                .withWatchValue(qlonglong(400)),
            ParamSpec::integer(QStringLiteral("poll_ms"), 5, 1, 60'000, QStringLiteral("ms"),
                               QStringLiteral("How often the main thread asks is_alive() while it joins."))
                .withWatchValue(qlonglong(150)),
        };
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("daemon: %1 workers, %2 daemons")
                           .arg(p.integer(QStringLiteral("workers")))
                           .arg(p.integer(QStringLiteral("daemons")));
        const QVariant cut = metricValue(metrics, QStringLiteral("cut_off"));
        if (cut.isValid())
            line += QStringLiteral(" — %1 joined, %2 cut off at exit")
                        .arg(metricValue(metrics, QStringLiteral("joined")).toLongLong())
                        .arg(cut.toLongLong());
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int workers = int(p.integer(QStringLiteral("workers")));
        const int daemons = int(p.integer(QStringLiteral("daemons")));
        const std::int64_t workNs = p.integer(QStringLiteral("work_ms")) * 1'000'000;
        const std::int64_t daemonNs = p.integer(QStringLiteral("daemon_ms")) * 1'000'000;
        const std::int64_t mainNs = p.integer(QStringLiteral("main_ms")) * 1'000'000;
        const std::int64_t pollNs = p.integer(QStringLiteral("poll_ms")) * 1'000'000;
        Recorder &rec = ctx.recorder();
        ThreadBuffer *mainLane =
            rec.createBuffer(rec.addLane(QStringLiteral("main thread"), LaneKind::Thread));
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < workers; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("worker %1").arg(i + 1), LaneKind::Thread)));
        for (int i = 0; i < daemons; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("daemon %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        mainLane->watchCoreExactly();

        // The program's end, as the daemons see it: set once, with its time, under the mutex that every
        // daemon holds while it records, so nothing a daemon draws comes after it.
        std::mutex exitMutex;
        std::condition_variable exitCv;
        bool exiting = false;
        std::int64_t exitAt = 0;
        std::vector<std::atomic<bool>> alive(static_cast<std::size_t>(workers));
        for (auto &a : alive)
            a.store(true);
        int cutOff = 0, joined = 0, aliveChecks = 0;

        const auto worker = [&](int i) {
            ThreadBuffer &lane = *lanes[std::size_t(i)];
            lane.record(EventKind::ThreadStart);
            // Its work: waiting on something, as most programs do.
            ctx.sleepDrawn(lane, workNs * (i + 1));
            lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            alive[std::size_t(i)].store(false, std::memory_order_release);
        };
        const auto daemon = [&](ThreadBuffer &lane) {
            std::unique_lock lock(exitMutex);
            lane.record(EventKind::ThreadStart);
            const std::int64_t until = daemonNs > 0 ? nowNs() + daemonNs : INT64_MAX;
            // Heartbeats: a moment of work, then a sleep, until the work is done or the program ends.
            while (!exiting && !ctx.cancelled() && nowNs() < until) {
                lane.record(EventKind::SleepBegin);
                exitCv.wait_for(lock, std::chrono::milliseconds(20));
                if (exiting) break;
                lane.record(EventKind::SleepEnd);
            }
            if (exiting) {
                lane.recordAt(exitAt, EventKind::Mark, std::uint8_t(MarkKind::CutOff), 0);
                lane.recordAt(exitAt, EventKind::ProcessExit, 0, std::uint32_t(ExitKind::Killed));
                ++cutOff;
            } else {
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            }
        };

        runTogether(
            ctx, workers + daemons,
            [&](int i) {
                if (i < workers)
                    worker(i);
                else
                    daemon(*lanes[std::size_t(i)]);
            },
            [&] {
                mainLane->record(EventKind::ThreadStart);
                // Its own work first: waiting, as the workers'.
                ctx.sleepDrawn(*mainLane, mainNs);
                // join() each worker in turn; while it waits, it asks is_alive() every poll.
                for (int i = 0; i < workers && !ctx.cancelled(); ++i) {
                    const std::uint8_t obj = rec.addObject(QStringLiteral("worker %1 to end").arg(i + 1));
                    mainLane->record(EventKind::WaitBegin, obj);
                    for (;;) {
                        const bool isAlive = alive[std::size_t(i)].load(std::memory_order_acquire);
                        ++aliveChecks;
                        mainLane->record(EventKind::Mark, std::uint8_t(MarkKind::AliveCheck),
                                         isAlive ? 1 : 0);
                        if (!isAlive || ctx.cancelled()) break;
                        ctx.sleepFor(pollNs);
                    }
                    mainLane->record(EventKind::WaitEnd, obj);
                    if (!ctx.cancelled()) {
                        ++joined;
                        mainLane->record(EventKind::Mark, std::uint8_t(MarkKind::Joined),
                                         lanes[std::size_t(i)]->lane());
                    }
                }
                // The main thread returns: the program ends here, daemons or not.
                {
                    std::lock_guard lock(exitMutex);
                    exitAt = nowNs();
                    exiting = !ctx.cancelled();
                    mainLane->recordAt(exitAt, ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd,
                                       0, 0);
                }
                exitCv.notify_all();
            });

        ctx.addMetric(QStringLiteral("joined"), QStringLiteral("Workers joined"), qlonglong(joined));
        ctx.addMetric(QStringLiteral("cut_off"), QStringLiteral("Daemons cut off at exit"),
                      qlonglong(cutOff));
        ctx.addMetric(QStringLiteral("alive_checks"), QStringLiteral("is_alive() asked"),
                      qlonglong(aliveChecks));
        ctx.addMetric(QStringLiteral("exit_ms"), QStringLiteral("Program ended at"),
                      double(exitAt - ctx.startNs()) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_daemon()
{
    return std::make_unique<DaemonScenario>();
}

} // namespace raceway::scenarios
