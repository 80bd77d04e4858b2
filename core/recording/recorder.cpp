#include "recorder.h"

#include <algorithm>
#include <new>

#include <sched.h>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

EventChunk *EventChunk::allocate() noexcept
{
    void *p = mmap(nullptr, sizeof(EventChunk), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : new (p) EventChunk;
}

void EventChunk::release(EventChunk *chunk) noexcept
{
    chunk->~EventChunk();
    munmap(chunk, sizeof(EventChunk));
}

ThreadBuffer::ThreadBuffer(Recorder *recorder, std::uint16_t lane)
    : m_recorder(recorder), m_lane(lane), m_ownLane(lane)
{
}

ThreadBuffer::~ThreadBuffer()
{
    for (const auto &[cursor, first] :
         {std::pair{&m_reader, &m_first}, std::pair{&m_pastReader, &m_firstPast}}) {
        EventChunk *c = cursor->chunk ? cursor->chunk : first->load(std::memory_order_acquire);
        while (c) {
            EventChunk *next = c->next.load(std::memory_order_acquire);
            EventChunk::release(c);
            m_recorder->m_mapped.fetch_sub(1, std::memory_order_relaxed);
            if (first == &m_firstPast) m_recorder->m_pastMapped.fetch_sub(1, std::memory_order_relaxed);
            c = next;
        }
    }
}

bool ThreadBuffer::refill(std::int64_t t) noexcept
{
    m_quota -= m_used - m_mark;
    m_mark = m_used;
    auto drop = [&] {
        m_recorder->m_dropped.fetch_add(1, std::memory_order_relaxed);
        if (m_firstDrop.load(std::memory_order_relaxed) == 0)
            m_firstDrop.store(std::max<std::int64_t>(t, 1), std::memory_order_release);
        m_limit = m_used;
        return false;
    };
    bool freshChunk = false;
    if (m_quota == 0 && !m_pastBudget) {
        m_quota = m_recorder->claim();
        if (m_quota == 0 && m_setAside != 0) { // the shared budget is spent: what was set aside is next
            m_quota = m_setAside;
            m_setAside = 0;
            m_onSetAside = true;
        }
        if (m_quota == 0) {
            if (!m_recorder->m_summarise) return drop();
            freshChunk = beginPastBudget(t);
        }
    }
    if (m_pastBudget && (!m_write || m_used == EventChunk::capacity || freshChunk) &&
        m_recorder->m_pastMapped.load(std::memory_order_relaxed) >= Recorder::summaryChunkLimit) {
        // The collector is far behind: this event is not summarised, and memory stays bounded.
        if (m_gapSince.load(std::memory_order_relaxed) == 0)
            m_gapSince.store(std::max<std::int64_t>(t, 1), std::memory_order_relaxed);
        m_recorder->m_summaryGaps.fetch_add(1, std::memory_order_relaxed);
        m_recorder->m_dropped.fetch_add(1, std::memory_order_relaxed);
        m_limit = m_used;
        return false;
    }
    if (!m_write) {
        // This is the first event of the thread that writes this lane. Workers yield to the collector and
        // to the window: 64 busy threads at equal priority would leave them 1/33 of a core, the live view
        // would lag, and Stop would wait behind a backlog. All workers get the same lower priority, so
        // how they race against each other does not change.
        const auto tid = pid_t(syscall(SYS_gettid));
        m_tid.store(int(tid), std::memory_order_relaxed);
        if (!m_keepPriority) setpriority(PRIO_PROCESS, tid, Recorder::workerNice);
        prepareCoreWatch(); // for events written by recordAt() alone
    }
    if (!m_write || m_used == EventChunk::capacity || freshChunk) {
        EventChunk *fresh = m_recorder->takeChunk(m_pastBudget);
        if (!fresh) return drop(); // out of memory: the events are counted as not recorded, never a crash
        if (freshChunk || (m_pastBudget && !m_write)) // the chain past the budget begins
            m_firstPast.store(fresh, std::memory_order_release);
        else if (m_write)
            m_write->next.store(fresh, std::memory_order_release);
        else
            m_first.store(fresh, std::memory_order_release);
        m_write = fresh;
        m_used = 0;
        m_mark = 0;
        if (const std::int64_t since = m_gapSince.load(std::memory_order_relaxed);
            m_pastBudget && since != 0) {
            // What was not kept is said first, so that it is drawn so.
            const auto d = std::uint64_t(std::max<std::int64_t>(0, t - since));
            m_write->events[m_used++] = Event{t, std::uint32_t(d >> 32), m_ownLane, EventKind::ArgHigh, 0};
            m_write->events[m_used++] = Event{t, std::uint32_t(d), m_ownLane, EventKind::SummaryGap, 0};
            m_write->count.store(m_used, std::memory_order_release);
            m_mark = m_used;
            m_gapSince.store(0, std::memory_order_relaxed);
        }
    }
    m_limit = m_used + std::uint32_t(std::min<std::uint64_t>(EventChunk::capacity - m_used, m_quota));
    return true;
}

bool ThreadBuffer::beginPastBudget(std::int64_t t) noexcept
{
    // Counted as not recorded: the collector counts them as it drains them.
    if (m_firstDrop.load(std::memory_order_relaxed) == 0)
        m_firstDrop.store(std::max<std::int64_t>(t, 1), std::memory_order_release);
    m_pastBudget = true;
    m_onSetAside = false;
    m_quota = UINT64_MAX / 2;
    m_mark = m_used;
    // The rest of this chunk is left: the events past the budget go in a chain of their own.
    return m_write != nullptr;
}

template <typename Fn>
std::size_t ThreadBuffer::drainChain(ReadCursor &cursor, const std::atomic<EventChunk *> &first, Fn &&sink,
                                     std::size_t limit)
{
    if (!cursor.chunk) {
        cursor.chunk = first.load(std::memory_order_acquire);
        cursor.pos = 0;
        if (!cursor.chunk) return 0;
    }
    std::size_t total = 0;
    while (total < limit) {
        EventChunk *c = cursor.chunk;
        const std::uint32_t published = c->count.load(std::memory_order_acquire);
        if (published > cursor.pos) {
            const auto n = std::uint32_t(std::min<std::size_t>(published - cursor.pos, limit - total));
            sink(c->events + cursor.pos, std::size_t(n));
            total += n;
            cursor.pos += n;
            continue;
        }
        // The writer links the next chunk only once it is done with this one, and never touches it again.
        EventChunk *next = c->next.load(std::memory_order_acquire);
        if (!next) return total;
        if (c->count.load(std::memory_order_acquire) > cursor.pos) continue; // published before that
        m_recorder->giveBack(c, &first == &m_firstPast);
        cursor.chunk = next;
        cursor.pos = 0;
    }
    return total;
}

bool ThreadBuffer::unread(const ReadCursor &cursor, const std::atomic<EventChunk *> &first) noexcept
{
    const EventChunk *c = cursor.chunk ? cursor.chunk : first.load(std::memory_order_acquire);
    if (!c) return false;
    return c->count.load(std::memory_order_acquire) > cursor.pos ||
           c->next.load(std::memory_order_acquire) != nullptr;
}

std::int64_t ThreadBuffer::nextUnreadTime() const noexcept
{
    const EventChunk *c = m_reader.chunk ? m_reader.chunk : m_first.load(std::memory_order_acquire);
    std::uint32_t pos = m_reader.chunk ? m_reader.pos : 0;
    while (c) {
        // The next link first: once it is there, this chunk's count is final.
        const EventChunk *next = c->next.load(std::memory_order_acquire);
        if (c->count.load(std::memory_order_acquire) > pos) return c->events[pos].t;
        c = next;
        pos = 0;
    }
    return INT64_MAX;
}

Recorder::Recorder(std::uint64_t maxEvents)
    : m_maxEvents(maxEvents), m_remaining(std::int64_t(std::min<std::uint64_t>(maxEvents, INT64_MAX)))
{
    m_objects.push_back({}); // object id 0 means "no object"
    m_reserve.reserve(reserveChunks);
}

Recorder::~Recorder()
{
    m_buffers.clear(); // each buffer unmaps the chunks it still holds
    for (EventChunk *c : m_reserve)
        EventChunk::release(c);
}

EventChunk *Recorder::takeChunk(bool pastBudget) noexcept
{
    EventChunk *chunk = nullptr;
    {
        std::lock_guard lock(m_reserveMutex);
        if (!m_reserve.empty()) {
            chunk = m_reserve.back();
            m_reserve.pop_back();
        }
    }
    if (chunk) {
        chunk->count.store(0, std::memory_order_relaxed);
        chunk->next.store(nullptr, std::memory_order_relaxed);
    } else {
        chunk = EventChunk::allocate();
    }
    if (chunk) m_mapped.fetch_add(1, std::memory_order_relaxed);
    if (chunk && pastBudget) m_pastMapped.fetch_add(1, std::memory_order_relaxed);
    return chunk;
}

void Recorder::giveBack(EventChunk *chunk, bool pastBudget) noexcept
{
    m_mapped.fetch_sub(1, std::memory_order_relaxed);
    if (pastBudget) m_pastMapped.fetch_sub(1, std::memory_order_relaxed);
    {
        std::lock_guard lock(m_reserveMutex);
        if (m_reserve.size() < reserveChunks) {
            m_reserve.push_back(chunk); // reserved up front: never allocates here
            return;
        }
    }
    EventChunk::release(chunk);
}

WaitGraph &Recorder::waitGraph()
{
    std::lock_guard lock(m_mutex);
    if (!m_waitGraph) m_waitGraph = std::make_unique<WaitGraph>();
    return *m_waitGraph;
}

std::uint16_t Recorder::addLane(const QString &name, LaneKind kind)
{
    std::lock_guard lock(m_mutex);
    m_lanes.push_back({name, kind});
    return static_cast<std::uint16_t>(m_lanes.size() - 1);
}

std::uint8_t Recorder::addObject(const QString &name, int lane)
{
    std::lock_guard lock(m_mutex);
    m_objects.push_back({name, lane});
    return static_cast<std::uint8_t>(m_objects.size() - 1);
}

std::uint32_t Recorder::addSite(const QString &place)
{
    std::lock_guard lock(m_mutex);
    const auto [it, added] = m_siteIds.try_emplace(place, std::uint32_t(m_sites.size()));
    if (added) m_sites.push_back(place);
    return it->second;
}

std::size_t Recorder::siteCount() const
{
    std::lock_guard lock(m_mutex);
    return m_sites.size();
}

std::vector<QString> Recorder::sites() const
{
    std::lock_guard lock(m_mutex);
    return m_sites;
}

std::vector<LaneInfo> Recorder::lanes() const
{
    std::lock_guard lock(m_mutex);
    return m_lanes;
}

std::vector<ObjectInfo> Recorder::objects() const
{
    std::lock_guard lock(m_mutex);
    return m_objects;
}

ThreadBuffer *Recorder::createBuffer(std::uint16_t lane)
{
    auto buffer = std::make_unique<ThreadBuffer>(this, lane);
    std::lock_guard lock(m_mutex);
    m_buffers.push_back(std::move(buffer));
    return m_buffers.back().get();
}

std::uint64_t Recorder::claim() noexcept
{
    std::int64_t left = m_remaining.load(std::memory_order_relaxed);
    while (left > 0) {
        // Big batches while plenty is left (one claim per chunk), single events at the very end.
        const std::int64_t take = std::clamp<std::int64_t>(left / 256, 1, EventChunk::capacity);
        if (m_remaining.compare_exchange_weak(left, left - take, std::memory_order_relaxed))
            return std::uint64_t(take);
    }
    return 0;
}

std::uint64_t Recorder::holdBack(std::uint64_t n) noexcept
{
    std::int64_t left = m_remaining.load(std::memory_order_relaxed);
    while (left > 0) {
        const std::int64_t take =
            std::min<std::int64_t>(std::int64_t(std::min<std::uint64_t>(n, INT64_MAX)), left / 32);
        if (m_remaining.compare_exchange_weak(left, left - take, std::memory_order_relaxed))
            return std::uint64_t(take);
    }
    return 0;
}

std::size_t Recorder::drainPastBudget(const Sink *sink, bool caughtUpOnly)
{
    std::vector<ThreadBuffer *> buffers;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &b : m_buffers)
            buffers.push_back(b.get());
    }
    std::size_t total = 0;
    for (ThreadBuffer *b : buffers) {
        if (caughtUpOnly && ThreadBuffer::unread(b->m_reader, b->m_first)) continue;
        total += b->drainPastBudget([&](const Event *events, std::size_t n) {
            // Not recorded: summarised at most. (A gap's two events are the writer's own, not attempted
            // ones.)
            const auto said = std::size_t(std::count_if(
                events, events + n, [](const Event &e) { return e.kind == EventKind::SummaryGap; }));
            m_dropped.fetch_add(n - std::min(n, 2 * said), std::memory_order_relaxed);
            if (sink) (*sink)(events, n);
        });
    }
    return total;
}

