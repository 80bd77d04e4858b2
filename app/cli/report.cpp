#include "report.h"

#include "pythonscenario.h"
#include "registry.h"
#include "traceexport.h"

#include <QJsonArray>
#include <QLocale>

#include <csignal>

namespace raceway {

QString signalName(int signal)
{
    return signal == SIGINT    ? QStringLiteral("SIGINT")
           : signal == SIGTERM ? QStringLiteral("SIGTERM")
                               : QStringLiteral("signal %1").arg(signal);
}

ExportOptions exportOptions(const RunReport &r, int width, int scale)
{
    ExportOptions eo;
    eo.width = width;
    eo.scale = scale;
    eo.title = r.scenario ? r.scenario->headline(r.params, r.metrics) : r.title;
    if (r.scenario) eo.chart = r.scenario->chart(r.params, r.metrics);
    if (r.signal != 0)
        eo.note = QStringLiteral("interrupted (%1): what was recorded until then").arg(signalName(r.signal));
    else if (r.droppedEvents > 0)
        eo.note = QStringLiteral("event budget reached: %1 later events not recorded")
                      .arg(QLocale().toString(qulonglong(r.droppedEvents)));
    return eo;
}

int writeOutputs(const Trace &trace, const ExportOptions &eo,
                 const std::vector<std::unique_ptr<OutputFile>> &outputs, std::vector<FileOutcome> *files,
                 const std::function<bool()> &giveUp, QTextStream &err)
{
    int failed = 0;
    QString error;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        OutputFile &output = *outputs[k];
        FileOutcome &outcome = (*files)[k];
        if (giveUp()) {
            outcome.error = QStringLiteral("not written: interrupted twice");
            continue;
        }
        QIODevice *device = output.open(giveUp, &error);
        bool ok = device != nullptr;
        if (ok) {
            if (output.kind() == QLatin1String("png"))
                ok = writePng(trace, eo, *device, &error);
            else if (output.kind() == QLatin1String("svg"))
                ok = writeSvg(trace, eo, *device, &error);
            else {
                ChromeTraceOptions to; // the device is a descriptor, not a named file: say what to write
                to.compression = output.path().endsWith(QLatin1String(".gz"), Qt::CaseInsensitive)
                                     ? ChromeTraceOptions::Compression::Gzip
                                     : ChromeTraceOptions::Compression::None;
                ok = writeChromeTrace(trace, *device, to, &error);
            }
            if (ok && giveUp()) {
                ok = false;
                error = QStringLiteral("interrupted twice");
            }
        }
        if (ok)
            ok = output.commit(&error);
        else
            output.discard();
        outcome.written = ok;
        if (!ok) {
            outcome.error = error;
            ++failed;
            err << "raceway: cannot write '" << output.path() << "': " << error << Qt::endl;
        }
    }
    return failed;
}

QJsonObject reportJson(const RunReport &r, const Trace &trace, const std::vector<FileOutcome> &files)
{
    QJsonObject params;
    if (r.scenario) {
        for (const ParamSpec &p : r.scenario->params()) {
            const QVariant v = r.params.value(p.name);
            params[p.name] = p.type == ParamType::Int       ? QJsonValue(v.toLongLong())
                             : p.type == ParamType::Bool    ? QJsonValue(v.toBool())
                             : p.type == ParamType::IntList ? QJsonValue::fromVariant(v)
                                                            : QJsonValue(v.toString());
        }
    }
    QJsonArray lanes;
    for (const Lane &lane : trace.lanes())
        lanes.append(QJsonObject{{QStringLiteral("name"), lane.name},
                                 {QStringLiteral("kind"), laneKindName(lane.kind)}});
    QJsonObject metrics;
    for (const Metric &m : r.metrics)
        metrics[m.key] = m.value.isValid() ? QJsonValue::fromVariant(m.value) : QJsonValue(QJsonValue::Null);
    QJsonArray outputs;
    for (const FileOutcome &f : files) {
        QJsonObject o{{QStringLiteral("kind"), f.kind},
                      {QStringLiteral("path"), f.path},
                      {QStringLiteral("written"), f.written}};
        if (!f.error.isEmpty()) o[QStringLiteral("error")] = f.error;
        outputs.append(o);
    }
    QJsonObject o{{QStringLiteral("scenario"),
                   r.scenario ? QJsonValue(r.scenario->id()) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("params"), params},
                  {QStringLiteral("wall_ms"), r.wallMs},
                  {QStringLiteral("events"), qint64(r.events)},
                  {QStringLiteral("dropped_events"), qint64(r.droppedEvents)},
                  {QStringLiteral("max_events"), qint64(r.maxEvents)},
                  {QStringLiteral("cancelled"), r.cancelled},
                  {QStringLiteral("problems"), QJsonArray::fromStringList(r.problems)},
                  {QStringLiteral("lanes"), lanes},
                  {QStringLiteral("metrics"), metrics},
                  {QStringLiteral("files"), outputs}};
    if (r.budgetReachedNs != 0)
        o[QStringLiteral("budget_reached_ms")] = double(r.budgetReachedNs - trace.start()) / 1e6;
    if (r.signal != 0) o[QStringLiteral("interrupted_by")] = signalName(r.signal);
    return o;
}

