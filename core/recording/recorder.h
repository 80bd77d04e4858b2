#pragma once

#include "clock.h"
#include "event.h"
#include "lanekind.h"
#include "switchrecords.h"
#include "waitgraph.h"

#include <QString>

#include <array>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace raceway {

// A fixed block of events written by one thread and read by the collector. The writer publishes each
// event by storing the new count with release order; the reader loads it with acquire order. A chunk is
// exactly 64 KiB and mapped on its own. Drained chunks are handed back to writers (a fresh mapping costs
// page faults on every page), and those beyond a small reserve go straight back to the system.
struct EventChunk
{
    static constexpr std::uint32_t capacity = 4095;
    std::atomic<std::uint32_t> count{0};
    std::atomic<EventChunk *> next{nullptr};
    Event events[capacity];

    static EventChunk *allocate() noexcept;
    static void release(EventChunk *chunk) noexcept;
};
static_assert(sizeof(EventChunk) == 65536, "a chunk is one 64 KiB mapping");

class Recorder;

// The per-thread, append-only event buffer. Exactly one thread writes to it (the one that owns it)
// and one thread drains it. record() takes no lock, makes no system call and allocates nothing except
// when a 4096-event chunk fills up.
class ThreadBuffer
{
public:
    ThreadBuffer(Recorder *recorder, std::uint16_t lane);
    ~ThreadBuffer();
    ThreadBuffer(const ThreadBuffer &) = delete;
    ThreadBuffer &operator=(const ThreadBuffer &) = delete;

    std::uint16_t lane() const noexcept { return m_lane; }

    void record(EventKind kind, std::uint8_t obj = 0, std::uint32_t arg = 0) noexcept
    {
        if (m_watchCore) [[unlikely]] {
            prepareCoreWatch(); // before the clock is read: opening takes milliseconds, not the workload's
            const std::int64_t t = nowNs();
            watchCore(t);
            recordAt(t, kind, obj, arg);
            if (m_deferred != 0) [[unlikely]]
                recordDeferred();
            return;
        }
        recordAt(nowNs(), kind, obj, arg);
    }

    // Opt in, for a worker that records as it runs (call before its first event): each time the thread
    // was taken off its core while it had work, an OffCore event says when and for how long, and the
    // trace draws that as "waiting for a core" where the lane was running (a blocked or sleeping lane
    // is off its core for its own reasons). The source is the kernel's context-switch records where it
    // allows them (obj 1: exact), else the thread's CPU clock read where the time since its last event
    // is long (obj 0: an estimate, placed at the gap's end). One load per event, or a clock read per gap.
    void enableCoreWatch() noexcept { m_watchCore = m_estimateCore = true; }
    // The same, only where the kernel's records make it exact: for a thread that records rarely, whose
    // estimate would be misplaced (placed at the end of a long gap).
    void watchCoreExactly() noexcept { m_watchCore = true; }
    // Sets the watch up now, on the thread that writes (its first event does it otherwise): call it before
    // a start gate, so that the kernel's few milliseconds of setting up come before the run, and
    // threads released together start together.
    void prepareCoreWatch() noexcept
    {
        if (!m_watchCore || m_coreStarted) return;
        m_coreStarted = true;
        startCoreWatch();
    }
    // For a buffer that Raceway's own thread writes on a thread lane's behalf (a traced Python program's,
    // put together from its stream): its writer is not the workload.
    void markObserver() noexcept { m_observer.store(true, std::memory_order_relaxed); }
    // For a buffer that Raceway's own thread writes for a thread whose switches it reads from outside
    // (a traced Python program's): its lane counts among the watched ones (Recorder::coreWatchedLanes).
    void markCoreWatched() noexcept { m_watching.store(true, std::memory_order_relaxed); }
    // For a buffer written once by a thread that must not lose its priority (the collector's).
    void keepWriterPriority() noexcept { m_keepPriority = true; }

    void recordAt(std::int64_t t, EventKind kind, std::uint8_t obj, std::uint32_t arg) noexcept
    {
        // One comparison on the hot path: m_limit is where this chunk or this thread's share of the
        // event budget runs out, whichever comes first.
        if (m_used == m_limit) [[unlikely]] {
            if (!refill(t)) return;
        }
        m_write->events[m_used] = Event{t, arg, m_lane, kind, obj};
        ++m_used;
        m_write->count.store(m_used, std::memory_order_release);
    }

