#pragma once

// Reads a Chrome Trace Event export back into per-lane lists, with times in integer nanoseconds, so
// tests can check what Perfetto and speedscope will see without a browser.

#include "traceexport.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace raceway::testing {

struct ExportedSlice
{
    std::int64_t ts, dur; // ns
    double tsUs, durUs;   // as a JavaScript viewer parses them
    QString name;
    QString cat;
    QJsonObject args;
};

struct ExportedInstant
{
    std::int64_t ts;
    qlonglong erased, writes;
    int overwrote; // tid, or -1
};

struct ExportedCounter
{
    std::int64_t ts;
    QJsonObject args;
};

struct ExportedLane
{
    QString name;
    int sortIndex = -1;
    std::vector<ExportedSlice> slices;
    std::vector<ExportedInstant> instants;
    std::vector<ExportedCounter> counters;
};

// One end of a hand-off flow ("s" on the releasing lane, "f" on the woken one).
struct ExportedFlowEnd
{
    std::int64_t id = 0;
    int tid = -1;
    std::int64_t ts = 0; // ns
    bool start = false;
};

struct ExportedTrace
{
    std::vector<ExportedFlowEnd> flows;
    QByteArray bytes;
    QJsonObject otherData;
    std::set<int> pids;
    bool processNamed = false;
    std::map<int, ExportedLane> lanes; // by tid
    int unknownPhases = 0;
};

// Microseconds as written ("12" or "12.345") to nanoseconds, exactly.
inline std::int64_t usToNs(const QJsonValue &v)
{
    return std::llround(v.toDouble() * 1000.0);
}

inline ExportedTrace readExport(const QByteArray &bytes)
{
    ExportedTrace out;
    out.bytes = bytes;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) qFatal("export is not JSON: %s", qPrintable(pe.errorString()));
    out.otherData = doc.object().value(QStringLiteral("otherData")).toObject();
    const QJsonArray events = doc.object().value(QStringLiteral("traceEvents")).toArray();
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QStringLiteral("ph")).toString();
        const QString name = e.value(QStringLiteral("name")).toString();
        const QJsonObject args = e.value(QStringLiteral("args")).toObject();
        out.pids.insert(e.value(QStringLiteral("pid")).toInt(-1));
        if (ph == QLatin1String("M") && name == QLatin1String("process_name")) {
            out.processNamed = true;
            continue;
        }
        ExportedLane &lane = out.lanes[e.value(QStringLiteral("tid")).toInt(-1)];
        const QJsonValue ts = e.value(QStringLiteral("ts"));
        if (ph == QLatin1String("M") && name == QLatin1String("thread_name"))
            lane.name = args.value(QStringLiteral("name")).toString();
        else if (ph == QLatin1String("M") && name == QLatin1String("thread_sort_index"))
            lane.sortIndex = args.value(QStringLiteral("sort_index")).toInt();
        else if (ph == QLatin1String("X"))
            lane.slices.push_back({usToNs(ts), usToNs(e.value(QStringLiteral("dur"))), ts.toDouble(),
                                   e.value(QStringLiteral("dur")).toDouble(), name,
                                   e.value(QStringLiteral("cat")).toString(), args});
        else if (ph == QLatin1String("i"))
            lane.instants.push_back({usToNs(ts), args.value(QStringLiteral("n")).toInteger(),
                                     args.value(QStringLiteral("k")).toInteger(1),
                                     args.value(QStringLiteral("of")).toInt(-1)});
        else if (ph == QLatin1String("C"))
            lane.counters.push_back({usToNs(ts), args});
        else if (ph == QLatin1String("s") || ph == QLatin1String("f"))
            out.flows.push_back({e.value(QStringLiteral("id")).toInteger(),
                                 e.value(QStringLiteral("tid")).toInt(-1), usToNs(ts),
                                 ph == QLatin1String("s")});
        else
            ++out.unknownPhases;
    }
    return out;
}

inline ExportedTrace exportTrace(const Trace &t, const ChromeTraceOptions &options = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!writeChromeTrace(t, buffer, options, &error)) qFatal("export failed: %s", qPrintable(error));
    return readExport(buffer.data());
}

inline std::int64_t resolutionOf(const ExportedTrace &e)
{
    return e.otherData.value(QStringLiteral("resolution_us")).toInteger() * 1000;
}

// Summed duration of the slices with this name on the lanes whose names are given.
inline std::int64_t exportedTotal(const ExportedTrace &e, const QStringList &laneNames, const QString &slice)
{
    std::int64_t total = 0;
    for (const auto &[tid, lane] : e.lanes)
        if (laneNames.contains(lane.name))
            for (const ExportedSlice &s : lane.slices)
                total += s.name == slice ? s.dur : 0;
    return total;
}

// The grid rule written out the slow way, one cell at a time, from the trace itself: the time that
// `state` wins cells of `cellNs` on the lane (most time in the cell; a tie goes to what came first).
// States that are not drawn (idle, done, free) compete as one.
inline std::int64_t dominantTime(const Trace &t, std::size_t lane, State state, std::int64_t cellNs)
{
    const auto hidden = [](State s) { return s == State::Idle || s == State::Done || s == State::Free; };
    std::map<std::int64_t, std::vector<std::pair<std::uint32_t, std::int64_t>>> cells;
    t.forEachInterval(lane, [&](const Interval &iv) {
        const std::uint32_t key = hidden(iv.state) ? 0 : (std::uint32_t(iv.state) << 16 | iv.obj) + 1;
        for (std::int64_t s = std::max(iv.start, t.start()); s < iv.end;) {
            const std::int64_t cell = (s - t.start()) / cellNs;
            const std::int64_t upto = std::min(iv.end, t.start() + (cell + 1) * cellNs);
            auto &shares = cells[cell];
            auto it =
                std::find_if(shares.begin(), shares.end(), [&](const auto &p) { return p.first == key; });
            if (it == shares.end())
                shares.push_back({key, upto - s});
            else
                it->second += upto - s;
            s = upto;
        }
    });
    std::int64_t won = 0;
    for (const auto &[cell, shares] : cells) {
        auto best = shares.begin();
        for (auto it = shares.begin(); it != shares.end(); ++it)
            if (it->second > best->second) best = it;
        if (best->first != 0 && State((best->first - 1) >> 16) == state) won += cellNs;
    }
    return won;
}

} // namespace raceway::testing
