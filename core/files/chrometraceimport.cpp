#include "chrometraceimport.h"
#include "chrometraceimporter.h"
#include "summaryjson.h"

#include <QJsonDocument>

#include <zlib.h>

#include <algorithm>

namespace raceway {
using namespace chrometrace;
namespace {

QString gunzip(const QByteArray &data, QByteArray *out)
{
    z_stream z = {};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return QStringLiteral("zlib could not start");
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    z.avail_in = uInt(std::min<qsizetype>(data.size(), std::numeric_limits<uInt>::max()));
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out->size() >= inflatedLimit) {
            inflateEnd(&z);
            return QStringLiteral("the gzip data inflates beyond 1 GiB");
        }
        const qsizetype have = out->size();
        out->resize(std::min(inflatedLimit, std::max<qsizetype>(have * 2, 1 << 20)));
        z.next_out = reinterpret_cast<Bytef *>(out->data() + have);
        z.avail_out = uInt(out->size() - have);
        rc = inflate(&z, Z_NO_FLUSH);
        out->resize(qsizetype(z.total_out));
        if (rc == Z_BUF_ERROR && z.avail_in > 0 && out->size() < inflatedLimit)
            rc = Z_OK; // the output was full, not the input short
    }
    const qint64 at = qint64(z.total_in);
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return QStringLiteral("byte %1 of the gzip data: %2")
            .arg(at)
            .arg(rc == Z_BUF_ERROR ? QStringLiteral("cut short") : QStringLiteral("corrupt"));
    return {};
}

} // namespace

bool chrometrace::ChromeImporter::event(qsizetype i, const QJsonValue &value, ChromeImportStats *stats)
{
    if (!value.isObject()) return fail(QStringLiteral("event %1 is not an object").arg(i));
    const QJsonObject e = value.toObject();
    const QJsonValue phValue = e.value(QLatin1String("ph"));
    if (!phValue.isString() || phValue.toString().size() != 1)
        return fail(QStringLiteral("event %1 has no one-letter \"ph\" (phase)").arg(i));
    const char ph = phValue.toString().at(0).toLatin1();
    const QString name = e.value(QLatin1String("name")).toString();
    const QJsonObject args = e.value(QLatin1String("args")).toObject();
    std::int64_t t = 0, dur = 0;
    switch (ph) {
    case 'M':
        if (name == QLatin1String("process_name"))
            m_processNames[idText(e.value(QLatin1String("pid")))] =
                args.value(QLatin1String("name")).toString();
        else if (name == QLatin1String("thread_name")) {
            LaneData &l = lane(e);
            l.threadName = args.value(QLatin1String("name")).toString();
            if (m_own) {
                l.kind = laneKindFromName(args.value(QLatin1String("raceway_kind")).toString());
                l.coreWaitSources =
                    std::uint8_t(args.value(QLatin1String("raceway_core_waits")).toInt() & 0xFF);
            }
        } else if (name == QLatin1String("thread_sort_index")) {
            LaneData &l = lane(e);
            l.sortIndex = args.value(QLatin1String("sort_index")).toInteger();
            l.hasSortIndex = true;
        }
        return true;
    case 'X': {
        if (!time(i, e, "ts", true, &t) || !time(i, e, "dur", false, &dur)) return false;
        if (dur < 0) return fail(QStringLiteral("event %1: \"dur\" is negative").arg(i));
        LaneData &l = lane(e);
        seen(t);
        seen(t + dur);
        const bool named = !m_own || m_namedTids.contains(l.tid);
        // Raceway's own summary slices are for other viewers: its summaries come back whole.
        if (m_own && e.value(QLatin1String("cat")).toString() == QLatin1String("summary")) return true;
        if (dur > 0 && !named) l.spans.push_back(span(t, t + dur, name, i));
        if (dur > 0 && named)
            l.named.push_back({t, t + dur, nameId(name), argsId(args, stats), categoryId(e)});
        return true;
    }
    case 'B':
    case 'E': {
        if (!time(i, e, "ts", true, &t)) return false;
        seen(t);
        Edge edge{t, ph == 'B', name, std::size_t(i)};
        if ((!m_own || m_namedTids.contains(lane(e).tid)) && edge.begin) {
            edge.nameId = nameId(name);
            edge.args = argsId(args, stats);
            edge.category = categoryId(e);
        }
        lane(e).edges.push_back(std::move(edge));
        return true;
    }
    case 'i':
    case 'I': {
        if (!time(i, e, "ts", true, &t)) return false;
        seen(t);
        LaneData &l = lane(e);
        if ((name == QLatin1String(placeWaitName) || name == QLatin1String(placeReleaseName) ||
             name == QLatin1String(placeStepName)) &&
            args.value(QLatin1String("place")).isString()) { // a place in the code, Raceway's own
            const QString place = args.value(QLatin1String("place")).toString().left(1024);
            auto [it, added] = m_siteIds.try_emplace(place, std::uint32_t(m_sites.size()));
            if (added) m_sites.push_back(place);
            l.sites.push_back({t, it->second,
                               name == QLatin1String(placeWaitName)      ? SiteOf::Wait
                               : name == QLatin1String(placeReleaseName) ? SiteOf::Release
                                                                         : SiteOf::Step});
        } else if (name == QLatin1String("lost") && args.contains(QLatin1String("n"))) {
            // n increments erased by k writes (1 when not given): k markers, as many as were drawn
            // (the badges count writes), sharing n.
            const std::int64_t n = std::clamp<std::int64_t>(args.value(QLatin1String("n")).toInteger(),
                                                            -(std::int64_t(1) << 46), std::int64_t(1) << 46);
            const std::int64_t k =
                std::clamp<std::int64_t>(args.value(QLatin1String("k")).toInteger(1), 1, 1 << 20);
            const QJsonValue of = args.value(QLatin1String("of"));
            const std::int64_t rest = n % k; // the first |rest| take one more (or less) each
            for (std::int64_t w = 0; w < k; ++w) {
                Marker m{t, 0, 0};
                m.value = n / k + (w < std::abs(rest) ? (rest > 0 ? 1 : -1) : 0);
                m.other = -1;
                l.markers.push_back(m);
            }
            l.markerOf.resize(l.markers.size(), of.isUndefined() ? QString() : idText(of));
        } else {
            Instant in{t, 0, 0};
            in.value = std::clamp<std::int64_t>(args.value(QLatin1String("v")).toInteger(),
                                                -(std::int64_t(1) << 46), std::int64_t(1) << 46);
            // Raceway's own export names its marks and gives each a value ("v"); an instant from
            // another tool that happens to be called "tick" is not one of Raceway's timer ticks.
            in.kind = std::int64_t(args.contains(QLatin1String("v")) ? markOf(name) : MarkKind::Instant);
            l.instants.push_back(in);
        }
        return true;
    }
    case 'C': {
        if (!time(i, e, "ts", true, &t)) return false;
        seen(t);
        LaneData &l = lane(e);
        l.processCounters = l.processCounters || !e.contains(QLatin1String("tid"));
        const auto number = [&](const QString &key) {
            const double v = args.value(key).toDouble();
            return std::isfinite(v) ? std::int64_t(std::clamp(v, -9e15, 9e15)) : std::int64_t(0);
        };
        // Raceway's own pairs keep their order; otherwise the first two keys (JSON objects are
        // unordered).
        QString a, b;
        for (const auto &[ka, kb] : {std::pair{"expected", "actual"}, std::pair{"waiting", "inside"}})
            if (args.contains(QLatin1String(ka)) && args.contains(QLatin1String(kb))) {
                a = QLatin1String(ka);
                b = QLatin1String(kb);
                l.counterKeys = l.counterKeys || ka == std::string_view("expected");
            }
        if (a.isEmpty()) {
            const QStringList keys = args.keys();
            a = keys.value(0);
            b = keys.value(1, a);
        }
        if (m_own && t >= summaryjson::valueSummaryStart(m_other, l.tid)) return true; // the summary's
        l.series.push_back({t, number(a), number(b)});
        return true;
    }
    case 's':
    case 't':
    case 'f':
        // Another tool's flow (or one Raceway wrote back): a step of an arrow between its lanes.
        if (!m_own || e.value(QLatin1String("cat")).toString() != QLatin1String("handoff")) {
            if (!time(i, e, "ts", true, &t)) return false;
            seen(t);
            const std::size_t at = std::size_t(&lane(e) - m_lanes.data());
            m_foreignFlows[e.value(QLatin1String("cat")).toString() + QLatin1Char('\x1f') +
                           idText(e.value(QLatin1String("id")))]
                .push_back({t, at, nameId(name)});
            return true;
        }
        // Raceway's own hand-offs: a semaphore's are kept (a lock's follow from the lanes' states).
        if (ph != 't' && e.value(QLatin1String("cat")).toString() == QLatin1String("handoff")) {
            if (!time(i, e, "ts", true, &t)) return false;
            Flow &f = m_flows[idText(e.value(QLatin1String("id")))];
            f.object = name;
            (ph == 's' ? f.fromTid : f.toTid) = idText(e.value(QLatin1String("tid")));
            (ph == 's' ? f.released : f.woke) = t;
            return true;
        }
        ++stats->ignored;
        return true;
    default:
        ++stats->ignored;
        return true;
    }
}

