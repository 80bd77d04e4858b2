#include "recorder.h"

#include "workerpriority.h"

#include <algorithm>
#include <new>

#include <sched.h>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace raceway {

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
        if (!m_keepPriority) workerpriority::lower();
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

std::int64_t ThreadBuffer::nextUnreadIn(const ReadCursor &cursor,
                                        const std::atomic<EventChunk *> &first) noexcept
{
    const EventChunk *c = cursor.chunk ? cursor.chunk : first.load(std::memory_order_acquire);
    std::uint32_t pos = cursor.chunk ? cursor.pos : 0;
    while (c) {
        // The next link first: once it is there, this chunk's count is final.
        const EventChunk *next = c->next.load(std::memory_order_acquire);
        if (c->count.load(std::memory_order_acquire) > pos) return c->events[pos].t;
        c = next;
        pos = 0;
    }
    return INT64_MAX;
}

std::int64_t ThreadBuffer::nextUnreadTime(bool past) const noexcept
{
    return past ? nextUnreadIn(m_pastReader, m_firstPast) : nextUnreadIn(m_reader, m_first);
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
    // Only if the reserve is free at once: a worker that took its lock (for a new chunk) and then lost its
    // core would hold up the window's thread until it ran again, and workers run at SCHED_IDLE, which can
    // wait long for a core with 64 of them on two. A chunk not kept is released; a worker maps a new one.
    if (std::unique_lock lock(m_reserveMutex, std::try_to_lock); lock.owns_lock()) {
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
            total += b->drain(sink, SIZE_MAX);
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
        const std::size_t got = oldest->drain(sink, std::min(portion, limit - total));
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

std::int64_t Recorder::pastWatermark() const
{
    std::int64_t w = m_horizon.load(std::memory_order_acquire);
    std::lock_guard lock(m_mutex);
    for (const auto &b : m_buffers)
        w = std::min(w, b->nextUnreadTime(true));
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
