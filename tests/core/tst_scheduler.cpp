// The scheduler in the picture: what a thread lane draws as running and as waiting for a core agrees
// with what the kernel itself counted for that thread (/proc/self/task/TID/schedstat, read by this
// test while the run goes on), and the lost updates said to follow a wait for a core are the ones only
// such a wait can explain. (Hand-offs and the critical path: tst_handoffs.)

#include "cpusampler.h"
#include "rangestats.h"
#include "recorder.h"
#include "tracechecks.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <QThread>

#include <atomic>
#include <map>
#include <thread>

#include <sched.h>
#include <unistd.h>

using namespace raceway;
using namespace raceway::testing;

namespace {

// One reading of a thread's schedstat: nanoseconds on a CPU, nanoseconds runnable on a run queue.
struct SchedReading
{
    std::int64_t at = 0; // when it was read (the trace's clock)
    std::int64_t onCpu = 0, waiting = 0;
};

// Reads every thread of this process named `prefix`N every few milliseconds until stopped: per name,
// the readings in time order. The workers' names are Qt's object names, which Qt gives the OS thread.
class SchedstatPoller
{
public:
    explicit SchedstatPoller(QString prefix) : m_prefix(std::move(prefix))
    {
        m_thread = std::thread([this] {
            while (!m_stop.load(std::memory_order_acquire)) {
                poll();
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
    }
    ~SchedstatPoller() { stop(); }
    void stop()
    {
        m_stop.store(true, std::memory_order_release);
        if (m_thread.joinable()) m_thread.join();
    }
    const std::map<QString, std::vector<SchedReading>> &readings() const { return m_readings; }

private:
    void poll()
    {
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
            if (!comm.open(QIODevice::ReadOnly)) continue;
            const QString name = QString::fromLatin1(comm.readAll()).trimmed();
            if (!name.startsWith(m_prefix)) continue;
            QFile stat(tasks.filePath(tid + QStringLiteral("/schedstat")));
            const std::int64_t at = nowNs();
            if (!stat.open(QIODevice::ReadOnly)) continue;
            const QList<QByteArray> f = stat.readAll().simplified().split(' ');
            if (f.size() < 2) continue;
            m_readings[name].push_back({at, f[0].toLongLong(), f[1].toLongLong()});
        }
    }

    QString m_prefix;
    std::atomic<bool> m_stop{false};
    std::map<QString, std::vector<SchedReading>> m_readings; // written by the poller, read after stop()
    std::thread m_thread;
};

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eachThreadAgreesWithItsSchedstat();
    void estimatedWhereTheKernelRefuses();
    void aLaneBeginsOnItsCore();
    void aSwitchJustAfterTheFirstClockReadIsKept();
    void aHolderOffItsCoreIsDrawnSo();
    void lossesFollowCoreWaits();
    void coreLanesShowWhichThreadRan();
};

namespace {

// One counter thread's lane measured against the test's own schedstat readings of that thread, from a
// reading after the lane began to the last one before it ended.
struct AgainstSchedstat
{
    std::size_t lane = SIZE_MAX;
    std::int64_t from = 0, to = 0;     // the two readings' times
    std::int64_t onCpu = 0, ready = 0; // drawn between them
    std::int64_t kernelOnCpu = 0, kernelWaiting = 0;
    std::int64_t span() const { return to - from; }
};

AgainstSchedstat measure(const Trace &t, const SchedstatPoller &poller, int i)
{
    AgainstSchedstat m;
    const QString name = QStringLiteral("counter-%1").arg(i);
    const auto found = poller.readings().find(name);
    if (found == poller.readings().end()) return m;
    const std::vector<SchedReading> &rs = found->second;
    std::size_t lane = 0;
    for (; lane < t.lanes().size() && t.lane(lane).name != QStringLiteral("thread %1").arg(i); ++lane) {
    }
    if (lane == t.lanes().size() || t.lane(lane).times.size() < 2) return m;
    const Lane &l = t.lane(lane);
    const std::int64_t first = l.times[0], last = l.times[l.times.size() - 1];
    const auto from = std::find_if(rs.begin(), rs.end(), [&](const SchedReading &s) { return s.at > first; });
    const auto to = std::find_if(rs.rbegin(), rs.rend(), [&](const SchedReading &s) { return s.at < last; });
    if (from == rs.end() || to == rs.rend() || to->at - from->at <= 200'000'000) return m;
    const auto all = rangeStats(t, from->at, to->at);
    const auto mine =
        std::find_if(all.begin(), all.end(), [&](const LaneRangeStats &s) { return s.lane == lane; });
    if (mine == all.end()) return m;
    m.lane = lane;
    m.from = from->at;
    m.to = to->at;
    m.onCpu = mine->in(State::Running) + mine->in(State::Task);
    m.ready = mine->in(State::Ready);
    m.kernelOnCpu = to->onCpu - from->onCpu;
    m.kernelWaiting = to->waiting - from->waiting;
    qInfo("%s over %.3f s: drawn on a core %.3f s, waiting for one %.3f s; schedstat %.3f s, %.3f s",
          qPrintable(name), double(m.span()) / 1e9, double(m.onCpu) / 1e9, double(m.ready) / 1e9,
          double(m.kernelOnCpu) / 1e9, double(m.kernelWaiting) / 1e9);
    return m;
}

} // namespace

void TestScheduler::eachThreadAgreesWithItsSchedstat()
{
    // Eight threads on fewer cores: each lane's drawn running and waiting-for-a-core time, between two
    // of the test's own readings of that thread's schedstat, is within 10 % of what the kernel counted.
    const int cores = std::max(1, QThread::idealThreadCount());
    if (cores >= 8) QSKIP("as many cores as threads: nobody need wait for one");
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn running");
    SchedstatPoller poller(QStringLiteral("counter-"));
    auto r = runScenario(QStringLiteral("counter"), args({"threads=8", "iterations=2000000"}));
    poller.stop();
    const QString source = metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString();
    if (source != QLatin1String("context switches"))
        QSKIP("the kernel refuses context-switch records here: waits are estimated from CPU time");
    const Trace &t = r->trace();
    std::int64_t drawnReady = 0;
    for (int i = 1; i <= 8; ++i) {
        const AgainstSchedstat m = measure(t, poller, i);
        QVERIFY2(m.lane != SIZE_MAX, qPrintable(QStringLiteral("thread %1 was not measured").arg(i)));
        const std::size_t lane = m.lane;
        const std::int64_t span = m.span();
        // 10 % of the span: the kernel brings a running thread's count up to date at its ticks (a few
        // milliseconds) and a waiting thread's when it next runs (a time slice), at either reading.
        QVERIFY2(std::abs(m.onCpu - m.kernelOnCpu) <= span / 10, "drawn on a core differs from schedstat");
        QVERIFY2(std::abs(m.ready - m.kernelWaiting) <= span / 10,
                 "drawn waiting for a core differs from schedstat");
        // The core lanes, from the same switch records, say the same: this thread's stretches on any core.
        std::int64_t onCores = 0;
        for (std::size_t core : lanesOfKind(t, LaneKind::CoreRuns))
            t.forEachInterval(core, [&](const Interval &iv) {
                if (iv.state == State::Held && iv.obj == lane)
                    onCores += std::max<std::int64_t>(0, std::min(iv.end, m.to) - std::max(iv.start, m.from));
            });
        qInfo("  on the core lanes %.3f s", double(onCores) / 1e9);
        QVERIFY2(std::abs(onCores - m.kernelOnCpu) <= span / 10, "the core lanes differ from schedstat");
        // Over the whole lane, what it draws running is where a core lane draws it (1 %): a thread taken
        // off its core as it read the clock for an event once lost that wait, and was drawn running for
        // the 60-100 ms all eight waited at their start on a busy machine. And one run in three left
        // 1-2 %: a thread taken off its core right after reading the clock for its first event had that
        // switch dropped with the start gate's, and was drawn running for up to 11 ms on a core another
        // thread had (the gate now blocks, and only records before the first event are dropped).
        std::vector<Interval> stretches;
        for (std::size_t core : lanesOfKind(t, LaneKind::CoreRuns))
            t.forEachInterval(core, [&](const Interval &iv) {
                if (iv.state == State::Held && iv.obj == lane) stretches.push_back(iv);
            });
        std::int64_t running = 0, coreless = 0;
        Interval worst{}; // the running stretch with the most time on no core lane, and that time
        std::int64_t worstNs = 0;
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state != State::Running) return;
            std::int64_t covered = 0;
            for (const Interval &o : stretches)
                covered += std::max<std::int64_t>(0, std::min(o.end, iv.end) - std::max(o.start, iv.start));
            running += iv.end - iv.start;
            coreless += iv.end - iv.start - covered;
            if (iv.end - iv.start - covered > worstNs) {
                worst = iv;
                worstNs = iv.end - iv.start - covered;
            }
        });
        // (In a full test run beside another test, twice in two sessions one thread had 2 %: 7.1 ms of
        // 351 ms, and once 3.6 %: 12.9 ms of 362 ms. The bound is 3 %; alone, or beside two busy loops,
        // every thread has had 0 ms. Where it fails it says where: what the lane drew around its worst
        // stretch, and the switch records there, are what to look at.)
        QVERIFY2(
            coreless <= running * 3 / 100,
            qPrintable(QStringLiteral("%1 ms of %2 ms drawn running on no core lane; the most, %3 ms, in "
                                      "the stretch running %4-%5 ms into the run")
                           .arg(double(coreless) / 1e6)
                           .arg(double(running) / 1e6)
                           .arg(double(worstNs) / 1e6)
                           .arg(double(worst.start - t.start()) / 1e6)
                           .arg(double(worst.end - t.start()) / 1e6)));
        drawnReady += m.ready;
    }
    QVERIFY(drawnReady > 0);
}

