#include "summaryjson.h"

#include <QJsonArray>

namespace raceway::summaryjson {
namespace {

QByteArray number(std::int64_t v)
{
    return QByteArray::number(qlonglong(v));
}

QByteArray head(int tid, std::int64_t origin, std::int64_t start, std::int64_t end, std::int64_t first,
                int shift)
{
    return "{\"tid\":" + number(tid) + ",\"origin\":" + number(origin) + ",\"start\":" + number(start) +
           ",\"end\":" + number(end) + ",\"first\":" + number(first) + ",\"shift\":" + number(shift) +
           ",\"buckets\":[";
}

template <typename Parts> bool readHead(const QJsonObject &o, Parts *p)
{
    for (const char *key : {"origin", "start", "end", "first", "shift"})
        if (!o.value(QLatin1String(key)).isDouble()) return false;
    p->origin = o.value(QLatin1String("origin")).toInteger();
    p->start = o.value(QLatin1String("start")).toInteger();
    p->end = o.value(QLatin1String("end")).toInteger();
    p->first = o.value(QLatin1String("first")).toInteger();
    p->widthShift = o.value(QLatin1String("shift")).toInt();
    return true;
}

} // namespace

QByteArray members(const Trace &trace, std::int64_t t0, const std::function<int(std::size_t)> &tidOf)
{
    QByteArray states, values;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &lane = trace.lane(i);
        if (lane.pastBudget.started()) {
            const StateSummary::Parts p = lane.pastBudget.parts();
            states += (states.isEmpty() ? "" : ",") +
                      head(tidOf(i), p.origin - t0, p.start - t0, p.end - t0, p.first, p.widthShift);
            for (std::size_t b = 0; b < p.buckets.size(); ++b) {
                const StateSummary::Bucket &k = p.buckets[b];
                states += b == 0 ? "[" : ",[";
                for (std::uint32_t c : k.covered)
                    states += number(c) + ',';
                states += number(k.lost) + ',' + number(k.marks) + ',' + number(k.unknown) + ']';
            }
            states += "]}";
        }
        if (lane.pastSeries.started()) {
            const SeriesSummary::Parts p = lane.pastSeries.parts();
            values += (values.isEmpty() ? "" : ",") +
                      head(tidOf(i), p.origin - t0, p.start - t0, p.end - t0, p.first, p.widthShift);
            for (std::size_t b = 0; b < p.buckets.size(); ++b) {
                const SeriesSummary::Bucket &k = p.buckets[b];
                values += (b == 0 ? "[" : ",[") + number(k.a.low) + ',' + number(k.a.high) + ',' +
                          number(k.a.last) + ',' + number(k.b.low) + ',' + number(k.b.high) + ',' +
                          number(k.b.last) + ']';
            }
            values += "]}";
        }
    }
    QByteArray out;
    if (!states.isEmpty()) out += ",\"summaries\":[" + states + ']';
    if (!values.isEmpty()) out += ",\"value_summaries\":[" + values + ']';
    return out;
}

bool restore(const QJsonObject &otherData, const QHash<QString, int> &laneOfTid, Trace *trace)
{
    const auto laneOf = [&](const QJsonObject &o) {
        return laneOfTid.value(QString::number(o.value(QLatin1String("tid")).toInteger()), -1);
    };
    for (const QJsonValue &v : otherData.value(QLatin1String("summaries")).toArray()) {
        const QJsonObject o = v.toObject();
        StateSummary::Parts p;
        const int lane = laneOf(o);
        if (lane < 0 || !readHead(o, &p)) return false;
        for (const QJsonValue &bv : o.value(QLatin1String("buckets")).toArray()) {
            const QJsonArray b = bv.toArray();
            // One share per state, then lost, marks and unknown (one state fewer before "ready, loop busy").
            const qsizetype states = b.size() - 3;
            if (states != qsizetype(StateSummary::states) && states != qsizetype(StateSummary::states) - 1)
                return false;
            StateSummary::Bucket k;
            for (qsizetype s = 0; s < states; ++s)
                k.covered[std::size_t(s)] = std::uint32_t(b[s].toInteger());
            k.lost = std::int32_t(b[states].toInteger());
            k.marks = std::uint32_t(b[states + 1].toInteger());
            k.unknown = std::uint32_t(b[states + 2].toInteger());
            p.buckets.push_back(k);
        }
        if (!trace->setPastBudget(std::size_t(lane), std::move(p))) return false;
    }
    for (const QJsonValue &v : otherData.value(QLatin1String("value_summaries")).toArray()) {
        const QJsonObject o = v.toObject();
        SeriesSummary::Parts p;
        const int lane = laneOf(o);
        if (lane < 0 || !readHead(o, &p)) return false;
        for (const QJsonValue &bv : o.value(QLatin1String("buckets")).toArray()) {
            const QJsonArray b = bv.toArray();
            if (b.size() != 6) return false;
            p.buckets.push_back({{b[0].toInteger(), b[1].toInteger(), b[2].toInteger()},
                                 {b[3].toInteger(), b[4].toInteger(), b[5].toInteger()}});
        }
        if (!trace->setPastSeries(std::size_t(lane), std::move(p))) return false;
    }
    return true;
}

std::int64_t valueSummaryStart(const QJsonObject &otherData, const QString &tid)
{
    for (const QJsonValue &v : otherData.value(QLatin1String("value_summaries")).toArray())
        if (QString::number(v.toObject().value(QLatin1String("tid")).toInteger()) == tid)
            return v.toObject().value(QLatin1String("start")).toInteger();
    return INT64_MAX;
}

} // namespace raceway::summaryjson
