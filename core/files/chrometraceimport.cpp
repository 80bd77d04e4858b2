#include "chrometraceimport.h"
#include "chrometracenames.h"
#include "summaryjson.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace raceway {
using namespace chrometrace;
namespace {

constexpr qsizetype inflatedLimit = qsizetype(1) << 30;
constexpr double timeLimitUs = 1e15; // ~31 years: differences of any two times still fit in ns

struct Span
{
    std::int64_t start, end;
    State state;
    std::uint16_t obj;
    std::size_t order; // file order, for ties
};

struct Edge // a "B" or an "E", matched once the lane's edges are in time order
{
    std::int64_t t;
    bool begin;
    QString name;
    std::size_t order;
    std::uint32_t nameId = 0, args = 0; // another tool's: the slice's name and arguments
    std::uint16_t category = 0;
};

struct LaneData
{
    QString pid, tid;
    QString threadName;
    std::int64_t sortIndex = 0;
    bool hasSortIndex = false;
    std::size_t appearance = 0;
    std::vector<Span> spans;
    std::vector<Edge> edges;
    std::vector<Marker> markers;
    std::vector<QString> markerOf; // per marker: the tid whose value it overwrote (empty: not known)
    std::vector<Instant> instants;
    std::vector<SitePoint> sites;
    std::vector<SeriesPoint> series;
    std::vector<Slice> named;         // another tool's slices, with their names
    bool processCounters = false;     // its counters came without a tid: the process's
    std::optional<LaneKind> kind;     // Raceway's own export says what each lane was
    std::uint8_t coreWaitSources = 0; // and where its waits for a core came from (Lane::coreWaitSources)
    bool counterKeys = false;         // its counters are Raceway's expected/actual
};

// What arguments a slice keeps: each at most this long as JSON text, all of them together at most the
// total (past it, slices keep their names and lose their arguments).
constexpr qsizetype argsTextLimit = 2048;
constexpr qsizetype argsTotalLimit = qsizetype(64) << 20;

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

class Importer
{
public:
    // `own`: the file is Raceway's own export, whose slice names are states ("run", "wait lock").
    // `namedTids`: in Raceway's own export, the lanes (by tid) whose slices are another tool's, named.
    Importer(bool own, QSet<QString> namedTids, QJsonObject other)
        : m_own(own), m_namedTids(std::move(namedTids)), m_other(std::move(other))
    {
        // Raceway's own run goes back on the clock it was recorded on (its summaries' grids start at
        // the clock's zero).
        const std::int64_t start = m_other.value(QLatin1String("start_ns")).toInteger();
        if (m_own && start > 0 && start < (std::int64_t(1) << 62)) m_clockStart = start;
    }

    bool fail(const QString &line)
    {
        m_error = line;
        return false;
    }
    QString error() const { return m_error; }

    bool read(const QJsonArray &events, Trace *trace, ChromeImportStats *stats)
    {
        stats->events = std::uint64_t(events.size());
        for (qsizetype i = 0; i < events.size(); ++i)
            if (!event(i, events.at(i), stats)) return false;
        if (m_lanes.empty())
            return fail(QStringLiteral("no event names a thread (pid/tid): nothing to draw"));
        if (m_start == INT64_MAX) m_start = m_end = 0;
        return build(trace, stats);
    }

private:
    bool time(qsizetype i, const QJsonObject &e, const char *key, bool required, std::int64_t *ns)
    {
        const QJsonValue v = e.value(QLatin1String(key));
        if (v.isUndefined() && !required) {
            *ns = 0;
            return true;
        }
        const double us = v.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!v.isDouble() || !std::isfinite(us) || std::abs(us) > timeLimitUs)
            return fail(QStringLiteral("event %1: \"%2\" is not a time in microseconds")
                            .arg(i)
                            .arg(QLatin1String(key)));
        *ns = std::llround(us * 1000.0);
        if (std::string_view(key) == "ts") *ns += m_clockStart;
        return true;
    }

