#pragma once

#include "imageexport.h"
#include "outputfile.h"
#include "runfile.h"
#include "scenario.h"
#include "trace.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <functional>
#include <memory>
#include <vector>

namespace raceway {

// What happened to one requested file.
struct FileOutcome
{
    QString kind, path;
    bool written = false;
    QString error;
};

// What a run reports, whether it has just run or was read back from a file: the parts that --json,
// the summary and the pictures' titles are made of. `run` and `show` print it the same way.
struct RunReport
{
    const Scenario *scenario = nullptr; // null: a trace another tool wrote
    ParamValues params;
    QList<Metric> metrics;
    double wallMs = 0;
    std::uint64_t events = 0;
    std::uint64_t droppedEvents = 0;
    std::uint64_t maxEvents = 0;
    bool cancelled = false;
    QStringList problems;
    std::int64_t budgetReachedNs = 0;
    int signal = 0;
    QString title; // for a trace from elsewhere: what the pictures and the summary call it
};

QString signalName(int signal);
ExportOptions exportOptions(const RunReport &report, int width, int scale);
// One line when a picture (PNG or SVG) is asked for among the outputs and would be too tall to draw
// (exportSizeProblem), else empty. Computed once for all of them.
QString picturesProblem(const Trace &trace, const ExportOptions &eo,
                        const std::vector<std::unique_ptr<OutputFile>> &outputs);
// Writes each output (png, svg, trace) from the trace; false outcomes carry the reason, which is also
// one line on err. Returns how many failed.
// `run`: the run's report, carried in a Chrome trace (none: a trace from elsewhere).
int writeOutputs(const Trace &trace, const ExportOptions &eo,
                 const std::vector<std::unique_ptr<OutputFile>> &outputs, std::vector<FileOutcome> *files,
                 const std::function<bool()> &giveUp, QTextStream &err,
                 const runfile::SavedRun *run = nullptr);
QJsonObject reportJson(const RunReport &report, const Trace &trace, const std::vector<FileOutcome> &files);
// What --json says of the files written: kind, path, written, and the error where one was not.
QJsonArray filesJson(const std::vector<FileOutcome> &files);
// A report from a saved run's result record (the scenario is looked up by id and the parameters parsed
// against its specs: false and one line when they do not fit).
bool fromSavedRun(const runfile::SavedRun &run, RunReport *report, QString *error);
void printSummary(QTextStream &out, const RunReport &report, const Trace &trace,
                  const std::vector<FileOutcome> &files);

} // namespace raceway
