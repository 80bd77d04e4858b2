#include "pyassembler.h"

// The assembler's view of the scheduler: the kernel's context-switch records of the script's threads,
// read from outside, become each thread's waits for a core and the cores' lanes (see watchSwitches).

#include <algorithm>

namespace raceway::py {

void Assembler::watchSwitches(ProcessSwitches *switches)
{
    m_switches = switches && switches->isOpen() ? switches : nullptr;
    if (m_switches) m_recorder.addCoreSource(Recorder::CoreFromSwitches);
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

} // namespace raceway::py
