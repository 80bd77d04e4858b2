#include "show.h"

#include "options.h"
#include "report.h"
#include "runopen.h"

#include <QJsonDocument>

namespace raceway {
namespace {

// Reads the file into the trace and the report. Returns 0 or 2 (one line on err naming the file).
int load(const QString &path, Trace *trace, RunReport *report, OpenedFile &opened, QTextStream &err)
{
    QString error;
    if (!openRunFile(path, trace, &opened, &error) ||
        ((opened.savedRun || opened.runInTrace) && !fromSavedRun(opened.run, report, &error)))
        return usageError(err, QStringLiteral("'") + path + QStringLiteral("': ") + error);
    if (!opened.savedRun && !opened.runInTrace) {
        report->wallMs = double(trace->end() - trace->start()) / 1e6;
        report->events = opened.chrome.events;
        report->title = opened.title;
    }
    return 0;
}

} // namespace

int show(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        return usageError(
            err,
            QStringLiteral("show needs a file: a saved run (--save) or a Chrome trace (.json, .json.gz)"));
    CliOptions o;
    o.target = args.first();
    if (int status = parseOptions(args.mid(1), false, &o, err)) return status;

    std::vector<std::unique_ptr<OutputFile>> outputs;
    if (int status = prepareOutputs(o, &outputs, err)) return status;

    Trace trace;
    RunReport report;
    OpenedFile opened;
    if (int status = load(o.target, &trace, &report, opened, err)) return status;
    // A picture too tall to draw is refused before anything is written, like any other bad request.
    const ExportOptions eo = exportOptions(report, o.width, o.scale);
    if (const QString problem = picturesProblem(trace, eo, outputs); !problem.isEmpty())
        return usageError(err, QStringLiteral("'") + o.target + QStringLiteral("': ") + problem);
    std::vector<FileOutcome> files;
    for (const auto &output : outputs)
        files.push_back({output->kind(), output->path(), false, {}});
    const int failed = writeOutputs(
        trace, eo, outputs, &files, [] { return false; }, err,
        opened.savedRun || opened.runInTrace ? &opened.run : nullptr);
    if (o.json)
        out << QJsonDocument(reportJson(report, trace, files)).toJson(QJsonDocument::Compact) << '\n';
    else
        printSummary(out, report, trace, files);
    out.flush();
    return failed > 0 ? 1 : 0;
}

} // namespace raceway
