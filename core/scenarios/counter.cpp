// The shared counter: N threads add 1 to one counter, with or without a lock.
//
// Without the lock every increment is a *logical* race built from atomics, so the program has no
// undefined behaviour and stays clean under ThreadSanitizer: load the value, optionally work or sleep
// (the race window), then exchange in value + 1. The exchange returns what it overwrote; if that is not
// what was read, this write erased (overwritten - read) increments made by other threads. Those
// amounts telescope: summed over every write they equal expected - actual exactly.

#include "clock.h"
#include "countersampler.h"
#include "racywork.h"
#include "scenario.h"
#include "stepgate.h"
#include "tracedmutex.h"

#include <QLocale>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

namespace raceway::scenarios {
namespace {

struct alignas(64) WorkerTally
{
    std::int64_t done = 0;
    std::int64_t lost = 0; // sum of what this thread's writes erased
    std::int64_t lossyWrites = 0;
    std::int64_t waitNs = 0;
    std::int64_t acquisitions = 0;
};

// "thread 2 wrote 1 over thread 1's 1: one increment lost": what a write did, said in step mode.
QString wroteText(int index, std::uint64_t wrote, std::uint64_t old, std::int64_t erased)
{
    const QLocale l;
    QString text = QStringLiteral("thread %1 wrote %2").arg(index + 1).arg(l.toString(qulonglong(wrote)));
    if (erased == 0) return text;
    const auto writer = racy::writer(old); // 1 + the lane of the thread that wrote it
    return text + QStringLiteral(" over thread %1's %2: %3 lost")
                      .arg(writer)
                      .arg(l.toString(qulonglong(racy::value(old))))
                      .arg(erased == 1 ? QStringLiteral("one increment")
                                       : QStringLiteral("%1 increments").arg(l.toString(qlonglong(erased))));
}

class CounterScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("counter"); }
    QString title() const override { return QStringLiteral("Shared counter: threads race to add 1"); }
    QString description() const override
    {
        return QStringLiteral(
            "Several threads each add 1 to the same counter many times. An increment is really three "
            "steps: read the value, add one, write it back. Without the lock, two threads can read the "
            "same value and the later write silently erases the earlier one: each such write gets a "
            "marker saying how many increments it wiped out, and the counter lane shows the expected "
            "and actual totals drifting apart. Switch the lock on and every increment happens alone: "
            "the count is exact, and the lanes show instead how long each thread waits its turn.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 4, 1, 64, {},
                               QStringLiteral("How many threads increment the counter at once.")),
            ParamSpec::integer(QStringLiteral("iterations"), 200000, 1, 100'000'000, {},
                               QStringLiteral("How many times each thread adds 1."))
                .withWatchValue(qlonglong(400)),
            ParamSpec::boolean(QStringLiteral("lock"), false,
                               QStringLiteral("Guard every increment with a mutex. Off: increments race."))
                .asLockSwitch(),
            ParamSpec::integer(QStringLiteral("window_ns"), 100, 0, 100'000'000, QStringLiteral("ns"),
                               QStringLiteral("Busy work between reading the counter and writing it back: "
                                              "the race window. Wider windows lose more updates."))
                .withWatchValue(qlonglong(2'000'000)),
            ParamSpec::integer(QStringLiteral("window_sleep_ms"), 0, 0, 10'000, QStringLiteral("ms"),
                               QStringLiteral("Sleep between the read and the write, as code that reads, "
                                              "waits for something, then writes. Try threads=5 "
                                              "iterations=1 window_sleep_ms=100.")),
            ParamSpec::integer(QStringLiteral("pace_us"), 0, 0, 1'000'000, QStringLiteral("µs"),
                               QStringLiteral("Sleep after every increment, outside the lock, so that "
                                              "a run is slow enough to watch."))
                .withWatchValue(qlonglong(2000)),
            scheduleParam(64, QStringLiteral("its read, then its write, and so on"),
                          QStringLiteral("1,2,1,2: both threads read before either writes, and one update "
                                         "is lost, every time.")),
        };
    }

    // The read and the write of every increment, in the order the threads take them.
    std::optional<StepPlan> steps(const ParamValues &p) const override
    {
        return StepPlan::increments(int(p.integer(QStringLiteral("threads"))),
                                    p.integer(QStringLiteral("iterations")), p.flag(QStringLiteral("lock")));
    }

    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        return raceTitle(id(), p) + raceSummary(metrics);
    }

    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("threads")) * p.integer(QStringLiteral("iterations"));
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int threads = int(p.integer(QStringLiteral("threads")));
        const std::int64_t iterations = p.integer(QStringLiteral("iterations"));
        const bool useLock = p.flag(QStringLiteral("lock"));
        const std::int64_t windowNs = p.integer(QStringLiteral("window_ns"));
        const std::int64_t windowSleepNs = p.integer(QStringLiteral("window_sleep_ms")) * 1'000'000;
        const std::int64_t paceNs = p.integer(QStringLiteral("pace_us")) * 1'000;

        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> buffers;
        for (int i = 0; i < threads; ++i) {
            buffers.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread)));
            buffers.back()->enableCoreWatch(); // more threads than cores: who waits for one is drawn
        }
        const std::uint16_t counterLane = rec.addLane(QStringLiteral("counter"), LaneKind::Counter);
        const std::uint8_t counterObj = rec.addObject(QStringLiteral("counter"), counterLane);
        std::unique_ptr<TracedMutex> mutex;
        if (useLock) mutex = std::make_unique<TracedMutex>(rec, QStringLiteral("lock"));
        // A schedule (or the window's step mode) holds every thread before its read and before its write
        // until its turn comes.
        StepGate gate(*steps(p), p.integers(QStringLiteral("schedule")), &ctx.steps());
        const bool stepped = gate.holds();
        const std::uint8_t readTurn = stepped ? rec.addObject(QStringLiteral("its turn to read")) : 0;
        const std::uint8_t writeTurn = stepped ? rec.addObject(QStringLiteral("its turn to write")) : 0;
        const auto stop = [&ctx] { return ctx.cancelled(); };

        // Slow steps report progress every time; fast ones a few hundred times per thread.
        const std::int64_t stride =
            (windowSleepNs > 0 || paceNs > 0) ? 1 : std::max<std::int64_t>(1, iterations / 512);

        std::atomic<std::uint64_t> shared{0};
        // Increments that have reached their write: the counter lane's "expected", read with the value.
        std::atomic<std::int64_t> completed{0};
        CounterSampler sampler(rec, counterLane, counterObj, [&] {
            const auto value = std::int64_t(racy::value(shared.load(std::memory_order_acquire)));
            return CounterReading{completed.load(std::memory_order_acquire), value};
        });
        std::vector<WorkerTally> tallies(static_cast<std::size_t>(threads));
        std::atomic<int> ready{0};
        std::atomic<bool> go{false};
        std::atomic<int> finished{0};

        auto worker = [&](int index) {
            ThreadBuffer &lane = *buffers[std::size_t(index)];
            WorkerTally &tally = tallies[std::size_t(index)];
            const std::uint64_t me = racy::tag(lane.lane() + 1u);
            lane.prepareCoreWatch(); // before the gate: setting up is not part of the race
            ready.fetch_add(1, std::memory_order_acq_rel);
            while (!go.load(std::memory_order_acquire))
                QThread::yieldCurrentThread();
            lane.record(EventKind::ThreadStart);
            lane.record(EventKind::Progress, 0, 0); // progress only: the counter lane is drawn from readings
            std::int64_t reported = 0;
            for (std::int64_t k = 0; k < iterations; ++k) {
                if (ctx.cancelled() || (stepped && !gate.pass(index, lane, readTurn, stop))) {
                    lane.record(EventKind::Cancelled);
                    break;
                }
                if (mutex) {
                    tally.waitNs += mutex->lock(lane);
                    ++tally.acquisitions;
                    // Stopped while queueing for the lock: leave without another race window.
                    if (ctx.cancelled()) {
                        mutex->unlock(lane);
                        lane.record(EventKind::Cancelled);
                        break;
                    }
                }
                // Two loads of the kernel's switch-record position bracket the read and what follows
                // it up to the write: a thread taken off its core in between wrote back a stale value.
                std::uint64_t mark = lane.switchMark();
                const std::uint64_t read = racy::value(shared.load(std::memory_order_relaxed));
                if (stepped) {
                    gate.note(index, QStringLiteral("read %1").arg(read));
                    gate.say(QStringLiteral("thread %1 read %2").arg(index + 1).arg(read));
                }
                if (windowSleepNs > 0) {
                    ctx.sleepDrawn(lane, windowSleepNs);
                } else if (windowNs > 0) {
                    const std::int64_t until = nowNs() + windowNs;
                    while (nowNs() < until && !ctx.cancelled()) {
                    }
                }
                if (stepped && !gate.pass(index, lane, writeTurn, stop)) {
                    if (mutex) mutex->unlock(lane);
                    lane.record(EventKind::Cancelled);
                    break;
                }
                if (stepped) {
                    gate.note(index, {});
                    // Held for its turn is not off its core for the scheduler: what it erases is the
                    // schedule's doing, never said to follow a wait for a core.
                    mark = lane.switchMark();
                }
                completed.fetch_add(1, std::memory_order_relaxed); // counted before the write it precedes
                const bool switched = lane.switchedSince(mark);
                // Release: whoever reads this value also sees the counts of every write before it.
                const std::uint64_t old = shared.exchange(me | (read + 1), std::memory_order_acq_rel);
                const std::int64_t erased = racy::erased(old, read);
                if (stepped) gate.say(wroteText(index, read + 1, old, erased));
                if (erased != 0) {
                    if (switched)
                        lane.recordWideAfterSwitch(mark, nowNs(), EventKind::LostUpdate, racy::writer(old),
                                                   erased);
                    else
                        lane.recordWide(nowNs(), EventKind::LostUpdate, racy::writer(old), erased);
                    tally.lost += erased;
                    ++tally.lossyWrites;
                }
                if (mutex) mutex->unlock(lane);
                tally.done = k + 1;
                if (tally.done % stride == 0) {
                    lane.record(EventKind::Progress, 0, std::uint32_t(tally.done));
                    reported = tally.done;
                }
                if (paceNs > 0) {
                    ctx.sleepDrawn(lane, paceNs);
                }
            }
            if (reported != tally.done) lane.record(EventKind::Progress, 0, std::uint32_t(tally.done));
            lane.record(EventKind::ThreadEnd);
            if (stepped) gate.leave(index);
            finished.fetch_add(1, std::memory_order_release);
        };

        std::vector<std::unique_ptr<QThread>> workers;
        for (int i = 0; i < threads; ++i) {
            workers.emplace_back(QThread::create(worker, i));
            workers.back()->setObjectName(QStringLiteral("counter-%1").arg(i + 1));
            workers.back()->start();
        }
        // Release every thread at the same moment, so they really overlap.
        while (ready.load(std::memory_order_acquire) < threads && !ctx.cancelled())
            QThread::yieldCurrentThread();
        ctx.markStart(nowNs());
        sampler.start();
        go.store(true, std::memory_order_release);
        if (stepped) gate.drive(stop);
        for (auto &w : workers)
            w->wait();
        // QThread::wait() is invisible to ThreadSanitizer; the tallies are published through this.
        while (finished.load(std::memory_order_acquire) < threads)
            QThread::yieldCurrentThread();
        sampler.stop(); // its last reading is the final count and value

        std::int64_t expected = 0, lost = 0, lossyWrites = 0, waitNs = 0, acquisitions = 0;
        for (const WorkerTally &t : tallies) {
            expected += t.done;
            lost += t.lost;
            lossyWrites += t.lossyWrites;
            waitNs += t.waitNs;
            acquisitions += t.acquisitions;
        }
        const auto actual = std::int64_t(racy::value(shared.load(std::memory_order_relaxed)));
        addRaceMetrics(ctx, expected, actual, lost, lossyWrites);
        ctx.addMetric(QStringLiteral("lock_wait_ms"), QStringLiteral("Lock wait (all threads)"),
                      double(waitNs) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("lock_acquisitions"), QStringLiteral("Lock acquisitions"),
                      qlonglong(acquisitions));
    }
};

} // namespace

std::unique_ptr<Scenario> make_counter()
{
    return std::make_unique<CounterScenario>();
}

} // namespace raceway::scenarios
