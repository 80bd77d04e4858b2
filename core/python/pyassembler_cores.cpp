#include "pyassembler.h"

// The assembler's view of the scheduler: the kernel's context-switch records of the script's threads,
// read from outside, become each thread's waits for a core and the cores' lanes (see watchSwitches);
// the sampler's rounds (/proc state, wchan, core) become what the tracer cannot say: waits for the GIL,
// blocked and I/O stretches, the core each thread runs on.

#include <algorithm>

namespace raceway::py {
namespace {

// The least run-queue time between two samples drawn as a wait for a core (shorter ones are noise at a
// millisecond's resolution).
constexpr std::int64_t sampledCoreWaitNs = 50'000;

bool alive(const ThreadSample &x)
{
    return x.state != 'Z' && x.state != 'X';
}

} // namespace

void Assembler::watchSwitches(ProcessSwitches *switches)
{
    m_switches = switches && switches->isOpen() ? switches : nullptr;
    m_recorder.addCoreSource(m_switches ? Recorder::CoreFromSwitches : Recorder::CoreFromSamples);
}

void Assembler::takeSwitches(std::int64_t now)
{
    if (!m_switches) return;
    m_switches->take(now, m_offCore);
    if (const std::uint64_t lost = m_switches->lost(); lost != m_switchesLost) {
        m_recorder.addCoreSource(Recorder::CoreFromSwitches, lost - m_switchesLost);
        m_switchesLost = lost;
    }
}

void Assembler::pushSwitches(ThreadState &ts, std::int64_t limit)
{
    // Each time the thread was off its core that ended before the limit, in the form ThreadBuffer writes
    // for the built-in scenarios' threads: the cores first, then how long. A preemption is drawn as a
    // wait for a core where the lane runs; giving the core up is not drawn (a thread waiting for the GIL
    // does so, and the samples say that), only counted on the cores.
    const auto found = m_offCore.find(ts.tid);
    if (ts.tid == 0 || found == m_offCore.end()) return;
    auto &spans = found->second;
    std::size_t k = 0;
    for (; k < spans.size() && spans[k].in < limit; ++k) {
        const ProcessSwitches::OffCore &o = spans[k];
        if (o.in < ts.doneTo) continue; // its moment is drawn already
        // A wait for a core that began before what is drawn already is drawn from there on (what was
        // shown is never taken back); the cores still get the whole of it, from an undrawn record.
        const bool whole = !o.preempted || o.out >= ts.doneTo;
        for (const Event &e :
             offCoreEvents(ts.lane, o.out, o.in, o.cpuOut, o.cpuIn, whole && o.preempted ? 1 : 4))
            push(ts, e);
        if (!whole)
            push(ts, {o.in, std::uint32_t(std::min<std::int64_t>(o.in - ts.doneTo, UINT32_MAX)), ts.lane,
                      EventKind::OffCore, 1});
    }
    spans.erase(spans.begin(), spans.begin() + std::ptrdiff_t(k));
}

void Assembler::takeSamples()
{
    for (auto &[tid, batch] : m_sampler.take(&m_complete)) {
        Samples &q = m_samples[tid];
        for (const ThreadSample &x : batch) {
            q.runNs = x.runNs;
            if (alive(x)) q.lastSeen = x.t;
        }
        q.s.insert(q.s.end(), batch.begin(), batch.end());
    }
}

void Assembler::applySample(ProcessState &ps, std::size_t index, const ThreadSample &x)
{
    ThreadState &ts = m_threads[index];
    if (ts.base == Base::NotStarted || ts.base == Base::Done) return;
    if (!alive(x) || x.t >= ps.end) return; // already gone
    if (!m_switches) { // the kernel refused switch records: the run-queue time each round adds
        // Its first sample counts from the thread's start (what came before its lane is not drawn).
        const std::int64_t waited = x.runDelayNs - std::max<std::int64_t>(0, ts.runDelayNs);
        ts.runDelayNs = x.runDelayNs;
        // Placed at the sample that saw it, a millisecond late when the sampler gets its core on time;
        // the trace draws it only where the lane runs, from where it began running at the earliest.
        if (waited >= sampledCoreWaitNs && !ts.overlay &&
            (ts.base == Base::Running || ts.base == Base::Holding))
            push(ts, {x.t, std::uint32_t(std::min<std::int64_t>(waited, UINT32_MAX)), ts.lane,
                      EventKind::OffCore, 2});
    }
    auto &round = ps.rounds[x.t]; // every round in the thread's life counts towards the GIL's span
    if (x.state == 'R' && x.cpu != ts.lastCpu) {
        push(ts, {x.t, x.cpu, ts.lane, EventKind::OnCpu, 0});
        ts.lastCpu = x.cpu;
    }
    if (ts.base == Base::Running) {
        if (x.state == 'R' && ts.overlay) {
            push(ts, {x.t, 0, ts.lane, EventKind::IoEnd, 0});
            ts.overlay = false;
        } else if (x.state != 'R' && x.tracerWrite) {
            // The tracer writing its events out, waiting for room in the pipe: not the script's I/O.
            if (ts.overlay) push(ts, {x.t, 0, ts.lane, EventKind::IoEnd, 0});
            ts.overlay = false;
        } else if (x.state != 'R') {
            // A futex wait is a wait for the GIL only while another of the process's threads runs (and
            // so may hold it); else it is blocked on something untraced (a multiprocessing queue's lock).
            const bool gilWait = x.futex && ps.gil != 0 && x.t >= ps.gilFrom && anotherRuns(ps, index, x.t);
            const std::uint32_t what = x.futex ? ioBlockedUntraced : 0;
            const bool same =
                ts.overlay && ((gilWait && ts.lastPushed == EventKind::GilWait) ||
                               (!gilWait && ts.lastPushed == EventKind::IoBegin && ts.overlayArg == what));
            if (!same) {
                push(ts, gilWait ? Event{x.t, 0, ts.lane, EventKind::GilWait, ps.gil}
                                 : Event{x.t, what, ts.lane, EventKind::IoBegin, 0});
                ts.overlay = true;
                ts.overlayArg = gilWait ? 0 : what;
            }
        }
    }
    if ((ts.base == Base::Running || ts.base == Base::Holding) && x.state == 'R') round.push_back(index);
}

bool Assembler::anotherRuns(const ProcessState &ps, std::size_t index, std::int64_t t) const
{
    for (const auto &[local, other] : ps.threads) {
        if (other == index) continue;
        const std::int64_t tid = m_threads[other].tid;
        const auto q = tid != 0 ? m_samples.find(tid) : m_samples.end();
        if (q == m_samples.end()) continue;
        const std::vector<ThreadSample> &v = q->second.s;
        const auto at = std::lower_bound(v.begin(), v.end(), t,
                                         [](const ThreadSample &a, std::int64_t x) { return a.t < x; });
        if (at != v.end() && at->t == t && at->state == 'R') return true;
    }
    return false;
}

void Assembler::dropSamples(std::int64_t now)
{
    // Samples still to be drawn are kept; a closed process's (a zombie is still sampled) are not.
    const auto open = [&](std::int64_t pid) {
        const auto it = m_processes.find(pid);
        return it != m_processes.end() && !it->second.closed;
    };
    std::set<std::int64_t> threadTids;
    for (const ThreadState &ts : m_threads)
        if (ts.tid != 0 && open(ts.pid)) threadTids.insert(ts.tid);
    for (auto &[tid, q] : m_samples) {
        std::size_t used = SIZE_MAX;
        if (threadTids.count(tid)) used = q.threadPos;
        if (open(tid)) used = std::min(used, q.processPos);
        if (used == SIZE_MAX) {
            // Nobody draws it (yet): what lies before its process's lanes never will be.
            const ThreadSample *first = q.s.empty() ? nullptr : &q.s.front();
            const auto owner = first ? m_processes.find(first->pid) : m_processes.end();
            const std::int64_t before = owner != m_processes.end() ? owner->second.doneTo : now - staleNs;
            used = std::size_t(std::partition_point(q.s.begin(), q.s.end(),
                                                    [&](const ThreadSample &x) { return x.t < before; }) -
                               q.s.begin());
        }
        q.s.erase(q.s.begin(), q.s.begin() + std::ptrdiff_t(used));
        q.threadPos -= std::min(q.threadPos, used);
        q.processPos -= std::min(q.processPos, used);
    }
}

} // namespace raceway::py
