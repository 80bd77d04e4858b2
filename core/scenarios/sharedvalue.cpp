// Processes share no memory unless they ask for it: here several raceway-worker processes increment
// one 64-bit counter in POSIX shared memory, racing exactly as the threads of the counter scenario do,
// or taking turns under a process-shared mutex.

#include "clock.h"
#include "countersampler.h"
#include "racywork.h"
#include "scenario.h"
#include "sharedcounter.h"
#include "stepgate.h"
#include "workerprocess.h"

#include <QLocale>
#include <QThread>

#include <memory>

namespace raceway::scenarios {
namespace {

// Stands in at the gate for worker `i`, which waits in the shared memory at each of its step points: when
// it has reached one, this thread waits at the gate in its place, and lets it through when its turn comes.
void standIn(StepGate &gate, SharedBlock &block, int i, const std::atomic<bool> &gone,
             const std::function<bool()> &stop)
{
    const auto slot = std::size_t(i);
    for (std::uint32_t k = 1;; ++k) {
        for (;;) {
            if (stop()) return;
            if (block.arrived[slot].load(std::memory_order_acquire) >= k) break;
            if (block.finished[slot].load(std::memory_order_acquire) || gone.load()) {
                gate.leave(i);
                return;
            }
            QThread::usleep(200);
        }
        // Its write's step point (every second one): what it read, to write back plus one.
        gate.note(i, k % 2 == 0
                         ? QStringLiteral("read %1").arg(block.lastRead[slot].load(std::memory_order_relaxed))
                         : QString());
        if (!gate.pass(i, stop)) return;
        block.granted[slot].store(k, std::memory_order_release);
    }
}

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
            scheduleParam(maxSteppingWorkers, QStringLiteral("its read, then its write, and so on"),
                          QStringLiteral("1,2,1,2: both processes read before either writes, and one "
                                         "update is lost, every time.")),
        };
    }

    // The read and the write of every increment, in the order the processes take them.
    std::optional<StepPlan> steps(const ParamValues &p) const override
    {
        return StepPlan::increments(int(p.integer(QStringLiteral("processes"))),
                                    p.integer(QStringLiteral("increments")), p.flag(QStringLiteral("lock")));
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
                .arg(p.flag(QStringLiteral("lock")) ? QStringLiteral("on") : QStringLiteral("off")) +
            scheduleSuffix(p);
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

        // A schedule (or the window's step mode) holds every worker before its read and its write: each
        // waits in the shared memory, and a thread here stands in for it at the gate.
        StepGate gate(*steps(p), p.integers(QStringLiteral("schedule")), &ctx.steps());
        const bool stepped = gate.holds();
        const std::uint8_t readTurn = stepped ? rec.addObject(QStringLiteral("its turn to read")) : 0;
        const std::uint8_t writeTurn = stepped ? rec.addObject(QStringLiteral("its turn to write")) : 0;
        SharedBlock *block = segment.block();
        block->stepping.store(stepped ? 1 : 0, std::memory_order_release);

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
                return obj == 1   ? counterObj
                       : obj == 2 ? lockObj
                       : obj == 3 ? readTurn
                       : obj == 4 ? writeTurn
                                  : 0;
            });
        }
        // Stand-ins at the gate, one a worker, and the gate's driver; stopped when the workers have all
        // ended (or the run is cancelled). A worker that is gone without finishing leaves the gate.
        std::atomic<bool> over{false};
        const auto stop = [&] { return ctx.cancelled() || over.load(std::memory_order_acquire); };
        std::unique_ptr<std::atomic<bool>[]> gone(new std::atomic<bool>[std::size_t(n)] {});
        std::vector<std::unique_ptr<QThread>> helpers;
        if (stepped) {
            for (int i = 0; i < n; ++i)
                helpers.emplace_back(
                    QThread::create([&, i] { standIn(gate, *block, i, gone[std::size_t(i)], stop); }));
            helpers.emplace_back(QThread::create([&] {
                gate.drive(stop);
                block->open.store(1, std::memory_order_release);
            }));
            for (auto &h : helpers)
                h->start();
        }
        // Release them together once all are attached, like threads at a start line.
        bool released = false;
        group.setTick([&] {
            for (int i = 0; i < n && stepped; ++i)
                if (group.workers()[std::size_t(i)]->isDone()) gone[std::size_t(i)].store(true);
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
        over.store(true, std::memory_order_release);
        block->open.store(1, std::memory_order_release);
        for (auto &h : helpers)
            h->wait();
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
