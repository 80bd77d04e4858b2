// Threads under a simulated GIL. CPU-bound "Python" threads must hold the GIL to run, so they take
// turns: two threads take about twice as long as one. Without the GIL they run side by side. Each loop
// iteration also adds 1 to a shared counter, so the run shows where a GIL switch can and cannot split
// a read from its write.

#include "clock.h"
#include "countersampler.h"
#include "racywork.h"
#include "scenario.h"
#include "simulatedgil.h"

#include <QLocale>
#include <QThread>

#include <atomic>
#include <ctime>
#include <memory>

namespace raceway::scenarios {
namespace {

struct alignas(64) GilTally
{
    std::int64_t done = 0, lost = 0, lossy = 0, waitNs = 0, cpuNs = 0;
};

// CPU-bound work that the compiler cannot drop: a dependent chain, checked against the clock.
std::uint64_t burn(std::int64_t ns, std::uint64_t x, const RunContext &ctx)
{
    const std::int64_t until = nowNs() + ns;
    do
        x = racy::churn(x, 64);
    while (nowNs() < until && !ctx.cancelled());
    return x;
}

class GilScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("gil"); }
    QString title() const override { return QStringLiteral("The GIL: threads take turns"); }
    QString description() const override
    {
        return QStringLiteral(
            "CPython lets only one thread run Python code at a time: it must hold the Global Interpreter "
            "Lock. A thread keeps the GIL until another has waited a switch interval (5 ms), then hands it "
            "over. The GIL lane shows who holds it; with it on, only one thread lane is ever running and "
            "CPU-bound threads take turns, so two threads take twice as long as one. Switch the GIL off "
            "and they run side by side on two cores. Give the threads an I/O wait per step and they drop "
            "the GIL while they "
            "wait, so waiting overlaps. Each loop also adds 1 to a shared counter: with switches only at "
            "the loop boundary (as real CPython does for this loop) nothing is lost; let a switch fall "
            "between the read and the write and updates vanish, GIL or not.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 2, 1, 64, {}, QStringLiteral("CPU-bound threads.")),
            ParamSpec::integer(QStringLiteral("iterations"), 5000, 1, 100'000'000, {},
                               QStringLiteral("Loop iterations per thread; each does work_us of CPU work."))
                .withWatchValue(qlonglong(1000)),
            ParamSpec::integer(
                QStringLiteral("work_us"), 10, 0, 1'000'000, QStringLiteral("µs"),
                QStringLiteral("CPU work in each iteration (the bytecode between two checks)."))
                .withWatchValue(qlonglong(1000)),
            ParamSpec::boolean(QStringLiteral("gil"), true,
                               QStringLiteral("Threads must hold the GIL to run."))
                .asLockSwitch(),
            ParamSpec::integer(
                QStringLiteral("switch_ms"), 5, 1, 1000, QStringLiteral("ms"),
                QStringLiteral("How long a waiter waits before asking the holder to drop the GIL "
                               "(CPython's switch interval).")),
            ParamSpec::integer(
                QStringLiteral("io_ms"), 0, 0, 10'000, QStringLiteral("ms"),
                QStringLiteral("Simulated I/O after each iteration: the thread drops the GIL and "
                               "waits this long.")),
            ParamSpec::choice(
                QStringLiteral("switch_at"), QStringLiteral("loop"),
                {QStringLiteral("loop"), QStringLiteral("read-write")},
                QStringLiteral("Where the interpreter may switch threads: only at the loop boundary "
                               "(after counter += 1 completes), or also between its read and write.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads")) * p.integer(QStringLiteral("iterations"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("gil: %1 threads, GIL %2, switches at the %3")
                           .arg(p.integer(QStringLiteral("threads")))
                           .arg(p.flag(QStringLiteral("gil")) ? QStringLiteral("on") : QStringLiteral("off"))
                           .arg(p.text(QStringLiteral("switch_at")) == QLatin1String("loop")
                                    ? QStringLiteral("loop")
                                    : QStringLiteral("read/write"));
        const QVariant lost = metricValue(metrics, QStringLiteral("lost_updates"));
        if (lost.isValid())
            line += QStringLiteral(" — %1 lost, %2 switches")
                        .arg(QLocale().toString(lost.toLongLong()))
                        .arg(QLocale().toString(
                            metricValue(metrics, QStringLiteral("gil_switches")).toLongLong()));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const std::int64_t iterations = p.integer(QStringLiteral("iterations"));
        const std::int64_t workNs = p.integer(QStringLiteral("work_us")) * 1000;
        const std::int64_t ioNs = p.integer(QStringLiteral("io_ms")) * 1'000'000;
        const bool splitReadWrite = p.text(QStringLiteral("switch_at")) == QLatin1String("read-write");

        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < threads; ++i) {
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread)));
            lanes.back()->enableCoreWatch();
        }
        std::unique_ptr<SimulatedGil> gil;
        if (p.flag(QStringLiteral("gil")))
            gil = std::make_unique<SimulatedGil>(rec, p.integer(QStringLiteral("switch_ms")) * 1'000'000);
        const std::uint16_t counterLane = rec.addLane(QStringLiteral("counter"), LaneKind::Counter);
        const std::uint8_t counterObj = rec.addObject(QStringLiteral("counter"), counterLane);
        const std::int64_t stride = std::max<std::int64_t>(1, iterations / 256);

