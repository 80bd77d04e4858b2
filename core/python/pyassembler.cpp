#include "pyassembler.h"

#include "pendingmerge.h"

#include <algorithm>
#include <utility>

namespace raceway::py {
namespace {

// Of the event budget, set aside for each watched number's readings past it: about 4,000 readings.
constexpr std::uint64_t watchSetAside = 16384;
// A reading is two events, each with the high half of its value when that is needed.
constexpr std::uint64_t watchEventsPerReading = 4;

// How a process that said how it ended did: a negative code is the signal that killed it (a
// multiprocessing child ended by SIGTERM says so before it dies of it).
ExitKind exitKindOf(int code)
{
    return code == 0 ? ExitKind::Normal : code < 0 ? ExitKind::Killed : ExitKind::Crashed;
}

} // namespace

Assembler::Assembler(Recorder &recorder, StreamParser &stream, ProcSampler &sampler, std::int64_t mainPid,
                     QString mainName, std::int64_t startNs)
    : m_recorder(recorder), m_stream(stream), m_sampler(sampler), m_mainPid(mainPid),
      m_mainName(std::move(mainName)), m_startNs(startNs), m_edge(startNs)
{
}

void Assembler::discover(std::int64_t now, bool all)
{
    auto &processes = m_stream.processes();
    for (std::int64_t pid : m_stream.order()) {
        PyProcess &p = processes.at(pid);
        auto found = m_processes.find(pid);
        if (found == m_processes.end()) {
            // A child's lanes wait for its name (multiprocessing says it just after hello) for a moment.
            if (!all && pid != m_mainPid && p.name.isEmpty() && now - p.helloNs < 200'000'000) continue;
            ProcessState &ps = m_processes[pid];
            ps.pid = pid;
            const QString name = pid == m_mainPid   ? m_mainName
                                 : p.name.isEmpty() ? QStringLiteral("python")
                                                    : p.name;
            ps.prefix = pid == m_mainPid ? QString() : name + QStringLiteral(": ");
            ps.lane = m_recorder.addLane(name + QStringLiteral(" (pid %1)").arg(pid), LaneKind::Process);
            ps.buffer = m_recorder.createBuffer(ps.lane);
            ps.buffer->markObserver();
            // A free-threaded interpreter with its GIL off has none to infer: no GIL lane, and no
            // thread is drawn waiting for one.
            if (p.gilEnabled()) {
                const std::uint16_t gilLane =
                    m_recorder.addLane(ps.prefix + QStringLiteral("GIL (inferred)"), LaneKind::Gil);
                ps.gil = m_recorder.addObject(ps.prefix + QStringLiteral("GIL (inferred)"), gilLane);
            }
            ps.doneTo = p.helloNs;
            found = m_processes.find(pid);
        }
        ProcessState &ps = found->second;
        if (ps.closed) continue;
        for (const auto &[number, w] : p.watches) {
            if (ps.watches.count(number) || w.name.isEmpty()) continue;
            WatchLane &wl = ps.watches[number];
            const QString name = ps.prefix + w.name;
            wl.lane = m_recorder.addLane(name, w.hasExpected ? LaneKind::Counter : LaneKind::Value);
            wl.obj = m_recorder.addObject(name, wl.lane);
            wl.buffer = m_recorder.createBuffer(wl.lane);
            wl.buffer->markObserver();
            m_recorder.setAside(wl.buffer, watchSetAside);
            wl.seen.name = name;
            wl.seen.hasExpected = w.hasExpected;
        }
        for (const auto &[local, t] : p.threads) {
            if (ps.threads.count(local)) continue;
            QString laneName = ps.prefix + t.name;
            for (int n = 2; m_threadNames.count(laneName); ++n)
                laneName = ps.prefix + t.name + QStringLiteral(" (%1)").arg(n);
            m_threadNames.insert(laneName);
            ThreadState &ts = m_threads.emplace_back();
            ts.pid = pid;
            ts.local = local;
            ts.tid = t.tid;
            ts.lane = m_recorder.addLane(laneName, LaneKind::Thread);
            ts.buffer = m_recorder.createBuffer(ts.lane);
            ts.buffer->markObserver();
            if (ts.tid != 0) ts.buffer->markCoreWatched(); // from switch records, or sampled
            // Its calls right under it (an asyncio task's are its loop thread's).
            if (p.tracesCalls() && ts.tid != 0) {
                ts.calls = m_recorder.createBuffer(
                    m_recorder.addLane(laneName + QStringLiteral(" calls"), LaneKind::Slices));
                ts.calls->markObserver();
            }
            ps.threads[local] = m_threads.size() - 1;
        }
    }
}

void Assembler::drawUpTo(ProcessState &ps, std::int64_t limit)
{
    PyProcess &p = m_stream.processes().at(ps.pid);
    // A free-threaded build whose GIL came on during the run: its GIL lane starts there, named after why.
    if (ps.gil == 0 && p.gilOnNs != 0) {
        // (The GIL lane's callout reads the module back from the name.)
        const QString name =
            ps.prefix + (p.gilOnBy.isEmpty() ? QStringLiteral("GIL (inferred, turned on)")
                                             : QStringLiteral("GIL (inferred, from %1)").arg(p.gilOnBy));
        ps.gil = m_recorder.addObject(name, m_recorder.addLane(name, LaneKind::Gil));
        ps.gilFrom = p.gilOnNs;
    }
    // The process runs where its main thread runs (from the start: where it is first seen running).
    Samples &own = m_samples[ps.pid];
    if (!ps.started) {
        for (std::size_t s = own.processPos; s < own.s.size() && own.s[s].t < limit; ++s)
            if (own.s[s].state == 'R') {
                ps.lastCpu = own.s[s].cpu;
                ps.buffer->recordAt(p.helloNs, EventKind::OnCpu, 0, std::uint32_t(ps.lastCpu));
                break;
            }
        ps.buffer->recordAt(p.helloNs, EventKind::ThreadStart, 0, 0);
        ps.started = true;
    }
    // Round by round, it runs while one of its threads is on a core or ready for one (sampled R), on
    // that thread's core; while none is (all asleep or blocked: a sleep, a join, a deadlock) the lane
    // is idle, not "running" throughout.
    for (; own.processPos < own.s.size() && own.s[own.processPos].t < limit; ++own.processPos) {
        const ThreadSample &x = own.s[own.processPos];
        if (x.t < p.helloNs || x.t >= ps.end) continue;
        int cpu = x.state == 'R' ? int(x.cpu) : -1;
        for (auto it = ps.threads.begin(); cpu < 0 && it != ps.threads.end(); ++it) {
            const std::int64_t tid = m_threads[it->second].tid;
            const auto q = tid != 0 && tid != ps.pid ? m_samples.find(tid) : m_samples.end();
            if (q == m_samples.end()) continue;
            const std::vector<ThreadSample> &v = q->second.s;
            const auto at = std::lower_bound(v.begin(), v.end(), x.t,
                                             [](const ThreadSample &a, std::int64_t t) { return a.t < t; });
            if (at != v.end() && at->t == x.t && at->state == 'R') cpu = int(at->cpu);
        }
        if (cpu < 0) {
            if (!ps.idle) ps.buffer->recordAt(x.t, EventKind::IdleBegin, 0, 0);
            ps.idle = true;
            continue;
        }
        if (cpu != ps.lastCpu || ps.idle) ps.buffer->recordAt(x.t, EventKind::OnCpu, 0, std::uint32_t(cpu));
        if (ps.idle) ps.buffer->recordAt(x.t, EventKind::IoEnd, 0, 0); // running again, on that core
        ps.lastCpu = cpu;
        ps.idle = false;
    }

    for (const auto &[local, index] : ps.threads)
        drawThread(ps, index, p.threads.at(local), limit);

    // The interpreter's GIL, inferred round by round: every round before the limit is complete.
    if (ps.gil == 0) ps.rounds.clear();                                    // it has none
    ps.rounds.erase(ps.rounds.begin(), ps.rounds.lower_bound(ps.gilFrom)); // nor before it came on
    for (const auto &[t, candidates] : ps.rounds) {
        if (ps.firstRound == 0) ps.firstRound = t;
        if (ps.holder >= 0 && ps.previousRound != 0) ps.gilHeldNs += t - ps.previousRound;
        ps.previousRound = t;
        std::ptrdiff_t next = -1;
        if (candidates.size() == 1)
            next = std::ptrdiff_t(candidates.front());
        else if (!candidates.empty())
            next = std::find(candidates.begin(), candidates.end(), std::size_t(ps.holder)) != candidates.end()
                       ? ps.holder
                       : std::ptrdiff_t(candidates.front());
        if (next == ps.holder) continue;
        if (ps.holder >= 0) {
            ThreadState &from = m_threads[std::size_t(ps.holder)];
            push(from, {t, 0, from.lane, EventKind::Holder, ps.gil});
        }
        if (next >= 0) {
            ThreadState &to = m_threads[std::size_t(next)];
            push(to, {t, 1, to.lane, EventKind::Holder, ps.gil});
        }
        ps.holder = next;
    }
    ps.rounds.clear();

    // Printed lines as instants on the lanes of the threads that printed them.
    for (; ps.lines < p.lines.size() && p.lines[ps.lines].t < limit; ++ps.lines) {
        const PrintedLine &line = p.lines[ps.lines];
        const auto it = ps.threads.find(line.lane);
        if (it == ps.threads.end()) continue;
        ThreadState &ts = m_threads[it->second];
        push(ts, {std::max(line.t, ts.doneTo), std::uint32_t(ps.lines + 1), ts.lane, EventKind::Mark,
                  std::uint8_t(MarkKind::Print)});
    }

    findDeadlocks(ps);
    // The round's events of every thread and its calls, recorded in time order: where the event budget
    // runs out within the round, what is kept is everything before a moment, not one lane's whole round.
    m_round.clear();
    for (const auto &[local, index] : ps.threads) {
        ThreadState &ts = m_threads[index];
        if (ts.base != Base::NotStarted) pushSwitches(ts, std::min(limit, ps.end));
        // (Sorted as runs merged through a spare kept from round to round: a stable sort's fresh buffer
        // each round, megabytes for a busy script, was most of what drawing it cost.)
        if (pendingmerge::sortRuns(ts.out, m_outSpare,
                                   [](const Event &x, const Event &y) { return x.t < y.t; }))
            std::swap(ts.out, m_outSpare);
        for (const Event &e : ts.out)
            m_round.push_back({e, &ts, false});
        for (const Event &e : ts.callsOut)
            m_round.push_back({e, &ts, true});
        ts.out.clear();
        ts.callsOut.clear();
        ts.doneTo = std::max(ts.doneTo, limit);
    }
    if (pendingmerge::sortRuns(m_round, m_roundSpare,
                               [](const RoundEvent &x, const RoundEvent &y) { return x.e.t < y.e.t; }))
        std::swap(m_round, m_roundSpare);
    for (const RoundEvent &r : m_round) {
        const Event &e = r.e;
        if (r.calls) {
            r.ts->callsT = std::max(r.ts->callsT, e.t);
            r.ts->calls->recordAt(r.ts->callsT, e.kind, e.obj, e.arg);
        } else {
            r.ts->lastT = std::max(r.ts->lastT, e.t);
            r.ts->buffer->recordAt(r.ts->lastT, e.kind, e.obj, e.arg);
        }
    }
    m_round.clear();
    drawWatches(ps, limit, limit == INT64_MAX);
    ps.doneTo = std::max(ps.doneTo, limit);
}

void Assembler::drawWatches(ProcessState &ps, std::int64_t limit, bool final)
{
    PyProcess &p = m_stream.processes().at(ps.pid);
    for (auto &[number, wl] : ps.watches) {
        PyWatch &w = p.watches.at(number);
        std::size_t i = 0;
        for (; i < w.readings.size() && w.readings[i].t < limit; ++i) {
            const WatchReading &r = w.readings[i];
            const bool last = final && i + 1 == w.readings.size();
            // Past the budget only what was set aside is kept: readings thinned so that it lasts (each
            // halving of what is left takes a doubling of the run), the last few kept for the final one.
            if (m_recorder.budgetSpent() && !last) {
                const std::uint64_t left = wl.buffer->setAsideLeft();
                if (left < 2 * watchEventsPerReading) continue;
                const std::int64_t gap = std::max<std::int64_t>(
                    2'000'000, (r.t - m_startNs) * 4 / std::int64_t(left / watchEventsPerReading));
                if (r.t - wl.lastT < gap) continue;
            }
            wl.lastT = std::max(wl.lastT, r.t);
            wl.buffer->recordWide(wl.lastT, EventKind::CounterExpected, wl.obj, r.expected);
            wl.buffer->recordWide(wl.lastT, EventKind::CounterActual, wl.obj, r.value);
            if (wl.seen.hasExpected) m_recorder.noteCount(r.expected, r.value);
            wl.seen.read = true;
            wl.seen.expected = r.expected;
            wl.seen.value = r.value;
            ++wl.seen.readings;
        }
        w.readings.erase(w.readings.begin(), w.readings.begin() + std::ptrdiff_t(i));
    }
}

void Assembler::close(ProcessState &ps, std::int64_t end, ExitKind how, int signal)
{
    ps.end = end;
    drawUpTo(ps, INT64_MAX); // the watched numbers' final readings too
    for (const auto &[local, index] : ps.threads) {
        ThreadState &ts = m_threads[index];
        if (ts.base == Base::Done || ts.base == Base::NotStarted) continue;
        // A wait for a lock that never ended (a deadlock, ended by killing the script) counts as drawn:
        // up to the lane's end.
        if (ts.base == Base::LockWait && ts.lockWaitCounted)
            m_lockWaitNs += std::max<std::int64_t>(0, std::max(ts.lastT, end) - ts.lockWaitFrom);
        // Still running when its process ended (its main thread, a daemon thread) or was killed.
        ts.lastT = std::max(ts.lastT, end);
        if (how == ExitKind::Killed) // its end was not its own
            ts.buffer->recordAt(ts.lastT, EventKind::ProcessExit, std::uint8_t(signal), std::uint32_t(how));
        else
            ts.buffer->recordAt(ts.lastT, EventKind::ThreadEnd, 0, 0);
        ts.base = Base::Done;
    }
    if (ps.holder >= 0) {
        ThreadState &ts = m_threads[std::size_t(ps.holder)];
        ts.lastT = std::max(ts.lastT, ps.previousRound);
        ts.buffer->recordAt(ts.lastT, EventKind::Holder, ps.gil, 0);
        ps.holder = -1;
    }
    ps.buffer->recordAt(end, EventKind::ProcessExit, std::uint8_t(signal), std::uint32_t(how));
    ps.closed = true;
}

std::int64_t Assembler::advance(std::int64_t now)
{
    takeSwitches(now);
    takeSamples();
    discover(now, false);
    std::int64_t edge = INT64_MAX;
    // Nothing to draw before the script says hello, unless it stays silent (the tracer did not load):
    // then the cores are drawn live all the same.
    if (!m_processes.count(m_mainPid) && now - m_startNs < staleNs) edge = m_startNs;
    for (auto &[pid, ps] : m_processes) {
        PyProcess &p = m_stream.processes().at(pid);
        if (ps.closed) { // whatever it still says is not drawn
            for (auto &[local, t] : p.threads) {
                m_stream.taken(t.events.size() - t.drawn);
                t.events.clear();
                t.drawn = 0;
            }
            continue;
        }
        const bool ended = p.exitCode.has_value();
        std::int64_t limit = ended ? p.exitNs + 1 : std::max(p.helloNs, p.tickNs - marginNs);
        limit = std::min(limit, m_complete + 1);
        if (limit > ps.doneTo) drawUpTo(ps, limit);
        if (ended && ps.doneTo > p.exitNs) {
            close(ps, p.exitNs, exitKindOf(*p.exitCode), std::max(0, -*p.exitCode));
            continue;
        }
        if (now - std::max(p.tickNs, p.helloNs) < staleNs) edge = std::min(edge, ps.doneTo);
    }
    if (edge == INT64_MAX) edge = m_complete;
    dropSamples(now);
    m_edge = std::max(m_edge, edge);
    return m_edge;
}

Assembled Assembler::finish(const MainProcess &main, std::int64_t endNs)
{
    takeSwitches(INT64_MAX);
    takeSamples();
    discover(endNs, true);
    Assembled a;
    for (auto &[pid, ps] : m_processes) {
        if (ps.closed) continue;
        const PyProcess &p = m_stream.processes().at(pid);
        // When it ended: as its parent saw it (the script), as it said (multiprocessing's children), or
        // at the last thing it reported or was seen doing.
        std::int64_t end = 0;
        ExitKind how = main.killed ? ExitKind::Killed : ExitKind::Normal;
        int signal = 0;
        if (pid == m_mainPid) {
            end = main.endNs;
            how = main.how;
            signal = main.signal;
        } else if (p.exitCode) {
            end = p.exitNs;
            how = exitKindOf(*p.exitCode);
            signal = std::max(0, -*p.exitCode);
        } else {
            std::int64_t last = std::max(p.helloNs, ps.lastEvent);
            for (const auto &[local, t] : p.threads) {
                if (t.drawn < t.events.size()) last = std::max(last, t.events.back().t);
                if (const auto q = m_samples.find(t.tid); t.tid != 0 && q != m_samples.end())
                    last = std::max(last, q->second.lastSeen);
            }
            end = std::min(last, endNs);
        }
        close(ps, std::max(end, p.helloNs), how, signal);
    }

    for (std::int64_t pid : m_stream.order()) {
        const PyProcess &p = m_stream.processes().at(pid);
        ++a.processes;
        if (!p.stats.count(Stat::Events)) a.talliesComplete = false;
        a.lockWaitsTraced += p.stat(Stat::LockWaits);
        a.tracerEvents += p.stat(Stat::Events);
        // Processes run side by side: the run is slowed by the most any one of them spent tracing.
        // In unsigned arithmetic: a damaged stream's tallies may be anything.
        // A recorded call (--calls) costs its own calibrated price, its two events included; the calls the
        // profile function passed over cost theirs.
        a.callsTraced += p.stat(Stat::Calls);
        const std::uint64_t calls = p.stat(Stat::Calls), events = p.stat(Stat::Events);
        const std::uint64_t otherEvents = events > 2 * calls ? events - 2 * calls : 0;
        const std::uint64_t cost = (otherEvents * p.stat(Stat::CostPs) + calls * p.stat(Stat::CallCostPs) +
                                    std::uint64_t(p.stat(Stat::CallsSkipped)) * p.stat(Stat::SkipCostPs)) /
                                       1000 +
                                   p.stat(Stat::StartupNs);
        a.tracerCostNs = std::max(a.tracerCostNs, std::int64_t(std::min<std::uint64_t>(cost, INT64_MAX)));
        a.lines += p.lines.size();
        a.objectsUntraced += p.stat(Stat::ObjectsUntraced);
        if (p.exitCode) a.exitCodes[pid] = *p.exitCode;
    }
    for (const auto &[pid, ps] : m_processes)
        for (const auto &[local, o] : ps.objects)
            if (o == 0) ++a.objectsUntraced;
    for (const ThreadState &ts : m_threads) {
        ++(ts.tid != 0 ? a.threads : a.tasks); // an asyncio task's lane has no thread of its own
        if (const auto q = m_samples.find(ts.tid); ts.tid != 0 && q != m_samples.end())
            a.cpuNs += q->second.runNs;
    }
    if (const auto own = m_processes.find(m_mainPid); own != m_processes.end()) {
        a.gilHeldNs = own->second.gilHeldNs;
        a.gilSpanNs = own->second.previousRound - own->second.firstRound;
    }
    if (const auto p = m_stream.processes().find(m_mainPid); p != m_stream.processes().end()) {
        a.freeThreaded = p->second.helloFlags & 1;
        a.gilEnabled = p->second.gilEnabled() || p->second.gilOnNs != 0;
        a.gilOnNs = p->second.gilOnNs;
        a.gilOnBy = p->second.gilOnBy;
    }
    for (const auto &[pid, ps] : m_processes)
        for (const auto &[number, wl] : ps.watches)
            a.watched.push_back(wl.seen);
    a.lockWaitNs = m_lockWaitNs;
    a.lockWaits = m_lockWaits;
    a.lateEvents = m_late;
    a.deadlocks = m_deadlocks;
    a.slowSteps = m_slowSteps;
    a.firstCycle = m_firstCycle;
    return a;
}

} // namespace raceway::py
