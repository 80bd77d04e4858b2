#include "scriptoutput.h"

namespace raceway::py {

void ScriptOutput::append(Stream stream, const char *data, std::size_t size)
{
    const std::lock_guard lock(m_mutex);
    m_total += size;
    const std::size_t room = m_limit > m_pendingBytes ? m_limit - m_pendingBytes : 0;
    const std::size_t kept = std::min(room, size);
    m_dropped += size - kept;
    if (kept == 0) {
        m_droppedSinceChunk += size;
        return;
    }
    if (!m_pending.empty() && m_pending.back().stream == stream && m_droppedSinceChunk == 0)
        m_pending.back().bytes.append(data, qsizetype(kept));
    else
        m_pending.push_back({stream, QByteArray(data, qsizetype(kept)), m_droppedSinceChunk});
    m_droppedSinceChunk = size - kept;
    m_pendingBytes += kept;
}

std::vector<ScriptOutput::Chunk> ScriptOutput::take()
{
    const std::lock_guard lock(m_mutex);
    std::vector<Chunk> out;
    out.swap(m_pending);
    m_pendingBytes = 0;
    return out;
}

std::uint64_t ScriptOutput::totalBytes() const
{
    const std::lock_guard lock(m_mutex);
    return m_total;
}

std::uint64_t ScriptOutput::droppedBytes() const
{
    const std::lock_guard lock(m_mutex);
    return m_dropped;
}

std::uint64_t ScriptOutput::droppedAtEnd() const
{
    const std::lock_guard lock(m_mutex);
    return m_droppedSinceChunk;
}

} // namespace raceway::py
