#include "waitgraph.h"

namespace raceway {

WaitGraph::WaitGraph()
    : m_holder(new std::atomic<int>[maxObjects]), m_waitingFor(new std::atomic<std::uint8_t>[maxLanes]),
      m_waitSince(new std::atomic<std::int64_t>[maxLanes])
{
    for (int i = 0; i < maxObjects; ++i)
        m_holder[i].store(-1, std::memory_order_relaxed);
    for (int i = 0; i < maxLanes; ++i) {
        m_waitingFor[i].store(0, std::memory_order_relaxed);
        m_waitSince[i].store(0, std::memory_order_relaxed);
    }
}

std::vector<WaitGraph::Step> WaitGraph::cycleThrough(std::uint16_t lane) const
{
    std::vector<Step> path;
    int at = lane;
    // Each lane waits for at most one lock and each lock has at most one holder, so the walk is a
    // chain: it either comes back to `lane`, ends at a lane that does not wait, or loops elsewhere.
    for (int steps = 0; steps <= maxObjects; ++steps) {
        const std::uint8_t obj = m_waitingFor[at].load(std::memory_order_acquire);
        if (obj == 0) return {};
        path.push_back({std::uint16_t(at), obj, m_waitSince[at].load(std::memory_order_relaxed)});
        const int next = holder(obj);
        if (next < 0) return {};
        if (next == lane) return path;
        for (const Step &s : path)
            if (s.lane == next)
                return {}; // a cycle that does not pass through `lane`: one of its own members reports it
        at = next;
    }
    return {};
}

} // namespace raceway
