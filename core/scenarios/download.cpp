// The seeds' download simulator: files that take random times to "download" (waiting on I/O), fetched
// one after another, by a thread each, by a pool, or by coroutines on one event loop. Waiting overlaps:
// sequentially the run takes the sum of the durations, the other ways about the longest one.

#include "clock.h"
#include "poollanes.h"
#include "scenario.h"

#include <QEventLoop>
#include <QLocale>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <random>

namespace raceway::scenarios {
namespace {

class DownloadScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("download"); }
    QString title() const override { return QStringLiteral("Downloads: waiting overlaps"); }
    QString description() const override
    {
        return QStringLiteral(
            "Each file takes a random time to arrive, and while it does the program only waits. Fetched one "
            "after another, the run takes the sum of all the waits. With a thread per file, a pool, or "
            "coroutines on one event loop (async), the waits overlap and the run takes about as long as the "
            "slowest file. The GIL does not get in the way: a thread waiting on I/O does not hold it. The "
            "seed makes the random durations repeatable.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("files"), 5, 1, 1000, {},
                               QStringLiteral("How many files to download.")),
            ParamSpec::integer(QStringLiteral("min_ms"), 100, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Shortest download time.")),
            ParamSpec::integer(QStringLiteral("max_ms"), 1000, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Longest download time.")),
            ParamSpec::integer(
                QStringLiteral("seed"), 42, 0, 2'147'483'647, {},
                QStringLiteral("Seed of the random durations: the same seed, the same durations.")),
            ParamSpec::choice(QStringLiteral("mode"), QStringLiteral("threads"),
                              {QStringLiteral("sequential"), QStringLiteral("threads"),
                               QStringLiteral("pool"), QStringLiteral("async")},
                              QStringLiteral("One after another, a thread per file, a pool of threads, or "
                                             "coroutines on one event loop.")),
            ParamSpec::integer(QStringLiteral("workers"), 3, 1, 64, {},
                               QStringLiteral("Threads in the pool (mode=pool).")),
        };
    }
    QString validate(const ParamValues &p) const override
    {
        if (p.integer(QStringLiteral("min_ms")) > p.integer(QStringLiteral("max_ms")))
            return QStringLiteral("parameter 'min_ms': %1 is more than max_ms (allowed: 0..%2)")
                .arg(p.integer(QStringLiteral("min_ms")))
                .arg(p.integer(QStringLiteral("max_ms")));
        return {};
    }
    std::int64_t totalWork(const ParamValues &p) const override { return p.integer(QStringLiteral("files")); }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("download: %1 files, %2")
                           .arg(p.integer(QStringLiteral("files")))
                           .arg(p.text(QStringLiteral("mode")));
        const QVariant sum = metricValue(metrics, QStringLiteral("sum_ms"));
        if (sum.isValid())
            line += QStringLiteral(" — durations sum to %1 ms, the longest is %2 ms")
                        .arg(QLocale().toString(sum.toLongLong()))
                        .arg(QLocale().toString(metricValue(metrics, QStringLiteral("max_ms")).toLongLong()));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int files = int(p.integer(QStringLiteral("files")));
        const QString mode = p.text(QStringLiteral("mode"));
        std::mt19937 rng(std::uint32_t(p.integer(QStringLiteral("seed"))));
        std::uniform_int_distribution<qlonglong> pick(p.integer(QStringLiteral("min_ms")),
                                                      p.integer(QStringLiteral("max_ms")));
        std::vector<qlonglong> durations;
        for (int i = 0; i < files; ++i)
            durations.push_back(pick(rng));

        Recorder &rec = ctx.recorder();
        std::atomic<int> done{0};
        // One download: a labelled wait on I/O.
        auto download = [&](ThreadBuffer &lane, int file) {
            lane.record(EventKind::IoBegin, 0, std::uint32_t(file));
            ctx.sleepFor(durations[std::size_t(file)] * 1'000'000);
            lane.record(EventKind::IdleBegin);
            lane.record(EventKind::Progress, 0,
                        std::uint32_t(done.fetch_add(1, std::memory_order_acq_rel) + 1));
        };

        if (mode == QLatin1String("sequential")) {
            ThreadBuffer *lane =
                rec.createBuffer(rec.addLane(QStringLiteral("main thread"), LaneKind::Thread));
            ctx.markStart(nowNs());
            for (int f = 0; f < files && !ctx.cancelled(); ++f)
                download(*lane, f);
        } else if (mode == QLatin1String("threads")) {
            std::vector<ThreadBuffer *> lanes;
            for (int f = 0; f < files; ++f)
                lanes.push_back(
                    rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(f + 1), LaneKind::Thread)));
            std::vector<std::unique_ptr<QThread>> threads;
            ctx.markStart(nowNs());
            for (int f = 0; f < files; ++f) {
                threads.emplace_back(QThread::create([&, f] { download(*lanes[std::size_t(f)], f); }));
                threads.back()->start();
            }
            for (auto &t : threads)
                t->wait();
        } else if (mode == QLatin1String("pool")) {
            const int workers = int(p.integer(QStringLiteral("workers")));
            std::vector<ThreadBuffer *> lanes;
            for (int i = 0; i < workers; ++i)
                lanes.push_back(rec.createBuffer(
                    rec.addLane(QStringLiteral("pool thread %1").arg(i + 1), LaneKind::Thread)));
            PoolLanes poolLanes(lanes);
            QThreadPool pool;
            pool.setMaxThreadCount(workers);
            pool.setExpiryTimeout(-1);
            ctx.markStart(nowNs());
            for (int f = 0; f < files; ++f)
                pool.start([&, f] { download(poolLanes.forThisThread(), f); });
            pool.waitForDone();
        } else { // async: coroutines on this one thread, resumed by timers of its event loop
            const std::uint16_t loopLane =
                rec.addLane(QStringLiteral("event loop (1 thread)"), LaneKind::Thread);
            ThreadBuffer *buffer = rec.createBuffer(loopLane);
            std::vector<std::uint16_t> lanes;
            for (int f = 0; f < files; ++f)
                lanes.push_back(rec.addLane(QStringLiteral("coroutine %1").arg(f + 1), LaneKind::Thread));
            QEventLoop loop;
            ctx.markStart(nowNs());
            // The loop's lane runs only while it handles a callback; between them it waits.
            buffer->record(EventKind::ThreadStart);
            int pending = files;
            for (int f = 0; f < files; ++f) {
                buffer->recordOn(lanes[std::size_t(f)], EventKind::IoBegin, 0, std::uint32_t(f));
                QTimer::singleShot(std::chrono::milliseconds(durations[std::size_t(f)]), &loop, [&, f] {
                    buffer->record(EventKind::ThreadStart);
                    buffer->recordOn(lanes[std::size_t(f)], EventKind::IdleBegin);
                    buffer->record(EventKind::Progress, 0, std::uint32_t(done.fetch_add(1) + 1));
                    buffer->record(EventKind::IdleBegin);
                    if (--pending == 0) loop.quit();
                });
            }
            QTimer cancelCheck;
            QObject::connect(&cancelCheck, &QTimer::timeout, &loop, [&] {
                if (ctx.cancelled()) loop.quit();
            });
            cancelCheck.start(20);
            buffer->record(EventKind::IdleBegin);
            if (pending > 0) loop.exec();
            buffer->record(EventKind::ThreadEnd);
        }

        qlonglong sum = 0, longest = 0;
        QVariantList drawn;
        for (qlonglong d : durations) {
            sum += d;
            longest = std::max(longest, d);
            drawn << d;
        }
        ctx.addMetric(QStringLiteral("sum_ms"), QStringLiteral("Durations, summed"), sum,
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("max_ms"), QStringLiteral("Longest duration"), longest,
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("durations_ms"), QStringLiteral("Each file's duration"), drawn,
                      QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("files_done"), QStringLiteral("Files downloaded"),
                      qlonglong(done.load()));
    }
};

} // namespace

std::unique_ptr<Scenario> make_download()
{
    return std::make_unique<DownloadScenario>();
}

} // namespace raceway::scenarios
