// A thread pool: a fixed number of threads drains a queue of tasks. With more tasks than threads the
// tasks run in waves, and the queue lane shows how many wait and for how long.

#include "clock.h"
#include "poollanes.h"
#include "scenario.h"

#include <QLocale>
#include <QThread>
#include <QThreadPool>

#include <atomic>

namespace raceway::scenarios {
namespace {

class PoolScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("pool"); }
    QString title() const override { return QStringLiteral("Thread pool: a few threads, many tasks"); }
    QString description() const override { return descriptionFor(ParamValues::defaults(params())); }
    QString descriptionFor(const ParamValues &p) const override
    {
        const std::int64_t tasks = p.integer(QStringLiteral("tasks")),
                           workers = p.integer(QStringLiteral("workers")),
                           ms = p.integer(QStringLiteral("task_ms"));
        const std::int64_t first = std::min(tasks, workers),
                           waves = (tasks + workers - 1) / std::max<std::int64_t>(1, workers);
        const QLocale l;
        QString example = QStringLiteral("With %1 of %2 ms and %3, ")
                              .arg(countOf(tasks, QStringLiteral("task"), QStringLiteral("tasks")),
                                   l.toString(qlonglong(ms)),
                                   countOf(workers, QStringLiteral("thread"), QStringLiteral("threads")));
        if (tasks <= workers)
            example += QStringLiteral("every task starts at once and the work takes about %1 ms. ")
                           .arg(l.toString(qlonglong(ms)));
        else
            example +=
                QStringLiteral("%1 start at once and the other %2 wait for a free thread: the work comes "
                               "in %3 waves and takes about %4 ms, never more than %1 at a time. ")
                    .arg(l.toString(qlonglong(first)), l.toString(qlonglong(tasks - first)),
                         l.toString(qlonglong(waves)), l.toString(qlonglong(waves * ms)));
        return QStringLiteral(
                   "A pool keeps a fixed number of threads and hands them tasks from a queue. Each task is a "
                   "labelled segment on the lane of the thread that ran it; the queue lane shows how many "
                   "tasks are waiting. ") +
               example +
               QStringLiteral(
                   "Sleeping tasks stand for waiting on I/O; switch the kind of work to cpu to keep the "
                   "cores busy instead.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("workers"), 3, 1, 64, {},
                               QStringLiteral("Threads in the pool (max_workers).")),
            ParamSpec::integer(QStringLiteral("tasks"), 5, 1, 10'000, {},
                               QStringLiteral("Tasks submitted to the pool."))
                .withWatchValue(qlonglong(9)),
            ParamSpec::integer(QStringLiteral("task_ms"), 300, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("How long each task takes."))
                .withWatchValue(qlonglong(700)),
            ParamSpec::choice(
                QStringLiteral("work"), QStringLiteral("sleep"),
                {QStringLiteral("sleep"), QStringLiteral("cpu")},
                QStringLiteral("sleep: the task waits, like I/O. cpu: the task keeps a core busy.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override { return p.integer(QStringLiteral("tasks")); }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("pool: %1 tasks of %2 ms on %3 threads")
                           .arg(p.integer(QStringLiteral("tasks")))
                           .arg(p.integer(QStringLiteral("task_ms")))
                           .arg(p.integer(QStringLiteral("workers")));
        const QVariant most = metricValue(metrics, QStringLiteral("max_concurrent"));
        if (most.isValid()) line += QStringLiteral(" — at most %1 at once").arg(most.toLongLong());
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int workers = int(p.integer(QStringLiteral("workers")));
        const int tasks = int(p.integer(QStringLiteral("tasks")));
        const std::int64_t taskNs = p.integer(QStringLiteral("task_ms")) * 1'000'000;
        const bool cpu = p.text(QStringLiteral("work")) == QLatin1String("cpu");

        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < workers; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("pool thread %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        const std::uint16_t queueLane = rec.addLane(QStringLiteral("queue"), LaneKind::Queue);
        const std::uint8_t queueObj = rec.addObject(QStringLiteral("queue"), queueLane);
        ThreadBuffer *queue = rec.createBuffer(queueLane);

        PoolLanes poolLanes(lanes); // the pool never retires its threads mid-run (no expiry below)

        std::vector<std::atomic<std::int64_t>> queuedAt(static_cast<std::size_t>(tasks));
        std::atomic<int> active{0}, most{0}, done{0};
        std::atomic<std::int64_t> waitedNs{0}, longestWaitNs{0};

        QThreadPool pool;
        pool.setMaxThreadCount(workers);
        pool.setExpiryTimeout(-1);
        ctx.markStart(nowNs());
        for (int id = 0; id < tasks; ++id) {
            queuedAt[std::size_t(id)].store(nowNs(), std::memory_order_relaxed);
            queue->record(EventKind::TaskQueued, 0, std::uint32_t(id));
            pool.start([&, id] {
                ThreadBuffer &lane = poolLanes.forThisThread();
                const std::int64_t begin = nowNs();
                if (ctx.cancelled()) {
                    lane.recordAt(begin, EventKind::TaskBegin, queueObj, std::uint32_t(id));
                    lane.record(EventKind::TaskEnd);
                    return;
                }
                const std::int64_t waited = begin - queuedAt[std::size_t(id)].load(std::memory_order_relaxed);
                waitedNs.fetch_add(waited, std::memory_order_relaxed);
                std::int64_t longest = longestWaitNs.load(std::memory_order_relaxed);
                while (waited > longest && !longestWaitNs.compare_exchange_weak(longest, waited)) {
                }
                const int now = active.fetch_add(1, std::memory_order_acq_rel) + 1;
                int seen = most.load(std::memory_order_relaxed);
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                lane.recordAt(begin, EventKind::TaskBegin, queueObj, std::uint32_t(id));
                if (cpu) {
                    const std::int64_t until = begin + taskNs;
                    while (nowNs() < until && !ctx.cancelled()) {
                    }
                } else {
                    ctx.sleepFor(taskNs);
                }
                active.fetch_sub(1, std::memory_order_acq_rel);
                lane.record(EventKind::TaskEnd);
                lane.record(EventKind::Progress, 0,
                            std::uint32_t(done.fetch_add(1, std::memory_order_acq_rel) + 1));
            });
        }
        pool.waitForDone();
        const std::size_t threadsUsed = poolLanes.used();
        const int finished = done.load(std::memory_order_acquire);
        ctx.addMetric(QStringLiteral("max_concurrent"), QStringLiteral("Most tasks at once"),
                      qlonglong(most.load()));
        ctx.addMetric(QStringLiteral("tasks_done"), QStringLiteral("Tasks completed"), qlonglong(finished));
        ctx.addMetric(QStringLiteral("queue_wait_ms"), QStringLiteral("Mean wait in the queue"),
                      finished ? double(waitedNs.load()) / finished / 1e6 : 0.0, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("max_queue_wait_ms"), QStringLiteral("Longest wait in the queue"),
                      double(longestWaitNs.load()) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("threads_used"), QStringLiteral("Pool threads used"),
                      qlonglong(threadsUsed));
    }
};

} // namespace

std::unique_ptr<Scenario> make_pool()
{
    return std::make_unique<PoolScenario>();
}

} // namespace raceway::scenarios
