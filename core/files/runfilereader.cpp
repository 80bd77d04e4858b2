#include "runfilereader.h"

#include "eventbudget.h"
#include "runfilecursor.h"

#include <QtEndian>

#include <zlib.h>

#include <cstring>
#include <vector>

namespace raceway {
namespace {

using runfile::Cursor;
using runfile::readValue;
using runfile::Tag;

// Times are CLOCK_MONOTONIC nanoseconds: never negative, and far below this, so that differences of
// any two fit in 64 bits wherever the painter and exports take them.
constexpr std::int64_t timeLimit = std::int64_t(1) << 62;
constexpr std::uint8_t lastEventKind = std::uint8_t(EventKind::CallEnd);
constexpr std::uint8_t lastLaneKind = std::uint8_t(LaneKind::Value);

// Replays records into the trace, block by block.
class Replay
{
public:
    Replay(Trace *trace, runfile::SavedRun *run, std::uint64_t maxEvents)
        : m_trace(trace), m_run(run), m_maxEvents(std::min(maxEvents, eventbudget::maxBudget()))
    {
    }
    bool ended() const { return m_ended; }

    bool block(Cursor &c)
    {
        while (c.ok() && !c.atEnd()) {
            if (m_ended) return c.fail(QStringLiteral("records after the end record"));
            const qsizetype at = c.pos();
            const auto tag = Tag(c.get<std::uint8_t>());
            switch (tag) {
            case Tag::Registry:
                registry(c);
                break;
            case Tag::Events:
                events(c);
                break;
            case Tag::Sites:
                sites(c);
                break;
            case Tag::Commit: {
                const std::int64_t upTo = c.get<std::int64_t>();
                if (c.ok()) m_trace->commit(upTo);
                break;
            }
            case Tag::Result:
                result(c);
                break;
            case Tag::Summary:
                summary(c, StateSummary::states - 1); // written before State::LoopBusy was added
                break;
            case Tag::States:
                summary(c, StateSummary::states);
                break;
            case Tag::Values:
                values(c);
                break;
            case Tag::End: {
                const std::uint64_t n = c.get<std::uint64_t>();
                if (!c.ok()) break;
                if (!m_haveResult)
                    return c.fail(QStringLiteral("the end record comes before the run's result"), at);
                if (n != m_events)
                    return c.fail(QStringLiteral("the end record counts %1 events, the file holds %2")
                                      .arg(n)
                                      .arg(m_events),
                                  at);
                m_ended = true;
                break;
            }
            default:
                return c.fail(QStringLiteral("unknown record type %1").arg(int(tag)), at);
            }
        }
        return c.ok();
    }

private:
    void registry(Cursor &c)
    {
        const std::uint32_t laneCount = c.get<std::uint32_t>();
        // Lane ids are 16 bits; every lane takes at least 3 bytes.
        if (c.ok() && (laneCount > 65536 || qsizetype(laneCount) * 3 > c.left()))
            c.fail(QStringLiteral("a registry of %1 lanes (at most 65536, and %2 bytes left)")
                       .arg(laneCount)
                       .arg(c.left()));
        if (c.ok() && laneCount < m_lanes.size())
            c.fail(QStringLiteral("a registry of %1 lanes after one of %2: lanes are never removed")
                       .arg(laneCount)
                       .arg(m_lanes.size()));
        std::vector<LaneInfo> lanes;
        for (std::uint32_t i = 0; i < laneCount && c.ok(); ++i) {
            const std::uint8_t kind = c.get<std::uint8_t>();
            if (c.ok() && kind > lastLaneKind)
                c.fail(QStringLiteral("lane %1 has unknown kind %2").arg(i).arg(kind));
            lanes.push_back({c.string(false), LaneKind(kind)});
        }
        const std::uint32_t objectCount = c.get<std::uint32_t>();
        // Object ids are 8 bits; every object takes at least 6 bytes.
        if (c.ok() && (objectCount > 256 || qsizetype(objectCount) * 6 > c.left()))
            c.fail(QStringLiteral("a registry of %1 objects (at most 256)").arg(objectCount));
        std::vector<ObjectInfo> objects;
        for (std::uint32_t i = 0; i < objectCount && c.ok(); ++i) {
            const std::int32_t lane = c.get<std::int32_t>();
            if (c.ok() && (lane < -1 || lane >= std::int32_t(laneCount)))
                c.fail(QStringLiteral("object %1 is drawn on lane %2, but there are %3 lanes")
                           .arg(i)
                           .arg(lane)
                           .arg(laneCount));
            objects.push_back({c.string(false), int(lane)});
        }
        if (!c.ok()) return;
        m_lanes = std::move(lanes);
        m_trace->setRegistry(m_lanes, objects);
    }

