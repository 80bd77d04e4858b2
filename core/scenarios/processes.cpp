// CPU-bound work in separate processes: each raceway-worker runs on whichever core the kernel gives it,
// so N processes on N cores finish in about the time of one. Core lanes show /proc/stat utilisation,
// process lanes are coloured by the core they run on, and each process's copy of a counter shows that
// processes share no memory: the parent's copy stays 0.

#include "clock.h"
#include "cpusampler.h"
#include "scenario.h"
#include "workerprocess.h"

#include <QLocale>

#include <atomic>

namespace raceway::scenarios {
namespace {

// The parent's copy of the counter the workers increment. Nothing in this process touches it.
std::atomic<std::int64_t> g_parentCounter{0};

constexpr qlonglong chunk = 1 << 16; // the worker reports progress in chunks of this many iterations

class ProcessesScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("processes"); }
    QString title() const override { return QStringLiteral("Processes: CPU-bound work on every core"); }
    QString description() const override
    {
        return QStringLiteral(
            "Each worker is a separate process doing the same CPU-bound job. Processes are not held back "
            "by any interpreter lock: the kernel spreads them over the cores, so two processes on two cores "
            "take about as long as one. Watch the core lanes fill up (sampled from /proc/stat every 50 ms; "
            "the kernel counts in 10 ms ticks) and the process lanes change colour when a process moves to "
            "another core. Each process also adds to its own copy of a counter: processes share no memory, "
            "so the parent's copy stays at zero. Try fault=crash or fault=hang to see a worker fail.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("processes"), 2, 1, 64, {},
                               QStringLiteral("How many worker processes run the job at once.")),
            ParamSpec::integer(
                QStringLiteral("iterations"), 600'000'000, 1'000, 100'000'000'000LL, {},
                QStringLiteral("Steps of CPU-bound work per process (about 1.6 ns each here)."))
                .withWatchValue(qlonglong(1'800'000'000)),
            ParamSpec::choice(
                QStringLiteral("fault"), QStringLiteral("none"),
                {QStringLiteral("none"), QStringLiteral("crash"), QStringLiteral("hang")},
                QStringLiteral("Make the last worker crash or hang halfway, to see how a failed "
                               "process is reported.")),
            ParamSpec::integer(QStringLiteral("timeout_ms"), 120'000, 100, 3'600'000, QStringLiteral("ms"),
                               QStringLiteral("Workers still running after this long are killed and marked "
                                              "timed out.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("processes")) *
               ((p.integer(QStringLiteral("iterations")) + chunk - 1) / chunk);
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("processes: %1 × %2 steps")
                           .arg(p.integer(QStringLiteral("processes")))
                           .arg(QLocale().toString(qlonglong(p.integer(QStringLiteral("iterations")))));
        const QVariant failed = metricValue(metrics, QStringLiteral("failed"));
        if (failed.toInt() > 0) line += QStringLiteral(" — %1 failed").arg(failed.toInt());
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int n = int(p.integer(QStringLiteral("processes")));
        QString error;
        if (workerPath(&error).isEmpty()) {
            ctx.fail(error);
            return;
        }
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < n; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("process %1").arg(i + 1), LaneKind::Process)));
        CpuSampler sampler(rec);
        WorkerGroup group(ctx);
        sampler.start();
        ctx.markStart(nowNs());
        for (int i = 0; i < n; ++i) {
            const QString fault = i == n - 1 ? p.text(QStringLiteral("fault")) : QStringLiteral("none");
            group.add(
                *lanes[std::size_t(i)],
                {QStringLiteral("cpu"), QString::number(p.integer(QStringLiteral("iterations"))), fault});
        }
        group.waitAll(int(p.integer(QStringLiteral("timeout_ms"))));
        sampler.stop();

        QVariantList cores, cpuMs, counters, exits;
        for (double u : sampler.meanUtilisation())
            cores << std::round(u * 10) / 10;
        static const char *exitNames[] = {"normal", "crashed", "killed", "timed out", "failed to start"};
        for (const auto &w : group.workers()) {
            const QByteArray last = w->texts().isEmpty() ? QByteArray() : w->texts().last();
            cpuMs << (last.isEmpty() ? QVariant() : QVariant(textField(last, "cpu_ns").toLongLong() / 1e6));
            counters << (last.isEmpty() ? QVariant() : QVariant(textField(last, "counter").toLongLong()));
            exits << QString::fromLatin1(exitNames[int(w->exitKind())]);
        }
        ctx.addMetric(QStringLiteral("core_utilization"), QStringLiteral("Core utilisation (mean)"), cores,
                      QStringLiteral("%"));
        ctx.addMetric(QStringLiteral("process_cpu_ms"), QStringLiteral("CPU time per process"), cpuMs,
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("child_counters"), QStringLiteral("Each process's own counter"),
                      counters);
        ctx.addMetric(QStringLiteral("parent_counter"), QStringLiteral("The parent's counter"),
                      qlonglong(g_parentCounter.load()));
        ctx.addMetric(QStringLiteral("exits"), QStringLiteral("How the workers ended"), exits);
        ctx.addMetric(QStringLiteral("failed"), QStringLiteral("Workers that failed"),
                      qlonglong(group.failures()));
        const QString fault = p.text(QStringLiteral("fault"));
        group.reportUnexpected(QStringLiteral("process"), [&](int index, ExitKind kind) {
            return index == n - 1 && ((fault == QLatin1String("crash") && kind == ExitKind::Crashed) ||
                                      (fault == QLatin1String("hang") && kind == ExitKind::TimedOut));
        });
        ctx.addMetric(QStringLiteral("sample_interval_ms"), QStringLiteral("Core sample interval"),
                      qlonglong(sampler.intervalMs()), QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_processes()
{
    return std::make_unique<ProcessesScenario>();
}

} // namespace raceway::scenarios