    // For a thread that draws several lanes of its own (an event loop and its coroutines): the event
    // goes on `lane`, still written by this buffer's one thread.
    void recordOn(std::uint16_t lane, EventKind kind, std::uint8_t obj = 0, std::uint32_t arg = 0) noexcept
    {
        recordOnAt(lane, nowNs(), kind, obj, arg);
    }
    void recordOnAt(std::uint16_t lane, std::int64_t t, EventKind kind, std::uint8_t obj = 0,
                    std::uint32_t arg = 0) noexcept
    {
        const std::uint16_t own = m_lane;
        m_lane = lane;
        recordAt(t, kind, obj, arg);
        m_lane = own;
    }

    // A 64-bit signed argument: an ArgHigh event carries the high half when it is needed.
    void recordWide(std::int64_t t, EventKind kind, std::uint8_t obj, std::int64_t arg) noexcept
    {
        if (m_watchCore) [[unlikely]] { // a lost update's write: the wait for a core just before it shows
            prepareCoreWatch();
            watchCore(t);
        }
        const auto high = static_cast<std::uint32_t>(static_cast<std::uint64_t>(arg) >> 32);
        if (high != 0) recordAt(t, EventKind::ArgHigh, 0, high);
        recordAt(t, kind, obj, static_cast<std::uint32_t>(arg));
        if (m_deferred != 0) [[unlikely]]
            recordDeferred();
    }

    // Was this thread taken off its core between two moments? Take a mark at the first (one load; 0
    // where switches are not watched) and ask at the second: exact where the kernel's switch records
    // are read, never true elsewhere.
    std::uint64_t switchMark() const noexcept { return m_switches.isOpen() ? m_switches.head() : 0; }
    bool switchedSince(std::uint64_t mark) const noexcept
    {
        return m_switches.isOpen() && m_switches.head() != mark;
    }
    // A write whose thread lost its core between reading the value and writing it back (switchedSince
    // the mark taken before the read): that wait for a core is drawn up to the write itself, so that the
    // write is seen to follow it directly (Lane::readyEndingAt); it ends a fraction of a microsecond later
    // than the kernel says.
    void recordWideAfterSwitch(std::uint64_t mark, std::int64_t t, EventKind kind, std::uint8_t obj,
                               std::int64_t arg) noexcept
    {
        takeSwitches(t, mark);
        recordWide(t, kind, obj, arg);
    }

    // When this thread first found the budget spent (0: never). Written once by the writer.
    std::int64_t firstDropNs() const noexcept { return m_firstDrop.load(std::memory_order_acquire); }
    // Writer side: what is left of the events set aside for this buffer (Recorder::setAside), which it
    // writes once the shared budget is spent.
    std::uint64_t setAsideLeft() const noexcept
    {
        return m_setAside + (m_onSetAside ? m_quota - (m_used - m_mark) : 0);
    }

private:
    friend class Recorder;
    bool refill(std::int64_t t) noexcept;
    void watchCore(std::int64_t t) noexcept
    {
        if (m_switches.isOpen()) {
            if (!m_write) [[unlikely]]
                beginOnCore(t);
            else if (m_switches.pending())
                takeSwitches(t);
        } else if (t - m_lastT > coreGapNs) {
            noteGap(t);
        }
        m_lastT = t;
    }
    void noteGap(std::int64_t t) noexcept;
    // t: the event about to be written. A wait that began after `mark` is drawn up to t (see
    // recordWideAfterSwitch); UINT64_MAX: none is. A wait that began after t (the thread lost its core
    // between reading the clock and reading its records) is kept for recordDeferred(), which writes it
    // whole right after the event: the event keeps its time, and the lane's events their order.
    void takeSwitches(std::int64_t t, std::uint64_t mark = UINT64_MAX) noexcept;
    void recordDeferred() noexcept;
    void beginOnCore(std::int64_t t) noexcept; // the lane's first event: the records so far are dropped
    struct DeferredWait
    {
        std::int64_t out, in;
        std::uint32_t left, back;
        std::uint8_t obj;
    };
    std::array<DeferredWait, 4> m_deferredWaits{};
    std::uint8_t m_deferred = 0;
    void startCoreWatch() noexcept; // once, from prepareCoreWatch()
    // A thread that records at least this often while it runs shows every time slice it lost; the
    // scenarios that opt in record many times a millisecond, or read their clock this often.
    static constexpr std::int64_t coreGapNs = 200'000;
    // Reader side: copies up to `limit` newly published events out and frees chunks the writer has
    // left behind. Returns how many it copied. Events past the budget are in a chain of their own,
    // drained apart (and first: the recorder keeps little of it waiting).
    struct ReadCursor
    {
        EventChunk *chunk = nullptr;
        std::uint32_t pos = 0;
    };
    template <typename Fn>
    std::size_t drainChain(ReadCursor &cursor, const std::atomic<EventChunk *> &first, Fn &&sink,
                           std::size_t limit);
    template <typename Fn> std::size_t drain(Fn &&sink, std::size_t limit)
    {
        return drainChain(m_reader, m_first, sink, limit);
    }
    template <typename Fn> std::size_t drainPastBudget(Fn &&sink)
    {
        return drainChain(m_pastReader, m_firstPast, sink, SIZE_MAX);
    }
    static bool unread(const ReadCursor &cursor, const std::atomic<EventChunk *> &first) noexcept;
    bool hasUnread() const noexcept { return unread(m_reader, m_first) || unread(m_pastReader, m_firstPast); }
    // Reader side: the time of the oldest event not drained yet, or INT64_MAX when there is none; of
    // those recorded, or of those past the budget (past).
    std::int64_t nextUnreadTime(bool past = false) const noexcept;
    static std::int64_t nextUnreadIn(const ReadCursor &cursor,
                                     const std::atomic<EventChunk *> &first) noexcept;

