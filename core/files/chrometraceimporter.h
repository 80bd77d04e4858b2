#pragma once

// The Chrome trace reader's working parts, shared by its two halves: chrometraceimport.cpp reads the
// events into per-thread lists, chrometracelanes.cpp makes lanes of them. Not for use elsewhere: call
// readChromeTrace (chrometraceimport.h).

#include "chrometraceimport.h"
#include "chrometracenames.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <vector>

namespace raceway::chrometrace {

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

class ChromeImporter
{
public:
    // `own`: the file is Raceway's own export, whose slice names are states ("run", "wait lock").
    // `namedTids`: in Raceway's own export, the lanes (by tid) whose slices are another tool's, named.
    ChromeImporter(bool own, QSet<QString> namedTids, QJsonObject other)
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

    bool event(qsizetype i, const QJsonValue &value, ChromeImportStats *stats);

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
    static void transitions(const std::vector<Span> &spans, Lane *out);
    bool build(Trace *trace, ChromeImportStats *stats);

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
    // Another tool's flows: by category and id, each step (s, t, f) in file order: time, lane, name.
    struct FlowStep
    {
        std::int64_t t;
        std::size_t lane; // m_lanes index
        std::uint32_t name;
    };
    std::map<QString, std::vector<FlowStep>> m_foreignFlows;
    std::vector<QString> m_sliceNames{QString()}, m_sliceArgs{QString()};
    QHash<QString, std::uint32_t> m_sliceNameIds{{QString(), 0}};
    qsizetype m_argsText = 0;
    std::int64_t m_start = INT64_MAX, m_end = INT64_MIN;
    QString m_error;
};

} // namespace raceway::chrometrace
