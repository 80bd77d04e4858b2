#pragma once

#include <QByteArray>

#include <cstdint>
#include <mutex>
#include <vector>

namespace raceway::py {

// What a traced script writes to its stdout and stderr, handed from the run's thread (which reads the
// pipes) to the window (which shows it). Bounded: at most `limit` bytes wait to be taken; what comes
// beyond that before the window takes it is counted, not kept, so a script printing megabytes a second
// cannot make Raceway grow or stall. The pipes are always drained, so the script never blocks on them.
class ScriptOutput
{
public:
    enum class Stream { Out, Err };
    struct Chunk
    {
        Stream stream;
        QByteArray bytes;
        std::uint64_t droppedBefore = 0; // bytes left out just before this chunk
    };

    explicit ScriptOutput(std::size_t limit = 256 * 1024) : m_limit(limit) {}

    void append(Stream stream, const char *data, std::size_t size);
    // Everything waiting, in the order it was written (stdout and stderr interleaved as read).
    std::vector<Chunk> take();
    std::uint64_t totalBytes() const;
    std::uint64_t droppedBytes() const;
    // Bytes left out since the last chunk (reported once the output is over).
    std::uint64_t droppedAtEnd() const;

private:
    mutable std::mutex m_mutex;
    std::vector<Chunk> m_pending;
    std::size_t m_pendingBytes = 0;
    std::size_t m_limit;
    std::uint64_t m_total = 0, m_dropped = 0, m_droppedSinceChunk = 0;
};

} // namespace raceway::py
