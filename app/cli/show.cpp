#include "show.h"

#include "chrometraceimport.h"
#include "options.h"
#include "report.h"
#include "runfilereader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocale>

namespace raceway {
namespace {

constexpr qint64 chromeFileLimit = qint64(1) << 30;

// Reads the file into the trace and the report. Returns 0 or 2 (one line on err naming the file).
int load(const QString &path, Trace *trace, RunReport *report, QTextStream &err)
{
    const auto refuse = [&](const QString &why) {
        return usageError(err, QStringLiteral("'") + path + QStringLiteral("': ") + why);
    };
    QFile file(path);
    if (QFileInfo(path).isDir()) return refuse(QStringLiteral("it is a directory"));
    if (!file.open(QIODevice::ReadOnly)) return refuse(file.errorString());
    const QByteArray start = file.peek(64);
    QString error;
    // A .raceway name says what the file should be, so a bad magic is reported as such.
    if (RunFileReader::hasMagic(start) || path.endsWith(QLatin1String(".raceway"))) {
        runfile::SavedRun run;
        if (!RunFileReader::read(file, trace, &run, &error) || !fromSavedRun(run, report, &error))
            return refuse(error);
        return 0;
    }
    if (!looksLikeChromeTrace(start))
        return refuse(
            QStringLiteral("byte 0: neither a Raceway run file (wrong magic) nor Chrome Trace Event JSON"));
    if (file.size() > chromeFileLimit)
        return refuse(QStringLiteral("a trace of %1 bytes, more than the 1 GiB this reads").arg(file.size()));
    const QByteArray data = file.readAll();
    ChromeImportStats stats;
    if (!readChromeTrace(data, trace, &stats, &error)) return refuse(error);
    report->wallMs = double(trace->end() - trace->start()) / 1e6;
    report->events = stats.events;
    report->title = QStringLiteral("%1: %2 lanes from a Chrome trace")
                        .arg(QFileInfo(path).fileName())
                        .arg(QLocale().toString(qulonglong(trace->lanes().size())));
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
    if (int status = load(o.target, &trace, &report, err)) return status;
    std::vector<FileOutcome> files;
    for (const auto &output : outputs)
        files.push_back({output->kind(), output->path(), false, {}});
    const int failed = writeOutputs(
        trace, exportOptions(report, o.width, o.scale), outputs, &files, [] { return false; }, err);
    if (o.json)
        out << QJsonDocument(reportJson(report, trace, files)).toJson(QJsonDocument::Compact) << '\n';
    else
        printSummary(out, report, trace, files);
    out.flush();
    return failed > 0 ? 1 : 0;
}

} // namespace raceway