void TestScheduler::estimatedWhereTheKernelRefuses()
{
    // Without the kernel's switch records (RACEWAY_SWITCH_RECORDS=off, as where perf_event_paranoid
    // refuses them) each thread's waits for a core are estimated from its CPU clock: eight threads on
    // fewer cores are not drawn running at once, and each one's drawn times stay near its schedstat
    // (15 % of the span: an estimate is placed at the end of the gap it was found in).
    const int cores = std::max(1, QThread::idealThreadCount());
    if (cores >= 8) QSKIP("as many cores as threads: nobody need wait for one");
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn running");
    SchedstatPoller poller(QStringLiteral("counter-"));
    qputenv("RACEWAY_SWITCH_RECORDS", "off");
    auto r = runScenario(QStringLiteral("counter"), args({"threads=8", "iterations=2000000"}));
    qunsetenv("RACEWAY_SWITCH_RECORDS");
    poller.stop();
    QCOMPARE(metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString(),
             QStringLiteral("CPU time (estimated)"));
    const Trace &t = r->trace();
    QVERIFY(lanesOfKind(t, LaneKind::CoreRuns).empty());
    std::int64_t drawnOnCpu = 0, from = INT64_MAX, to = INT64_MIN;
    for (int i = 1; i <= 8; ++i) {
        const AgainstSchedstat m = measure(t, poller, i);
        QVERIFY2(m.lane != SIZE_MAX, qPrintable(QStringLiteral("thread %1 was not measured").arg(i)));
        QCOMPARE(t.lane(m.lane).coreWaitSources, std::uint8_t(1));
        QVERIFY2(std::abs(m.onCpu - m.kernelOnCpu) <= m.span() * 15 / 100,
                 "drawn on a core differs from schedstat");
        QVERIFY2(std::abs(m.ready - m.kernelWaiting) <= m.span() * 15 / 100,
                 "drawn waiting for a core differs from schedstat");
        drawnOnCpu += m.onCpu;
        from = std::min(from, m.from);
        to = std::max(to, m.to);
    }
    // Eight threads drawn running on `cores` cores at most (and 5 %), over the time all were measured.
    QVERIFY2(drawnOnCpu <= std::int64_t(cores) * (to - from) * 105 / 100,
             qPrintable(QStringLiteral("%1 ms drawn running in %2 ms on %3 cores")
                            .arg(drawnOnCpu / 1'000'000)
                            .arg((to - from) / 1'000'000)
                            .arg(cores)));
}

