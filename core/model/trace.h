#pragma once

#include "column.h"
#include "event.h"
#include "lanekind.h"
#include "seriessummary.h"
#include "slices.h"
#include "statesummary.h"

#include <QHash>
#include <QString>

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace raceway {

// What a lane is doing from one transition until the next.
enum class State : std::uint8_t {
    Idle = 0,
    Running,
    Waiting,  // for a lock, an event, a condition, a permit, a thread to end (obj = which)
    Holding,  // a lock or a semaphore's permit (obj = which)
    Sleeping, // pace, or a race window that sleeps
    Done,
    Cancelled,
    Free, // lock lanes: nobody holds it
    Held, // lock lanes: obj = holder lane
    Task, // running a task (obj = task id)
    Crashed,
    Killed,
    TimedOut,
    WaitingGil,   // a Python-like thread waiting to run: it needs the GIL
    WaitingIo,    // waiting on I/O (obj = what for): no CPU used, no GIL held
    Set,          // signal lanes: the event is set (obj = the lane that set it); Free is "clear"
    Ready,        // runnable, but waiting for a core (the scheduler gave it to another thread)
    Blocked,      // off its core, not runnable, for nothing traced (a page fault, a lock inside a library)
    HoldingReady, // holding a lock or a permit (obj = which), but taken off its core and waiting for one:
                  // every thread waiting for that lock waits on the scheduler
    LoopBusy,     // an asyncio task ready to run, not awaiting anything, while its event loop runs another
                  // task's step
};
constexpr int stateCount = 20;
static_assert(StateSummary::states == stateCount, "a summary keeps every state");
QString stateName(State state);
// The state with what it carries where that matters to a reader: a kill's signal ("killed (SIGTERM)").
QString stateName(State state, std::uint16_t obj);
// A thread's last word: done, cancelled, crashed, killed or timed out.
constexpr bool hasEnded(State s)
{
    return s == State::Done || s == State::Cancelled || s == State::Crashed || s == State::Killed ||
           s == State::TimedOut;
}

// 16 bytes: a marker is stored for every write that erased something, millions in a long run.
struct Marker
{
    std::int64_t t;
    std::int64_t value : 48; // lost updates: increments this write erased (negative: given back)
    std::int64_t other : 16; // lane whose value was overwritten, or -1
};
static_assert(sizeof(Marker) == 16, "markers stay 16 bytes");

// Two cumulative channels over time: a counter lane's expected and actual, a lock lane's waiters.
// On counter lanes, changes less than a microsecond apart are kept as one point (the values after the
// last of them), so a counter stores at most a point per microsecond however fast updates are lost.
struct SeriesPoint
{
    std::int64_t t;
    std::int64_t a, b; // running totals including this point
};

// A summary of `bucketSize` consecutive transitions: the state that fills most of their time, and
// how long it does. Zoomed out, a pixel column reads a few of these instead of hundreds of transitions.
struct Bucket
{
    std::int64_t start;       // time of the bucket's first transition
    std::uint32_t dominantNs; // saturates at ~4.3 s; only ever compared within one column
    State dominant;
    std::uint16_t obj; // the dominant state's object where it first occurs (a process's core)
};

// An instant worth pointing at that is not a lost update: a timer tick, an overdraft, a printed line,
// a deadlock closed. 16 bytes.
struct Instant
{
    std::int64_t t;
    std::int64_t value : 48; // the mark's argument (see MarkKind)
    std::int64_t kind : 16;  // MarkKind
    MarkKind markKind() const { return MarkKind(kind); }
};
static_assert(sizeof(Instant) == 16, "instants stay 16 bytes");
QString markKindName(MarkKind kind);

constexpr std::uint64_t seriesResolutionNs = 1000;

// A wait or a hold's place in the code (Trace::siteName), on the lane it happened on.
struct SitePoint
{
    std::int64_t t;     // the wait's start, or the hold's end
    std::uint32_t site; // Trace::sites() index
    SiteOf what;
};

struct Lane
{
    static constexpr std::size_t bucketSize = 32;
    static constexpr std::size_t midSize = 4; // buckets a mid bucket stands for

    QString name;
    LaneKind kind = LaneKind::Thread;
    // Sorted state transitions: state[i] holds from times[i] until times[i + 1] (or the trace end).
    TimeColumn times;
    Column<State> states;
    Column<std::uint16_t> objs;
    Column<Marker> markers;      // sorted by time
    Column<Instant> instants;    // sorted by time
    std::uint32_t marksSeen = 0; // bit per MarkKind that occurs, for legends
    Column<SeriesPoint> series;  // sorted by time
    // The lowest and highest value either channel of the series has held (0 when empty): a counter
    // lane's scale, kept as points arrive so a paint need not scan millions of them. A balance can fall
    // below zero and come back up; a counter only grows.
    std::int64_t seriesLow = 0, seriesHigh = 0;
    std::uint32_t statesSeen = 0; // bit per State that occurs, for legends
    bool restoringWrites = false; // a marker with a negative amount occurs
    // Where its waits for a core came from (bits): 1 the thread's CPU clock (estimated, placed at the end
    // of a gap between its events), 2 the kernel's context-switch records (exact), 4 /proc's run-queue
    // time sampled each millisecond (exact in sum, placed at the sample).
    std::uint8_t coreWaitSources = 0;
    std::uint32_t coresSeen = 0; // bit per core (mod 32) this lane ran on: obj of its Running states
    Column<Bucket> buckets;      // complete buckets only: bucket b covers transitions [b*32, b*32+32)
    // A level coarser: bucket c stands for buckets [c*32, c*32+32), their votes (each bucket's dominant
    // state, its time plus one) tallied as a pixel column would, so that a column holding hundreds of
    // buckets reads a few of these instead (a 100M-event run zoomed out).
    Column<Bucket> coarse;
    // Between the two: bucket c stands for buckets [c*4, c*4+4), tallied alike, for a column that holds
    // a dozen buckets (a 10M-event run zoomed out).
    Column<Bucket> mid;
    Column<SitePoint> sites; // sorted by time: where in the code its waits and contended holds were
    // Past the event budget: what the lane did from pastBudget.start() on, as shares of its time per bucket
    // (empty where the lane's own events reach the end). Its transitions stop where this begins.
    StateSummary pastBudget;
    // A value lane's readings past the budget (a lock's queue, a queue's length, a semaphore's counts,
    // the counter's where its own readings ran out too), from pastSeries.start() on; its series stops there.
    SeriesSummary pastSeries;
    // Another tool's named slices, nested (lanes of kind Slices): what the code was in.
    SliceStack slices;

    std::size_t transitionCount() const { return times.size(); }
    // Index of the transition in force at t, or -1 before the first.
    std::ptrdiff_t indexAt(std::int64_t t) const;
    // How long the lane had just waited for a core when it went on at t (0: it had not): a write made
    // right after its thread got its core back (State::Ready ending exactly at t).
    std::int64_t readyEndingAt(std::int64_t t) const;
    // The place in the code of what happened at exactly t (a wait that began, a hold that ended), or
    // nullptr where none was recorded.
    const SitePoint *siteAt(std::int64_t t, SiteOf what) const;
    // That wait, said for a lost update's write at t, or nothing: "was off its core 4.1 ms between
    // reading and writing back" where context-switch records placed it (exact), "waited 4.1 ms for a
    // core just before writing" where the thread's CPU clock did.
    QString coreWaitBeforeWrite(std::int64_t t) const;
};

struct Interval
{
    std::int64_t start, end;
    State state;
    std::uint16_t obj;
};

// A stretch a thread or process spent on one core; `lane` is its lane (what a core lane says ran).
struct CoreStretch
{
    std::int64_t start, end;
    std::size_t lane;
};

// The run as lanes of sorted intervals, markers and series. Filled by ingesting drained events in
// batches; only the thread that ingests may read it (the GUI thread or the CLI's main thread).
class Trace
{
public:
    void setRegistry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects);
    // Places in the code ("bank.py:31 in transfer") that Site events name: append-only.
    void setSites(std::vector<QString> sites) { m_sites = std::move(sites); }
    const std::vector<QString> &sites() const { return m_sites; }
    QString siteName(std::uint32_t site) const { return site < m_sites.size() ? m_sites[site] : QString(); }
    // The names (and categories) and the arguments (JSON text) that Slice entries refer to; index 0 of
    // each is empty.
    void setSliceTables(std::vector<QString> names, std::vector<QString> args)
    {
        m_sliceNames = std::move(names);
        m_sliceArgs = std::move(args);
        m_sliceNameIds.clear();
        m_sliceHues.clear();
        for (const QString &n : m_sliceNames)
            m_sliceHues.push_back(std::uint16_t(sliceHue(n)));
    }
    const std::vector<QString> &sliceNames() const { return m_sliceNames; }
    QString sliceName(std::uint32_t id) const
    {
        return id < m_sliceNames.size() ? m_sliceNames[id] : QString();
    }
    const std::vector<QString> &sliceArgTexts() const { return m_sliceArgs; }
    int sliceHueOf(std::uint32_t id) const { return id < m_sliceHues.size() ? m_sliceHues[id] : 0; }
    QString sliceArgs(std::uint32_t id) const
    {
        return id < m_sliceArgs.size() ? m_sliceArgs[id] : QString();
    }
    void ingest(const Event *events, std::size_t count); // events of one lane, in order
    // Events recorded past the event budget, kept only as summaries (Lane::pastBudget): the same reading
    // of them as ingest() gives, but nothing is stored per event, and the lanes other threads feed (a
    // lock's, a counter's) are left as they are. A lane's first such event begins its summary; after it
    // the lane takes no ordinary events.
    void ingestPastBudget(const Event *events, std::size_t count);
    // A saved run's summary put back (false: it does not fit together).
    bool setPastBudget(std::size_t lane, StateSummary::Parts parts);
    bool setPastSeries(std::size_t lane, SeriesSummary::Parts parts);
    // What events past the budget changed in value lanes (a lock's waiters, a queue's length) before
    // `upTo`, in time order, into their lanes' summaries; later ones wait. Pass the recorder's
    // pastWatermark() after commit(watermark) while a run goes on; compact() takes the rest.
    void commitPastBudget(std::int64_t upTo);
    // Merges the cross-lane effects (a lock's lane, a counter's series) of events before `upTo` into
    // their lanes; later ones wait, so that a lane written by several threads is extended at its end
    // instead of rewritten. Pass the recorder's watermark while a run goes on.
    void commit(std::int64_t upTo = INT64_MAX);

    void setStart(std::int64_t t) { m_start = t; }
    void setEnd(std::int64_t t)
    {
        m_end = std::max(m_end, t);
        if (!m_callLanes.empty()) extendOpenCalls();
    }
    // The end follows the latest event ingested, unless told not to while a run whose events are
    // recorded late goes on: then it is only what setEnd() says (the live edge), so lanes are not drawn
    // in their last state past what is known. Letting go moves it to the latest event.
    void setEndFollowsEvents(bool follows)
    {
        m_endFollowsEvents = follows;
        if (follows) m_end = std::max(m_end, m_latestEvent);
    }
    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; }
    std::uint64_t eventCount() const { return m_events; }
    std::int64_t progress() const { return m_progressTotal; } // summed Progress of every lane
    // Lost updates split by whether the write came right after its thread's wait for a core (see
    // Lane::readyEndingAt), net of restorings, over the whole trace: the two add up to all markers.
    std::int64_t erasedAfterCoreWait() const { return m_erasedAfterCoreWait; }
    std::int64_t erasedOtherwise() const { return m_erasedOtherwise; }
    // Of those writes, the ones that erased (not restored), after a wait for a core.
    std::int64_t writesAfterCoreWait() const { return m_writesAfterCoreWait; }
    // The three, as a trace file that carries them says (they are counted as events are ingested).
    void setErasedSplit(std::int64_t afterCoreWait, std::int64_t otherwise, std::int64_t writesAfterCoreWait)
    {
        m_erasedAfterCoreWait = afterCoreWait;
        m_erasedOtherwise = otherwise;
        m_writesAfterCoreWait = writesAfterCoreWait;
    }
    // Where recording stopped because the event budget was spent (0: it never was). Lanes may show
    // less than happened from here on.
    void setBudgetReached(std::int64_t t) { m_budgetReached = t; }
    std::int64_t budgetReached() const { return m_budgetReached; }

    const std::vector<Lane> &lanes() const { return m_lanes; }
    const Lane &lane(std::size_t i) const { return m_lanes[i]; }
    const std::vector<ObjectInfo> &objects() const { return m_objects; }
    QString objectName(std::uint16_t obj) const;

    // Every interval of a lane in time order; the last one ends at end().
    void forEachInterval(std::size_t lane, const std::function<void(const Interval &)> &fn) const;
    std::int64_t totalIn(std::size_t lane, State state) const;
    std::int64_t markerSum(std::size_t lane) const;
    std::size_t bytesStored() const;
    // Once a run is over: adds a "cpu N runs" lane per core that the kernel's switch records saw a watched
    // thread on (which thread each core ran when; gaps are other programs, Raceway's own threads, or
    // idle), then gives back spare capacity.
    void compact();
    // Adds a lane built elsewhere (derived views); its transitions must be sorted.
    void appendLane(Lane lane);

    // A semaphore's permit given back by one thread and taken by another that had waited for it; matched
    // by compact() (matchPermits, handoffs.h), in time order of the wake.
    struct PermitHandoff
    {
        std::int64_t released = 0, woke = 0;
        std::uint32_t semaphore = 0, from = 0, to = 0; // lanes
    };
    const std::vector<PermitHandoff> &permitHandoffs() const { return m_permitHandoffs; }
    // Another tool's flow arrows (Chrome's "s"/"t"/"f" events): from a moment on one lane to one on
    // another, named (Trace::sliceName); sorted by `from`.
    struct Flow
    {
        std::int64_t from = 0, to = 0;
        std::uint32_t fromLane = 0, toLane = 0, name = 0;
    };
    const std::vector<Flow> &flows() const { return m_flows; }
    void setFlows(std::vector<Flow> flows) { m_flows = std::move(flows); }
    void setPermitHandoffs(std::vector<PermitHandoff> handoffs) { m_permitHandoffs = std::move(handoffs); }

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
    Lane &ensureLane(std::size_t index)
    {
        if (index >= m_lanes.size()) m_lanes.resize(index + 1);
        return m_lanes[index];
    }
    // A lane past its budget is read through a lane of its own that holds only its last two transitions
    // (the time before them is in the summary: push() and readLocksPast() put it there as they go) and
    // the markers that arrived since; fold() moves those into the summary.
    struct Summarising
    {
        Lane scratch;
        bool started = false;
        std::size_t folded = 0; // scratch transitions whose interval to the next is in the summary
        std::vector<std::pair<std::int64_t, std::int64_t>> gaps; // events not kept (SummaryGap), to fold
    };
    std::vector<Summarising> m_summarising; // indexed by lane
    bool m_pastBudget = false;              // ingest() is reading events past the budget
    void fold(std::size_t lane);
    // Lock events and lost updates past the budget, read without ingest(): the index of the first not read.
    std::size_t readLocksPast(std::size_t lane, const Event *events, std::size_t from, std::size_t to);
    bool readsAsLock(const Event &e) const
    {
        if (e.kind == EventKind::LostUpdate) return true;
        return (e.kind == EventKind::LockRequested || e.kind == EventKind::LockAcquired ||
                e.kind == EventKind::LockReleased) &&
               !isGil(e.obj);
    }
    void extendSummaries(std::int64_t upTo);
    void push(std::size_t lane, std::int64_t t, State s, std::uint16_t obj);
    static void truncate(Lane &lane, std::size_t size);
    static void summarise(Lane &lane);
    // A bucket for buckets [from, from + count): their votes tallied as a pixel column would.
    static Bucket tallied(const Column<Bucket> &buckets, std::size_t from, std::size_t count);
    int objectLane(std::uint8_t obj) const { return obj < m_objects.size() ? m_objects[obj].lane : -1; }
    LaneKind objectLaneKind(std::uint8_t obj) const // Thread when the object has no lane
    {
        const int l = objectLane(obj);
        return l >= 0 && std::size_t(l) < m_lanes.size() ? m_lanes[std::size_t(l)].kind : LaneKind::Thread;
    }
    std::uint16_t lastCpu(std::uint16_t lane) const
    {
        return lane < m_sources.size() ? m_sources[lane].lastCpu : 0;
    }
    bool isGil(std::uint8_t obj) const
    {
        return objectLaneKind(obj) == LaneKind::Gil && objectLane(obj) >= 0;
    }

    std::int64_t m_start = 0;
    std::int64_t m_end = 0;
    std::int64_t m_latestEvent = 0;
    bool m_endFollowsEvents = true;
    std::uint64_t m_events = 0;
    std::int64_t m_progressTotal = 0;
    std::int64_t m_erasedAfterCoreWait = 0, m_erasedOtherwise = 0, m_writesAfterCoreWait = 0;
    std::int64_t m_budgetReached = 0;
    // Stretches watched threads spent on each core, from their switch records (see EventKind::OffCore),
    // turned into lanes by compact().
    std::map<int, std::vector<CoreStretch>> m_coreRuns;
    void addCoreRunLanes();
    std::vector<Lane> m_lanes;
    std::vector<ObjectInfo> m_objects;
    std::vector<QString> m_sites;
    std::vector<QString> m_sliceNames{QString()}, m_sliceArgs{QString()};
    std::vector<std::uint16_t> m_sliceHues{0};
    // A traced program's calls (CallBegin, CallEnd): each place in the code named as a slice name and a
    // category ("transfer", "bank.py:28"), found once (0: not yet); the lanes that have had calls, whose
    // open calls reach the end.
    std::vector<std::pair<std::uint32_t, std::uint16_t>> m_siteSlices;
    std::vector<std::size_t> m_callLanes;
    std::uint32_t m_unnamedSlice = 0;
    QHash<QString, std::uint32_t> m_sliceNameIds; // the names' ids, once one is added
    std::pair<std::uint32_t, std::uint16_t> sliceForSite(std::uint32_t site);
    std::uint32_t addSliceName(const QString &name);
    void extendOpenCalls();
    std::vector<PermitHandoff> m_permitHandoffs;
    std::vector<Flow> m_flows;
    // Per source lane (indexed by lane, looked up for every event): pending high argument bits, last
    // progress, the counter lane it feeds, a core lane's last utilisation, the core it last ran on.
    struct Source
    {
        std::uint32_t argHigh = 0;
        bool hasArgHigh = false;
        int counter = -1;
        std::uint16_t lastCpu = 0;
        // The stretch on a core that the thread is in, from its last switch back in (-1: none).
        int onCore = -1;
        std::int64_t onCoreSince = 0;
        std::int64_t progress = 0;
        std::int64_t lastSample = 0;
        // A counter reading in progress (CounterExpected seen), and the last complete one.
        std::int64_t readingExpected = 0, lastExpected = 0, lastActual = 0;
    };
    Source &source(std::uint16_t lane)
    {
        if (lane >= m_sources.size()) m_sources.resize(std::size_t(lane) + 1);
        return m_sources[lane];
    }
    std::vector<Source> m_sources;
    // Effects on lanes written by several threads, merged in time order at commit().
    // Each list is what is left of the last commit, sorted, then what arrived since, a sorted run a thread.
    template <typename T> struct PendingList
    {
        std::vector<T> items;
        bool ignored = false; // what events past the budget would add: let go
        void push_back(const T &item)
        {
            if (!ignored) items.push_back(item);
        }
    };
    template <typename T>
    static PendingList<T> &pendingFor(std::vector<PendingList<T>> &lists, std::size_t lane)
    {
        if (lane >= lists.size()) lists.resize(lane + 1);
        return lists[lane];
    }
    std::vector<PendingList<PendingTransition>> m_pendingTransitions; // indexed by lane
    // What a commit takes and merges, kept with their room from one commit to the next.
    std::vector<PendingTransition> m_takenTransitions, m_mergedTransitions;
    std::vector<PendingPoint> m_takenPoints, m_mergedPoints;
    std::vector<PendingList<PendingPoint>> m_pendingPoints;
    // What events past the budget would add to a counter's lane goes here and is let go.
    PendingList<PendingPoint> m_ignoredPoints{{}, true};
    // Past the budget a lock's, the GIL's or an event's changes of state wait apart, for
    // commitPastBudget(), which puts them in order into the lane's summary.
    std::vector<PendingList<PendingTransition>> m_pastTransitions;
    PendingList<PendingTransition> &pendingTransitions(std::size_t lane)
    {
        return pendingFor(m_pastBudget ? m_pastTransitions : m_pendingTransitions, lane);
    }
    void commitPastTransitions(std::int64_t upTo);
    // Past the budget a lock (a lane of kind Lock: one holder at a time) is held for the time its holds
    // cover, however they arrive: each thread's changes come in its own order, paired into holds, and no
    // list of changes is put in time order (that was most of what summarising a lock-heavy run cost).
    struct PastHolds
    {
        struct Open
        {
            std::int64_t from = 0;
            std::int64_t last = INT64_MIN; // the holder's latest change taken (older ones were read late)
            std::uint32_t depth = 0;       // acquisitions not yet released (0: not held by this holder)
        };
        std::vector<Open> byHolder;                               // indexed by the holder's lane
        std::vector<std::pair<std::int64_t, std::int64_t>> ended; // holds reaching past `to`
        std::int64_t to = 0;                                      // the summary says where it was up to here
        std::int64_t latest = INT64_MIN;                          // the latest change taken
    };
    std::vector<PastHolds> m_pastHolds; // indexed by lane
    std::vector<std::int64_t> m_heldScratch;
    void commitPastHolds(std::size_t laneIndex, std::int64_t upTo);
    // At one instant a release comes before the next acquisition.
    static bool releaseFirst(const PendingTransition &x, const PendingTransition &y)
    {
        // (Bitwise: a merge decides it for every item, and a branch here was a guess wrong half the time.)
        return (x.t < y.t) | ((x.t == y.t) & (x.state == State::Free) & (y.state != State::Free));
    }
    // Past the budget a value lane's changes wait apart, for commitPastBudget().
    std::vector<PendingList<PendingPoint>> m_pastPoints;
    // A lock's queue past the budget (a lane of kind Lock), as words a third of a point's size, put in
    // order by the pending lists' own sort: `t` is the time shifted left by one, and below it 1 for a
    // thread that joins the queue, 0 for one that leaves it (at one instant, leaving comes first: the
    // queue is never drawn longer than it was).
    struct QueueWord
    {
        std::int64_t t;
    };
    std::vector<PendingList<QueueWord>> m_pastQueues; // indexed by lane
    std::vector<QueueWord> m_takenWords;
    void queuePast(std::size_t lane, std::int64_t t, bool joins)
    {
        if (t < 0 || t >= (INT64_MAX >> 1)) {
            pendingPoints(lane).push_back({t, joins ? 1 : -1, 0});
            return;
        }
        pendingFor(m_pastQueues, lane).push_back({(t << 1) | std::int64_t(joins)});
    }
    void commitPastQueues(std::int64_t upTo);
    PendingList<PendingPoint> &pendingPoints(std::size_t lane)
    {
        if (!m_pastBudget) return pendingFor(m_pendingPoints, lane);
        // A counter's lane goes on from its sampler's readings (recorded: some budget is set aside for
        // them), not from the threads' progress and lost updates.
        if (lane < m_lanes.size() &&
            (m_lanes[lane].kind == LaneKind::Counter || m_lanes[lane].kind == LaneKind::Value))
            return m_ignoredPoints;
        return pendingFor(m_pastPoints, lane);
    }
};

} // namespace raceway
