#include "tracedmutex.h"

#include <chrono>

namespace raceway {

TracedMutex::TracedMutex(Recorder &recorder, const QString &name)
    : m_graph(recorder.waitGraph()), m_recorder(recorder), m_lane(recorder.addLane(name, LaneKind::Lock)),
      m_id(recorder.addObject(name, m_lane))
{
}

TracedMutex::Result TracedMutex::acquireContended(ThreadBuffer &lane,
                                                  const std::function<bool()> &stop) noexcept
{
    Result result;
    const std::int64_t requested = nowNs();
    lane.recordAt(requested, EventKind::LockRequested, m_id, 0);
    m_graph.setWaiting(lane.lane(), m_id, requested);
    std::vector<WaitGraph::Step> seen; // a cycle seen at the previous check
    bool marked = false;               // lock(): the deadlock is drawn once, then waited out
    for (;;) {
        // A system_clock deadline: libstdc++ then waits in pthread_mutex_timedlock, which sanitizers
        // follow (a steady_clock one uses pthread_mutex_clocklock, which ThreadSanitizer does not see,
        // and then reports the unlock as one of an unlocked mutex). A clock step only stretches one check.
        if (m_mutex.try_lock_until(std::chrono::system_clock::now() +
                                   std::chrono::nanoseconds(checkIntervalNs))) {
            m_graph.clearWaiting(lane.lane());
            m_graph.setHolder(m_id, lane.lane());
            const std::int64_t acquired = nowNs();
            lane.recordAt(acquired, EventKind::LockAcquired, m_id, 0);
            result.waitedNs = acquired - requested;
            return result;
        }
        if (stop && stop()) {
            m_graph.clearWaiting(lane.lane());
            const std::int64_t t = nowNs();
            lane.recordAt(t, EventKind::WaitEnd, m_id, 0);
            result.outcome = Outcome::Stopped;
            result.waitedNs = t - requested;
            return result;
        }
        std::vector<WaitGraph::Step> cycle = m_graph.cycleThrough(lane.lane());
        const auto sameMembers = [](const std::vector<WaitGraph::Step> &a,
                                    const std::vector<WaitGraph::Step> &b) {
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (a[i].lane != b[i].lane || a[i].obj != b[i].obj) return false;
            return true;
        };
        if (!cycle.empty() && sameMembers(cycle, seen)) {
            std::uint16_t victim = 0;
            for (const auto &s : cycle)
                victim = std::max(victim, s.lane);
            // Only a wait that can give up breaks the cycle; the others keep waiting for it to.
            if (victim == lane.lane() && !stop && !marked) {
                marked = true;
                lane.record(EventKind::Mark, std::uint8_t(MarkKind::Deadlock), m_recorder.noteDeadlock());
            }
            if (victim == lane.lane() && stop) {
                m_graph.clearWaiting(lane.lane());
                const std::int64_t t = nowNs();
                const std::uint32_t number = m_recorder.noteDeadlock();
                lane.recordAt(t, EventKind::Mark, std::uint8_t(MarkKind::Deadlock), number);
                lane.recordAt(t, EventKind::WaitEnd, m_id, 0);
                result.outcome = Outcome::Deadlock;
                result.waitedNs = t - requested;
                result.cycle = std::move(cycle);
                result.detectedNs = t;
                result.number = number;
                return result;
            }
        }
        seen = std::move(cycle);
    }
}

} // namespace raceway
