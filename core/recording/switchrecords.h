#pragma once

#include <cstdint>

namespace raceway {

// The kernel's own record of when one thread lost and got back its core: a perf_event_open software
// event with context-switch records (user-space only, the calling thread only), read from a small ring
// that the kernel writes and this thread drains. Where the kernel allows it (perf_event_paranoid <= 2,
// or CAP_PERFMON), a thread preempted while it had work is known to the nanosecond; elsewhere open()
// fails and the caller estimates from its CPU clock instead.
class SwitchRecords
{
public:
    struct CoreHop
    {
        std::uint32_t from, to; // the core a thread left, the core it came back on
    };

    SwitchRecords() = default;
    ~SwitchRecords();
    SwitchRecords(const SwitchRecords &) = delete;
    SwitchRecords &operator=(const SwitchRecords &) = delete;

    // Call on the thread to watch. False (and nothing held) where the kernel refuses.
    bool open() noexcept;
    bool isOpen() const noexcept { return m_head != nullptr; }

    // Records not read yet: one load of a word the kernel writes on this thread's switches.
    bool pending() const noexcept { return head() != m_tail; }
    // Where the kernel's writing stands: a thread that reads it twice and finds it moved was switched
    // out in between.
    std::uint64_t head() const noexcept { return __atomic_load_n(m_head, __ATOMIC_ACQUIRE); }

    // Reads every record written so far and calls off(outNs, inNs, pos, preempted, cores) for each time the
    // thread was off its core: taken off while it still had work (preempted), or given up (it blocked or
    // slept), until it had one again; times are CLOCK_MONOTONIC nanoseconds. Records the kernel could
    // not write (the ring was full) are counted in lost().
    // The third argument is where in the kernel's writing the switch-out stands (compare with head()).
    // The fourth says whether it was preempted (it had work) or gave its core up (it blocked or slept).
    // The fifth is the core it left and the core it came back on: CoreHop{from, to}.
    template <typename Fn> void drain(Fn &&off) noexcept
    {
        Switch s;
        while (next(s))
            if (s.in && m_outAt != 0) {
                if (s.t > m_outAt) off(m_outAt, s.t, m_outPos, m_outPreempted, CoreHop{m_outCpu, s.cpu});
                m_outAt = 0;
            } else if (!s.in) {
                m_outAt = s.t;
                m_outPos = s.pos;
                m_outPreempted = s.preempted;
                m_outCpu = s.cpu;
            }
    }
    std::uint64_t lost() const noexcept { return m_lost; }

private:
    struct Switch
    {
        std::int64_t t = 0;
        bool in = false;
        bool preempted = false;
        std::uint32_t cpu = 0;
        std::uint64_t pos = 0;
    };
    bool next(Switch &out) noexcept;

    int m_fd = -1;
    void *m_map = nullptr;
    std::uint64_t m_mapBytes = 0;
    const std::uint64_t *m_head = nullptr;
    std::uint64_t *m_tailWord = nullptr;
    const unsigned char *m_data = nullptr;
    std::uint64_t m_dataBytes = 0;
    std::uint64_t m_tail = 0;
    std::int64_t m_outAt = 0; // the last switch-out not yet matched by a switch-in (0: none)
    std::uint64_t m_outPos = 0;
    bool m_outPreempted = false;
    std::uint32_t m_outCpu = 0;
    std::uint64_t m_lost = 0;
};

} // namespace raceway
