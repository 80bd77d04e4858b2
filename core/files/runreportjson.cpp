#include "runreportjson.h"

#include <QJsonArray>
#include <QMetaType>

namespace raceway::runfile {

QJsonObject reportToJson(const SavedRun &run)
{
    QJsonArray metrics;
    for (const Metric &m : run.metrics)
        metrics.append(QJsonObject{{QStringLiteral("key"), m.key},
                                   {QStringLiteral("label"), m.label},
                                   {QStringLiteral("unit"), m.unit},
                                   {QStringLiteral("type"), QString::fromLatin1(m.value.typeName())},
                                   {QStringLiteral("value"), QJsonValue::fromVariant(m.value)}});
    // Times as strings: a JSON number is a double, and nanoseconds of CLOCK_MONOTONIC need all 64 bits.
    return QJsonObject{{QStringLiteral("scenario"), run.scenario},
                       {QStringLiteral("params"), QJsonArray::fromStringList(run.params)},
                       {QStringLiteral("metrics"), metrics},
                       {QStringLiteral("wall_ms"), run.wallMs},
                       {QStringLiteral("events"), QString::number(run.events)},
                       {QStringLiteral("dropped_events"), QString::number(run.droppedEvents)},
                       {QStringLiteral("max_events"), QString::number(run.maxEvents)},
                       {QStringLiteral("cancelled"), run.cancelled},
                       {QStringLiteral("problems"), QJsonArray::fromStringList(run.problems)},
                       {QStringLiteral("budget_reached_ns"), QString::number(run.budgetReachedNs)},
                       {QStringLiteral("signal"), run.signal}};
}

bool reportFromJson(const QJsonObject &json, SavedRun *run, QString *error)
{
    const auto fail = [&](const char *field) {
        *error = QStringLiteral("otherData.run: \"%1\" is missing or not what Raceway writes")
                     .arg(QLatin1String(field));
        return false;
    };
    const auto whole = [&](const char *field, auto *out) {
        bool ok = false;
        const QString text = json.value(QLatin1String(field)).toString();
        if constexpr (std::is_unsigned_v<std::remove_pointer_t<decltype(out)>>)
            *out = text.toULongLong(&ok);
        else
            *out = text.toLongLong(&ok);
        return ok;
    };
    if (!json.value(QLatin1String("scenario")).isString()) return fail("scenario");
    run->scenario = json.value(QLatin1String("scenario")).toString();
    if (!json.value(QLatin1String("params")).isArray()) return fail("params");
    run->params.clear();
    for (const QJsonValue &p : json.value(QLatin1String("params")).toArray())
        run->params << p.toString();
    run->metrics.clear();
    for (const QJsonValue &v : json.value(QLatin1String("metrics")).toArray()) {
        const QJsonObject m = v.toObject();
        Metric metric{m.value(QLatin1String("key")).toString(), m.value(QLatin1String("label")).toString(),
                      m.value(QLatin1String("value")).toVariant(), m.value(QLatin1String("unit")).toString()};
        const QMetaType type = QMetaType::fromName(m.value(QLatin1String("type")).toString().toLatin1());
        if (type.isValid() && metric.value.isValid() && !metric.value.convert(type)) return fail("metrics");
        if (metric.key.isEmpty()) return fail("metrics");
        run->metrics << metric;
    }
    if (!json.value(QLatin1String("wall_ms")).isDouble()) return fail("wall_ms");
    run->wallMs = json.value(QLatin1String("wall_ms")).toDouble();
    if (!whole("events", &run->events)) return fail("events");
    if (!whole("dropped_events", &run->droppedEvents)) return fail("dropped_events");
    if (!whole("max_events", &run->maxEvents)) return fail("max_events");
    if (!whole("budget_reached_ns", &run->budgetReachedNs)) return fail("budget_reached_ns");
    run->cancelled = json.value(QLatin1String("cancelled")).toBool();
    run->problems.clear();
    for (const QJsonValue &p : json.value(QLatin1String("problems")).toArray())
        run->problems << p.toString();
    run->signal = json.value(QLatin1String("signal")).toInt();
    return true;
}

} // namespace raceway::runfile