namespace {

// Everything a recorder holds, as a finished run keeps it (the core lanes put together).
std::unique_ptr<Trace> compacted(Recorder &rec)
{
    auto t = std::make_unique<Trace>();
    t->setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *e, std::size_t n) { t->ingest(e, n); });
    t->commit();
    t->compact();
    return t;
}

} // namespace

void TestScheduler::aLaneBeginsOnItsCore()
{
    // A thread that waits at a start gate switches hundreds of times before its first event: its ring
    // of switch records overflows there. None of that is the lane's, and none of it is lost to the lane:
    // from its first event it is drawn on the core it was on, even if it never leaves it (here: the one
    // it was moved to as the records were lost), and the run reports no lost records.
    Recorder rec;
    const auto lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    ThreadBuffer *b = rec.createBuffer(lane);
    b->keepWriterPriority();
    b->watchCoreExactly();
    if (QThread::idealThreadCount() < 2) QSKIP("one core: a thread cannot be moved to another");
    const int pinned = QThread::idealThreadCount() - 1;
    const auto pin = [](int core) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(core, &set);
        return sched_setaffinity(0, sizeof set, &set) == 0;
    };
    bool moved = false;
    std::int64_t first = 0, last = 0;
    std::thread worker([&] {
        b->prepareCoreWatch();
        pin(0);
        for (int i = 0; i < 600; ++i) // each sleep gives the core up and takes it back: 1,200 records
            usleep(20);
        moved = pin(pinned); // moved to another core where the records are lost: the lane is drawn there
        b->record(EventKind::ThreadStart);
        first = nowNs();
        // Runs 20 ms, recording as it goes: on an idle core it may never be switched out.
        for (const std::int64_t until = first + 20'000'000; nowNs() < until;)
            b->record(EventKind::Progress, 0, 1);
        b->record(EventKind::ThreadEnd);
        last = nowNs();
    });
    worker.join();
    if (!moved) QSKIP("this thread may not be moved between cores here");
    if (!(rec.coreSources() & Recorder::CoreFromSwitches))
        QSKIP("the kernel refuses context-switch records here");
    QCOMPARE(rec.lostSwitches(), 0u);
    const auto trace = compacted(rec);
    const Trace &t = *trace;
    std::int64_t onCores = 0;
    for (std::size_t core : lanesOfKind(t, LaneKind::CoreRuns))
        if (t.lane(core).name == QStringLiteral("cpu %1 runs").arg(pinned))
            t.forEachInterval(core, [&](const Interval &iv) {
                if (iv.state == State::Held && iv.obj == lane) onCores += iv.end - iv.start;
            });
    const std::int64_t running = t.totalIn(lane, State::Running);
    qInfo("over %.3f ms: drawn running %.3f ms, on the core lanes %.3f ms", double(last - first) / 1e6,
          double(running) / 1e6, double(onCores) / 1e6);
    QVERIFY(running > 0); // on a busy machine it shares its core: 11.6 of 20 ms beside two busy loops
    QVERIFY2(std::abs(onCores - running) <= running / 100, "the lane's running is not on a core lane");
}