    // A summary's grid (records 7 and 8): the lane, the grid and the bucket count, checked against what
    // is left of the record; false where the cursor failed.
    template <typename Parts>
    bool grid(Cursor &c, const char *what, std::size_t cap, qsizetype bucketBytes, std::uint32_t *lane,
              Parts *parts)
    {
        if (m_haveResult) {
            c.fail(QStringLiteral("%1 after the run's result").arg(QLatin1String(what)));
            return false;
        }
        *lane = c.get<std::uint32_t>();
        parts->origin = c.get<std::int64_t>();
        parts->start = c.get<std::int64_t>();
        parts->end = c.get<std::int64_t>();
        parts->first = c.get<std::int64_t>();
        parts->widthShift = c.get<std::uint8_t>();
        const std::uint32_t n = c.get<std::uint32_t>();
        if (c.ok() && (n > cap || qsizetype(n) * bucketBytes > c.left()))
            return c.fail(QStringLiteral("%1 of %2 buckets (at most %3, and %4 bytes left)")
                              .arg(QLatin1String(what))
                              .arg(n)
                              .arg(cap)
                              .arg(c.left()));
        parts->buckets.resize(c.ok() ? n : 0);
        return c.ok();
    }

    // `states` shares in each bucket: the first that many states'.
    void summary(Cursor &c, std::size_t states)
    {
        std::uint32_t lane = 0;
        StateSummary::Parts parts;
        if (!grid(c, "a lane's summary", StateSummary::cap, qsizetype(states + 3) * 4, &lane, &parts)) return;
        for (StateSummary::Bucket &b : parts.buckets) {
            for (std::size_t s = 0; s < states; ++s)
                b.covered[s] = c.get<std::uint32_t>();
            b.lost = c.get<std::int32_t>();
            b.marks = c.get<std::uint32_t>();
            b.unknown = c.get<std::uint32_t>();
        }
        if (!c.ok()) return;
        if (lane >= m_lanes.size() || !m_trace->setPastBudget(lane, std::move(parts)))
            c.fail(QStringLiteral("lane %1's summary does not fit the run").arg(lane));
    }

    void values(Cursor &c)
    {
        std::uint32_t lane = 0;
        SeriesSummary::Parts parts;
        if (!grid(c, "a value lane's summary", SeriesSummary::cap, 6 * 8, &lane, &parts)) return;
        for (SeriesSummary::Bucket &b : parts.buckets)
            for (SeriesSummary::Channel *ch : {&b.a, &b.b}) {
                ch->low = c.get<std::int64_t>();
                ch->high = c.get<std::int64_t>();
                ch->last = c.get<std::int64_t>();
            }
        if (!c.ok()) return;
        if (lane >= m_lanes.size() || !m_trace->setPastSeries(lane, std::move(parts)))
            c.fail(QStringLiteral("lane %1's value summary does not fit the run").arg(lane));
    }

    void sites(Cursor &c)
    {
        const std::uint32_t count = c.get<std::uint32_t>();
        // Every place takes at least 2 bytes; they are never removed.
        if (c.ok() && qsizetype(count) * 2 > c.left())
            c.fail(QStringLiteral("%1 places in the code in %2 bytes").arg(count).arg(c.left()));
        if (c.ok() && count < m_trace->sites().size())
            c.fail(QStringLiteral("%1 places in the code after %2: they are never removed")
                       .arg(count)
                       .arg(m_trace->sites().size()));
        std::vector<QString> places;
        for (std::uint32_t i = 0; i < count && c.ok(); ++i)
            places.push_back(c.string(false));
        if (c.ok()) m_trace->setSites(std::move(places));
    }