    Recorder *m_recorder;
    std::uint16_t m_lane;          // the writer's: recordOn() changes it for a moment
    const std::uint16_t m_ownLane; // the same, fixed: for other threads to read
    // Writer side. The first chunk is mapped on the first event, so idle lanes cost nothing.
    EventChunk *m_write = nullptr;
    std::uint32_t m_used = 0;
    std::uint32_t m_limit = 0;    // m_used may grow up to here before refill() runs
    std::uint32_t m_mark = 0;     // m_used when m_limit was last set
    std::uint64_t m_quota = 0;    // events this thread may still write, as of m_mark
    std::uint64_t m_setAside = 0; // of the budget, for this buffer alone once the rest is spent
    bool m_onSetAside = false;    // m_quota is what was set aside
    bool m_pastBudget = false;    // writing events past the budget, for summaries only
    // Past the budget: the first event not kept since the last one kept (the writer's; read once it is done).
    std::atomic<std::int64_t> m_gapSince{0};
    bool beginPastBudget(std::int64_t t) noexcept;
    std::atomic<std::int64_t> m_firstDrop{0};
    std::atomic<int> m_tid{0};   // the writer's thread id, once it has written
    bool m_watchCore = false;    // the writer's: set up before it starts, switched off if it cannot watch
    bool m_estimateCore = false; // from the CPU clock where the kernel's records are refused
    bool m_coreStarted = false;  // startCoreWatch() has run
    std::atomic<bool> m_watching{false}; // for other threads: it does watch
    bool m_keepPriority = false;
    std::atomic<bool> m_observer{false};
    std::int64_t m_lastT = 0;   // the last event's time (core watch)
    std::int64_t m_cpuWall = 0; // when the thread's CPU clock was last read (0: never)
    std::int64_t m_cpu = 0;     // what it said
    SwitchRecords m_switches;   // open once the writer has recorded, where the kernel allows
    // Shared: the first chunk, and the first past the budget, each published once by the writer.
    std::atomic<EventChunk *> m_first{nullptr};
    std::atomic<EventChunk *> m_firstPast{nullptr};
    // Reader side.
    ReadCursor m_reader, m_pastReader;
};

// Interns lanes and objects, hands out thread buffers, and lets one collector drain them.
// The event budget bounds memory: once it is spent, further events are counted as dropped. Threads
// claim their share of it in batches that shrink as it runs out, so the recorded count never exceeds
// the budget whatever the number of threads, and recorded + dropped is exactly what was attempted.
class Recorder
{
public:
    explicit Recorder(std::uint64_t maxEvents = 20'000'000);
    ~Recorder();
    Recorder(const Recorder &) = delete;
    Recorder &operator=(const Recorder &) = delete;

