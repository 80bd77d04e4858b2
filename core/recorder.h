#pragma once

#include "clock.h"
#include "event.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace raceway {

enum class LaneKind : std::uint8_t { Thread, Lock, Counter, Process, Core, Queue, Gil, CoreRuns };
QString laneKindName(LaneKind kind);

struct LaneInfo
{
    QString name;
    LaneKind kind = LaneKind::Thread;
};

// Something events refer to by a one-byte id: a lock, a counter. Its lane shows it, if it has one.
struct ObjectInfo
{
    QString name;
    int lane = -1;
};

// A fixed block of events written by one thread and read by the collector. The writer publishes each
// event by storing the new count with release order; the reader loads it with acquire order.
struct EventChunk
{
    static constexpr std::uint32_t capacity = 4096;
    std::atomic<std::uint32_t> count{0};
    std::atomic<EventChunk *> next{nullptr};
    Event events[capacity];
};

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
        recordAt(nowNs(), kind, obj, arg);
    }

    void recordAt(std::int64_t t, EventKind kind, std::uint8_t obj, std::uint32_t arg) noexcept
    {
        if (m_used == EventChunk::capacity) [[unlikely]] {
            if (!rollover())
                return;
        }
        m_write->events[m_used] = Event{t, arg, m_lane, kind, obj};
        ++m_used;
        m_write->count.store(m_used, std::memory_order_release);
    }

    // For a thread that draws several lanes of its own (an event loop and its coroutines): the event
    // goes on `lane`, still written by this buffer's one thread.
    void recordOn(std::uint16_t lane, EventKind kind, std::uint8_t obj = 0, std::uint32_t arg = 0) noexcept
    {
        const std::uint16_t own = m_lane;
        m_lane = lane;
        recordAt(nowNs(), kind, obj, arg);
        m_lane = own;
    }

    // A 64-bit signed argument: an ArgHigh event carries the high half when it is needed.
    void recordWide(std::int64_t t, EventKind kind, std::uint8_t obj, std::int64_t arg) noexcept
    {
        const auto high = static_cast<std::uint32_t>(static_cast<std::uint64_t>(arg) >> 32);
        if (high != 0)
            recordAt(t, EventKind::ArgHigh, 0, high);
        recordAt(t, kind, obj, static_cast<std::uint32_t>(arg));
    }

private:
    friend class Recorder;
    bool rollover() noexcept;
    // Reader side: copies newly published events out and frees chunks the writer has left behind.
    template <typename Fn> std::size_t drain(Fn &&sink);

    Recorder *m_recorder;
    std::uint16_t m_lane;
    // Writer side.
    EventChunk *m_write;
    std::uint32_t m_used = 0;
    bool m_full = false;
    // Reader side.
    EventChunk *m_read;
    std::uint32_t m_readPos = 0;
};

// Interns lanes and objects, hands out thread buffers, and lets one collector drain them.
// The event budget bounds memory: once it is spent, further events are counted as dropped.
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

    // Not on the hot path: call before a worker starts. The recorder owns the buffer.
    ThreadBuffer *createBuffer(std::uint16_t lane);

    // Copies all newly published events to sink(const Event *, size_t) in per-buffer order.
    // Call from one thread at a time.
    std::size_t drain(const std::function<void(const Event *, std::size_t)> &sink);

    std::uint64_t droppedEvents() const noexcept { return m_dropped.load(std::memory_order_relaxed); }
    std::uint64_t maxEvents() const noexcept { return m_maxChunks * EventChunk::capacity; }

private:
    friend class ThreadBuffer;
    EventChunk *allocateChunk() noexcept;

    mutable std::mutex m_mutex; // guards the registries and the buffer list, never taken by record()
    std::vector<LaneInfo> m_lanes;
    std::vector<ObjectInfo> m_objects;
    std::vector<std::unique_ptr<ThreadBuffer>> m_buffers;
    std::uint64_t m_maxChunks;
    std::atomic<std::uint64_t> m_chunks{0};
    std::atomic<std::uint64_t> m_dropped{0};
};

} // namespace raceway
