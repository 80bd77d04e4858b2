#include "execute.h"

#include "imageexport.h"
#include "outputfile.h"
#include "report.h"
#include "runfilewriter.h"
#include "runner.h"
#include "savedrun.h"
#include "termination.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QLocale>

#include <csignal>
#include <functional>
#include <memory>

#include <unistd.h>

namespace raceway {
namespace {

// One line on a terminal while the workload runs, rewritten at most 4 times a second: how long it has
// run, about how many events are recorded of the budget, and when the budget was reached. Erased before
// the summary; never written to a file or a pipe, with --json or with --quiet.
class ProgressLine
{
public:
    ProgressLine(const CliOptions &o, QTextStream &err, const QString &what)
        : m_on(!o.json && !o.quiet && isatty(STDERR_FILENO)), m_err(err), m_what(what)
    {
    }
    void update(const Runner &runner, std::int64_t startNs)
    {
        if (!m_on) return;
        const std::int64_t now = nowNs();
        if (now - m_lastNs < 250'000'000) return;
        m_lastNs = now;
        const QLocale l;
        const Recorder &rec = runner.recorder();
        // Nothing is drained while it runs: the chunks in use hold what was recorded (whole chunks, so
        // "about").
        const std::uint64_t recorded = std::min<std::uint64_t>(
            rec.maxEvents(), rec.mappedChunks() * std::uint64_t(EventChunk::capacity));
        QString line = QStringLiteral("raceway: %1 · %2 s · about %3 of %4 events recorded")
                           .arg(m_what, l.toString(double(now - startNs) / 1e9, 'f', 1),
                                l.toString(qulonglong(recorded)), l.toString(qulonglong(rec.maxEvents())));
        // A scenario that counts: its counter's last reading (counted just before each write, so the
        // value may be an increment or two behind, as the counter lane's reading is).
        if (const auto [counted, value] = rec.lastCount(); counted >= 0)
            line += QStringLiteral(" · %1 counted, the counter at %2")
                        .arg(l.toString(qlonglong(counted)), l.toString(qlonglong(value)));
        if (const std::int64_t at = rec.budgetReachedNs(); at != 0)
            line += QStringLiteral(" · budget reached at %1 s: the count goes on, the threads' lanes stop")
                        .arg(l.toString(double(at - startNs) / 1e9, 'f', 1));
        m_err << "\r\033[K" << line << Qt::flush;
        m_shown = true;
    }
    void erase()
    {
        if (m_shown) m_err << "\r\033[K" << Qt::flush;
        m_shown = false;
    }

private:
    bool m_on;
    QTextStream &m_err;
    QString m_what;
    std::int64_t m_lastNs = 0;
    bool m_shown = false;
};

// Runs it to its end (or Ctrl+C's), collecting as the command line does; true when interrupted twice.
bool driveRun(Runner &runner, const CliOptions &o, QTextStream &err, const QString &what,
              const std::function<bool()> &giveUp)
{
    const std::int64_t startedNs = nowNs();
    ProgressLine progress(o, err, what);
    bool abandoned = false;
    for (;;) {
        const bool stopping = Termination::count() > 0;
        if (stopping) runner.cancel();
        if (giveUp()) {
            abandoned = true;
            break;
        }
        // The workload gets the cores to itself: nothing is collected until its workers are joined.
        // The recorder holds what they write meanwhile (16 bytes an event, given back chunk by chunk as
        // the trace is built from it, so the peak stays what streaming costs), and Raceway's own
        // threads take next to no CPU from the run they draw (collecting as it ran took 70–85 % of the
        // workload's CPU in counter threads=2 iterations=3000000 lock=on, 3–4 % now). Stopping polls faster.
        if (!runner.workersJoined()) {
            progress.update(runner, startedNs);
            // Past the budget, what the workers write is only for the summaries, and the recorder keeps
            // little of it waiting (Recorder::summaryChunkLimit): it is collected as it comes.
            if (runner.recorder().budgetSpent() && !stopping) {
                runner.collectPastBudget();
                QThread::msleep(2);
                continue;
            }
            QThread::msleep(stopping ? 1 : 5);
            continue;
        }
        if (runner.collect(10)) break;
        if (!runner.recorder().hasUnread()) QThread::msleep(5);
    }
    progress.erase();
    return abandoned;
}

RunReport reportOf(const Scenario &scenario, const Runner &runner, int signal)
{
    const RunResult &r = runner.result();
    RunReport report;
    report.scenario = &scenario;
    report.params = r.params;
    report.metrics = r.metrics;
    report.wallMs = r.wallMs;
    report.events = r.events;
    report.droppedEvents = r.droppedEvents;
    report.maxEvents = runner.recorder().maxEvents();
    report.cancelled = r.cancelled;
    report.problems = r.problems;
    report.budgetReachedNs = r.budgetReachedNs;
    report.signal = signal;
    return report;
}

} // namespace

int executeSideBySide(const std::vector<SideBySideRun> &runs, const CliOptions &o, QTextStream &out,
                      QTextStream &err)
{
    if (!o.svg.isEmpty() || !o.trace.isEmpty() || !o.save.isEmpty())
        return usageError(err,
                          QStringLiteral("runs side by side write --png and --json only (an SVG, a trace or "
                                         "a saved run holds one run: trace each interpreter alone)"));
    std::vector<std::unique_ptr<OutputFile>> outputs;
    if (int status = prepareOutputs(o, &outputs, err)) return status;
    Termination::install();
    Termination::reset();
    std::signal(SIGPIPE, SIG_IGN);
    const auto giveUp = [] { return Termination::count() >= 2; };
    // One after the other, so that each has the cores to itself.
    std::vector<std::unique_ptr<Runner>> runners;
    std::vector<RunReport> reports;
    for (const SideBySideRun &run : runs) {
        if (Termination::count() > 0) break; // stopped: what ran is written
        Runner &runner =
            *runners.emplace_back(std::make_unique<Runner>(*run.scenario, ParamValues(), o.maxEvents));
        runner.start();
        if (driveRun(runner, o, err, run.label, giveUp)) {
            runner.cancel();
            err << "raceway: interrupted twice (" << signalName(Termination::firstSignal())
                << "): stopped without writing any file" << Qt::endl;
            return Termination::exitStatus(Termination::firstSignal());
        }
        if (!runner.result().error.isEmpty()) {
            err << "raceway: " << run.label << ": " << runner.result().error << Qt::endl;
            return 1;
        }
        reports.push_back(reportOf(*run.scenario, runner, Termination::firstSignal()));
    }
    const int signal = Termination::firstSignal();
    std::vector<FileOutcome> files;
    int failedWrites = 0;
    QString error;
    for (const auto &output : outputs) {
        FileOutcome &outcome = files.emplace_back(FileOutcome{output->kind(), output->path(), false, {}});
        std::vector<StackedRun> stacked;
        const ExportOptions eo = exportOptions(reports.front(), o.width, o.scale);
        for (std::size_t i = 0; i < reports.size(); ++i) {
            const ExportOptions mine = exportOptions(reports[i], o.width, o.scale);
            stacked.push_back(
                {&runners[i]->trace(), mine.title + QStringLiteral(" — ") + runs[i].label, mine.note});
        }
        QIODevice *device = giveUp() ? nullptr : output->open(giveUp, &error);
        bool ok = device && writeStackedPng(stacked, eo, *device, &error) && !giveUp();
        if (giveUp()) error = QStringLiteral("not written: interrupted twice");
        if (ok)
            ok = output->commit(&error);
        else
            output->discard();
        outcome.written = ok;
        if (!ok) {
            outcome.error = error;
            ++failedWrites;
            err << "raceway: cannot write '" << output->path() << "': " << error << Qt::endl;
        }
    }
    bool problems = false;
    if (o.json) {
        QJsonArray list;
        for (std::size_t i = 0; i < reports.size(); ++i) {
            QJsonObject one = reportJson(reports[i], runners[i]->trace(), {});
            one[QStringLiteral("interpreter")] = runs[i].label;
            list.append(one);
        }
        out << QJsonDocument(
                   QJsonObject{{QStringLiteral("runs"), list}, {QStringLiteral("files"), filesJson(files)}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
    } else {
        for (std::size_t i = 0; i < reports.size(); ++i) {
            out << "== " << runs[i].label << '\n';
            printSummary(out, reports[i], runners[i]->trace(),
                         i + 1 == reports.size() ? files : std::vector<FileOutcome>{});
        }
    }
    out.flush();
    for (std::size_t i = 0; i < reports.size(); ++i)
        for (const QString &problem : reports[i].problems) {
            err << "raceway: " << runs[i].label << ": " << problem << Qt::endl;
            problems = true;
        }
    if (signal != 0) return Termination::exitStatus(signal);
    return failedWrites > 0 || problems ? 1 : 0;
}

int executeRun(const Scenario &scenario, const ParamValues &params, const CliOptions &o, QTextStream &out,
               QTextStream &err)
{
    const Scenario *const s = &scenario;
    QString error;
    // Check every output before running, so a bad path fails fast; nothing is created yet.
    std::vector<std::unique_ptr<OutputFile>> outputs;
    if (int status = prepareOutputs(o, &outputs, err)) return status;
    std::unique_ptr<OutputFile> save;
    if (!o.save.isEmpty()) {
        save = std::make_unique<OutputFile>(o.save, QStringLiteral("save"));
        if (!save->prepare(&error)) {
            err << "raceway: cannot write '" << o.save << "': " << error << Qt::endl;
            return 1;
        }
    }

    // Ctrl+C or SIGTERM: the first stops the run (threads joined, workers reaped) and the files are
    // written from what was recorded; a second one gives up on the files as well.
    Termination::install();
    Termination::reset();
    std::signal(SIGPIPE, SIG_IGN); // a FIFO whose reader went away is a write error, not a death
    const auto giveUp = [] { return Termination::count() >= 2; };
    Runner runner(*s, params, o.maxEvents);
    // The saved run is streamed while the run is collected, so it is opened (in its temporary place)
    // before the run starts and holds at most a block or two in memory.
    std::unique_ptr<RunFileWriter> saver;
    if (save) {
        QIODevice *device = save->open(giveUp, &error);
        if (!device) {
            err << "raceway: cannot write '" << o.save << "': " << error << Qt::endl;
            return 1;
        }
        saver = std::make_unique<RunFileWriter>(*device, o.maxEvents);
        runner.setSaver(saver.get());
    }
    runner.start();
    const bool abandoned = driveRun(runner, o, err, s->id(), giveUp);
    const int signal = Termination::firstSignal();
    std::vector<FileOutcome> files;
    for (const auto &output : outputs)
        files.push_back({output->kind(), output->path(), false, {}});
    if (abandoned) {
        runner.cancel();
        err << "raceway: interrupted twice (" << signalName(signal) << "): stopped without writing any file"
            << Qt::endl;
        return Termination::exitStatus(signal);
    }

    const RunResult &r = runner.result();
    if (!r.error.isEmpty()) {
        err << "raceway: " << r.error << Qt::endl;
        return 1;
    }
    const RunReport report = reportOf(*s, runner, signal);
    const runfile::SavedRun described = describeRun(scenario, r, report.maxEvents, runner.trace(), signal);
    int failedWrites = writeOutputs(runner.trace(), exportOptions(report, o.width, o.scale), outputs, &files,
                                    giveUp, err, &described);
    if (save) {
        FileOutcome outcome{save->kind(), save->path(), false, {}};
        bool ok = !giveUp() && saver->finish(described, &error);
        if (giveUp()) error = QStringLiteral("not written: interrupted twice");
        ok = ok && save->commit(&error);
        if (!ok) {
            save->discard();
            outcome.error = error;
            ++failedWrites;
            err << "raceway: cannot write '" << save->path() << "': " << error << Qt::endl;
        }
        outcome.written = ok;
        files.push_back(outcome);
    }

    if (o.json)
        out << QJsonDocument(reportJson(report, runner.trace(), files)).toJson(QJsonDocument::Compact)
            << '\n';
    else
        printSummary(out, report, runner.trace(), files);
    out.flush();
    for (const QString &problem : r.problems)
        err << "raceway: " << problem << Qt::endl;
    if (signal != 0) return Termination::exitStatus(signal);
    return failedWrites > 0 || !r.problems.isEmpty() ? 1 : 0;
}

} // namespace raceway
