#include "workerprotocol.h"

#include "clock.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace raceway::worker {

StreamWriter::StreamWriter(int fd) : m_fd(fd)
{
    m_buffer.reserve(4096);
}

StreamWriter::~StreamWriter()
{
    flush();
}

void StreamWriter::event(EventKind kind, std::uint8_t obj, std::uint32_t arg)
{
    eventAt(nowNs(), kind, obj, arg);
}

void StreamWriter::eventAt(std::int64_t t, EventKind kind, std::uint8_t obj, std::uint32_t arg)
{
    m_buffer.push_back(Event{t, arg, 0, kind, obj});
    if (m_buffer.size() == m_buffer.capacity()) flush();
}

void StreamWriter::text(const QByteArray &bytes)
{
    event(EventKind::Text, 0, std::uint32_t(bytes.size()));
    for (qsizetype off = 0; off < bytes.size(); off += sizeof(Event)) {
        Event raw{};
        std::memcpy(&raw, bytes.constData() + off,
                    std::min<std::size_t>(sizeof(Event), std::size_t(bytes.size() - off)));
        m_buffer.push_back(raw);
        if (m_buffer.size() == m_buffer.capacity()) flush();
    }
}

bool StreamWriter::flush()
{
    const char *p = reinterpret_cast<const char *>(m_buffer.data());
    std::size_t left = m_buffer.size() * sizeof(Event);
    while (left > 0 && m_ok) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            m_ok = false;
            break;
        }
        p += n;
        left -= std::size_t(n);
    }
    m_buffer.clear();
    return m_ok;
}

std::int64_t saneTime(std::int64_t t, std::int64_t &last, std::int64_t now)
{
    last = std::clamp(t, last, std::max(last, now));
    return last;
}

void StreamReader::feed(const char *data, std::size_t size)
{
    std::size_t pos = 0;
    if (!m_partial.isEmpty()) {
        const std::size_t need = sizeof(Event) - std::size_t(m_partial.size());
        const std::size_t take = std::min(need, size);
        m_partial.append(data, qsizetype(take));
        pos = take;
        if (std::size_t(m_partial.size()) < sizeof(Event)) return;
        Event e;
        std::memcpy(&e, m_partial.constData(), sizeof e);
        m_partial.clear();
        record(e);
    }
    while (size - pos >= sizeof(Event)) {
        Event e;
        std::memcpy(&e, data + pos, sizeof e);
        pos += sizeof e;
        record(e);
    }
    if (pos < size) m_partial.append(data + pos, qsizetype(size - pos));
}

void StreamReader::record(const Event &e)
{
    if (m_textLeft > 0) {
        const std::uint32_t take = std::min<std::uint32_t>(m_textLeft, sizeof(Event));
        m_text.append(reinterpret_cast<const char *>(&e), take);
        m_textLeft -= take;
        if (m_textLeft == 0 && onText) onText(m_text);
        return;
    }
    if (!m_hello) {
        if (e.kind != EventKind::Hello || e.obj != protocolVersion) {
            m_corrupt = true;
            return;
        }
        m_hello = true;
        m_pid = e.arg;
        return;
    }
    switch (e.kind) {
    case EventKind::Text:
        m_text.clear();
        m_textLeft = e.arg;
        if (m_textLeft == 0 && onText) onText(m_text);
        return;
    case EventKind::Bye:
        m_bye = true;
        return;
    default:
        ++m_events;
        if (onEvent) onEvent(e);
    }
}

} // namespace raceway::worker
