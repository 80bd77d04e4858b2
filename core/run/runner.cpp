#include "runner.h"

#include "clock.h"
#include "eventbudget.h"
#include "runfilewriter.h"
#include "workerpriority.h"

#include <algorithm>

namespace raceway {

Runner::Runner(const Scenario &scenario, ParamValues params, std::uint64_t maxEvents)
    : m_scenario(scenario), m_recorder(maxEvents), m_context(m_recorder, std::move(params))
{
    m_result.scenario = scenario.id();
    m_result.params = m_context.params();
    m_recorder.summarisePastBudget(true);
}

Runner::~Runner()
{
    if (m_controller) {
        m_context.cancel();
        m_controller->wait();
    }
}

void Runner::start()
{
    m_startNs = nowNs();
    m_trace.setStart(m_startNs);
    if (m_scenario.recordsLate()) // nothing is drawn ahead of what the scenario has recorded
        m_recorder.holdWatermark(m_startNs);
    // While it runs, every lane is drawn up to the watermark only, where all of them are known: past it a
    // thread read first would be drawn in its last state (holding the lock, say) beside one read later
    // that took the lock after it (64 threads showed several holders at once at the live edge).
    m_trace.setEndFollowsEvents(false);
    m_self = std::make_unique<SelfSampler>(m_recorder);
    m_self->start();
    m_controller.reset(QThread::create([this] {
        m_scenario.run(m_context);
        m_endNs = m_context.endNs() != 0 ? m_context.endNs() : nowNs();
        m_done.store(true, std::memory_order_release);
    }));
    m_controller->setObjectName(QString::fromLatin1(workerpriority::controllerThreadName));
    m_controller->start();
}

void Runner::cancel()
{
    m_context.cancel();
}

std::uint64_t Runner::defaultMaxEvents()
{
    return eventbudget::defaultBudget();
}

std::uint64_t Runner::eventsWaiting() const
{
    return m_recorder.mappedChunks() * EventChunk::capacity;
}

bool Runner::collect(double budgetMs)
{
    if (m_finished || !m_controller) return m_finished;
    // Read before draining: everything the workers wrote happened before m_done was released.
    const bool done = m_done.load(std::memory_order_acquire);
    // Its last reading is drained with the workers' last events; none after the run's end.
    if (done && m_self) m_self->stop(m_endNs);
    const std::int64_t deadline = nowNs() + std::int64_t(budgetMs * 1e6);
    // Objects first: an object is added after the lane it is drawn on, so every lane the objects name
    // is in the lanes read next (the other way round, a lane and its object added in between would
    // leave an object on a lane the registry does not have, and a saved file the reader refuses).
    const std::vector<ObjectInfo> objects = m_recorder.objects();
    const std::vector<LaneInfo> lanes = m_recorder.lanes();
    m_trace.setRegistry(lanes, objects);
    if (m_recorder.siteCount() != m_trace.sites().size()) { // copied only when there are more
        std::vector<QString> sites = m_recorder.sites();
        if (m_saver) m_saver->sites(sites);
        m_trace.setSites(std::move(sites));
    }
    // A saved run replays exactly these calls in this order (commits included: a counter's series folds
    // at their boundaries), so the file is written from here and nowhere else.
    if (m_saver) m_saver->registry(lanes, objects);
    // Slices small enough that one takes about a millisecond, so the deadline is kept (65,536 events took
    // 4-6 ms with the run saved as it goes: a collect meant to take 8 ms took 13-27).
    constexpr std::size_t slice = 1 << 14;
    std::size_t got = 0;
    // Past the event budget the lanes go on as summaries (saved whole at the end, not event by event).
    const Recorder::Sink pastBudget = [this](const Event *events, std::size_t n) {
        m_trace.ingestPastBudget(events, n);
    };
    do {
        got = m_recorder.drain(
            [this](const Event *events, std::size_t n) {
                m_trace.ingest(events, n);
                if (m_saver) m_saver->events(events, n);
            },
            slice, &pastBudget);
        const std::int64_t watermark = m_recorder.watermark();
        m_trace.commit(watermark);
        if (m_saver) m_saver->commit(watermark);
    } while (got == slice && nowNs() < deadline);
    m_trace.commitPastBudget(m_recorder.pastWatermark());
    if (const std::int64_t s = m_context.startNs(); s != 0) m_trace.setStart(s);
    // The live edge: everything before the watermark has been collected, so every lane is known to be
    // in its last state until then (until now when nothing waits), even if nothing happened for seconds.
    if (!done) m_trace.setEnd(std::min(nowNs(), m_recorder.watermark()));
    m_trace.setBudgetReached(m_recorder.budgetReachedNs()); // drawn live: lanes past it are not the truth
    if (done && !m_recorder.hasUnread()) {
        m_trace.commit();
        if (m_saver) m_saver->commit(INT64_MAX);
        finish();
    }
    return m_finished;
}

void Runner::collectPastBudget()
{
    if (m_finished) return;
    const Recorder::Sink sink = [this](const Event *events, std::size_t n) {
        m_trace.ingestPastBudget(events, n);
    };
    // The objects first (the command line calls this before collect() has read them): a lock's
    // queue past the budget is its lane's.
    m_trace.setRegistry(m_recorder.lanes(), m_recorder.objects());
    m_recorder.drainPastBudget(&sink);
    m_trace.commitPastBudget(m_recorder.pastWatermark());
}

void Runner::addSchedulerMetrics()
{
    // The workload's threads as drawn: time on a core and time waiting for one, and how that was known.
    const unsigned sources = m_recorder.coreSources();
    if (sources == 0) return;
    std::int64_t onCpu = 0, ready = 0;
    const std::int64_t end = m_trace.end();
    // A thread holding a lock or the GIL runs (one taken off its core while holding is not told apart
    // yet); one holding a semaphore's permit may be asleep, and is not counted.
    const auto runsWhileHolding = [this](std::uint16_t obj) {
        const auto &objects = m_trace.objects();
        if (obj == 0 || obj >= objects.size()) return false; // indexed by id, as Trace::objectName
        const int lane = objects[obj].lane;
        if (lane < 0 || std::size_t(lane) >= m_trace.lanes().size()) return false;
        const LaneKind kind = m_trace.lane(std::size_t(lane)).kind;
        return kind == LaneKind::Lock || kind == LaneKind::Gil;
    };
    for (const std::uint16_t index : m_recorder.coreWatchedLanes()) {
        if (index >= m_trace.lanes().size()) continue;
        const Lane &lane = m_trace.lane(index);
        for (std::size_t i = 0; i < lane.times.size(); ++i) {
            const std::int64_t until = i + 1 < lane.times.size() ? lane.times[i + 1] : end;
            const std::int64_t ns = std::max<std::int64_t>(0, until - lane.times[i]);
            if (lane.states[i] == State::Running || lane.states[i] == State::Task ||
                (lane.states[i] == State::Holding && runsWhileHolding(lane.objs[i])))
                onCpu += ns;
            if (lane.states[i] == State::Ready || lane.states[i] == State::HoldingReady) ready += ns;
        }
    }
    QStringList how;
    if (sources & Recorder::CoreFromSwitches) how << QStringLiteral("context switches");
    if (sources & Recorder::CoreFromSamples) how << QStringLiteral("/proc schedstat, sampled every ms");
    if (sources & Recorder::CoreFromCpuClock) how << QStringLiteral("CPU time (estimated)");
    const QString source = how.join(QStringLiteral(" and "));
    m_result.metrics.append({QStringLiteral("on_cpu_ms"),
                             QStringLiteral("Threads on a core (drawn running or holding)"),
                             double(onCpu) / 1e6, QStringLiteral("ms")});
    m_result.metrics.append({QStringLiteral("waiting_for_cpu_ms"),
                             QStringLiteral("Threads waiting for a core"), double(ready) / 1e6,
                             QStringLiteral("ms")});
    m_result.metrics.append(
        {QStringLiteral("scheduler_source"), QStringLiteral("Waits for a core known from"), source, {}});
    if (const std::uint64_t lost = m_recorder.lostSwitches(); lost != 0)
        m_result.metrics.append({QStringLiteral("switch_records_lost"),
                                 QStringLiteral("Context switches the kernel could not record"),
                                 qulonglong(lost),
                                 {}});
}

void Runner::addCoreWaitMetrics()
{
    // Where threads were drawn waiting for a core: what the writes made right after their thread got
    // its core back erased (others' increments went on meanwhile, and the stale value it wrote back
    // erased them), and what the other writes erased, both net of restorings, as the trace counted them
    // when it took the writes in (the counter's callout says the same). The two add up to the lost
    // updates.
    const bool watched = std::any_of(m_trace.lanes().begin(), m_trace.lanes().end(), [](const Lane &lane) {
        return lane.statesSeen & (1u << unsigned(State::Ready));
    });
    const bool lossy = std::any_of(m_trace.lanes().begin(), m_trace.lanes().end(),
                                   [](const Lane &lane) { return !lane.markers.empty(); });
    if (!watched || !lossy) return;
    // Past the event budget the writes are not recorded: the split is of those before it.
    const QString until =
        m_recorder.budgetReachedNs() != 0 ? QStringLiteral(" (writes before the budget ran out)") : QString();
    m_result.metrics.append({QStringLiteral("erased_after_core_wait"),
                             QStringLiteral("Erased by writes right after a core wait") + until,
                             qlonglong(m_trace.erasedAfterCoreWait()), QString()});
    m_result.metrics.append({QStringLiteral("erased_by_other_writes"),
                             QStringLiteral("Erased by the other writes (net)") + until,
                             qlonglong(m_trace.erasedOtherwise()), QString()});
    m_result.metrics.append({QStringLiteral("writes_after_core_wait"),
                             QStringLiteral("Writes right after a wait for a core"),
                             qlonglong(m_trace.writesAfterCoreWait()),
                             {}});
}

void Runner::addObserverMetrics()
{
    // What Raceway's own threads took from the cores while the run went on, beside what the workload's
    // threads in this process used (a child process's work is not in it).
    m_self->stop();
    m_result.metrics.append({QStringLiteral("raceway_cpu_ms"), QStringLiteral("Raceway's own threads (CPU)"),
                             double(m_self->ownCpuNs()) / 1e6, QStringLiteral("ms")});
    // Beside a workload that mostly sleeps (a semaphore's holders used 0.4 ms of CPU), a share reads
    // "3,099 %": true, and says nothing. Given where the workload computed for 10 ms or more.
    if (m_self->workloadCpuNs() >= 10'000'000)
        m_result.metrics.append(
            {QStringLiteral("raceway_cpu_share"), QStringLiteral("… of the workload threads' CPU"),
             double(m_self->ownCpuNs()) / double(m_self->workloadCpuNs()), QStringLiteral("share")});
}

void Runner::finish()
{
    m_controller->wait();
    m_trace.setEndFollowsEvents(true);
    m_trace.setEnd(m_endNs);
    m_trace.setBudgetReached(m_recorder.budgetReachedNs());
    // Events past the budget not kept up to the end (the collector was too far behind): said as such.
    m_recorder.sayOpenGaps(
        [this](const Event *events, std::size_t n) { m_trace.ingestPastBudget(events, n); }, m_endNs);
    m_trace.compact();
    m_result.metrics = m_context.metrics();
    addSchedulerMetrics();
    addObserverMetrics();
    addCoreWaitMetrics();
    const std::int64_t start = m_context.startNs() != 0 ? m_context.startNs() : m_startNs;
    m_result.wallMs = double(m_endNs - start) / 1e6;
    m_result.events = m_trace.eventCount();
    m_result.droppedEvents = m_recorder.droppedEvents();
    // Past the budget the lanes are summaries; where the collector fell behind, some events are missing
    // from them (said, never hidden).
    if (const std::uint64_t gaps = m_recorder.summaryGaps(); gaps != 0)
        m_result.metrics.append({QStringLiteral("events_not_summarised"),
                                 QStringLiteral("events past the budget left out of the summaries"),
                                 qulonglong(gaps), QString()});
    m_result.budgetReachedNs = m_recorder.budgetReachedNs();
    m_result.cancelled = m_context.cancelled();
    m_result.error = m_context.error();
    m_result.problems = m_context.problems();
    // A run in step mode is the schedule its steps made: run again, saved or compared, it is that.
    if (m_context.steps().live()) {
        m_result.params.setIntegers(QStringLiteral("schedule"), m_context.steps().state().taken);
    }
    m_finished = true;
}

void Runner::wait()
{
    while (!collect(50)) {
        if (!m_recorder.hasUnread()) QThread::msleep(5);
    }
}

} // namespace raceway