bool looksLikeChromeTrace(const QByteArray &start)
{
    if (start.startsWith("\x1f\x8b")) return true;
    const QByteArray t = start.trimmed();
    return t.startsWith('[') || t.startsWith('{');
}

bool readChromeTrace(const QByteArray &data, Trace *trace, ChromeImportStats *stats, QString *error)
{
    QByteArray inflated;
    const bool gzip = data.startsWith("\x1f\x8b");
    if (gzip) {
        if (const QString problem = gunzip(data, &inflated); !problem.isEmpty()) {
            *error = problem;
            return false;
        }
    }
    const QByteArray &text = gzip ? inflated : data;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("byte %1%2: %3")
                     .arg(pe.offset)
                     .arg(gzip ? QStringLiteral(" of the inflated JSON") : QString())
                     .arg(pe.errorString());
        return false;
    }
    QJsonArray events;
    if (doc.isArray())
        events = doc.array();
    else if (doc.object().value(QLatin1String("traceEvents")).isArray())
        events = doc.object().value(QLatin1String("traceEvents")).toArray();
    else {
        *error =
            QStringLiteral("neither an array of trace events nor an object with a \"traceEvents\" array");
        return false;
    }
    // Raceway's own export names its slices after states; anything else's are named slices.
    const QJsonObject other = doc.object().value(QLatin1String("otherData")).toObject();
    QSet<QString> namedTids;
    for (const QJsonValue &tid : other.value(QLatin1String("named_slice_tids")).toArray())
        namedTids.insert(idText(tid));
    const bool own = other.value(QLatin1String("generator")).toString().startsWith(QLatin1String("Raceway"));
    if (own) stats->run = other.value(QLatin1String("run")).toObject();
    ChromeImporter importer(own, std::move(namedTids), other);
    if (!importer.read(events, trace, stats)) {
        *error = importer.error();
        return false;
    }
    return true;
}

} // namespace raceway