    std::uint16_t addLane(const QString &name, LaneKind kind);
    std::uint8_t addObject(const QString &name, int lane = -1); // ids start at 1: 0 is "none"
    std::vector<LaneInfo> lanes() const;
    std::vector<ObjectInfo> objects() const;
    // A place in the code that Site events name ("bank.py:31 in transfer"): the same text, the same id.
    std::uint32_t addSite(const QString &place);
    std::vector<QString> sites() const;
    std::size_t siteCount() const;

    // Not on the hot path: call before a worker starts. The recorder owns the buffer.
    ThreadBuffer *createBuffer(std::uint16_t lane);
    // Sets up to n events of the budget aside for `buffer` (before its writer starts), which it writes
    // once the shared budget is spent: a lane that goes on to the run's end at a pace its writer keeps
    // (a counter's readings). At most a 32nd of what is left; returns what was set aside.
    std::uint64_t setAside(ThreadBuffer *buffer, std::uint64_t n) noexcept
    {
        return grant(buffer, holdBack(n));
    }
    // The same in two steps, for a buffer made later (at the run's end): up to n events held back now,
    // then given to it.
    std::uint64_t holdBack(std::uint64_t n) noexcept;
    std::uint64_t grant(ThreadBuffer *buffer, std::uint64_t n) noexcept
    {
        buffer->m_setAside += n;
        return n;
    }
    // The shared budget is spent: every thread's next claim fails (what they claimed before is left).
    bool budgetSpent() const noexcept { return m_remaining.load(std::memory_order_relaxed) <= 0; }

    // Past the budget, threads go on writing events for summaries instead of dropping them: they are
    // drained to their own sink (see drain) and let go, and counted as dropped then. Memory stays bounded:
    // where the collector falls more than `summaryChunkLimit` chunks behind, events are dropped as
    // before (summaryGaps() counts them). Set before the workers start.
    void summarisePastBudget(bool on) noexcept { m_summarise = on; }
    static constexpr std::uint64_t summaryChunkLimit = 256; // 16 MiB
    std::uint64_t summaryGaps() const noexcept { return m_summaryGaps.load(std::memory_order_relaxed); }

    using Sink = std::function<void(const Event *, std::size_t)>;
    // Copies newly published events to sink(const Event *, size_t), each buffer's in order, at most
    // about `limit` in one call; events past the budget go to `pastBudget` (or nowhere). A bounded drain
    // takes the oldest events first, in portions from whichever buffer is furthest behind, so every lane
    // moves forward in time together. Returns how many it copied. Call from one thread at a time.
    std::size_t drain(const Sink &sink, std::size_t limit = SIZE_MAX, const Sink *pastBudget = nullptr);
    // Only the events past the budget (to `sink`, or nowhere): while a run goes on, where the events
    // recorded before it wait until the end.
    // (Called by drain(), only from threads whose recorded events are all drained: a lane's summary goes
    // on from its last recorded state.)
    std::size_t drainPastBudget(const Sink *sink, bool caughtUpOnly = false);
    // Once the writers are done: the events past the budget that were not kept up to their end, said to
    // `sink` as each thread would have said them on its next event (ArgHigh, SummaryGap at `now`).
    void sayOpenGaps(const Sink &sink, std::int64_t now);
    bool hasUnread() const; // published events not drained yet
    // Everything recorded before this time has been drained (INT64_MAX: everything published so far),
    // and nothing is still to be recorded before it (see holdWatermark).
    std::int64_t watermark() const;
    // The same over the events past the budget: all of them before it are drained (recorded ones may
    // still come: the command line reads those at the end).
    std::int64_t pastWatermark() const;
    // For a run whose events are recorded some time after they happen (a traced Python script's, put
    // together from the tracer's stream and /proc samples): nothing before `t` is still to come. The
    // watermark never passes it, so the live edge stops there and lanes are not drawn ahead of what is
    // known. INT64_MAX (the default) lets it go.
    void holdWatermark(std::int64_t t) noexcept { m_horizon.store(t, std::memory_order_release); }

    std::uint64_t droppedEvents() const noexcept { return m_dropped.load(std::memory_order_relaxed); }
    std::uint64_t maxEvents() const noexcept { return m_maxEvents; }
    // The earliest moment a thread found the budget spent (0: it never was).
    std::int64_t budgetReachedNs() const;
    // Chunks holding events not drained yet (plus the unused rest of the chunks being written).
    std::uint64_t mappedChunks() const noexcept { return m_mapped.load(std::memory_order_relaxed); }
    std::uint64_t pastBudgetChunks() const noexcept { return m_pastMapped.load(std::memory_order_relaxed); }
    static constexpr std::size_t reserveChunks = 64; // drained chunks kept for reuse (4 MiB)

