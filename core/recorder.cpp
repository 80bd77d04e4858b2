#include "recorder.h"

#include <new>

namespace raceway {

QString laneKindName(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Thread: return QStringLiteral("thread");
    case LaneKind::Lock: return QStringLiteral("lock");
    case LaneKind::Counter: return QStringLiteral("counter");
    case LaneKind::Process: return QStringLiteral("process");
    case LaneKind::Core: return QStringLiteral("core");
    case LaneKind::Queue: return QStringLiteral("queue");
    case LaneKind::Gil: return QStringLiteral("gil");
    case LaneKind::CoreRuns: return QStringLiteral("core-runs");
    }
    return QStringLiteral("thread");
}

ThreadBuffer::ThreadBuffer(Recorder *recorder, std::uint16_t lane)
    : m_recorder(recorder), m_lane(lane), m_write(new EventChunk), m_read(m_write)
{
}

ThreadBuffer::~ThreadBuffer()
{
    EventChunk *c = m_read;
    while (c) {
        EventChunk *next = c->next.load(std::memory_order_acquire);
        delete c;
        c = next;
    }
}

bool ThreadBuffer::rollover() noexcept
{
    if (m_full) {
        m_recorder->m_dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    EventChunk *fresh = m_recorder->allocateChunk();
    if (!fresh) {
        m_full = true;
        m_recorder->m_dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    m_write->next.store(fresh, std::memory_order_release);
    m_write = fresh;
    m_used = 0;
    return true;
}

template <typename Fn> std::size_t ThreadBuffer::drain(Fn &&sink)
{
    std::size_t total = 0;
    for (;;) {
        const std::uint32_t published = m_read->count.load(std::memory_order_acquire);
        if (published > m_readPos) {
            sink(m_read->events + m_readPos, published - m_readPos);
            total += published - m_readPos;
            m_readPos = published;
        }
        if (m_readPos < EventChunk::capacity)
            return total;
        // The writer only links the next chunk after filling this one, and never touches it again.
        EventChunk *next = m_read->next.load(std::memory_order_acquire);
        if (!next)
            return total;
        delete m_read;
        m_read = next;
        m_readPos = 0;
    }
}

Recorder::Recorder(std::uint64_t maxEvents)
    : m_maxChunks(std::max<std::uint64_t>(1, (maxEvents + EventChunk::capacity - 1) / EventChunk::capacity))
{
    m_objects.push_back({}); // object id 0 means "no object"
}

Recorder::~Recorder() = default;

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
    m_chunks.fetch_add(1, std::memory_order_relaxed);
    auto buffer = std::make_unique<ThreadBuffer>(this, lane);
    std::lock_guard lock(m_mutex);
    m_buffers.push_back(std::move(buffer));
    return m_buffers.back().get();
}

EventChunk *Recorder::allocateChunk() noexcept
{
    if (m_chunks.fetch_add(1, std::memory_order_relaxed) >= m_maxChunks) {
        m_chunks.fetch_sub(1, std::memory_order_relaxed);
        return nullptr;
    }
    return new (std::nothrow) EventChunk;
}

std::size_t Recorder::drain(const std::function<void(const Event *, std::size_t)> &sink)
{
    std::vector<ThreadBuffer *> buffers;
    {
        std::lock_guard lock(m_mutex);
        buffers.reserve(m_buffers.size());
        for (const auto &b : m_buffers)
            buffers.push_back(b.get());
    }
    std::size_t total = 0;
    for (ThreadBuffer *b : buffers)
        total += b->drain(sink);
    return total;
}

} // namespace raceway
