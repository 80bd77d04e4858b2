#include "runfilewriter.h"

#include <QtEndian>

#include <zlib.h>

#include <cstring>

namespace raceway {
namespace {

using runfile::Tag;
using runfile::ValueTag;

template <typename T> void put(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

void putString(QByteArray &out, const QString &text, std::size_t most)
{
    QByteArray utf8 = text.toUtf8();
    if (std::size_t(utf8.size()) > most) utf8.truncate(qsizetype(most));
    if (most <= 0xffff)
        put<std::uint16_t>(out, std::uint16_t(utf8.size()));
    else
        put<std::uint32_t>(out, std::uint32_t(utf8.size()));
    out.append(utf8);
}

void putLongString(QByteArray &out, const QString &text)
{
    putString(out, text, 64 * 1024); // a metric or problem line: longer is not a line any more
}

// Metric values keep their exact type, so that formatting and --json read the same after a reload.
void putValue(QByteArray &out, const QVariant &v, int depth = 0)
{
    switch (v.metaType().id()) {
    case QMetaType::UnknownType:
        put(out, std::uint8_t(ValueTag::Invalid));
        return;
    case QMetaType::Bool:
        put(out, std::uint8_t(ValueTag::Bool));
        put(out, std::uint8_t(v.toBool()));
        return;
    case QMetaType::Int:
        put(out, std::uint8_t(ValueTag::Int));
        put(out, std::int32_t(v.toInt()));
        return;
    case QMetaType::UInt:
        put(out, std::uint8_t(ValueTag::UInt));
        put(out, std::uint32_t(v.toUInt()));
        return;
    case QMetaType::LongLong:
        put(out, std::uint8_t(ValueTag::LongLong));
        put(out, std::int64_t(v.toLongLong()));
        return;
    case QMetaType::ULongLong:
        put(out, std::uint8_t(ValueTag::ULongLong));
        put(out, std::uint64_t(v.toULongLong()));
        return;
    case QMetaType::Double: {
        put(out, std::uint8_t(ValueTag::Double));
        const double d = v.toDouble();
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        put(out, bits);
        return;
    }
    case QMetaType::QVariantList:
    case QMetaType::QStringList:
        if (depth < 4) {
            const QVariantList list = v.toList();
            put(out, std::uint8_t(ValueTag::List));
            put(out, std::uint32_t(list.size()));
            for (const QVariant &item : list)
                putValue(out, item, depth + 1);
            return;
        }
        break;
    case QMetaType::QVariantMap:
        if (depth < 4) {
            const QVariantMap map = v.toMap();
            put(out, std::uint8_t(ValueTag::Map));
            put(out, std::uint32_t(map.size()));
            for (auto it = map.cbegin(); it != map.cend(); ++it) {
                putLongString(out, it.key());
                putValue(out, it.value(), depth + 1);
            }
            return;
        }
        break;
    default:
        break;
    }
    put(out, std::uint8_t(ValueTag::String));
    putLongString(out, v.toString());
}

} // namespace

RunFileWriter::RunFileWriter(QIODevice &out, std::uint64_t maxEvents, Compression where) : m_out(out)
{
    QByteArray header(runfile::magic, sizeof runfile::magic);
    put<std::uint32_t>(header, runfile::version);
    put<std::uint32_t>(header, 0);
    put<std::uint64_t>(header, maxEvents);
    write(header.constData(), header.size());
    m_raw.reserve(runfile::blockRawLimit);
    if (where == Compression::OnOwnThread) m_thread = std::thread([this] { compressLoop(); });
}

RunFileWriter::~RunFileWriter()
{
    if (!m_thread.joinable()) return;
    {
        const std::lock_guard lock(m_mutex);
        m_closing = true; // what is queued is still written: the file may be read afterwards
    }
    m_changed.notify_all();
    m_thread.join();
}

void RunFileWriter::compressLoop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return !m_queue.empty() || m_closing; });
        if (m_queue.empty()) return;
        const QByteArray raw = std::move(m_queue.front());
        m_queue.pop_front();
        m_packing = true;
        lock.unlock();
        m_changed.notify_all(); // room in the queue
        pack(raw);
        lock.lock();
        m_packing = false;
        m_changed.notify_all(); // finish() may be waiting for the last block
    }
}

bool RunFileWriter::failed() const
{
    const std::lock_guard lock(m_mutex);
    return !m_error.isEmpty();
}

