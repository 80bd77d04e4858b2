#include "traceexportmeta.h"

#include "runreportjson.h"
#include "summaryjson.h"

#include <QJsonDocument>

namespace raceway::traceexport {

QByteArray jsonString(const QString &s)
{
    QByteArray out;
    out.reserve(s.size() + 2);
    out.append('"');
    for (const char ch : s.toUtf8()) {
        const auto u = static_cast<unsigned char>(ch);
        if (u == '"' || u == '\\') {
            out.append('\\');
            out.append(ch);
        } else if (u < 0x20) {
            out.append("\\u00");
            out.append("0123456789abcdef"[u >> 4]);
            out.append("0123456789abcdef"[u & 15]);
        } else {
            out.append(ch);
        }
    }
    out.append('"');
    return out;
}

QByteArray otherData(const Trace &trace, std::int64_t t0, std::int64_t resolution, std::int64_t period,
                     const runfile::SavedRun *run)
{
    const QString how = QStringLiteral(
        "Drawn on a grid of resolution_us, as the timeline is drawn in pixels: each cell takes the state "
        "that "
        "fills most of it, and slice times are multiples of resolution_us; a thread that has finished is "
        "'done' to the run's end. Lost updates within one cell of a lane are one instant: n increments "
        "erased by k writes (1 if not given), each of which overwrote the value of lane tid `of` (not given "
        "when they differ); writes that gave increments back are an instant of their own. Counters keep the "
        "last value of each counter_period_us, at its exact time. A flow (cat handoff, named after the lock) "
        "goes from where a thread let a lock or the GIL go to where the thread waiting for it took it, one "
        "per lock per cell; its wake_latency_ns is exact. Past budget_reached_ns (from the run's start, as "
        "ts), a lane summarised there has slices of cat summary instead, one per bucket of its summary: "
        "named after the state that fills most of it, args each state's share, its lost updates and the "
        "share not known; a value lane summarised there has a counter sample at the end of each bucket "
        "instead, with what it held there (summaries and value_summaries hold them exactly, on the clock). "
        "Each thread_name says its lane's raceway_kind; run is the run's report, as raceway run --json "
        "gives it. Another tool's slices (on the lanes of named_slice_tids) are kept as they came.");
    QByteArray out = "{\"generator\":\"Raceway " RACEWAY_VERSION "\",\"clock\":\"CLOCK_MONOTONIC\"";
    const auto member = [&](const char *key, std::int64_t value) {
        out += ",\"" + QByteArray(key) + "\":" + QByteArray::number(qlonglong(value));
    };
    member("start_ns", t0);
    member("end_ns", trace.end());
    member("events", std::int64_t(trace.eventCount()));
    member("resolution_us", resolution / 1000);
    member("counter_period_us", period / 1000);
    QByteArray named; // lanes of another tool's named slices: their names are not states
    for (std::size_t i = 0; i < trace.lanes().size(); ++i)
        if (!trace.lane(i).slices.empty())
            named += (named.isEmpty() ? "" : ",") + QByteArray::number(tidOf(i));
    if (!named.isEmpty()) out += ",\"named_slice_tids\":[" + named + ']';
    if (trace.budgetReached() != 0) member("budget_reached_ns", trace.budgetReached() - t0); // as ts
    if (trace.erasedAfterCoreWait() != 0 || trace.erasedOtherwise() != 0)
        // After a wait for a core, otherwise, and the writes after one (Trace's own counts).
        out += ",\"erased_split\":[" + QByteArray::number(qlonglong(trace.erasedAfterCoreWait())) + ',' +
               QByteArray::number(qlonglong(trace.erasedOtherwise())) + ',' +
               QByteArray::number(qlonglong(trace.writesAfterCoreWait())) + ']';
    // On the clock, as the run kept them: their buckets lie on a grid that begins at its zero.
    out += summaryjson::members(trace, 0, [](std::size_t lane) { return tidOf(lane); });
    if (run) out += ",\"run\":" + QJsonDocument(runfile::reportToJson(*run)).toJson(QJsonDocument::Compact);
    out += ",\"drawing\":" + jsonString(how) + '}';
    return out;
}

} // namespace raceway::traceexport