        std::atomic<std::uint64_t> shared{0}, sink{0};
        std::atomic<std::int64_t> completed{0}; // increments that reached their write (see CounterSampler)
        CounterSampler sampler(rec, counterLane, counterObj, [&] {
            const auto value = std::int64_t(racy::value(shared.load(std::memory_order_acquire)));
            return CounterReading{completed.load(std::memory_order_acquire), value};
        });
        std::vector<GilTally> tallies(static_cast<std::size_t>(threads));
        std::atomic<int> ready{0}, finished{0};
        std::atomic<bool> go{false};
        auto worker = [&](int me) {
            ThreadBuffer &lane = *lanes[std::size_t(me)];
            GilTally &tally = tallies[std::size_t(me)];
            const std::uint64_t tag = racy::tag(lane.lane() + 1u);
            std::uint64_t x = std::uint64_t(me) + 1;
            lane.prepareCoreWatch(); // before the gate: setting up is not part of the race
            ready.fetch_add(1, std::memory_order_acq_rel);
            while (!go.load(std::memory_order_acquire))
                QThread::yieldCurrentThread();
            const std::int64_t cpu0 = racy::threadCpuNs();
            lane.record(EventKind::Progress, 0, 0);
            // Under the GIL a thread runs only once it holds it; its lane starts waiting or running.
            if (gil)
                tally.waitNs += gil->acquire(lane, me);
            else
                lane.record(EventKind::ThreadStart);
            for (std::int64_t k = 0; k < iterations && !ctx.cancelled(); ++k) {
                x = burn(workNs, x, ctx);
                const std::uint64_t read = racy::value(shared.load(std::memory_order_relaxed));
                if (gil && splitReadWrite) tally.waitNs += gil->checkInterval(lane, me);
                completed.fetch_add(1, std::memory_order_relaxed);
                const std::uint64_t old = shared.exchange(tag | (read + 1), std::memory_order_acq_rel);
                if (const std::int64_t erased = racy::erased(old, read); erased != 0) {
                    lane.recordWide(nowNs(), EventKind::LostUpdate, racy::writer(old), erased);
                    tally.lost += erased;
                    ++tally.lossy;
                }
                tally.done = k + 1;
                if (tally.done % stride == 0) lane.record(EventKind::Progress, 0, std::uint32_t(tally.done));
                if (gil) tally.waitNs += gil->checkInterval(lane, me); // the loop's backward jump
                if (ioNs > 0) {
                    if (gil) gil->release(lane);
                    lane.record(EventKind::IoBegin, 0, std::uint32_t(k));
                    ctx.sleepFor(ioNs);
                    // I/O done: under the GIL the thread must win it back before it runs again.
                    lane.record(gil ? EventKind::IdleBegin : EventKind::IoEnd);
                    if (gil) tally.waitNs += gil->acquire(lane, me);
                }
            }
            if (tally.done % stride != 0) lane.record(EventKind::Progress, 0, std::uint32_t(tally.done));
            if (ctx.cancelled()) lane.record(EventKind::Cancelled);
            if (gil) gil->release(lane);
            lane.record(EventKind::ThreadEnd);
            tally.cpuNs = racy::threadCpuNs() - cpu0;
            sink.fetch_xor(x, std::memory_order_relaxed); // the work's result is used: it cannot be dropped
            finished.fetch_add(1, std::memory_order_release);
        };

        std::vector<std::unique_ptr<QThread>> workers;
        for (int i = 0; i < threads; ++i) {
            workers.emplace_back(QThread::create(worker, i));
            workers.back()->start();
        }
        while (ready.load(std::memory_order_acquire) < threads)
            QThread::yieldCurrentThread();
        ctx.markStart(nowNs());
        sampler.start();
        go.store(true, std::memory_order_release);
        for (auto &w : workers)
            w->wait();
        while (finished.load(std::memory_order_acquire) < threads) // publishes the tallies to this thread
            QThread::yieldCurrentThread();
        sampler.stop();

        std::int64_t expected = 0, lost = 0, lossy = 0, waitNs = 0;
        QVariantList cpuMs;
        for (const GilTally &t : tallies) {
            expected += t.done;
            lost += t.lost;
            lossy += t.lossy;
            waitNs += t.waitNs;
            cpuMs << double(t.cpuNs) / 1e6;
        }
        const auto actual = std::int64_t(racy::value(shared.load(std::memory_order_relaxed)));
        ctx.addMetric(QStringLiteral("gil_wait_ms"), QStringLiteral("Waiting for the GIL (all threads)"),
                      double(waitNs) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("gil_switches"), QStringLiteral("Forced GIL switches"),
                      qlonglong(gil ? gil->switches() : 0));
        ctx.addMetric(QStringLiteral("thread_cpu_ms"), QStringLiteral("CPU time per thread"), cpuMs,
                      QStringLiteral("ms"));
        addRaceMetrics(ctx, expected, actual, lost, lossy);
    }
};

} // namespace

std::unique_ptr<Scenario> make_gil()
{
    return std::make_unique<GilScenario>();
}

} // namespace raceway::scenarios
