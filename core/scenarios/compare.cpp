// The seeds' exercise "threads vs processes": one CPU-bound job split over N workers, run four ways
// one after the other on one time axis: sequentially, as threads under the GIL, as threads without it,
// and as processes. Under the GIL threads are no faster than one thread; without it, and as processes,
// the job spreads over the cores, up to the ideal of Amdahl's law (the job here is fully parallel).

#include "clock.h"
#include "racywork.h"
#include "scenario.h"
#include "simulatedgil.h"
#include "workerprocess.h"

#include <QLocale>
#include <QThread>

#include <atomic>
#include <ctime>

namespace raceway::scenarios {
namespace {

// Uses `ns` of this thread's CPU time; with a GIL, checks between slices whether to hand it over.
std::uint64_t burnCpu(const RunContext &ctx, std::int64_t ns, std::uint64_t x, SimulatedGil *gil,
                      ThreadBuffer *lane, int me)
{
    constexpr std::int64_t slice = 200'000; // 0.2 ms of CPU between interpreter checks
    std::int64_t used = 0;
    while (used < ns && !ctx.cancelled()) {
        const std::int64_t start = racy::threadCpuNs();
        const std::int64_t target = std::min(slice, ns - used);
        while (racy::threadCpuNs() - start < target)
            x = racy::churn(x, 512);
        used += racy::threadCpuNs() - start;
        if (gil) gil->checkInterval(*lane, me);
    }
    return x;
}

const char *const modeKeys[] = {"sequential", "threads_gil", "threads", "processes"};
const char *const modeLabels[] = {"sequential", "threads + GIL", "threads, no GIL", "processes"};

class CompareScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("compare"); }
    QString title() const override { return QStringLiteral("Compare: sequential, threads, GIL, processes"); }
    QString description() const override
    {
        return QStringLiteral(
            "The same CPU-bound job, split over N workers, run four ways one after the other: "
            "sequentially on one thread, as threads under a GIL, as threads without it, and as separate "
            "processes. Under the GIL only one thread runs at a time, so the threads are no faster than "
            "one thread. Without it, or as processes, the work spreads over the cores. The chart under the "
            "timeline compares the wall times with the ideal: the sequential time divided by the cores "
            "that can work at once (Amdahl's law for a job that is fully parallel).");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("workers"), 2, 1, 16, {},
                               QStringLiteral("Threads or processes the job is split over.")),
            ParamSpec::integer(QStringLiteral("work_ms"), 300, 1, 600'000, QStringLiteral("ms"),
                               QStringLiteral("CPU time the whole job needs, split evenly over the workers."))
                .withWatchValue(qlonglong(1000)),
            ParamSpec::integer(QStringLiteral("switch_ms"), 5, 1, 1000, QStringLiteral("ms"),
                               QStringLiteral("The GIL's switch interval.")),
        };
    }
    std::int64_t totalWork(const ParamValues &) const override { return 4; }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("compare: %1 ms of CPU work over %2 workers")
                           .arg(p.integer(QStringLiteral("work_ms")))
                           .arg(p.integer(QStringLiteral("workers")));
        const QVariant best = metricValue(metrics, QStringLiteral("processes_speedup"));
        if (best.isValid())
            line +=
                QStringLiteral(" — processes %1× faster, threads under the GIL %2×")
                    .arg(QLocale().toString(best.toDouble(), 'f', 2),
                         QLocale().toString(
                             metricValue(metrics, QStringLiteral("threads_gil_speedup")).toDouble(), 'f', 2));
        return line;
    }
    std::optional<BarChart> chart(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        const QVariant sequential = metricValue(metrics, QStringLiteral("sequential_ms"));
        if (!sequential.isValid()) return std::nullopt;
        BarChart c;
        c.title = QStringLiteral("Wall time of the same job, four ways");
        const QLocale l;
        for (int m = 0; m < 4; ++m) {
            const double ms =
                metricValue(metrics, QString::fromLatin1(modeKeys[m]) + QStringLiteral("_ms")).toDouble();
            const double speedup =
                metricValue(metrics, QString::fromLatin1(modeKeys[m]) + QStringLiteral("_speedup"))
                    .toDouble();
            c.bars.append({QString::fromLatin1(modeLabels[m]), ms,
                           QStringLiteral("%1 ms · %2× the sequential speed")
                               .arg(l.toString(ms, 'f', 0), l.toString(speedup, 'f', 2))});
        }
        const int cores =
            std::max(1, std::min(int(p.integer(QStringLiteral("workers"))), QThread::idealThreadCount()));
        c.ideal = sequential.toDouble() / cores;
        c.idealLabel = QStringLiteral("ideal with %1 core%2 (Amdahl, fully parallel)")
                           .arg(cores)
                           .arg(cores == 1 ? QString() : QStringLiteral("s"));
        return c;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int n = int(p.integer(QStringLiteral("workers")));
        const std::int64_t workNs = p.integer(QStringLiteral("work_ms")) * 1'000'000;
        QString error;
        if (workerPath(&error).isEmpty()) {
            ctx.fail(error);
            return;
        }
        Recorder &rec = ctx.recorder();
        ThreadBuffer *sequential =
            rec.createBuffer(rec.addLane(QStringLiteral("sequential"), LaneKind::Thread));
        std::vector<ThreadBuffer *> gilLanes, freeLanes, procLanes;
        for (int i = 0; i < n; ++i)
            gilLanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("GIL thread %1").arg(i + 1), LaneKind::Thread)));
        SimulatedGil gil(rec, p.integer(QStringLiteral("switch_ms")) * 1'000'000);
        for (int i = 0; i < n; ++i)
            freeLanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : gilLanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        for (ThreadBuffer *b : freeLanes)
            b->watchCoreExactly();
        sequential->watchCoreExactly();
        for (int i = 0; i < n; ++i)
            procLanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("process %1").arg(i + 1), LaneKind::Process)));

        std::atomic<std::uint64_t> sink{0};
        double wallMs[4] = {-1, -1, -1, -1}; // -1: not run (stopped before it started)
        auto runThreads = [&](std::vector<ThreadBuffer *> &lanes, SimulatedGil *g) {
            std::atomic<int> finished{0};
            std::vector<std::unique_ptr<QThread>> threads;
            for (int i = 0; i < n; ++i) {
                threads.emplace_back(QThread::create([&, i] {
                    ThreadBuffer &lane = *lanes[std::size_t(i)];
                    if (g)
                        g->acquire(lane, i);
                    else
                        lane.record(EventKind::ThreadStart);
                    if (!ctx.cancelled())
                        sink.fetch_xor(burnCpu(ctx, workNs / n, std::uint64_t(i) + 1, g, &lane, i),
                                       std::memory_order_relaxed);
                    if (g) g->release(lane);
                    lane.record(EventKind::ThreadEnd);
                    finished.fetch_add(1, std::memory_order_release);
                }));
                threads.back()->start();
            }
            for (auto &t : threads)
                t->wait();
            while (finished.load(std::memory_order_acquire) < n)
                QThread::yieldCurrentThread();
        };
        auto timed = [&](int mode, auto &&body) {
            if (ctx.cancelled()) // stopped: the remaining modes are not started at all
                return;
            const std::int64_t t0 = nowNs();
            body();
            wallMs[mode] = double(nowNs() - t0) / 1e6;
            sequential->record(EventKind::Progress, 0, std::uint32_t(mode + 1));
        };

        ctx.markStart(nowNs());
        timed(0, [&] {
            sequential->record(EventKind::ThreadStart);
            if (!ctx.cancelled())
                sink.fetch_xor(burnCpu(ctx, workNs, 7, nullptr, nullptr, 0), std::memory_order_relaxed);
            sequential->record(EventKind::ThreadEnd);
        });
        timed(1, [&] { runThreads(gilLanes, &gil); });
        timed(2, [&] { runThreads(freeLanes, nullptr); });
        timed(3, [&] {
            WorkerGroup group(ctx);
            for (int i = 0; i < n; ++i)
                group.add(*procLanes[std::size_t(i)],
                          {QStringLiteral("burn"), QString::number(workNs / n / 1'000'000)});
            group.waitAll(600'000);
            group.reportUnexpected(QStringLiteral("process"));
        });

        QVariantList modes;
        for (int m = 0; m < 4; ++m) {
            const bool ran = wallMs[m] >= 0 && wallMs[0] >= 0;
            const double speedup = ran && wallMs[m] > 0 ? wallMs[0] / wallMs[m] : 0;
            ctx.addMetric(QString::fromLatin1(modeKeys[m]) + QStringLiteral("_ms"),
                          QString::fromLatin1(modeLabels[m]) + QStringLiteral(": wall time"),
                          wallMs[m] >= 0 ? QVariant(wallMs[m]) : QVariant(), QStringLiteral("ms"));
            ctx.addMetric(QString::fromLatin1(modeKeys[m]) + QStringLiteral("_speedup"),
                          QString::fromLatin1(modeLabels[m]) + QStringLiteral(": speed-up"),
                          ran ? QVariant(speedup) : QVariant(), QStringLiteral("×"));
            modes << QVariantMap{
                {QStringLiteral("mode"), QString::fromLatin1(modeKeys[m])},
                {QStringLiteral("wall_ms"), wallMs[m] >= 0 ? QVariant(wallMs[m]) : QVariant()},
                {QStringLiteral("speedup"), ran ? QVariant(speedup) : QVariant()}};
        }
        ctx.addMetric(QStringLiteral("modes"), QStringLiteral("Modes"), modes);
        ctx.addMetric(QStringLiteral("gil_switches"), QStringLiteral("GIL switches"),
                      qlonglong(gil.switches()));
    }
};

} // namespace

std::unique_ptr<Scenario> make_compare()
{
    return std::make_unique<CompareScenario>();
}

} // namespace raceway::scenarios
