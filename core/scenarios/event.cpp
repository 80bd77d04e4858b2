// An event object: worker threads wait on one Event until the main thread sets it. Set once, it lets
// every waiter through at the same instant; with auto-reset, each set lets exactly one through.

#include "scenario.h"
#include "threadgang.h"
#include "tracedevent.h"

#include <QLocale>

namespace raceway::scenarios {
namespace {

class EventScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("event"); }
    QString title() const override { return QStringLiteral("Event: waiting for the go signal"); }
    QString description() const override
    {
        return QStringLiteral(
            "Worker threads start, then wait on one event object until the main thread sets it: a "
            "starting gun. They wait without using the processor. When the main thread sets the event, "
            "every waiter is released at the same instant (look at the right edges of their waits, all "
            "lined up under the moment the event's lane turns set). With auto-reset on, each set lets "
            "only one waiter through and the event is clear again at once, so the main thread has to "
            "set it once per worker: the releases come one at a time.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 5, 1, 64, {},
                               QStringLiteral("How many threads wait on the event.")),
            ParamSpec::integer(QStringLiteral("delay_ms"), 20, 0, 600'000, QStringLiteral("ms"),
                               QStringLiteral("How long the main thread works before it sets the event."))
                .withWatchValue(qlonglong(1500)),
            ParamSpec::boolean(QStringLiteral("auto_reset"), false,
                               QStringLiteral("Each set releases one waiter and clears the event again.")),
            ParamSpec::integer(QStringLiteral("interval_ms"), 2, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("With auto-reset: the main thread's pause between sets."))
                .withWatchValue(qlonglong(400)),
            ParamSpec::integer(QStringLiteral("work_ms"), 1, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("What each worker does once released."))
                .withWatchValue(qlonglong(600)),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line =
            QStringLiteral("event: %1 threads, auto-reset %2")
                .arg(p.integer(QStringLiteral("threads")))
                .arg(p.flag(QStringLiteral("auto_reset")) ? QStringLiteral("on") : QStringLiteral("off"));
        const QVariant spread = metricValue(metrics, QStringLiteral("release_spread_ms"));
        if (spread.isValid())
            line += QStringLiteral(" — %1 released within %2 ms")
                        .arg(metricValue(metrics, QStringLiteral("released")).toLongLong())
                        .arg(formatNumber(spread.toDouble()));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const bool autoReset = p.flag(QStringLiteral("auto_reset"));
        const std::int64_t delayNs = p.integer(QStringLiteral("delay_ms")) * 1'000'000;
        const std::int64_t intervalNs = p.integer(QStringLiteral("interval_ms")) * 1'000'000;
        const std::int64_t workNs = p.integer(QStringLiteral("work_ms")) * 1'000'000;
        Recorder &rec = ctx.recorder();
        ThreadBuffer *mainLane =
            rec.createBuffer(rec.addLane(QStringLiteral("main thread"), LaneKind::Thread));
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < threads; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("worker %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        mainLane->watchCoreExactly();
        TracedEvent event(rec, QStringLiteral("go"), autoReset);
        const auto stop = [&ctx] { return ctx.cancelled(); };
        std::vector<std::int64_t> releasedAt(static_cast<std::size_t>(threads), 0);
        std::atomic<int> waiting{0};
        std::int64_t firstSet = 0;

        runTogether(
            ctx, threads,
            [&](int i) {
                ThreadBuffer &lane = *lanes[std::size_t(i)];
                lane.record(EventKind::ThreadStart);
                waiting.fetch_add(1, std::memory_order_acq_rel);
                if (event.wait(lane, stop)) {
                    releasedAt[std::size_t(i)] = nowNs();
                    lane.record(EventKind::Progress, 0, 1);
                    // Running: the work the go signal allowed, done on a core (a sleep here was drawn
                    // running, and is now seen off its core).
                    const std::int64_t until = nowNs() + workNs;
                    while (nowNs() < until && !ctx.cancelled()) {
                    }
                }
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            },
            [&] {
                // The main thread: works, then sets the event (once, or once per worker).
                mainLane->record(EventKind::ThreadStart);
                mainLane->record(EventKind::SleepBegin);
                // Everyone waits before the set, so the release is the event's doing, not a race.
                while (waiting.load(std::memory_order_acquire) < threads && !ctx.cancelled())
                    QThread::yieldCurrentThread();
                ctx.sleepFor(delayNs);
                mainLane->record(EventKind::SleepEnd);
                const int sets = autoReset ? threads : 1;
                for (int s = 0; s < sets && !ctx.cancelled(); ++s) {
                    if (s > 0) {
                        ctx.sleepDrawn(*mainLane, intervalNs);
                    }
                    event.set(*mainLane);
                    if (s == 0) firstSet = event.lastSetNs();
                    // Auto-reset: the next set only once a waiter has taken this one.
                    while (autoReset && event.isSet() && !ctx.cancelled())
                        ctx.sleepFor(200'000);
                }
                mainLane->record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            });

        qlonglong released = 0;
        std::int64_t first = 0, last = 0;
        for (std::int64_t t : releasedAt) {
            if (t == 0) continue;
            ++released;
            first = first == 0 ? t : std::min(first, t);
            last = std::max(last, t);
        }
        ctx.addMetric(QStringLiteral("released"), QStringLiteral("Threads released"), released);
        ctx.addMetric(QStringLiteral("set_at_ms"), QStringLiteral("First set, after the start"),
                      firstSet == 0 ? QVariant() : QVariant(double(firstSet - ctx.startNs()) / 1e6),
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("release_spread_ms"), QStringLiteral("First to last release"),
                      released == 0 ? QVariant() : QVariant(double(last - first) / 1e6),
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("wait_ms"), QStringLiteral("Waiting for the event (all threads)"),
                      double(event.waitedNs()) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_event()
{
    return std::make_unique<EventScenario>();
}

} // namespace raceway::scenarios