runfile::SavedRun savedRun(const RunReport &r, const Trace &trace)
{
    runfile::SavedRun s;
    s.scenario = r.scenario->id();
    for (const ParamSpec &p : r.scenario->params())
        s.params << p.name + QLatin1Char('=') + p.formatValue(r.params.value(p.name));
    s.metrics = r.metrics;
    s.wallMs = r.wallMs;
    s.events = r.events;
    s.droppedEvents = r.droppedEvents;
    s.maxEvents = r.maxEvents;
    s.cancelled = r.cancelled;
    s.problems = r.problems;
    s.budgetReachedNs = r.budgetReachedNs;
    s.signal = r.signal;
    s.traceStart = trace.start();
    s.traceEnd = trace.end();
    return s;
}

bool fromSavedRun(const runfile::SavedRun &s, RunReport *r, QString *error)
{
    r->scenario = Registry::builtin().find(s.scenario);
    if (!r->scenario && s.scenario == py::PythonScenario::scenarioId())
        r->scenario = &py::PythonScenario::forSavedRuns();
    if (!r->scenario) {
        *error = QStringLiteral("the run's scenario '%1' is not one this Raceway knows").arg(s.scenario);
        return false;
    }
    QString problem;
    const auto params = ParamValues::parse(r->scenario->params(), s.params, &problem);
    if (!params) {
        *error = QStringLiteral("the run's parameters: ") + problem;
        return false;
    }
    r->params = *params;
    r->metrics = s.metrics;
    r->wallMs = s.wallMs;
    r->events = s.events;
    r->droppedEvents = s.droppedEvents;
    r->maxEvents = s.maxEvents;
    r->cancelled = s.cancelled;
    r->problems = s.problems;
    r->budgetReachedNs = s.budgetReachedNs;
    r->signal = s.signal;
    return true;
}

void printSummary(QTextStream &out, const RunReport &r, const Trace &trace,
                  const std::vector<FileOutcome> &files)
{
    const QLocale l;
    out << (r.scenario ? r.scenario->headline(r.params, r.metrics) : r.title) << '\n';
    for (const Metric &m : r.metrics)
        out << "  " << qSetFieldWidth(36) << Qt::left << m.label << qSetFieldWidth(0) << formatMetric(m)
            << '\n';
    out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Wall time") << qSetFieldWidth(0)
        << l.toString(r.wallMs, 'f', 3) << " ms\n";
    out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Events recorded") << qSetFieldWidth(0)
        << l.toString(qlonglong(r.events)) << '\n';
    if (!r.scenario)
        out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Lanes") << qSetFieldWidth(0)
            << l.toString(qulonglong(trace.lanes().size())) << '\n';
    if (r.droppedEvents)
        out << "  note: the event budget (" << l.toString(qulonglong(r.maxEvents)) << ") was reached "
            << l.toString(double(r.budgetReachedNs - trace.start()) / 1e6, 'f', 1) << " ms into the run; "
            << l.toString(qulonglong(r.droppedEvents))
            << " later events were not recorded (the numbers above are still exact; raise --max-events to "
               "draw them)\n";
    if (r.signal != 0)
        out << "  note: interrupted by " << signalName(r.signal)
            << ": every thread was joined and every worker reaped; the numbers and files cover the run until "
               "then\n";
    for (const QString &problem : r.problems)
        out << "  problem: " << problem << '\n';
    for (const FileOutcome &f : files)
        if (f.written)
            out << "wrote " << f.path << (r.signal != 0 ? " (partial: until the interrupt)" : "") << '\n';
}

} // namespace raceway