QString RunFileWriter::error() const
{
    const std::lock_guard lock(m_mutex);
    return m_error;
}

void RunFileWriter::fail(const QString &error)
{
    const std::lock_guard lock(m_mutex);
    if (m_error.isEmpty()) m_error = error;
}

void RunFileWriter::reserve(std::size_t bytes)
{
    if (std::size_t(m_raw.size()) + bytes > runfile::blockRawLimit) flushBlock();
}

void RunFileWriter::flushBlock()
{
    if (m_raw.isEmpty() || failed()) {
        m_raw.clear();
        return;
    }
    if (!m_thread.joinable()) {
        pack(m_raw);
        m_raw.clear();
        return;
    }
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queue.size() < maxQueued; });
        m_queue.push_back(std::move(m_raw));
    }
    m_changed.notify_all();
    m_raw = QByteArray();
    m_raw.reserve(runfile::blockRawLimit);
}

void RunFileWriter::pack(const QByteArray &raw)
{
    if (failed()) return;
    uLongf packed = compressBound(uLong(raw.size()));
    m_packed.resize(qsizetype(runfile::blockHeaderSize + packed));
    // Level 1: the events are already delta-coded and split into byte planes, where zlib's fastest
    // level gets nearly all that its slowest does, at a fraction of the time the run's thread can spare.
    const int rc = compress2(reinterpret_cast<Bytef *>(m_packed.data() + runfile::blockHeaderSize), &packed,
                             reinterpret_cast<const Bytef *>(raw.constData()), uLong(raw.size()), 1);
    if (rc != Z_OK) {
        fail(QStringLiteral("compression failed (zlib error %1)").arg(rc));
        return;
    }
    qToLittleEndian(std::uint32_t(packed), m_packed.data());
    qToLittleEndian(std::uint32_t(raw.size()), m_packed.data() + 4);
    write(m_packed.constData(), qsizetype(runfile::blockHeaderSize + packed));
}

void RunFileWriter::write(const char *data, qsizetype size)
{
    if (failed()) return;
    if (m_out.write(data, size) != size) {
        const QString why = m_out.errorString();
        fail(why.isEmpty() ? QStringLiteral("write failed") : why);
        return;
    }
    m_written.fetch_add(std::uint64_t(size), std::memory_order_release);
}

void RunFileWriter::registry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects)
{
    if (lanes.size() == m_lanes && objects.size() == m_objects) return;
    QByteArray r;
    put(r, std::uint8_t(Tag::Registry));
    put(r, std::uint32_t(lanes.size()));
    for (const LaneInfo &l : lanes) {
        put(r, std::uint8_t(l.kind));
        putString(r, l.name, 0xffff);
    }
    put(r, std::uint32_t(objects.size()));
    for (const ObjectInfo &o : objects) {
        put(r, std::int32_t(o.lane));
        putString(r, o.name, 0xffff);
    }
    if (!append(r, QStringLiteral("lanes and objects"))) return;
    m_lanes = lanes.size();
    m_objects = objects.size();
}

bool RunFileWriter::append(const QByteArray &record, const QString &what)
{
    if (std::size_t(record.size()) > runfile::blockRawLimit) {
        fail(QStringLiteral("the run's %1 do not fit a block").arg(what));
        return false;
    }
    reserve(std::size_t(record.size()));
    m_raw.append(record);
    return true;
}

void RunFileWriter::sites(const std::vector<QString> &places)
{
    if (places.size() == m_sites) return;
    QByteArray r;
    put(r, std::uint8_t(Tag::Sites));
    put(r, std::uint32_t(places.size()));
    for (const QString &p : places)
        putString(r, p, 0xffff);
    if (append(r, QStringLiteral("places in the code"))) m_sites = places.size();
}

void RunFileWriter::events(const Event *events, std::size_t count)
{
    constexpr std::size_t head = 1 + 4;
    while (count > 0 && !failed()) {
        if (std::size_t(m_raw.size()) + head + 16 > runfile::blockRawLimit) flushBlock();
        const std::size_t n =
            std::min(count, (runfile::blockRawLimit - std::size_t(m_raw.size()) - head) / 16);
        put(m_raw, std::uint8_t(Tag::Events));
        put(m_raw, std::uint32_t(n));
        const qsizetype base = m_raw.size();
        m_raw.resize(base + qsizetype(16 * n));
        char *planes = m_raw.data() + base;
        std::uint64_t lastT = 0;
        std::uint32_t lastArg = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const Event &e = events[i];
            char rec[16];
            qToLittleEndian(std::uint64_t(e.t) - lastT, rec);
            qToLittleEndian(std::uint32_t(e.arg - lastArg), rec + 8);
            qToLittleEndian(std::uint16_t(e.lane), rec + 12);
            rec[14] = char(e.kind);
            rec[15] = char(e.obj);
            lastT = std::uint64_t(e.t);
            lastArg = e.arg;
            for (std::size_t k = 0; k < 16; ++k)
                planes[k * n + i] = rec[k];
        }
        m_events += n;
        events += n;
        count -= n;
        m_ingestedSinceCommit = true;
    }
}