    void events(Cursor &c)
    {
        const qsizetype at = c.pos() - 1;
        const std::uint32_t n = c.get<std::uint32_t>();
        if (!c.ok()) return;
        if (qsizetype(n) * 16 > c.left()) {
            c.fail(
                QStringLiteral("a record of %1 events, only %2 bytes left in the block").arg(n).arg(c.left()),
                at);
            return;
        }
        if (m_events + n > m_maxEvents) {
            c.fail(QStringLiteral("more events than the run's budget of %1 (or this machine's)")
                       .arg(m_maxEvents),
                   at);
            return;
        }
        const char *planes = c.take(qsizetype(n) * 16);
        m_buffer.resize(n);
        std::uint64_t t = 0;
        std::uint32_t arg = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            char rec[16];
            for (std::size_t k = 0; k < 16; ++k)
                rec[k] = planes[k * n + i];
            t += qFromLittleEndian<std::uint64_t>(rec);
            arg += qFromLittleEndian<std::uint32_t>(rec + 8);
            Event &e = m_buffer[i];
            e.t = std::int64_t(t);
            e.arg = arg;
            e.lane = qFromLittleEndian<std::uint16_t>(rec + 12);
            e.kind = EventKind(std::uint8_t(rec[14]));
            e.obj = std::uint8_t(rec[15]);
            if (e.lane >= m_lanes.size()) {
                c.fail(QStringLiteral("event %1 of a record is on lane %2, but the registry has %3 lanes")
                           .arg(i)
                           .arg(e.lane)
                           .arg(m_lanes.size()),
                       at);
                return;
            }
            if (std::uint8_t(e.kind) == 0 || std::uint8_t(e.kind) > lastEventKind) {
                c.fail(QStringLiteral("event %1 of a record has unknown kind %2").arg(i).arg(int(e.kind)),
                       at);
                return;
            }
            if (e.t < 0 || e.t >= timeLimit) {
                c.fail(QStringLiteral("event %1 of a record has time %2 ns, outside 0..2^62").arg(i).arg(e.t),
                       at);
                return;
            }
        }
        m_trace->ingest(m_buffer.data(), n);
        m_events += n;
    }

    void result(Cursor &c)
    {
        const qsizetype at = c.pos() - 1;
        if (m_haveResult) {
            c.fail(QStringLiteral("a second result record"), at);
            return;
        }
        runfile::SavedRun &r = *m_run;
        r.scenario = c.string(false);
        const std::uint32_t params = c.get<std::uint32_t>();
        if (c.ok() && qsizetype(params) * 2 > c.left())
            c.fail(QStringLiteral("%1 parameters, only %2 bytes left").arg(params).arg(c.left()));
        for (std::uint32_t i = 0; i < params && c.ok(); ++i)
            r.params << c.string(false);
        const std::uint32_t metrics = c.get<std::uint32_t>();
        if (c.ok() && qsizetype(metrics) * 7 > c.left())
            c.fail(QStringLiteral("%1 metrics, only %2 bytes left").arg(metrics).arg(c.left()));
        for (std::uint32_t i = 0; i < metrics && c.ok(); ++i) {
            Metric m;
            m.key = c.string(false);
            m.label = c.string(false);
            m.unit = c.string(false);
            m.value = readValue(c, 0);
            r.metrics << m;
        }
        const std::uint64_t wall = c.get<std::uint64_t>();
        std::memcpy(&r.wallMs, &wall, sizeof wall);
        r.events = c.get<std::uint64_t>();
        r.droppedEvents = c.get<std::uint64_t>();
        r.maxEvents = c.get<std::uint64_t>();
        r.cancelled = c.get<std::uint8_t>() != 0;
        const std::uint32_t problems = c.get<std::uint32_t>();
        if (c.ok() && qsizetype(problems) * 4 > c.left())
            c.fail(QStringLiteral("%1 problems, only %2 bytes left").arg(problems).arg(c.left()));
        for (std::uint32_t i = 0; i < problems && c.ok(); ++i)
            r.problems << c.string(true);
        r.budgetReachedNs = c.get<std::int64_t>();
        r.signal = c.get<std::int32_t>();
        r.traceStart = c.get<std::int64_t>();
        r.traceEnd = c.get<std::int64_t>();
        if (!c.ok()) return;
        if (r.traceStart < 0 || r.traceEnd < r.traceStart || r.traceEnd >= timeLimit ||
            r.budgetReachedNs < 0 || r.budgetReachedNs >= timeLimit)
            c.fail(QStringLiteral("the run's start, end or budget time is out of order or out of range"), at);
        else if (r.signal < 0 || r.signal > 64)
            c.fail(QStringLiteral("signal %1 is not a signal").arg(r.signal), at);
        m_haveResult = c.ok();
    }

