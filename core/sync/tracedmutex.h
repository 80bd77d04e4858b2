#pragma once

#include "recorder.h"
#include "waitgraph.h"

#include <cstdint>
#include <functional>
#include <mutex>

namespace raceway {

// A mutex whose every request, acquisition and release lands on the calling thread's lane and on the
// lock's own lane. An acquisition that succeeds at once records no request: its wait is zero.
// A contended wait is a loop of short timed waits: between them it checks whether the run was
// stopped and whether it closes a wait-for cycle with other traced locks (a deadlock).
class TracedMutex
{
public:
    TracedMutex(Recorder &recorder, const QString &name);

    enum class Outcome { Acquired, Stopped, Deadlock };
    struct Result
    {
        Outcome outcome = Outcome::Acquired;
        std::int64_t waitedNs = 0;          // measured with the recorded timestamps
        std::vector<WaitGraph::Step> cycle; // Deadlock: the cycle this wait closed, this lane first
        std::int64_t detectedNs = 0;        // Deadlock: when it was seen for sure
        std::uint32_t number = 0;           // Deadlock: which one of the run (from 1)
    };
    static constexpr std::int64_t checkIntervalNs = 5'000'000;

    // Waits until the lock is taken, `stop()` says to give up, or this wait closes a deadlock in which
    // this lane is the victim (the member with the highest lane number, so exactly one member gives
    // up). On Deadlock the lane has recorded a Deadlock mark and no longer waits: the caller must give
    // back what it holds for the others to go on.
    Result acquire(ThreadBuffer &lane, const std::function<bool()> &stop) noexcept
    {
        if (m_mutex.try_lock()) {
            m_graph.setHolder(m_id, lane.lane());
            lane.record(EventKind::LockAcquired, m_id);
            return {};
        }
        return acquireContended(lane, stop);
    }

    // Waits as long as it takes. A deadlock is still found and marked; the wait then goes on.
    std::int64_t lock(ThreadBuffer &lane) noexcept { return acquire(lane, {}).waitedNs; }

    // The release is stamped before unlocking, so two holds never overlap on the lock's lane.
    void unlock(ThreadBuffer &lane) noexcept
    {
        lane.record(EventKind::LockReleased, m_id);
        m_graph.clearHolder(m_id);
        m_mutex.unlock();
    }

    std::uint8_t id() const noexcept { return m_id; }
    std::uint16_t lane() const noexcept { return m_lane; }

private:
    Result acquireContended(ThreadBuffer &lane, const std::function<bool()> &stop) noexcept;

    std::timed_mutex m_mutex;
    WaitGraph &m_graph;
    Recorder &m_recorder;
    std::uint16_t m_lane;
    std::uint8_t m_id;
};

} // namespace raceway
