// A semaphore guards a resource that only a few threads may use at once (a pool of connections):
// more threads than permits, each taking a permit, using the resource for a while, and giving it back.

#include "scenario.h"
#include "threadgang.h"
#include "tracedsemaphore.h"

#include <QLocale>

namespace raceway::scenarios {
namespace {

class SemaphoreScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("semaphore"); }
    QString title() const override { return QStringLiteral("Semaphore: a few permits, many threads"); }
    QString description() const override
    {
        return QStringLiteral(
            "A semaphore holds a number of permits. A thread takes one before it uses the guarded "
            "resource and gives it back afterwards; when none is left, the next thread waits. Here more "
            "threads than permits share the resource: on the semaphore's lane, the count of threads "
            "inside never goes above the permits, and the threads that arrive while it is full wait "
            "(drawn in the waiting colour) until one inside leaves. With one permit it is a lock.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 6, 1, 64, {},
                               QStringLiteral("How many threads want the resource.")),
            ParamSpec::integer(QStringLiteral("permits"), 3, 1, 64, {},
                               QStringLiteral("How many threads may use it at once.")),
            ParamSpec::integer(QStringLiteral("rounds"), 100, 1, 1'000'000, {},
                               QStringLiteral("How many times each thread uses the resource."))
                .withWatchValue(qlonglong(4)),
            ParamSpec::integer(QStringLiteral("hold_us"), 200, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("How long a thread keeps its permit each time."))
                .withWatchValue(qlonglong(400'000)),
            ParamSpec::integer(QStringLiteral("pace_us"), 0, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("Time a thread spends elsewhere between two uses."))
                .withWatchValue(qlonglong(150'000)),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads")) * p.integer(QStringLiteral("rounds"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("semaphore: %1 threads, %2 permits")
                           .arg(p.integer(QStringLiteral("threads")))
                           .arg(p.integer(QStringLiteral("permits")));
        const QVariant most = metricValue(metrics, QStringLiteral("max_inside"));
        if (most.isValid()) line += QStringLiteral(" — at most %1 inside at once").arg(most.toLongLong());
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const std::int64_t rounds = p.integer(QStringLiteral("rounds"));
        const std::int64_t holdNs = p.integer(QStringLiteral("hold_us")) * 1000;
        const std::int64_t paceNs = p.integer(QStringLiteral("pace_us")) * 1000;
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < threads; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        const int permits = int(p.integer(QStringLiteral("permits")));
        // The lane says its limit ("3-permit semaphore", short enough for the label column) over bars
        // whose top is the most inside at once.
        TracedSemaphore semaphore(rec, QStringLiteral("%1-permit semaphore").arg(QLocale().toString(permits)),
                                  permits);
        const auto stop = [&ctx] { return ctx.cancelled(); };
        std::vector<std::int64_t> done(static_cast<std::size_t>(threads), 0);

        runTogether(
            ctx, threads,
            [&](int i) {
                ThreadBuffer &lane = *lanes[std::size_t(i)];
                lane.record(EventKind::ThreadStart);
                for (std::int64_t r = 0; r < rounds; ++r) {
                    if (!semaphore.acquire(lane, stop)) break;
                    ctx.sleepFor(holdNs); // using the resource, permit in hand
                    semaphore.release(lane);
                    done[std::size_t(i)] = r + 1;
                    lane.record(EventKind::Progress, 0, std::uint32_t(r + 1));
                    if (paceNs > 0) {
                        ctx.sleepDrawn(lane, paceNs);
                    }
                    if (ctx.cancelled()) break;
                }
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            },
            {}, [&](int i) { lanes[std::size_t(i)]->prepareCoreWatch(); });

        qlonglong uses = 0;
        for (std::int64_t d : done)
            uses += d;
        ctx.addMetric(QStringLiteral("max_inside"), QStringLiteral("Most threads inside at once"),
                      qlonglong(semaphore.maxInside()));
        ctx.addMetric(QStringLiteral("permits"), QStringLiteral("Permits"), qlonglong(semaphore.permits()));
        ctx.addMetric(QStringLiteral("uses"), QStringLiteral("Times the resource was used"), uses);
        ctx.addMetric(QStringLiteral("waits"), QStringLiteral("Times a thread had to wait"),
                      qlonglong(semaphore.waits()));
        ctx.addMetric(QStringLiteral("wait_ms"), QStringLiteral("Waiting for a permit (all threads)"),
                      double(semaphore.waitedNs()) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_semaphore()
{
    return std::make_unique<SemaphoreScenario>();
}

} // namespace raceway::scenarios
