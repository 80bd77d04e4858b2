#include "trace.h"

#include "pendingmerge.h"

#include <algorithm>

// The collector's side of the trace: raw events folded into lanes as they arrive (ingest), and what is
// complete up to a moment made final and sorted (commit). Reading the trace is in trace.cpp.

namespace raceway {

using pendingmerge::takeBefore;

namespace {
// Among changes at one instant, a release comes before the next acquisition (Trace::releaseFirst).
const auto releaseTie = [](const auto &x) { return x.state != State::Free; };
const auto noTie = [](const auto &) { return false; };
} // namespace

void Trace::ingest(const Event *events, std::size_t count)
{
    m_events += count;
    for (std::size_t i = 0; i < count; ++i) {
        const Event &e = events[i];
        const std::size_t lane = e.lane;
        m_latestEvent = std::max(m_latestEvent, e.t);
        Source &src = source(e.lane);
        std::int64_t wide = e.arg;
        if (src.hasArgHigh) {
            wide = static_cast<std::int64_t>((std::uint64_t(src.argHigh) << 32) | e.arg);
            src.hasArgHigh = false;
        }
        switch (e.kind) {
        case EventKind::ThreadStart:
            push(lane, e.t, State::Running, lastCpu(e.lane));
            break;
        case EventKind::ThreadEnd:
            push(lane, e.t, State::Done, 0);
            break;
        case EventKind::Cancelled:
            push(lane, e.t, State::Cancelled, 0);
            break;
        case EventKind::SleepBegin:
            push(lane, e.t, State::Sleeping, 0);
            break;
        case EventKind::SleepEnd: {
            // Back to whatever the lane was doing before it slept (running, or holding a lock).
            const Lane &l = ensureLane(lane);
            const std::size_t n = l.states.size();
            if (n >= 2 && l.states[n - 1] == State::Sleeping)
                push(lane, e.t, l.states[n - 2], l.objs[n - 2]);
            else
                push(lane, e.t, State::Running, 0);
            break;
        }
        case EventKind::LockRequested:
            push(lane, e.t, isGil(e.obj) ? State::WaitingGil : State::Waiting, e.obj);
            if (int l = objectLane(e.obj); l >= 0) pendingPoints(std::size_t(l)).push_back({e.t, 1, 0});
            break;
        case EventKind::LockAcquired: {
            // Only a contended acquisition records a request first; the waiter count drops only then.
            const Lane &self = ensureLane(lane);
            const bool waited = !self.states.empty() && (self.states.back() == State::Waiting ||
                                                         self.states.back() == State::WaitingGil);
            // Holding the GIL is what running Python code means.
            if (isGil(e.obj))
                push(lane, e.t, State::Running, lastCpu(e.lane));
            else
                push(lane, e.t, State::Holding, e.obj);
            if (int l = objectLane(e.obj); l >= 0) {
                // A semaphore has many holders at once: its lane counts them instead of naming one.
                if (objectLaneKind(e.obj) == LaneKind::Semaphore)
                    pendingPoints(std::size_t(l)).push_back({e.t, waited ? -1 : 0, 1});
                else {
                    pendingTransitions(std::size_t(l)).push_back({e.t, State::Held, e.lane});
                    if (waited) pendingPoints(std::size_t(l)).push_back({e.t, -1, 0});
                }
            }
            break;
        }
        case EventKind::LockReleased:
            // Without the GIL a Python-like thread runs no code: it is about to wait, sleep or end.
            push(lane, e.t, isGil(e.obj) ? State::Idle : State::Running, lastCpu(e.lane));
            if (int l = objectLane(e.obj); l >= 0) {
                if (objectLaneKind(e.obj) == LaneKind::Semaphore)
                    pendingPoints(std::size_t(l)).push_back({e.t, 0, -1});
                else
                    pendingTransitions(std::size_t(l)).push_back({e.t, State::Free, e.lane});
            }
            break;
        case EventKind::WaitBegin:
            push(lane, e.t, State::Waiting, e.obj);
            if (int l = objectLane(e.obj); l >= 0) pendingPoints(std::size_t(l)).push_back({e.t, 1, 0});
            break;
        case EventKind::WaitEnd: {
            // Only a wait that was drawn is taken off its object's count (a hostile stream may end
            // waits that never began).
            const Lane &self = ensureLane(lane);
            const bool waited = !self.states.empty() && self.states.back() == State::Waiting;
            push(lane, e.t, State::Running, lastCpu(e.lane));
            if (int l = objectLane(e.obj); l >= 0 && waited)
                pendingPoints(std::size_t(l)).push_back({e.t, -1, 0});
            break;
        }
        case EventKind::GilWait:
            push(lane, e.t, State::WaitingGil, e.obj);
            break;
        case EventKind::Holder:
            if (int l = objectLane(e.obj); l >= 0)
                pendingTransitions(std::size_t(l))
                    .push_back({e.t, e.arg != 0 ? State::Held : State::Free, e.lane});
            break;
        case EventKind::Signal:
            if (int l = objectLane(e.obj); l >= 0)
                pendingTransitions(std::size_t(l))
                    .push_back({e.t, e.arg != 0 ? State::Set : State::Free, e.lane});
            break;
        case EventKind::Mark: {
            Lane &l = ensureLane(lane);
            Instant in{e.t, 0, 0};
            in.value =
                std::clamp<std::int64_t>(wide, -(std::int64_t(1) << 47) + 1, (std::int64_t(1) << 47) - 1);
            in.kind = e.obj;
            l.instants.push_back(in);
            l.marksSeen |= 1u << (e.obj % 32);
            break;
        }
        case EventKind::LostUpdate: {
            // A worker's stream is not trusted: amounts beyond what a marker holds are clamped.
            constexpr std::int64_t most = (std::int64_t(1) << 47) - 1;
            const std::int64_t amount = std::clamp(wide, -most, most);
            Marker m{e.t, 0, 0};
            m.value = amount;
            m.other = e.obj == 0 ? -1 : int(e.obj) - 1;
            Lane &writer = ensureLane(lane);
            writer.markers.push_back(m);
            // Right after a wait for a core: the lane's last transition is its return from one, now.
            const std::size_t n = writer.times.size();
            const bool afterWait =
                n >= 2 && writer.times[n - 1] == e.t && writer.states[n - 2] == State::Ready;
            (afterWait ? m_erasedAfterCoreWait : m_erasedOtherwise) += amount;
            m_writesAfterCoreWait += afterWait && amount > 0;
            m_lanes[lane].restoringWrites |= amount < 0;
            if (src.counter >= 0) pendingPoints(std::size_t(src.counter)).push_back({e.t, 0, -amount});
            break;
        }
        case EventKind::Progress: {
            // Unsigned arithmetic: a hostile stream's arguments cannot overflow anything.
            const auto delta = std::int64_t(std::uint64_t(wide) - std::uint64_t(src.progress));
            src.progress = wide;
            m_progressTotal = std::int64_t(std::uint64_t(m_progressTotal) + std::uint64_t(delta));
            const int l = objectLane(e.obj);
            if (l < 0) break;
            src.counter = l;
            if (delta != 0) pendingPoints(std::size_t(l)).push_back({e.t, delta, delta});
            break;
        }
        case EventKind::ArgHigh:
            src.argHigh = e.arg;
            src.hasArgHigh = true;
            break;
        case EventKind::TaskBegin:
            push(lane, e.t, State::Task, std::uint16_t(e.arg));
            if (int l = objectLane(e.obj); l >= 0) pendingPoints(std::size_t(l)).push_back({e.t, -1, 0});
            break;
        case EventKind::TaskEnd:
            push(lane, e.t, State::Idle, 0);
            break;
        case EventKind::IoBegin:
            if (e.arg == ioBlockedUntraced)
                push(lane, e.t, State::Blocked, 0);
            else if (e.arg == ioLoopBusy)
                push(lane, e.t, State::LoopBusy, 0);
            else
                push(lane, e.t, State::WaitingIo, std::uint16_t(e.arg));
            break;
        case EventKind::OffCore: {
            const Lane &l = ensureLane(lane);
            const std::size_t n = l.states.size();
            // Which core ran it, when (past the budget not kept: nothing per switch is, and the cores' lanes
            // end where the threads' events do).
            if (const CoreHop hop = coreHopOf(wide); hop.back >= 0 && !m_pastBudget) {
                const std::int64_t out = e.t - std::int64_t(e.arg);
                // The first stretch of a lane begins where the lane does (the thread ran from its start).
                const std::int64_t since = src.onCore >= 0 ? src.onCoreSince : n != 0 ? l.times[0] : out;
                if (hop.left >= 0 && (src.onCore < 0 || src.onCore == hop.left) && out > since)
                    m_coreRuns[hop.left].push_back({since, out, lane});
                src.onCore = hop.back;
                src.onCoreSince = e.t;
            }
            if (e.obj == 4) break; // only the cores say it
            const State was = n == 0 ? State::Idle : l.states[n - 1];
            const std::uint16_t obj = n == 0 ? 0 : l.objs[n - 1];
            const std::int64_t from = n == 0 ? e.t : std::max(e.t - std::int64_t(e.arg), l.times[n - 1]);
            // A holder taken off its core while it had work: it still holds the lock (its lane says so, and
            // the lock's), and every thread waiting for that lock now waits on the scheduler.
            if (was == State::Holding && (e.obj == 1 || e.obj == 2) && from < e.t) {
                push(lane, from, State::HoldingReady, obj);
                push(lane, e.t, State::Holding, obj);
                m_lanes[lane].coreWaitSources |= e.obj == 1 ? 2 : 4;
                break;
            }
            // Only where the lane was running: a blocked or sleeping thread is off its core by itself.
            if (n == 0 || (was != State::Running && was != State::Task)) break;
            if (from >= e.t) break;
            if (e.obj == 3) { // off its core, not waiting for one: blocked on something untraced
                // (a task's lane says "running a task" for the whole task: how it waits is the task's)
                if (was == State::Task) break;
                push(lane, from, State::Blocked, 0);
                push(lane, e.t, was, obj);
                break;
            }
            push(lane, from, State::Ready, 0);
            push(lane, e.t, was, obj);
            m_lanes[lane].coreWaitSources |= e.obj == 1 ? 2 : e.obj == 2 ? 4 : 1;
            break;
        }
        case EventKind::IoEnd:
            push(lane, e.t, State::Running, lastCpu(e.lane));
            break;
        case EventKind::IdleBegin:
            push(lane, e.t, State::Idle, 0);
            break;
        case EventKind::TaskQueued:
            pendingPoints(lane).push_back({e.t, 1, 0});
            break;
        case EventKind::OnCpu: {
            // A running lane changes colour with its core; other states keep theirs.
            const Lane &l = ensureLane(lane);
            if (!l.states.empty() && l.states.back() == State::Running)
                push(lane, e.t, State::Running, std::uint16_t(e.arg));
            src.lastCpu = std::uint16_t(e.arg);
            break;
        }
        case EventKind::CoreSample: {
            // Series hold deltas: turn the absolute sample into one.
            pendingPoints(lane).push_back({e.t, std::int64_t(e.arg) - src.lastSample, 0});
            src.lastSample = e.arg;
            break;
        }
        case EventKind::CounterExpected:
            src.readingExpected = wide;
            break;
        case EventKind::CounterActual: {
            // Readings of the real counter from its one sampler, in order: series hold deltas.
            if (const int l = objectLane(e.obj); l >= 0) {
                const auto da =
                    std::int64_t(std::uint64_t(src.readingExpected) - std::uint64_t(src.lastExpected));
                const auto db = std::int64_t(std::uint64_t(wide) - std::uint64_t(src.lastActual));
                pendingPoints(std::size_t(l)).push_back({e.t, da, db});
            }
            src.lastExpected = src.readingExpected;
            src.lastActual = wide;
            break;
        }
        case EventKind::ProcessExit: {
            static constexpr State ends[] = {State::Done, State::Crashed, State::Killed, State::TimedOut,
                                             State::Crashed};
            // A kill's signal, where one is known, stays with it: "killed (SIGTERM)".
            push(lane, e.t, e.arg < 5 ? ends[e.arg] : State::Crashed,
                 e.arg == std::uint32_t(ExitKind::Killed) ? e.obj : 0);
            break;
        }
        case EventKind::Site:
            if (e.obj == std::uint8_t(SiteOf::Wait) || e.obj == std::uint8_t(SiteOf::Release) ||
                e.obj == std::uint8_t(SiteOf::Step))
                ensureLane(lane).sites.push_back({e.t, e.arg, SiteOf(e.obj)});
            break;
        case EventKind::SummaryGap: {
            // Past the budget: this lane's events of that long were not kept. Not known, and drawn so;
            // then it runs (its thread wrote this).
            if (!m_pastBudget || lane >= m_summarising.size()) break;
            const Lane &l = ensureLane(lane);
            const std::int64_t d = std::clamp<std::int64_t>(wide, 0, INT64_MAX / 4);
            const std::int64_t from = l.times.empty() ? e.t - d : std::max(e.t - d, l.times.back());
            if (from >= e.t) break;
            push(lane, from, State::Idle, 0);
            m_summarising[lane].gaps.push_back({from, e.t});
            push(lane, e.t, State::Running, lastCpu(e.lane));
            break;
        }
        case EventKind::CallBegin: {
            Lane &l = ensureLane(lane);
            if (l.kind != LaneKind::Slices)
                break; // calls belong to a calls lane (a damaged file's elsewhere)
            if (l.slices.empty() &&
                std::find(m_callLanes.begin(), m_callLanes.end(), lane) == m_callLanes.end())
                m_callLanes.push_back(lane);
            const auto [name, category] = sliceForSite(e.arg);
            l.slices.begin(e.t, name, category);
            break;
        }
        case EventKind::CallEnd:
            if (Lane &l = ensureLane(lane); l.kind == LaneKind::Slices) l.slices.end(e.t);
            break;
        case EventKind::Hello:
        case EventKind::Bye:
        case EventKind::Text:
            break;
        }
    }
    if (m_endFollowsEvents) m_end = std::max(m_end, m_latestEvent);
    if (!m_callLanes.empty()) extendOpenCalls();
}

void Trace::extendOpenCalls()
{
    for (std::size_t lane : m_callLanes)
        if (lane < m_lanes.size()) m_lanes[lane].slices.extendOpen(m_end);
}

std::uint32_t Trace::addSliceName(const QString &name)
{
    // One id per name, as an imported trace has them: two functions of one name are one row of the
    // table by name wherever the run goes (their places differ: the category).
    if (m_sliceNameIds.empty())
        for (std::size_t i = 1; i < m_sliceNames.size(); ++i)
            m_sliceNameIds.insert(m_sliceNames[i], std::uint32_t(i));
    if (const auto it = m_sliceNameIds.constFind(name); it != m_sliceNameIds.cend()) return it.value();
    m_sliceNameIds.insert(name, std::uint32_t(m_sliceNames.size()));
    m_sliceNames.push_back(name);
    m_sliceHues.push_back(std::uint16_t(sliceHue(name)));
    return std::uint32_t(m_sliceNames.size() - 1);
}

std::pair<std::uint32_t, std::uint16_t> Trace::sliceForSite(std::uint32_t site)
{
    // Places are named before the events that name them; the tracer names a bounded number of them.
    if (site >= m_sites.size()) {
        if (m_unnamedSlice == 0) m_unnamedSlice = addSliceName(QStringLiteral("(unnamed)"));
        return {m_unnamedSlice, 0};
    }
    const std::size_t slot = site;
    if (slot >= m_siteSlices.size()) m_siteSlices.resize(slot + 1, {0, 0});
    auto &found = m_siteSlices[slot];
    if (found.first != 0) return found;
    // "bank.py:28 in Account.transfer": the function, and where it is; a C function is only its name.
    const QString &place = m_sites[slot];
    const qsizetype in = place.indexOf(QStringLiteral(" in "));
    if (in < 0) {
        found = {addSliceName(place), 0};
        return found;
    }
    const std::uint32_t where = addSliceName(place.left(in));
    found = {addSliceName(place.mid(in + 4)), where <= 0xFFFF ? std::uint16_t(where) : std::uint16_t(0)};
    return found;
}

void Trace::commit(std::int64_t upTo)
{
    // Lanes fed by several threads receive each thread's events in order, but the threads are drained
    // one after another: merge each lane's batch into the tail that it overlaps.
    for (std::size_t laneIndex = 0; laneIndex < m_pendingTransitions.size(); ++laneIndex) {
        auto &list = m_pendingTransitions[laneIndex];
        if (list.items.empty()) continue;
        // (A lambda, not the function itself: the merge inlines it.)
        auto &pending = m_takenTransitions;
        takeBefore(
            list, upTo, [](const auto &x, const auto &y) { return releaseFirst(x, y); }, releaseTie, pending);
        if (pending.empty()) continue;
        Lane &lane = ensureLane(laneIndex);
        // Once the lane goes on as a summary, what other threads still recorded there goes into it too
        // (the command line reads the recorded events at the end, after those past the budget). The lane
        // keeps them as well, as it keeps every recorded event: a saved run, replayed before its
        // summaries are put back, makes the same lane.
        if (lane.pastBudget.started()) {
            const auto split = std::lower_bound(pending.begin(), pending.end(), lane.pastBudget.start(),
                                                [](const auto &x, std::int64_t t) { return x.t < t; });
            auto &past = pendingFor(m_pastTransitions, laneIndex).items;
            past.insert(past.end(), split, pending.end());
        }
        const auto from =
            std::upper_bound(lane.times.begin(), lane.times.end(), pending.front().t) - lane.times.begin();
        auto &merged = m_mergedTransitions;
        merged.clear();
        merged.reserve(lane.times.size() - std::size_t(from) + pending.size());
        for (std::size_t i = std::size_t(from); i < lane.times.size(); ++i)
            merged.push_back({lane.times[i], lane.states[i], lane.objs[i]});
        const auto mid = merged.size();
        merged.insert(merged.end(), pending.begin(), pending.end());
        std::inplace_merge(merged.begin(), merged.begin() + std::ptrdiff_t(mid), merged.end(),
                           [](const auto &x, const auto &y) { return x.t < y.t; });
        truncate(lane, std::size_t(from));
        for (const auto &p : merged)
            push(laneIndex, p.t, p.state, p.obj);
    }
    for (std::size_t laneIndex = 0; laneIndex < m_pendingPoints.size(); ++laneIndex) {
        auto &list = m_pendingPoints[laneIndex];
        if (list.items.empty()) continue;
        auto &pending = m_takenPoints;
        takeBefore(
            list, upTo, [](const auto &x, const auto &y) { return x.t < y.t; }, noTie, pending);
        if (pending.empty()) continue;
        Lane &lane = ensureLane(laneIndex);
        // Once the lane goes on as a summary, what other threads still recorded there goes into it.
        if (lane.pastSeries.started()) {
            const auto split = std::lower_bound(pending.begin(), pending.end(), lane.pastSeries.start(),
                                                [](const auto &x, std::int64_t t) { return x.t < t; });
            for (auto it = split; it != pending.end(); ++it)
                pendingFor(m_pastPoints, laneIndex).items.push_back(*it);
            pending.erase(split, pending.end());
            // Read late (the command line reads recorded events at the end): they change what the lane
            // held from where the summary begins as well.
            std::int64_t da = 0, db = 0;
            for (const PendingPoint &p : pending) {
                da = std::int64_t(std::uint64_t(da) + std::uint64_t(p.da));
                db = std::int64_t(std::uint64_t(db) + std::uint64_t(p.db));
            }
            lane.pastSeries.shift(da, db);
            if (pending.empty()) continue;
        }
        auto &s = lane.series;
        const auto from =
            std::size_t(std::upper_bound(s.begin(), s.end(), pending.front().t,
                                         [](std::int64_t t, const SeriesPoint &p) { return t < p.t; }) -
                        s.begin());
        // The stored tail that the batch overlaps goes back to deltas and is merged with it.
        std::int64_t a = from == 0 ? 0 : s[from - 1].a;
        std::int64_t b = from == 0 ? 0 : s[from - 1].b;
        auto &tail = m_mergedPoints;
        tail.clear();
        tail.reserve(s.size() - from + pending.size());
        for (std::size_t i = from; i < s.size(); ++i)
            tail.push_back({s[i].t, s[i].a - (i == 0 ? 0 : s[i - 1].a), s[i].b - (i == 0 ? 0 : s[i - 1].b)});
        s.resize(from);
        const auto mid = tail.size();
        tail.insert(tail.end(), pending.begin(), pending.end());
        std::inplace_merge(tail.begin(), tail.begin() + std::ptrdiff_t(mid), tail.end(),
                           [](const auto &x, const auto &y) { return x.t < y.t; });
        // A counter's totals change with every lost update: changes within a microsecond of the last
        // point merged now are folded into it (it takes the values after the last of them). Lock
        // waiters, queues and core samples keep every change: their waits last nanoseconds.
        const bool fold = lane.kind == LaneKind::Counter || lane.kind == LaneKind::Value;
        for (const auto &p : tail) {
            a = std::int64_t(std::uint64_t(a) + std::uint64_t(p.da));
            b = std::int64_t(std::uint64_t(b) + std::uint64_t(p.db));
            if (fold && s.size() > from &&
                std::uint64_t(p.t) - std::uint64_t(s.back().t) < seriesResolutionNs)
                s.back() = {p.t, a, b};
            else
                s.push_back({p.t, a, b});
            lane.seriesLow = std::min({lane.seriesLow, a, b});
            lane.seriesHigh = std::max({lane.seriesHigh, a, b});
        }
    }
}

} // namespace raceway