void TestScheduler::aSwitchJustAfterTheFirstClockReadIsKept()
{
    // The records before a lane's first event are dropped (they are the start gate's); one written after
    // the clock was read for that event is the lane's. Here the thread reads the clock, sleeps 5 ms, and
    // only then writes its first event, stamped before the sleep: the lane is drawn off its core for
    // those 5 ms (blocked: it gave its core up), not running. It was drawn running when every record
    // up to the first event's writing was dropped, and a thread preempted there was drawn running on a
    // core another thread had.
    Recorder rec;
    const auto lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    ThreadBuffer *b = rec.createBuffer(lane);
    b->keepWriterPriority();
    b->watchCoreExactly();
    std::int64_t first = 0, back = 0;
    std::thread worker([&] {
        b->prepareCoreWatch();
        first = nowNs();
        usleep(5000);
        back = nowNs();
        b->recordWide(first, EventKind::ThreadStart, 0, 0);
        for (const std::int64_t until = back + 2'000'000; nowNs() < until;)
            b->record(EventKind::Progress, 0, 1);
        b->record(EventKind::ThreadEnd);
    });
    worker.join();
    if (!(rec.coreSources() & Recorder::CoreFromSwitches))
        QSKIP("the kernel refuses context-switch records here");
    const auto trace = compacted(rec);
    const Trace &t = *trace;
    const std::int64_t blocked = t.totalIn(lane, State::Blocked);
    qInfo("slept %.3f ms after the first clock read: drawn blocked %.3f ms, running %.3f ms",
          double(back - first) / 1e6, double(blocked) / 1e6, double(t.totalIn(lane, State::Running)) / 1e6);
    QVERIFY2(blocked >= (back - first) * 8 / 10, "the sleep right after the first clock read is not drawn");
}