    LaneData &lane(const QJsonObject &e)
    {
        const QString pid = idText(e.value(QLatin1String("pid")));
        const QJsonValue tidValue = e.value(QLatin1String("tid"));
        const QString tid = tidValue.isUndefined() ? pid : idText(tidValue); // a process's main thread
        const QString key = pid + QLatin1Char('\x1f') + tid;
        auto it = m_index.find(key);
        if (it == m_index.end()) {
            it = m_index.insert(key, m_lanes.size());
            LaneData d;
            d.pid = pid;
            d.tid = tid;
            d.appearance = m_lanes.size();
            m_lanes.push_back(std::move(d));
        }
        return m_lanes[*it];
    }

    void seen(std::int64_t t)
    {
        m_start = std::min(m_start, t);
        m_end = std::max(m_end, t);
    }

    bool event(qsizetype i, const QJsonValue &value, ChromeImportStats *stats)
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
            if ((name == QLatin1String(placeWaitName) || name == QLatin1String(placeReleaseName)) &&
                args.value(QLatin1String("place")).isString()) { // a place in the code, Raceway's own
                const QString place = args.value(QLatin1String("place")).toString().left(1024);
                auto [it, added] = m_siteIds.try_emplace(place, std::uint32_t(m_sites.size()));
                if (added) m_sites.push_back(place);
                l.sites.push_back(
                    {t, it->second, name == QLatin1String(placeWaitName) ? SiteOf::Wait : SiteOf::Release});
            } else if (name == QLatin1String("lost") && args.contains(QLatin1String("n"))) {
                // n increments erased by k writes (1 when not given): k markers, as many as were drawn
                // (the badges count writes), sharing n.
                const std::int64_t n =
                    std::clamp<std::int64_t>(args.value(QLatin1String("n")).toInteger(),
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
        case 'f':
            // Raceway's own hand-offs: a semaphore's are kept (a lock's follow from the lanes' states).
            if (m_own && e.value(QLatin1String("cat")).toString() == QLatin1String("handoff")) {
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

    std::uint32_t nameId(const QString &name)
    {
        if (const auto it = m_sliceNameIds.constFind(name); it != m_sliceNameIds.cend()) return *it;
        const auto id = std::uint32_t(m_sliceNames.size());
        m_sliceNameIds.insert(name, id);
        m_sliceNames.push_back(name);
        return id;
    }

    std::uint16_t categoryId(const QJsonObject &e)
    {
        const QString cat = e.value(QLatin1String("cat")).toString();
        if (cat.isEmpty()) return 0;
        const std::uint32_t id = nameId(cat);
        return id < 65536 ? std::uint16_t(id) : 0;
    }

    std::uint32_t argsId(const QJsonObject &args, ChromeImportStats *stats)
    {
        if (args.isEmpty()) return 0;
        QString text = QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact));
        if (text.size() > argsTextLimit) {
            ++stats->argsCut;
            text = QStringLiteral(R"({"raceway":"arguments of %1 characters, not kept"})").arg(text.size());
        }
        if (m_argsText + text.size() > argsTotalLimit) {
            ++stats->argsCut;
            return 0;
        }
        m_argsText += text.size();
        m_sliceArgs.push_back(std::move(text));
        return std::uint32_t(m_sliceArgs.size() - 1);
    }

    Span span(std::int64_t start, std::int64_t end, const QString &name, qsizetype order)
    {
        QString object;
        std::uint16_t number = 0;
        const State s = stateOf(name, &object, &number);
        if (!object.isEmpty()) {
            // A holder is a lane, known by name only once every lane is: resolved in build().
            if (s == State::Held) {
                number = std::uint16_t(std::min<std::size_t>(m_holders.size(), 65535));
                if (m_holders.size() < 65535) m_holders.push_back(object);
            } else
                number = objectId(object);
        }
        return {start, end, s, number, std::size_t(order)};
    }

    std::uint16_t objectId(const QString &name)
    {
        if (auto it = m_objectIds.find(name); it != m_objectIds.end()) return *it;
        if (m_objects.size() >= 65536) return 0; // past 65,535 distinct names, spans share "no name"
        m_objects.push_back({name, -1});
        const auto id = std::uint16_t(m_objects.size() - 1);
        m_objectIds.insert(name, id);
        return id;
    }

    // Innermost wins: at every boundary the span that began last (the shortest, at a tie) and has not
    // ended yet is drawn; none is idle.
    static void transitions(const std::vector<Span> &spans, Lane *out)
    {
        struct Inner
        {
            bool operator()(const Span *x, const Span *y) const
            {
                if (x->start != y->start) return x->start < y->start;
                if (x->end != y->end) return x->end > y->end;
                return x->order < y->order;
            }
        };
        std::vector<std::pair<std::int64_t, const Span *>> ends, starts;
        for (const Span &s : spans) {
            starts.push_back({s.start, &s});
            ends.push_back({s.end, &s});
        }
        const auto byTime = [](const auto &x, const auto &y) { return x.first < y.first; };
        std::stable_sort(starts.begin(), starts.end(), byTime);
        std::stable_sort(ends.begin(), ends.end(), byTime);
        std::set<const Span *, Inner> active;
        std::size_t si = 0, ei = 0;
        while (si < starts.size() || ei < ends.size()) {
            const std::int64_t t = std::min(si < starts.size() ? starts[si].first : INT64_MAX,
                                            ei < ends.size() ? ends[ei].first : INT64_MAX);
            for (; ei < ends.size() && ends[ei].first == t; ++ei)
                active.erase(ends[ei].second);
            for (; si < starts.size() && starts[si].first == t; ++si)
                active.insert(starts[si].second);
            const State s = active.empty() ? State::Idle : (*active.rbegin())->state;
            const std::uint16_t obj = active.empty() ? 0 : (*active.rbegin())->obj;
            const std::size_t n = out->times.size();
            if (n > 0 && out->states[n - 1] == s && out->objs[n - 1] == obj) continue;
            if (n > 0 && out->times[n - 1] == t) { // nothing was drawn in between
                out->states.resize(n - 1);
                out->objs.resize(n - 1);
                out->times.resize(n - 1);
                if (n >= 2 && out->states[n - 2] == s && out->objs[n - 2] == obj) continue;
            }
            out->times.push_back(t);
            out->states.push_back(s);
            out->objs.push_back(obj);
        }
    }

    bool build(Trace *trace, ChromeImportStats *stats)
    {
        // Raceway's own run: from its start (ts 0) to its end; its slices' last cells may reach past it.
        bool clipped = false;
        if (m_own && m_other.contains(QLatin1String("end_ns")) &&
            m_other.contains(QLatin1String("start_ns"))) {
            const std::int64_t length = m_other.value(QLatin1String("end_ns")).toInteger() -
                                        m_other.value(QLatin1String("start_ns")).toInteger();
            if (length > 0 && length < std::int64_t(timeLimitUs) * 1000) {
                m_start = m_clockStart;
                m_end = m_clockStart + length;
                clipped = true;
            }
        }
        // Pair B with E in time order per lane (the format allows any order in the file); an
        // unclosed B runs to the end of the trace.
        for (LaneData &l : m_lanes) {
            std::stable_sort(l.edges.begin(), l.edges.end(),
                             [](const Edge &x, const Edge &y) { return x.t < y.t; });
            std::vector<const Edge *> open;
            const auto add = [&](const Edge &b, std::int64_t end) {
                if (end <= b.t) return;
                if (m_own && !m_namedTids.contains(l.tid))
                    l.spans.push_back(span(b.t, end, b.name, qsizetype(b.order)));
                else
                    l.named.push_back({b.t, end, b.nameId, b.args, b.category});
            };
            for (const Edge &e : l.edges) {
                if (e.begin)
                    open.push_back(&e);
                else if (!open.empty()) {
                    add(*open.back(), e.t);
                    open.pop_back();
                }
            }
            for (const Edge *e : open)
                add(*e, m_end);
            l.edges.clear();
        }
        std::vector<std::size_t> order(m_lanes.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            const LaneData &a = m_lanes[x], &b = m_lanes[y];
            if (a.hasSortIndex != b.hasSortIndex) return a.hasSortIndex;
            return a.hasSortIndex && a.sortIndex < b.sortIndex;
        });
        std::set<QString> pids;
        for (const LaneData &l : m_lanes)
            pids.insert(l.pid);
        QHash<QString, std::uint16_t> laneByName;
        std::vector<QString> names(m_lanes.size());
        for (std::size_t k = 0; k < order.size(); ++k) {
            const LaneData &l = m_lanes[order[k]];
            // A tid that is a word ("CrBrowserMain") names its thread; a number is "tid N".
            bool numeric = false;
            l.tid.toLongLong(&numeric);
            QString name = !l.threadName.isEmpty() ? l.threadName
                           : numeric               ? QStringLiteral("tid ") + l.tid
                                                   : l.tid;
            if (pids.size() > 1) {
                const QString process = m_processNames.value(l.pid);
                name = (process.isEmpty() ? QStringLiteral("pid ") + l.pid : process) +
                       QStringLiteral(" / ") + name;
            }
            names[k] = name;
            if (k < 65536) laneByName.insert(l.threadName.isEmpty() ? name : l.threadName, std::uint16_t(k));
        }
        // Names that repeat ("Browser / ThreadPoolForegroundWorker" fifteen times) say their tid, and
        // their pid too where that is not enough.
        for (const bool withPid : {false, true}) {
            QHash<QString, int> seen;
            for (const QString &n : names)
                ++seen[n];
            for (std::size_t k = 0; k < order.size(); ++k) {
                if (seen.value(names[k]) < 2) continue;
                const LaneData &l = m_lanes[order[k]];
                names[k] +=
                    withPid ? QStringLiteral(" (pid %1)").arg(l.pid) : QStringLiteral(" (tid %1)").arg(l.tid);
            }
        }
        // Raceway's own lost updates name the lane overwritten by its tid (one process).
        QHash<QString, int> laneOfTid;
        for (std::size_t k = 0; k < order.size() && k < 32768; ++k)
            laneOfTid.insert(m_lanes[order[k]].tid, int(k));
        trace->setRegistry({}, m_objects);
        trace->setSites(m_sites);
        trace->setSliceTables(std::move(m_sliceNames), std::move(m_sliceArgs));
        for (std::size_t k = 0; k < order.size(); ++k) {
            LaneData &l = m_lanes[order[k]];
            Lane lane;
            lane.name = names[k];
            const bool seriesOnly = l.spans.empty() && l.named.empty() && !l.series.empty();
            lane.kind = seriesOnly ? LaneKind::Counter : LaneKind::Thread;
            if (!l.named.empty()) {
                lane.kind = LaneKind::Slices;
                stats->tooDeep += lane.slices.build(std::move(l.named));
                stats->slices += lane.slices.size();
            }
            for (Span &s : l.spans)
                if (s.state == State::Held)
                    s.obj = s.obj < m_holders.size() ? laneByName.value(m_holders[s.obj], 0) : 0;
            // A core's slices are named after the lane it ran ("thread 2"): held by that lane.
            if (l.kind == LaneKind::CoreRuns)
                for (Span &s : l.spans)
                    if (s.state == State::Task && s.obj < m_objects.size())
                        if (const auto it = laneByName.constFind(m_objects[s.obj].name);
                            it != laneByName.cend()) {
                            s.state = State::Held;
                            s.obj = *it;
                        }
            transitions(l.spans, &lane);
            while (clipped && lane.times.size() > 1 && lane.times[lane.times.size() - 1] >= m_end) {
                lane.times.resize(lane.times.size() - 1); // what begins at the run's end is not drawn
                lane.states.resize(lane.states.size() - 1);
                lane.objs.resize(lane.objs.size() - 1);
            }
            if (l.kind && lane.kind != LaneKind::Slices) lane.kind = *l.kind; // Raceway's own lanes
            lane.coreWaitSources = l.coreWaitSources;
            for (std::size_t m = 0; m < l.markers.size() && m < l.markerOf.size(); ++m)
                if (const auto it = laneOfTid.constFind(l.markerOf[m]); it != laneOfTid.cend())
                    l.markers[m].other = *it;
            const auto byT = [](const auto &x, const auto &y) { return x.t < y.t; };
            std::stable_sort(l.markers.begin(), l.markers.end(), byT);
            std::stable_sort(l.instants.begin(), l.instants.end(), byT);
            std::stable_sort(l.series.begin(), l.series.end(), byT);
            for (const Marker &m : l.markers) {
                lane.markers.push_back(m);
                lane.restoringWrites |= m.value < 0;
            }
            for (const Instant &in : l.instants) {
                lane.instants.push_back(in);
                lane.marksSeen |= 1u << (std::uint32_t(in.kind) % 32);
            }
            // A thread's counters beside its slices get a lane of their own: a slice lane draws no values.
            Lane counters;
            Lane &values = lane.kind == LaneKind::Slices && !l.series.empty() ? counters : lane;
            for (const SeriesPoint &p : l.series)
                values.series.push_back(p);
            std::stable_sort(l.sites.begin(), l.sites.end(), byT);
            for (const SitePoint &p : l.sites)
                lane.sites.push_back(p);
            trace->appendLane(std::move(lane));
            if (!counters.series.empty()) {
                const QString process = m_processNames.value(l.pid);
                counters.name = !l.processCounters  ? names[k] + QStringLiteral(" counters")
                                : process.isEmpty() ? QStringLiteral("pid %1 counters").arg(l.pid)
                                                    : process + QStringLiteral(" counters");
                counters.kind = LaneKind::Counter;
                trace->appendLane(std::move(counters));
            }
        }
        // Where Raceway's own run's budget ran out.
        if (m_own && m_other.contains(QLatin1String("end_ns")) &&
            m_other.contains(QLatin1String("start_ns"))) {
            if (const std::int64_t budget = m_other.value(QLatin1String("budget_reached_ns")).toInteger();
                budget > 0)
                trace->setBudgetReached(m_clockStart + budget);
            // Its lost updates split by whether the write came right after a wait for a core.
            const QJsonArray split = m_other.value(QLatin1String("erased_split")).toArray();
            if (split.size() == 3)
                trace->setErasedSplit(split[0].toInteger(), split[1].toInteger(), split[2].toInteger());
        }
        std::vector<Trace::PermitHandoff> permits;
        for (const auto &[id, f] : m_flows) {
            const auto from = laneOfTid.constFind(f.fromTid), to = laneOfTid.constFind(f.toTid);
            const auto sem = std::find_if(trace->lanes().begin(), trace->lanes().end(), [&](const Lane &l) {
                return l.kind == LaneKind::Semaphore && l.name == f.object;
            });
            if (from == laneOfTid.cend() || to == laneOfTid.cend() || sem == trace->lanes().end()) continue;
            permits.push_back({f.released, f.woke, std::uint32_t(sem - trace->lanes().begin()),
                               std::uint32_t(*from), std::uint32_t(*to)});
        }
        std::sort(permits.begin(), permits.end(),
                  [](const auto &a, const auto &b) { return a.woke < b.woke; });
        trace->setPermitHandoffs(std::move(permits));
        trace->setStart(m_start);
        trace->setEnd(m_end);
        if (m_own && !summaryjson::restore(m_other, laneOfTid, trace))
            return fail(
                QStringLiteral("otherData: a lane's summary past the event budget does not fit the trace"));
        return true;
    }

