#include "pystream.h"

#include "clock.h"
#include "workerprotocol.h"

#include <cstring>

namespace raceway::py {
namespace {

constexpr std::size_t recordSize = sizeof(Event);
constexpr std::size_t unitMax = 4096 / recordSize - 1;

Event recordAt(const char *p)
{
    Event e;
    std::memcpy(&e, p, sizeof e);
    return e;
}

} // namespace

void StreamParser::fail(const QString &why)
{
    if (m_error.isEmpty()) m_error = why;
}

PyProcess *StreamParser::process(std::int64_t pid)
{
    auto it = m_processes.find(pid);
    if (it != m_processes.end()) return &it->second;
    if (m_processes.size() >= maxProcesses) return nullptr;
    PyProcess &p = m_processes[pid];
    p.pid = pid;
    m_order.push_back(pid);
    return &p;
}

void StreamParser::feed(const char *data, std::size_t size)
{
    if (corrupt()) return;
    m_bytes += size;
    // A unit cut between two reads is completed from the bytes kept and up to one unit more; what is
    // left of those is parsed where it lies, with the rest (a copy of every read cost as much as parsing).
    if (!m_partial.isEmpty()) {
        const std::size_t more = std::min(size, recordSize * (1 + unitMax));
        m_partial.append(data, qsizetype(more));
        const auto kept = std::size_t(m_partial.size());
        const std::size_t used = units(m_partial.constData(), kept, m_bytes - size - (kept - more));
        const std::size_t left = kept - used;
        if (corrupt() || left > more || more == size) { // still a unit short (or all there was)
            m_partial.remove(0, qsizetype(used));
            if (corrupt()) m_partial.clear();
            return;
        }
        m_partial.clear();
        data += more - left;
        size -= more - left;
    }
    const std::size_t used = units(data, size, m_bytes - size);
    if (!corrupt()) m_partial.append(data + used, qsizetype(size - used));
}

std::size_t StreamParser::units(const char *data, std::size_t avail, std::uint64_t offset)
{
    std::size_t pos = 0;
    while (avail - pos >= recordSize) {
        const Event head = recordAt(data + pos);
        if (std::uint8_t(head.kind) != std::uint8_t(Meta::Frame) || head.obj != protocolVersion ||
            head.lane == 0 || head.lane > unitMax) {
            fail(QStringLiteral("the tracer's stream is damaged at byte %1").arg(offset + pos));
            break;
        }
        const std::size_t need = recordSize * (1 + std::size_t(head.lane));
        if (avail - pos < need) break;
        unit(head.arg, data + pos + recordSize, head.lane);
        pos += need;
        if (corrupt()) break;
    }
    return pos;
}

void StreamParser::unit(std::int64_t pid, const char *records, std::size_t count)
{
    PyProcess *p = process(pid);
    if (!p) {
        m_dropped += count;
        return;
    }
    const std::int64_t now = nowNs();
    for (std::size_t i = 0; i < count; ++i) {
        Event e = recordAt(records + i * recordSize);
        // A string belongs to the record before it and lies within the unit.
        QString text;
        if (i + 1 < count) {
            const Event next = recordAt(records + (i + 1) * recordSize);
            if (std::uint8_t(next.kind) == std::uint8_t(Meta::String)) {
                const std::size_t bytes = next.arg;
                const std::size_t blocks = (bytes + recordSize - 1) / recordSize;
                if (i + 2 + blocks > count) {
                    fail(QStringLiteral("a string runs past its unit in the tracer's stream"));
                    return;
                }
                text = QString::fromUtf8(records + (i + 2) * recordSize, qsizetype(bytes));
                i += 1 + blocks;
            }
        }
        switch (std::uint8_t(e.kind)) {
        case std::uint8_t(Meta::Hello):
            p->ppid = e.arg;
            p->helloFlags = e.obj;
            p->helloNs = std::clamp<std::int64_t>(e.t, 0, now);
            if (onThread) onThread(pid, pid);
            continue;
        case std::uint8_t(Meta::ThreadName): {
            if (p->threads.size() >= maxThreads && !p->threads.count(e.lane)) {
                ++m_lanesRefused;
                continue;
            }
            PyThread &t = p->threads[e.lane];
            t.local = e.lane;
            t.name = text;
            t.tid = e.arg;
            if (onThread && t.tid != 0) onThread(pid, t.tid); // 0: an asyncio task, no thread to watch
            continue;
        }
        case std::uint8_t(Meta::Object):
            p->objects[e.obj] = {ObjectKind(std::clamp<std::uint32_t>(e.arg, 1, 6)), text};
            continue;
        case std::uint8_t(Meta::Site):
            if (p->sites.size() < maxSites || p->sites.count(e.arg)) p->sites[e.arg] = text;
            continue;
        case std::uint8_t(Meta::ProcessName):
            p->name = text;
            continue;
        case std::uint8_t(Meta::Print):
            if (p->lines.size() < maxLines) p->lines.push_back({std::min(e.t, now), e.lane, text});
            continue;
        case std::uint8_t(Meta::Exit):
            p->exitCode = int(e.arg);
            p->exitNs = std::min(e.t, now);
            continue;
        case std::uint8_t(Meta::Stat):
            p->stats[Stat(e.obj)] = e.arg;
            continue;
        case std::uint8_t(Meta::Tick):
            p->tickNs = std::clamp<std::int64_t>(e.t, p->tickNs, std::max(now, p->tickNs));
            continue;
        case std::uint8_t(Meta::Watch):
            if (e.obj != 0 && (p->watches.size() < maxWatches || p->watches.count(e.obj))) {
                PyWatch &w = p->watches[e.obj];
                w.name = text;
                w.hasExpected = e.arg & 1;
            }
            continue;
        case std::uint8_t(Meta::WatchExpected):
        case std::uint8_t(Meta::WatchValue): {
            const auto it = p->watches.find(e.obj);
            if (it == p->watches.end()) continue;
            PyWatch &w = it->second;
            // 48 bits, two's complement.
            const auto raw = std::uint64_t(e.arg) | std::uint64_t(e.lane) << 32;
            const auto value = std::int64_t(raw << 16) >> 16;
            if (e.kind == EventKind(Meta::WatchExpected)) {
                w.pendingExpected = value;
                w.pending = true;
                continue;
            }
            const WatchReading r{worker::saneTime(e.t, w.lastT, now), w.pending ? w.pendingExpected : value,
                                 value};
            w.pending = false;
            if (w.readings.size() < maxReadings)
                w.readings.push_back(r);
            else {
                w.readings.back() = r;
                ++w.dropped;
            }
            continue;
        }
        case std::uint8_t(Meta::GilOn):
            if (p->gilOnNs == 0 && !p->gilEnabled()) {
                p->gilOnNs = std::clamp<std::int64_t>(e.t, std::max<std::int64_t>(p->helloNs, 1), now);
                p->gilOnBy = text;
            }
            continue;
        case std::uint8_t(Meta::String):
            continue; // a string with nothing before it
        default:
            break;
        }
        const auto k = std::uint8_t(e.kind);
        if (k == 0 || (k > std::uint8_t(EventKind::Holder) && k != std::uint8_t(EventKind::CallBegin) &&
                       k != std::uint8_t(EventKind::CallEnd) && k != std::uint8_t(EventKind::Site))) {
            fail(QStringLiteral("the tracer's stream has an unknown record kind %1").arg(k));
            return;
        }
        auto it = p->threads.find(e.lane);
        if (it == p->threads.end()) continue; // a lane never named: not one of the tracer's
        if (m_held >= m_maxEvents) {
            ++m_dropped;
            continue;
        }
        e.t = worker::saneTime(e.t, it->second.lastTime, now);
        it->second.events.push_back(e);
        ++m_events;
        ++m_held;
    }
}

} // namespace raceway::py
