// Processes share no memory unless they ask for it: here several raceway-worker processes increment
// one 64-bit counter in POSIX shared memory, racing exactly as the threads of the counter scenario do,
// or taking turns under a process-shared mutex.

#include "clock.h"
#include "countersampler.h"
#include "racywork.h"
#include "scenario.h"
#include "sharedcounter.h"
#include "workerprocess.h"

#include <QLocale>

namespace raceway::scenarios {
namespace {

class SharedValueScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("shared-value"); }
    QString title() const override { return QStringLiteral("Shared value: processes race on shared memory"); }
    QString description() const override
    {
        return QStringLiteral(
            "Separate processes normally cannot see each other's variables. This one puts a counter in "
            "shared memory, and every worker process adds 1 to it many times. Without the lock the "
            "read-add-write steps of different processes interleave and updates are lost, exactly as with "
            "threads: each marker says how many increments a write erased, on the lane of the process that "
            "erased them. With the lock (a mutex that lives in the shared memory too) the count is exact "
            "and the lanes show the processes waiting for each other.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("processes"), 4, 1, 64, {},
                               QStringLiteral("Worker processes sharing the value.")),
            ParamSpec::integer(QStringLiteral("increments"), 100000, 1, 100'000'000, {},
                               QStringLiteral("How many times each process adds 1."))
                .withWatchValue(qlonglong(400)),
            ParamSpec::boolean(QStringLiteral("lock"), false,
                               QStringLiteral("Guard every increment with a process-shared mutex."))
                .asLockSwitch(),
            ParamSpec::integer(QStringLiteral("window_ns"), 100, 0, 100'000'000, QStringLiteral("ns"),
                               QStringLiteral("Busy work between reading the value and writing it back."))
                .withWatchValue(qlonglong(2'000'000)),
            ParamSpec::integer(QStringLiteral("timeout_ms"), 120'000, 100, 3'600'000, QStringLiteral("ms"),
                               QStringLiteral("Workers still running after this long are killed.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("processes")) * p.integer(QStringLiteral("increments"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        const QLocale l;
        QString line =
            QStringLiteral("shared-value: %1 processes × %2 increments, lock %3")
                .arg(p.integer(QStringLiteral("processes")))
                .arg(l.toString(qlonglong(p.integer(QStringLiteral("increments")))))
                .arg(p.flag(QStringLiteral("lock")) ? QStringLiteral("on") : QStringLiteral("off"));
        line += raceSummary(metrics);
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int n = int(p.integer(QStringLiteral("processes")));
        const bool useLock = p.flag(QStringLiteral("lock"));
        QString error;
        if (workerPath(&error).isEmpty()) {
            ctx.fail(error);
            return;
        }
        SharedCounterSegment segment;
        if (!segment.isValid()) {
            ctx.fail(segment.error());
            return;
        }
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < n; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("process %1").arg(i + 1), LaneKind::Process)));
        const std::uint16_t counterLane = rec.addLane(QStringLiteral("shared value"), LaneKind::Counter);
        const std::uint8_t counterObj = rec.addObject(QStringLiteral("shared value"), counterLane);
        std::uint8_t lockObj = 0;
        if (useLock)
            lockObj = rec.addObject(QStringLiteral("shared lock"),
                                    rec.addLane(QStringLiteral("shared lock"), LaneKind::Lock));

        WorkerGroup group(ctx);
        for (int i = 0; i < n; ++i) {
            WorkerProcess *w =
                group.add(*lanes[std::size_t(i)],
                          {QStringLiteral("shared"), segment.name(),
                           QString::number(p.integer(QStringLiteral("increments"))),
                           useLock ? QStringLiteral("1") : QStringLiteral("0"),
                           QString::number(p.integer(QStringLiteral("window_ns"))), QString::number(i + 1)});
            // Worker objects: 1 = the value, 2 = the lock; a lost update's object is the overwritten
            // writer's number, 1 + its process index, which is 1 + its lane here.
            w->setObjectMapper([=](EventKind kind, std::uint8_t obj) -> std::uint8_t {
                if (kind == EventKind::LostUpdate) return obj;
                if (kind == EventKind::Progress) // progress only: the value's lane is drawn from readings
                    return 0;
                return obj == 1 ? counterObj : obj == 2 ? lockObj : 0;
            });
        }
        // Release them together once all are attached, like threads at a start line.
        SharedBlock *block = segment.block();
        bool released = false;
        group.setTick([&] {
            const bool allAttached = block->ready.load(std::memory_order_acquire) >= std::uint32_t(n);
            const bool someEnded = std::any_of(group.workers().begin(), group.workers().end(),
                                               [](const auto &w) { return w->isDone(); });
            if (allAttached) // every worker has it mapped: the name is no longer needed, even if we die
                segment.unlinkName();
            if (!released && (allAttached || someEnded || ctx.cancelled())) {
                ctx.markStart(nowNs());
                block->go.store(1, std::memory_order_release);
                released = true;
            }
        });
        // The value's lane: readings of the shared memory itself, taken here while the workers run.
        CounterSampler sampler(rec, counterLane, counterObj, [block] {
            const auto value = std::int64_t(racy::value(block->value.load(std::memory_order_acquire)));
            return CounterReading{block->completed.load(std::memory_order_acquire), value};
        });
        sampler.start();
        group.waitAll(int(p.integer(QStringLiteral("timeout_ms"))));
        sampler.stop();

        std::int64_t expected = 0, erased = 0, lossy = 0, waitNs = 0, acquisitions = 0;
        for (const auto &w : group.workers()) {
            for (const QByteArray &t : w->texts()) {
                expected += textField(t, "done").toLongLong();
                erased += textField(t, "lost").toLongLong();
                lossy += textField(t, "lossy").toLongLong();
                waitNs += textField(t, "wait_ns").toLongLong();
                acquisitions += textField(t, "acquisitions").toLongLong();
            }
        }
        const auto actual = std::int64_t(racy::value(block->value.load(std::memory_order_acquire)));
        // A worker that did not finish took its tally with it: how many increments it made, and so
        // how many were lost, is unknown. Never report a difference that mixes the two.
        if (group.failures() > 0)
            addRaceMetrics(ctx, std::nullopt, actual, std::nullopt, std::nullopt);
        else
            addRaceMetrics(ctx, expected, actual, erased, lossy);
        ctx.addMetric(QStringLiteral("lock_wait_ms"), QStringLiteral("Lock wait (all processes)"),
                      double(waitNs) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("lock_acquisitions"), QStringLiteral("Lock acquisitions"),
                      qlonglong(acquisitions));
        ctx.addMetric(QStringLiteral("failed"), QStringLiteral("Workers that failed"),
                      qlonglong(group.failures()));
        group.reportUnexpected(QStringLiteral("process"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_sharedvalue()
{
    return std::make_unique<SharedValueScenario>();
}

} // namespace raceway::scenarios