    // Who holds and waits for which traced lock, for deadlock detection; made on first use.
    WaitGraph &waitGraph();
    // Counts a deadlock found and returns its number (from 1).
    std::uint32_t noteDeadlock() noexcept { return m_deadlocks.fetch_add(1, std::memory_order_relaxed) + 1; }
    std::uint32_t deadlocks() const noexcept { return m_deadlocks.load(std::memory_order_relaxed); }

    // Where the core-watched threads learnt when they waited for a core (see enableCoreWatch).
    enum CoreSource : unsigned { CoreFromCpuClock = 1, CoreFromSwitches = 2, CoreFromSamples = 4 };
    unsigned coreSources() const noexcept { return m_coreSources.load(std::memory_order_relaxed); }
    // For switches read from outside the recording threads (ProcessSwitches).
    void addCoreSource(CoreSource source, std::uint64_t lostSwitches = 0) noexcept
    {
        m_coreSources.fetch_or(source, std::memory_order_relaxed);
        m_lostSwitches.fetch_add(lostSwitches, std::memory_order_relaxed);
    }
    std::vector<std::uint16_t> coreWatchedLanes() const; // lanes whose threads watched (sorted)
    // The workload's threads in this process: those that have written a thread lane's buffer and are not
    // Raceway's own (sorted).
    std::vector<int> workerThreadIds() const;
    // Switch records the kernel could not write because a thread's ring was full (their waits are missing).
    std::uint64_t lostSwitches() const noexcept { return m_lostSwitches.load(std::memory_order_relaxed); }
    // The last reading of the run's counter (CounterSampler), for a progress line: increments made so far
    // and the counter's value; -1 before the first.
    // One writer (the sampler's thread, a few thousand times a second at most), read 4 times a second:
    // the pair under a lock, so that it is one reading.
    void noteCount(std::int64_t counted, std::int64_t value) noexcept
    {
        std::lock_guard lock(m_countMutex);
        m_counted = counted;
        m_countValue = value;
    }
    std::pair<std::int64_t, std::int64_t> lastCount() const noexcept
    {
        std::lock_guard lock(m_countMutex);
        return {m_counted, m_countValue};
    }

private:
    friend class ThreadBuffer;
    std::uint64_t claim() noexcept; // a batch of the budget for one thread, 0 once it is spent
    // Slow path, once per chunk: a drained chunk to reuse, or a new mapping (nullptr when out of memory).
    EventChunk *takeChunk(bool pastBudget = false) noexcept;
    void giveBack(EventChunk *chunk, bool pastBudget = false) noexcept;

    mutable std::mutex m_mutex; // guards the registries and the buffer list, never taken by record()
    std::vector<LaneInfo> m_lanes;
    std::vector<ObjectInfo> m_objects;
    std::vector<QString> m_sites;
    std::map<QString, std::uint32_t> m_siteIds;
    std::vector<std::unique_ptr<ThreadBuffer>> m_buffers;
    std::uint64_t m_maxEvents;
    std::atomic<std::int64_t> m_remaining;
    std::atomic<std::uint64_t> m_dropped{0};
    bool m_summarise = false;
    std::atomic<std::uint64_t> m_summaryGaps{0};
    std::atomic<std::uint64_t> m_mapped{0};
    std::atomic<std::uint64_t> m_pastMapped{0}; // of them, chunks of events past the budget
    std::unique_ptr<WaitGraph> m_waitGraph;     // guarded by m_mutex until made, then only read
    std::atomic<std::uint32_t> m_deadlocks{0};
    std::atomic<unsigned> m_coreSources{0};
    std::atomic<std::uint64_t> m_lostSwitches{0};
    mutable std::mutex m_countMutex;
    std::int64_t m_counted = -1, m_countValue = 0; // guarded by m_countMutex
    std::atomic<std::int64_t> m_horizon{INT64_MAX};
    std::mutex m_reserveMutex; // taken once per 4095 events at most, never by record() itself
    std::vector<EventChunk *> m_reserve;
};

} // namespace raceway