void RunFileWriter::commit(std::int64_t upTo)
{
    // The collector commits every turn; one with nothing new since the same one changes nothing.
    if (!m_ingestedSinceCommit && upTo == m_lastCommit) return;
    reserve(9);
    put(m_raw, std::uint8_t(Tag::Commit));
    put(m_raw, std::int64_t(upTo));
    m_lastCommit = upTo;
    m_ingestedSinceCommit = false;
}

bool RunFileWriter::finish(const runfile::SavedRun &run, QString *error)
{
    // A summary's grid (records 7 and 8): the lane, the grid, the bucket count.
    const auto grid = [](QByteArray &s, Tag tag, std::uint32_t lane, const auto &parts) {
        put(s, std::uint8_t(tag));
        put(s, lane);
        put(s, std::int64_t(parts.origin));
        put(s, std::int64_t(parts.start));
        put(s, std::int64_t(parts.end));
        put(s, std::int64_t(parts.first));
        put(s, std::uint8_t(parts.widthShift));
        put(s, std::uint32_t(parts.buckets.size()));
    };
    for (const auto &[lane, parts] : run.summaries) {
        QByteArray s;
        grid(s, Tag::States, lane, parts);
        for (const StateSummary::Bucket &b : parts.buckets) {
            for (const std::uint32_t ns : b.covered)
                put(s, ns);
            put(s, std::int32_t(b.lost));
            put(s, b.marks);
            put(s, b.unknown);
        }
        if (!append(s, QStringLiteral("summaries"))) break;
    }
    for (const auto &[lane, parts] : run.valueSummaries) {
        QByteArray s;
        grid(s, Tag::Values, lane, parts);
        for (const SeriesSummary::Bucket &b : parts.buckets)
            for (const SeriesSummary::Channel &ch : {b.a, b.b}) {
                put(s, std::int64_t(ch.low));
                put(s, std::int64_t(ch.high));
                put(s, std::int64_t(ch.last));
            }
        if (!append(s, QStringLiteral("summaries"))) break;
    }
    QByteArray r;
    put(r, std::uint8_t(Tag::Result));
    putString(r, run.scenario, 0xffff);
    put(r, std::uint32_t(run.params.size()));
    for (const QString &p : run.params)
        putString(r, p, 0xffff);
    put(r, std::uint32_t(run.metrics.size()));
    for (const Metric &m : run.metrics) {
        putString(r, m.key, 0xffff);
        putString(r, m.label, 0xffff);
        putString(r, m.unit, 0xffff);
        putValue(r, m.value);
    }
    std::uint64_t wall = 0;
    std::memcpy(&wall, &run.wallMs, sizeof wall);
    put(r, wall);
    put(r, std::uint64_t(run.events));
    put(r, std::uint64_t(run.droppedEvents));
    put(r, std::uint64_t(run.maxEvents));
    put(r, std::uint8_t(run.cancelled));
    put(r, std::uint32_t(run.problems.size()));
    for (const QString &p : run.problems)
        putLongString(r, p);
    put(r, std::int64_t(run.budgetReachedNs));
    put(r, std::int32_t(run.signal));
    put(r, std::int64_t(run.traceStart));
    put(r, std::int64_t(run.traceEnd));
    if (std::size_t(r.size()) + 9 > runfile::blockRawLimit) {
        *error = QStringLiteral("the run's result does not fit a block");
        return false;
    }
    reserve(std::size_t(r.size()) + 9);
    m_raw.append(r);
    put(m_raw, std::uint8_t(Tag::End));
    put(m_raw, std::uint64_t(m_events));
    flushBlock();
    if (m_thread.joinable()) { // every block written before the result is read back
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queue.empty() && !m_packing; });
    }
    if (failed()) {
        *error = this->error();
        return false;
    }
    return true;
}

} // namespace raceway
