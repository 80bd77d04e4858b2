// asyncio's gather on one thread: coroutines that await a delay, resumed by an event loop's timers.
// No extra threads: the waits overlap because nobody blocks, not because anything runs in parallel.

#include "clock.h"
#include "scenario.h"

#include <QEventLoop>
#include <QLocale>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <set>

namespace raceway::scenarios {
namespace {

class EventLoopScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("event-loop"); }
    QString title() const override { return QStringLiteral("Event loop: coroutines on one thread"); }
    QString description() const override { return descriptionFor(ParamValues::defaults(params())); }
    QString descriptionFor(const ParamValues &p) const override
    {
        const std::int64_t tasks = p.integer(QStringLiteral("tasks")),
                           steps = p.integer(QStringLiteral("steps")),
                           ms = p.integer(QStringLiteral("delay_ms"));
        const QLocale l;
        return QStringLiteral(
                   "Like asyncio.gather: several coroutines each await a delay, and one event loop on one "
                   "thread resumes each of them when its timer fires. While a coroutine awaits it gives the "
                   "thread back, so %1 awaiting %2 of %3 ms finish in about %4 ms, not %5, with no extra "
                   "threads. Each coroutine's lane shows where it awaits and where it runs; the loop's lane "
                   "shows the short moments it actually does work. Give the coroutines CPU work per step and "
                   "they start to delay each other: one thread can only run one of them at a time.")
            .arg(countOf(tasks, QStringLiteral("coroutine"), QStringLiteral("coroutines")),
                 countOf(steps, QStringLiteral("delay"), QStringLiteral("delays")), l.toString(qlonglong(ms)),
                 l.toString(qlonglong(steps * ms)), l.toString(qlonglong(tasks * steps * ms)));
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("tasks"), 5, 1, 1000, {},
                               QStringLiteral("Coroutines gathered.")),
            ParamSpec::integer(QStringLiteral("delay_ms"), 2000, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("How long each await waits (asyncio.sleep).")),
            ParamSpec::integer(QStringLiteral("steps"), 1, 1, 1000, {},
                               QStringLiteral("Awaits per coroutine, one after another.")),
            ParamSpec::integer(
                QStringLiteral("work_us"), 0, 0, 1'000'000, QStringLiteral("µs"),
                QStringLiteral("CPU work a coroutine does each time it resumes, on the loop's thread.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("tasks")) * p.integer(QStringLiteral("steps"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &) const override
    {
        return QStringLiteral("event-loop: %1 × %2 of %3 ms on one thread")
            .arg(countOf(p.integer(QStringLiteral("tasks")), QStringLiteral("coroutine"),
                         QStringLiteral("coroutines")),
                 countOf(p.integer(QStringLiteral("steps")), QStringLiteral("await"),
                         QStringLiteral("awaits")))
            .arg(p.integer(QStringLiteral("delay_ms")));
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int tasks = int(p.integer(QStringLiteral("tasks")));
        const int steps = int(p.integer(QStringLiteral("steps")));
        const auto delay = std::chrono::milliseconds(p.integer(QStringLiteral("delay_ms")));
        const std::int64_t workNs = p.integer(QStringLiteral("work_us")) * 1000;

        Recorder &rec = ctx.recorder();
        ThreadBuffer *loopLane =
            rec.createBuffer(rec.addLane(QStringLiteral("event loop (1 thread)"), LaneKind::Thread));
        std::vector<std::uint16_t> lanes;
        for (int t = 0; t < tasks; ++t)
            lanes.push_back(rec.addLane(QStringLiteral("coroutine %1").arg(t + 1), LaneKind::Thread));

        QEventLoop loop;
        std::set<Qt::HANDLE> threadsSeen;
        std::vector<int> stepsDone(std::size_t(tasks), 0);
        // When each coroutine's current await began: the awaited time is summed from the awaits as drawn.
        std::vector<std::int64_t> awaitSince(std::size_t(tasks), 0);
        std::int64_t awaitedNs = 0;
        int finished = 0, resumed = 0;
        // A coroutine's body between two awaits: runs on the loop's thread, then awaits again or returns.
        std::function<void(int)> resume = [&](int t) {
            threadsSeen.insert(QThread::currentThreadId());
            const std::int64_t resumedAt = nowNs();
            loopLane->recordAt(resumedAt, EventKind::ThreadStart, 0, 0);
            loopLane->recordOnAt(lanes[std::size_t(t)], resumedAt, EventKind::ThreadStart);
            if (awaitSince[std::size_t(t)] != 0) awaitedNs += resumedAt - awaitSince[std::size_t(t)];
            if (workNs > 0) {
                const std::int64_t until = nowNs() + workNs;
                while (nowNs() < until && !ctx.cancelled()) {
                }
            }
            if (stepsDone[std::size_t(t)]++ > 0)
                loopLane->record(EventKind::Progress, 0, std::uint32_t(++resumed));
            if (stepsDone[std::size_t(t)] <= steps && !ctx.cancelled()) {
                const std::int64_t awaitAt = nowNs();
                loopLane->recordOnAt(lanes[std::size_t(t)], awaitAt, EventKind::IoBegin, 0,
                                     std::uint32_t(stepsDone[std::size_t(t)] - 1));
                awaitSince[std::size_t(t)] = awaitAt;
                // A precise timer: a coarse one may end an await 5 % early (1,901 ms for 2,000 awaited).
                QTimer::singleShot(delay, Qt::PreciseTimer, &loop, [&resume, t] { resume(t); });
            } else {
                loopLane->recordOn(lanes[std::size_t(t)], EventKind::ThreadEnd);
                if (++finished == tasks) loop.quit();
            }
            loopLane->record(EventKind::IdleBegin);
        };
        QTimer cancelCheck;
        QObject::connect(&cancelCheck, &QTimer::timeout, &loop, [&] {
            if (ctx.cancelled()) loop.quit();
        });
        cancelCheck.start(20);
        ctx.markStart(nowNs());
        // gather(): every coroutine starts right away and runs to its first await.
        for (int t = 0; t < tasks; ++t)
            QTimer::singleShot(0, &loop, [&resume, t] { resume(t); });
        loop.exec();
        loopLane->record(EventKind::ThreadEnd);

        ctx.addMetric(QStringLiteral("os_threads"), QStringLiteral("OS threads that ran coroutines"),
                      qlonglong(threadsSeen.size()));
        ctx.addMetric(QStringLiteral("tasks_finished"), QStringLiteral("Coroutines finished"),
                      qlonglong(finished));
        // Measured, not tasks × steps × delay: the awaits that ended, as their lanes draw them.
        ctx.addMetric(QStringLiteral("awaited_ms"), QStringLiteral("Awaited, summed over coroutines"),
                      double(awaitedNs) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_eventloop()
{
    return std::make_unique<EventLoopScenario>();
}

} // namespace raceway::scenarios
