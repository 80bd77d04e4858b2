#pragma once

#include "event.h"
#include "recorder.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace raceway {

// What a lane is doing from one transition until the next.
enum class State : std::uint8_t {
    Idle = 0,
    Running,
    Waiting,  // for a lock (obj = lock)
    Holding,  // a lock (obj = lock)
    Sleeping, // pace, or a race window that sleeps
    Done,
    Cancelled,
    Free, // lock lanes: nobody holds it
    Held, // lock lanes: obj = holder lane
    Task, // running a task (obj = task id)
    Crashed,
    Killed,
    TimedOut,
    WaitingGil, // a Python-like thread waiting to run: it needs the GIL
    WaitingIo,  // waiting on I/O (obj = what for): no CPU used, no GIL held
};
constexpr int stateCount = 15;
QString stateName(State state);

struct Marker
{
    std::int64_t t;
    std::int64_t value;  // lost updates: increments this write erased (negative: given back)
    std::int32_t other;  // lane whose value was overwritten, or -1
};

// Two cumulative channels over time: a counter lane's expected and actual, a lock lane's waiters.
struct SeriesPoint
{
    std::int64_t t;
    std::int64_t da, db; // deltas at t
    std::int64_t a, b;   // running totals including this point
};

// A summary of `bucketSize` consecutive transitions: the state that fills most of their time, and
// how long it does. Zoomed out, a pixel column reads a few of these instead of hundreds of transitions.
struct Bucket
{
    std::int64_t start;       // time of the bucket's first transition
    std::uint32_t dominantNs; // saturates at ~4.3 s; only ever compared within one column
    State dominant;
    std::uint16_t obj;        // the dominant state's object where it first occurs (a process's core)
};

struct Lane
{
    static constexpr std::size_t bucketSize = 32;

    QString name;
    LaneKind kind = LaneKind::Thread;
    // Sorted state transitions: state[i] holds from times[i] until times[i + 1] (or the trace end).
    std::vector<std::int64_t> times;
    std::vector<State> states;
    std::vector<std::uint16_t> objs;
    std::vector<Marker> markers; // sorted by time
    std::vector<SeriesPoint> series; // sorted by time
    std::uint32_t statesSeen = 0;     // bit per State that occurs, for legends
    bool restoringWrites = false;     // a marker with a negative amount occurs
    std::uint32_t coresSeen = 0;      // bit per core (mod 32) this lane ran on: obj of its Running states
    std::vector<Bucket> buckets;      // complete buckets only: bucket b covers transitions [b*32, b*32+32)

    std::size_t transitionCount() const { return times.size(); }
    // Index of the transition in force at t, or -1 before the first.
    std::ptrdiff_t indexAt(std::int64_t t) const;
};

struct Interval
{
    std::int64_t start, end;
    State state;
    std::uint16_t obj;
};

// The run as lanes of sorted intervals, markers and series. Filled by ingesting drained events in
// batches; only the thread that ingests may read it (the GUI thread or the CLI's main thread).
class Trace
{
public:
    void setRegistry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects);
    void ingest(const Event *events, std::size_t count); // events of one lane, in order
    void commit();                                       // merges cross-lane effects of the batch

    void setStart(std::int64_t t) { m_start = t; }
    void setEnd(std::int64_t t) { m_end = std::max(m_end, t); }
    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; }
    std::uint64_t eventCount() const { return m_events; }
    std::int64_t progress() const { return m_progressTotal; } // summed Progress of every lane

    const std::vector<Lane> &lanes() const { return m_lanes; }
    const Lane &lane(std::size_t i) const { return m_lanes[i]; }
    const std::vector<ObjectInfo> &objects() const { return m_objects; }
    QString objectName(std::uint16_t obj) const;

    // Every interval of a lane in time order; the last one ends at end().
    void forEachInterval(std::size_t lane, const std::function<void(const Interval &)> &fn) const;
    std::int64_t totalIn(std::size_t lane, State state) const;
    std::int64_t markerSum(std::size_t lane) const;
    std::size_t bytesStored() const;
    void compact(); // gives back spare capacity once a run is over
    // Adds a lane built elsewhere (derived views); its transitions must be sorted.
    void appendLane(Lane lane);

private:
    struct PendingTransition
    {
        std::int64_t t;
        State state;
        std::uint16_t obj;
    };
    struct PendingPoint
    {
        std::int64_t t, da, db;
    };
    Lane &ensureLane(std::size_t index);
    void push(std::size_t lane, std::int64_t t, State s, std::uint16_t obj);
    static void truncate(Lane &lane, std::size_t size);
    static void summarise(Lane &lane);
    int objectLane(std::uint8_t obj) const;
    std::uint16_t lastCpu(std::uint16_t lane) const;
    bool isGil(std::uint8_t obj) const;

    std::int64_t m_start = 0;
    std::int64_t m_end = 0;
    std::uint64_t m_events = 0;
    std::int64_t m_progressTotal = 0;
    std::vector<Lane> m_lanes;
    std::vector<ObjectInfo> m_objects;
    // Per source lane: pending high argument bits, last progress, the counter lane it feeds.
    std::unordered_map<std::uint16_t, std::uint32_t> m_argHigh;
    std::unordered_map<std::uint16_t, std::int64_t> m_progress;
    std::unordered_map<std::uint16_t, std::int64_t> m_lastSample; // core lanes' last utilisation
    std::unordered_map<std::uint16_t, int> m_counterOf;
    std::unordered_map<std::uint16_t, std::uint16_t> m_lastCpu;
    // Effects on lanes written by several threads, merged in time order at commit().
    std::unordered_map<std::size_t, std::vector<PendingTransition>> m_pendingTransitions;
    std::unordered_map<std::size_t, std::vector<PendingPoint>> m_pendingPoints;
    std::unordered_map<std::size_t, std::vector<Marker>> m_pendingMarkers;
};

} // namespace raceway