void Recorder::sayOpenGaps(const Sink &sink, std::int64_t now)
{
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers) {
        const std::int64_t since = b->m_gapSince.exchange(0, std::memory_order_relaxed);
        if (since == 0) continue;
        const auto d = std::uint64_t(std::max<std::int64_t>(0, now - since));
        const Event said[2] = {{now, std::uint32_t(d >> 32), b->m_ownLane, EventKind::ArgHigh, 0},
                               {now, std::uint32_t(d), b->m_ownLane, EventKind::SummaryGap, 0}};
        sink(said, 2);
    }
}

std::size_t Recorder::drain(const Sink &sink, std::size_t limit, const Sink *pastBudget)
{
    // The events recorded before the budget first: a lane's summary goes on from its last state.
    const auto each = [&](const Event *events, std::size_t n) { sink(events, n); };
    std::vector<ThreadBuffer *> buffers;
    {
        std::lock_guard lock(m_mutex);
        buffers.reserve(m_buffers.size());
        for (const auto &b : m_buffers)
            buffers.push_back(b.get());
    }
    std::size_t total = 0;
    if (limit == SIZE_MAX) { // everything: the order does not matter
        for (ThreadBuffer *b : buffers)
            total += b->drain(each, SIZE_MAX);
        return total + drainPastBudget(pastBudget, true);
    }
    // Oldest first: a portion at a time from the buffer whose next event is the earliest.
    constexpr std::size_t portion = 1024;
    while (total < limit) {
        ThreadBuffer *oldest = nullptr;
        std::int64_t oldestT = INT64_MAX;
        for (ThreadBuffer *b : buffers)
            if (const std::int64_t t = b->nextUnreadTime(); t < oldestT) {
                oldestT = t;
                oldest = b;
            }
        if (!oldest) break;
        const std::size_t got = oldest->drain(each, std::min(portion, limit - total));
        if (got == 0) break;
        total += got;
    }
    return total + drainPastBudget(pastBudget, true);
}

std::int64_t Recorder::watermark() const
{
    std::int64_t w = m_horizon.load(std::memory_order_acquire);
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers)
        w = std::min(w, b->nextUnreadTime());
    return w;
}

bool Recorder::hasUnread() const
{
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers)
        if (b->hasUnread()) return true;
    return false;
}

std::int64_t Recorder::budgetReachedNs() const
{
    std::lock_guard lock(m_mutex);
    std::int64_t first = 0;
    for (const auto &b : m_buffers)
        if (const std::int64_t t = b->firstDropNs(); t != 0 && (first == 0 || t < first)) first = t;
    return first;
}

} // namespace raceway
