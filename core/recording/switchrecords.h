#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <vector>

#include <sys/types.h>

namespace raceway {

// One context switch as the kernel recorded it: a thread taken off its core (out) or put back on one.
struct SwitchRecord
{
    std::int64_t t = 0; // CLOCK_MONOTONIC ns
    std::int64_t tid = 0;
    std::uint32_t cpu = 0;
    bool in = false;
    bool preempted = false; // a switch out while it still had work
    std::uint64_t pos = 0;  // where in the ring's writing it stands
};

// A perf_event_open software event with context-switch records (user space only, CLOCK_MONOTONIC) and
// the ring the kernel writes them to; whoever holds it drains it. Where the kernel refuses
// (perf_event_paranoid above 2 without CAP_PERFMON, or no permission to watch that process), open() fails.
class SwitchRing
{
public:
    SwitchRing() = default;
    ~SwitchRing();
    SwitchRing(const SwitchRing &) = delete;
    SwitchRing &operator=(const SwitchRing &) = delete;

    // pid 0 and cpu -1: the calling thread wherever it runs. A pid and a cpu: that process's threads on
    // that core, and (inherit) every thread and process it starts from now on. Tries each ring size in
    // pages in turn: the locked-memory allowance may not hold the first.
    bool open(pid_t pid, int cpu, bool inherit, std::initializer_list<long> pages) noexcept;
    bool isOpen() const noexcept { return m_head != nullptr; }
    std::uint64_t head() const noexcept { return __atomic_load_n(m_head, __ATOMIC_ACQUIRE); }
    std::uint64_t tail() const noexcept { return m_tail; }
    // The next switch record written so far, false when there is none; records the kernel could not
    // write (the ring was full) are added to `lost`.
    bool next(SwitchRecord &out, std::uint64_t &lost) noexcept;

private:
    int m_fd = -1;
    void *m_map = nullptr;
    std::uint64_t m_mapBytes = 0;
    const std::uint64_t *m_head = nullptr;
    std::uint64_t *m_tailWord = nullptr;
    const unsigned char *m_data = nullptr;
    std::uint64_t m_dataBytes = 0;
    std::uint64_t m_tail = 0;
};

// The kernel's own record of when one thread lost and got back its core, for the calling thread only,
// read from a small ring that the kernel writes and this thread drains. Where the kernel allows it, a
// thread preempted while it had work is known to the nanosecond; elsewhere open() fails and the caller
// estimates from its CPU clock instead.
class SwitchRecords
{
public:
    static constexpr std::uint32_t unknownCore = UINT32_MAX;
    // Call on the thread to watch. False (and nothing held) where the kernel refuses.
    bool open() noexcept;
    bool isOpen() const noexcept { return m_ring.isOpen(); }

    // Records not read yet: one load of a word the kernel writes on this thread's switches.
    bool pending() const noexcept { return m_hasHeld || head() != m_ring.tail(); }
    // Where the kernel's writing stands: a thread that reads it twice and finds it moved was switched
    // out in between.
    std::uint64_t head() const noexcept { return m_ring.head(); }

    // Reads every record written so far and calls off(outNs, inNs, pos, preempted, left, back) for each time
    // the thread was off its core: taken off while it still had work (preempted), or given up (it blocked
    // or slept), until it had one again; times are CLOCK_MONOTONIC nanoseconds. Records the kernel could
    // not write (the ring was full) are counted in lost().
    // The third argument is where in the kernel's writing the switch-out stands (compare with head()).
    // The fourth says whether it was preempted (it had work) or gave its core up (it blocked or slept).
    // The last two are the core it left and the core it came back on. After records were lost, a switch-in
    // with no switch-out says where the thread is again: off(t, t, pos, false, unknownCore, core).
    template <typename Fn> void drain(Fn &&off) noexcept
    {
        SwitchRecord s;
        std::uint64_t seen = m_lost;
        while (nextRecord(s)) {
            if (m_forgive) { // the kernel says what it lost before the next record: before forgetBefore()
                m_lost = seen;
                m_forgive = false;
            }
            if (m_lost != seen) { // the switch-in that matched the last switch-out may be among the lost
                m_outAt = 0;
                seen = m_lost;
            }
            if (s.in && m_outAt != 0) {
                if (s.t > m_outAt) off(m_outAt, s.t, m_out.pos, m_out.preempted, m_out.cpu, s.cpu);
                m_outAt = 0;
            } else if (s.in) { // its switch-out was lost: from here on, the core it is on is known again
                off(s.t, s.t, s.pos, false, unknownCore, s.cpu);
            } else {
                m_outAt = s.t;
                m_out = s;
            }
        }
        if (m_forgive) m_lost = seen;
    }
    // Drops the records written before t (and counts none the kernel could not write before them as lost:
    // it says so only once there is room again, ahead of the next record); those from t on are left for
    // drain(). Returns the core the thread was on at t when a record says it (its first switch-out from
    // t on), else unknownCore.
    std::uint32_t forgetBefore(std::int64_t t) noexcept
    {
        SwitchRecord s;
        const std::uint64_t seen = m_lost;
        m_hasHeld = false;
        while (nextRecord(s))
            if (s.t >= t) {
                m_held = s;
                m_hasHeld = true;
                break;
            }
        m_lost = seen;
        m_outAt = 0;
        m_forgive = !m_hasHeld;
        return m_hasHeld && !m_held.in ? m_held.cpu : unknownCore;
    }
    std::uint64_t lost() const noexcept { return m_lost; }

private:
    bool nextRecord(SwitchRecord &s) noexcept
    {
        if (m_hasHeld) {
            s = m_held;
            m_hasHeld = false;
            return true;
        }
        return m_ring.next(s, m_lost);
    }
    bool m_hasHeld = false; // a record read by forgetBefore() and left for drain()
    SwitchRecord m_held;
    bool m_forgive = false;
    SwitchRing m_ring;
    std::int64_t m_outAt = 0; // the last switch-out not yet matched by a switch-in (0: none)
    SwitchRecord m_out;
    std::uint64_t m_lost = 0;
};

// The same records for every thread of another process and of everything it starts (a traced Python
// program and its children), one ring per core, read by the one thread that draws them.
class ProcessSwitches
{
public:
    struct OffCore
    {
        std::int64_t out = 0, in = 0;
        std::uint32_t cpuOut = 0, cpuIn = 0;
        bool preempted = false;
    };

    // Call as soon as the process has started: threads it started before are not watched.
    bool open(pid_t pid) noexcept;
    bool isOpen() const noexcept { return !m_rings.empty(); }
    // Every time a thread was off its core that ended before `upTo` (by thread id, in time order) is
    // appended to `out`; what ends later waits for the next call.
    void take(std::int64_t upTo, std::map<std::int64_t, std::vector<OffCore>> &out);
    std::uint64_t lost() const noexcept { return m_lost; }

private:
    std::vector<std::unique_ptr<SwitchRing>> m_rings;
    std::vector<SwitchRecord> m_later;          // read, but at or after the last call's upTo
    std::map<std::int64_t, SwitchRecord> m_out; // by thread: its switch-out not yet matched
    std::uint64_t m_lost = 0;
};

} // namespace raceway