void TestScheduler::aHolderOffItsCoreIsDrawnSo()
{
    // Eight threads taking one lock on fewer cores: a holder is often taken off its core with the lock
    // held, and every waiter then waits on the scheduler. Its lane says "holding, waiting for a core"
    // there, where no core lane runs it, and the lock's lane still shows it held (its held time is the
    // threads' holding time, on a core or off it).
    if (QThread::idealThreadCount() >= 8) QSKIP("as many cores as threads: nobody need wait for one");
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn");
    auto r = runScenario(QStringLiteral("counter"), args({"threads=8", "iterations=200000", "lock=on"}));
    if (metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString() !=
        QLatin1String("context switches"))
        QSKIP("the kernel refuses context-switch records here");
    const Trace &t = r->trace();
    std::int64_t offCore = 0, onACore = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        std::vector<Interval> stretches;
        for (std::size_t core : lanesOfKind(t, LaneKind::CoreRuns))
            t.forEachInterval(core, [&](const Interval &iv) {
                if (iv.state == State::Held && iv.obj == lane) stretches.push_back(iv);
            });
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state != State::HoldingReady) return;
            offCore += iv.end - iv.start;
            for (const Interval &o : stretches)
                onACore += std::max<std::int64_t>(0, std::min(o.end, iv.end) - std::max(o.start, iv.start));
        });
    }
    std::int64_t held = 0;
    for (std::size_t lock : lanesOfKind(t, LaneKind::Lock))
        held += t.totalIn(lock, State::Held);
    qInfo("held %.1f ms, of which the holder was off its core %.1f ms (%.1f ms of that on a core lane)",
          double(held) / 1e6, double(offCore) / 1e6, double(onACore) / 1e6);
    QVERIFY2(offCore > 0, "no holder was ever taken off its core");
    QVERIFY2(onACore <= offCore / 100, "a holder drawn off its core is on a core lane");
    QCOMPARE(held, totalOverThreads(t, State::Holding) + totalOverThreads(t, State::HoldingReady));
}

void TestScheduler::lossesFollowCoreWaits()
{
    // A thread on its core writes back a few dozen nanoseconds after it read: meanwhile the others add
    // a handful of increments at most. Thousands are lost when a thread loses its core between reading
    // and writing back, and the lane says so: its wait for a core ends at that write. Netted over the
    // run (a stale write erases, a later write from the other lineage gives some back), the writes that
    // followed no wait for a core account for at most a quarter of what was lost (none to a few per cent
    // on an idle machine; on a loaded virtual machine its host can also take a CPU away, which no
    // context-switch record shows).
    const int cores = std::max(1, QThread::idealThreadCount());
    if (cores >= 8) QSKIP("as many cores as threads: nobody need wait for one");
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn running");
    auto r = runScenario(QStringLiteral("counter"), args({"threads=8", "iterations=1000000"}));
    const QString source = metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString();
    if (source != QLatin1String("context switches"))
        QSKIP("the kernel refuses context-switch records here: waits are estimated from CPU time");
    const Trace &t = r->trace();
    std::int64_t afterWait = 0, writesAfterWait = 0, other = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        std::vector<std::int64_t> waitEnds; // from the drawn intervals, not Lane::readyEndingAt
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == State::Ready) waitEnds.push_back(iv.end);
        });
        for (const Marker &m : t.lane(lane).markers) {
            const bool waited = std::binary_search(waitEnds.begin(), waitEnds.end(), m.t);
            (waited ? afterWait : other) += m.value;
            writesAfterWait += waited && m.value > 0;
        }
    }
    const qlonglong lost = metric(*r, "lost_updates");
    qInfo("%lld lost: writes right after a wait for a core erased %lld net, the others %lld", lost,
          qlonglong(afterWait), qlonglong(other));
    QVERIFY(lost > 0);
    QCOMPARE(afterWait + other, lost);
    QCOMPARE(metric(*r, "writes_after_core_wait"), writesAfterWait);
    QVERIFY2(double(other) <= 0.25 * double(lost), "writes without a wait for a core before them lost much");
}