    Trace *m_trace;
    runfile::SavedRun *m_run;
    std::uint64_t m_maxEvents;
    std::uint64_t m_events = 0;
    std::vector<LaneInfo> m_lanes;
    std::vector<Event> m_buffer;
    bool m_haveResult = false;
    bool m_ended = false;
};

// Inflates one block into exactly `raw` bytes; never writes past them.
QString inflateBlock(const QByteArray &stored, std::uint32_t raw, QByteArray *out)
{
    out->resize(qsizetype(raw));
    z_stream z = {};
    if (inflateInit(&z) != Z_OK) return QStringLiteral("zlib could not start");
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(stored.constData()));
    z.avail_in = uInt(stored.size());
    z.next_out = reinterpret_cast<Bytef *>(out->data());
    z.avail_out = uInt(raw);
    const int rc = inflate(&z, Z_FINISH);
    const uLong produced = z.total_out;
    const uInt leftIn = z.avail_in;
    const QString message = z.msg ? QString::fromLatin1(z.msg) : QString();
    inflateEnd(&z);
    if (rc == Z_STREAM_END) {
        if (produced != raw)
            return QStringLiteral("the block inflates to %1 bytes, not the %2 it declares")
                .arg(produced)
                .arg(raw);
        if (leftIn != 0)
            return QStringLiteral("%1 stray bytes after the block's compressed data").arg(leftIn);
        return {};
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR)
        return QStringLiteral("corrupt compressed data (zlib: %1)")
            .arg(message.isEmpty() ? QString::number(rc) : message);
    if (produced >= raw) return QStringLiteral("the block inflates beyond the %1 bytes it declares").arg(raw);
    return QStringLiteral("the block's compressed data is cut short");
}

} // namespace

bool RunFileReader::hasMagic(const QByteArray &start)
{
    return start.size() >= qsizetype(sizeof runfile::magic) &&
           std::memcmp(start.constData(), runfile::magic, sizeof runfile::magic) == 0;
}

bool RunFileReader::read(QIODevice &in, Trace *trace, runfile::SavedRun *run, QString *error)
{
    const auto failAt = [&](qint64 offset, const QString &what) {
        *error = QStringLiteral("byte %1: %2").arg(offset).arg(what);
        return false;
    };
    const QByteArray header = in.read(qint64(runfile::headerSize));
    if (!hasMagic(header)) return failAt(0, QStringLiteral("not a Raceway run file (wrong magic)"));
    if (header.size() < qsizetype(runfile::headerSize))
        return failAt(header.size(),
                      QStringLiteral("the file ends inside its %1-byte header").arg(runfile::headerSize));
    const auto version = qFromLittleEndian<std::uint32_t>(header.constData() + 8);
    if (version > runfile::version)
        return failAt(8, QStringLiteral("file version %1 is newer than this Raceway reads (%2)")
                             .arg(version)
                             .arg(runfile::version));
    if (version == 0) return failAt(8, QStringLiteral("file version 0 does not exist"));
    if (const auto flags = qFromLittleEndian<std::uint32_t>(header.constData() + 12); flags != 0)
        return failAt(12, QStringLiteral("unknown flags 0x%1").arg(flags, 0, 16));
    const auto maxEvents = qFromLittleEndian<std::uint64_t>(header.constData() + 16);

    Replay replay(trace, run, maxEvents);
    qint64 offset = qint64(runfile::headerSize);
    QByteArray stored, raw;
    while (!replay.ended()) {
        const QByteArray head = in.read(qint64(runfile::blockHeaderSize));
        if (head.isEmpty())
            return failAt(offset, QStringLiteral("the file ends before its end record (truncated)"));
        if (head.size() < qsizetype(runfile::blockHeaderSize))
            return failAt(offset, QStringLiteral("the file ends inside a block header (truncated)"));
        const auto storedSize = qFromLittleEndian<std::uint32_t>(head.constData());
        const auto rawSize = qFromLittleEndian<std::uint32_t>(head.constData() + 4);
        if (storedSize == 0 || storedSize > runfile::blockStoredLimit)
            return failAt(offset, QStringLiteral("a block of %1 compressed bytes (1..%2)")
                                      .arg(storedSize)
                                      .arg(runfile::blockStoredLimit));
        if (rawSize == 0 || rawSize > runfile::blockRawLimit)
            return failAt(offset + 4, QStringLiteral("a block declaring %1 bytes inflated (1..%2)")
                                          .arg(rawSize)
                                          .arg(runfile::blockRawLimit));
        stored = in.read(qint64(storedSize));
        if (stored.size() < qsizetype(storedSize))
            return failAt(offset + 8, QStringLiteral("a block of %1 bytes, only %2 present (truncated)")
                                          .arg(storedSize)
                                          .arg(stored.size()));
        if (const QString problem = inflateBlock(stored, rawSize, &raw); !problem.isEmpty())
            return failAt(offset, problem);
        QString what;
        Cursor c(raw, &what);
        if (!replay.block(c))
            return failAt(offset,
                          QStringLiteral("in the block's inflated byte %1: %2").arg(c.failPos()).arg(what));
        offset += qint64(runfile::blockHeaderSize) + storedSize;
    }
    char extra = 0;
    if (in.read(&extra, 1) > 0) return failAt(offset, QStringLiteral("data after the end record"));
    trace->setStart(run->traceStart);
    trace->setEnd(run->traceEnd);
    trace->setBudgetReached(run->budgetReachedNs);
    trace->compact();
    return true;
}

} // namespace raceway