    std::vector<LaneData> m_lanes;
    std::vector<QString> m_sites; // places in the code, as the "place" of Raceway's own instants
    std::map<QString, std::uint32_t> m_siteIds;
    QHash<QString, std::size_t> m_index;
    QHash<QString, QString> m_processNames;
    std::vector<ObjectInfo> m_objects{ObjectInfo{}}; // id 0: no object
    QHash<QString, std::uint16_t> m_objectIds;
    std::vector<QString> m_holders; // "held by X": X, for the lane index it names
    bool m_own = false;
    QSet<QString> m_namedTids;
    QJsonObject m_other;           // otherData
    std::int64_t m_clockStart = 0; // Raceway's own: its ts 0 on the clock (start_ns), added to every ts
    struct Flow
    {
        QString object, fromTid, toTid;
        std::int64_t released = 0, woke = 0;
    };
    std::map<QString, Flow> m_flows; // by id
    std::vector<QString> m_sliceNames{QString()}, m_sliceArgs{QString()};
    QHash<QString, std::uint32_t> m_sliceNameIds{{QString(), 0}};
    qsizetype m_argsText = 0;
    std::int64_t m_start = INT64_MAX, m_end = INT64_MIN;
    QString m_error;
};

} // namespace

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
    Importer importer(own, std::move(namedTids), other);
    if (!importer.read(events, trace, stats)) {
        *error = importer.error();
        return false;
    }
    return true;
}

} // namespace raceway