void TestScheduler::coreLanesShowWhichThreadRan()
{
    // One "cpu N runs" lane per core the threads ran on, from the kernel's switch records: a thread is on
    // one core at a time, never on a core while its own lane says it waits for one or is blocked, and no
    // core runs the run's threads for longer than /proc/stat (read by this test around the run) counted
    // it busy.
    if (sanitized) QSKIP("the sanitizer's runtime blocks threads inside what is drawn running");
    const auto before = readCpuTimes();
    QVERIFY(before.has_value());
    auto r = runScenario(QStringLiteral("counter"), args({"threads=4", "iterations=1000000"}));
    const auto after = readCpuTimes();
    QVERIFY(after.has_value());
    const QString source = metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString();
    if (source != QLatin1String("context switches"))
        QSKIP("the kernel refuses context-switch records here: there are no core lanes");
    const Trace &t = r->trace();
    const auto cores = lanesOfKind(t, LaneKind::CoreRuns);
    QVERIFY(!cores.empty());
    QVERIFY(cores.size() <= before->busy.size());
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    std::map<std::size_t, std::vector<Interval>> runsOf; // thread lane -> its stretches on any core
    for (std::size_t core : cores) {
        const QString name = t.lane(core).name; // "cpu N runs"
        const int cpu = name.section(QLatin1Char(' '), 1, 1).toInt();
        QVERIFY(name.startsWith(QStringLiteral("cpu ")) && cpu >= 0 &&
                std::size_t(cpu) < before->busy.size());
        std::int64_t held = 0;
        t.forEachInterval(core, [&](const Interval &iv) {
            if (iv.state != State::Held) return;
            QVERIFY(std::find(threads.begin(), threads.end(), std::size_t(iv.obj)) != threads.end());
            runsOf[iv.obj].push_back(iv);
            held += iv.end - iv.start;
        });
        // /proc/stat counts in 10 ms ticks: two of them, and 5 % for when each tick's owner is decided.
        const double busyNs = double(after->busy[std::size_t(cpu)] - before->busy[std::size_t(cpu)]) * 1e7;
        qInfo("%s: the run's threads %.3f s, /proc/stat busy %.3f s", qPrintable(name), double(held) / 1e9,
              busyNs / 1e9);
        QVERIFY2(double(held) <= busyNs * 1.05 + 2e7, "a core ran the threads longer than it was busy");
    }
    for (std::size_t lane : threads) {
        const std::vector<Interval> &runs = runsOf[lane];
        QVERIFY2(!runs.empty(), qPrintable(t.lane(lane).name + QStringLiteral(" ran on no core")));
        QCOMPARE(mostAtOnce(runs), 1); // on one core at a time
        // Against its own lane: time on a core while drawn waiting for one, or blocked.
        std::int64_t on = 0, clash = 0;
        std::vector<Interval> off = intervalsIn(t, {lane}, State::Ready);
        const auto blocked = intervalsIn(t, {lane}, State::Blocked);
        off.insert(off.end(), blocked.begin(), blocked.end());
        for (const Interval &a : runs) {
            on += a.end - a.start;
            for (const Interval &b : off)
                clash += std::max<std::int64_t>(0, std::min(a.end, b.end) - std::max(a.start, b.start));
        }
        QVERIFY2(clash <= on / 200,
                 qPrintable(t.lane(lane).name + QStringLiteral(" on a core while off it")));
    }
}

QTEST_MAIN(TestScheduler)
#include "tst_scheduler.moc"
