#include "recorder.h"

#include <algorithm>

#include <sched.h>

#include <time.h>

// Where each recorded thread is on a core: what the ring of context switches (or the thread's CPU clock)
// says, written into the thread's events as it goes.
namespace raceway {

void ThreadBuffer::noteGap(std::int64_t t) noexcept
{
    // Of the wall time since the CPU clock was last read, what the thread did not spend on a CPU; of
    // that, what fits in this gap between two of its events is where it was off its core (the rest was
    // in earlier gaps too short to show, or in a sleep or a wait the lane draws as such).
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    const std::int64_t cpu = std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    if (m_cpuWall != 0) {
        const std::int64_t off = (t - m_cpuWall) - (cpu - m_cpu);
        const std::int64_t gap = t - m_lastT;
        const std::int64_t ready = std::min(off, gap);
        if (ready >= coreGapNs / 4)
            recordAt(t, EventKind::OffCore, 0, std::uint32_t(std::min<std::int64_t>(ready, UINT32_MAX)));
    }
    m_cpuWall = t;
    m_cpu = cpu;
}

void ThreadBuffer::startCoreWatch() noexcept
{
    const bool exact = m_switches.open();
    if (!exact && !m_estimateCore) {
        m_watchCore = false;
        return;
    }
    m_watching.store(true, std::memory_order_relaxed);
    m_recorder->m_coreSources.fetch_or(exact ? Recorder::CoreFromSwitches : Recorder::CoreFromCpuClock,
                                       std::memory_order_relaxed);
}

void ThreadBuffer::takeSwitches(std::int64_t t, std::uint64_t mark) noexcept
{
    const std::uint64_t lostBefore = m_switches.lost();
    m_switches.drain([&](std::int64_t out, std::int64_t in, std::uint64_t pos, bool preempted,
                         std::uint32_t left, std::uint32_t back) {
        if (left == SwitchRecords::unknownCore) { // records were lost: only the core it is on is known
            for (const Event &e : offCoreEvents(m_lane, std::min(in, t), std::min(in, t), left, back, 4))
                recordAt(e.t, e.kind, e.obj, e.arg);
            return;
        }
        const std::uint8_t obj = preempted ? 1 : 3;
        // Taken off its core after it read the clock for the event about to be written: that wait comes
        // after the event, and is written whole right after it (recordDeferred). Cut at the event's time,
        // which came before it, it was dropped, and a thread preempted as it started (all of them at once,
        // on a busy machine) was drawn running for the 60-100 ms it waited.
        if (out >= t) {
            if (m_deferred < m_deferredWaits.size())
                m_deferredWaits[m_deferred++] = {out, in, left, back, obj};
            else // more than four in that moment: the last one stretches over the rest
                m_deferredWaits.back().in = in;
            return;
        }
        // obj 1: preempted, waiting for a core; obj 3: it gave its core up (the trace draws that only
        // where the lane was running: a traced wait or sleep says why already).
        in = preempted && pos >= mark ? t : std::min(in, t);
        if (in <= out) return;
        for (const Event &e : offCoreEvents(m_lane, out, in, left, back, obj))
            recordAt(e.t, e.kind, e.obj, e.arg);
    });
    if (const std::uint64_t lost = m_switches.lost() - lostBefore; lost != 0)
        m_recorder->m_lostSwitches.fetch_add(lost, std::memory_order_relaxed);
}

void ThreadBuffer::beginOnCore(std::int64_t t) noexcept
{
    // Before the thread's first event (at a start gate until all are released) its lane has not begun:
    // nothing there is drawn, and a ring that overflowed there lost nothing the lane needs. What the lane
    // needs is the core it begins on: the one a switch-out after t left, else the one it is on now. The
    // records from t on are the lane's (a thread taken off its core right after it read the clock for its
    // first event waited from there: dropping them drew it running, on a core another thread had).
    const std::uint32_t left = m_switches.forgetBefore(t);
    const int cpu = left != SwitchRecords::unknownCore ? int(left) : sched_getcpu();
    if (cpu >= 0)
        for (const Event &e : offCoreEvents(m_lane, t, t, SwitchRecords::unknownCore, std::uint32_t(cpu), 4))
            recordAt(e.t, e.kind, e.obj, e.arg);
    if (m_switches.pending()) takeSwitches(t);
}

void ThreadBuffer::recordDeferred() noexcept
{
    for (std::uint8_t k = 0; k < m_deferred; ++k) {
        const DeferredWait &w = m_deferredWaits[k];
        if (w.in > w.out)
            for (const Event &e : offCoreEvents(m_lane, w.out, w.in, w.left, w.back, w.obj))
                recordAt(e.t, e.kind, e.obj, e.arg);
    }
    m_deferred = 0;
}

std::vector<std::uint16_t> Recorder::coreWatchedLanes() const
{
    std::vector<std::uint16_t> out;
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers)
        if (b->m_watching.load(std::memory_order_relaxed)) out.push_back(b->m_ownLane);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<int> Recorder::workerThreadIds() const
{
    std::vector<int> out;
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers) {
        const int tid = b->m_tid.load(std::memory_order_relaxed);
        if (tid != 0 && !b->m_observer.load(std::memory_order_relaxed) && b->m_ownLane < m_lanes.size() &&
            m_lanes[b->m_ownLane].kind == LaneKind::Thread)
            out.push_back(tid);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace raceway
