// A run in the window: started from the form or a script, followed as it records (a bounded slice
// collected and a frame drawn per tick), stopped, and finished with its results.

#include "mainwindow.h"

#include "clock.h"
#include "overviewstrip.h"
#include "paramform.h"
#include "resultspanel.h"
#include "timelineview.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QTimer>

#include <algorithm>

namespace raceway {

void MainWindow::startRun()
{
    QString error;
    if (!beginRun(&error) && !error.isEmpty())
        QMessageBox::warning(this, currentScript().isEmpty() ? tr("Cannot run") : tr("Cannot trace"), error);
}

bool MainWindow::beginRun(QString *error)
{
    error->clear();
    if (isRunning()) return false;
    // A Python script is made into a scenario of its own for this run (its arguments, folder and
    // interpreter as they are now); the run keeps it.
    std::shared_ptr<const Scenario> script;
    if (!currentScript().isEmpty() && !(script = preparePythonRun(error))) return false;
    if (!script) m_outputDock->hide(); // a built-in scenario prints nothing: the timeline gets the room
    const Scenario *scenario = script ? script.get() : currentScenario();
    if (!scenario) return false;
    saveParams();
    const ParamValues params = script ? ParamValues() : m_form->values();
    if (const QString problem = scenario->validate(params); !problem.isEmpty()) {
        m_status->setText(problem);
        *error = problem;
        return false;
    }
    // The new run starts on a fresh timeline, compared with the latest earlier run of the same scenario
    // (stacking unrelated scenarios on one axis compares nothing). The view lets go of both traces
    // first: the history may let old runs go to keep memory bounded.
    m_view->setPrevious(nullptr, {});
    m_view->setCurrent(nullptr, {});
    RunRecord &record = script ? m_history->begin(script, params) : m_history->begin(*scenario, params);
    if (!m_wantCompare) m_history->setCompared(0);
    showRuns();
    m_stopping = false;
    // Step mode: every thread is held at its step points (after the form's schedule) until moved.
    if (!script && action(QStringLiteral("stepMode"))->isChecked() && scenario->steps(params))
        record.runner()->steps().setLive(true);
    record.start();
    // A run that cannot say how far it is (a script) shows a busy bar rather than one stuck at 0.
    m_progress->setRange(0, scenario->totalWork(params) > 0 ? 1000 : 0);
    m_progress->setValue(0);
    m_progress->show();
    m_status->setText(script ? tr("Tracing %1…").arg(QFileInfo(currentScript()).fileName())
                             : tr("Running %1…").arg(scenario->id()));
    m_timer.start();
    updateActions();
    return true;
}

void MainWindow::stopRun()
{
    if (!isRunning()) return;
    m_history->current()->runner()->cancel();
    m_stopping = true;
    m_status->setText(tr("Stopping…"));
}

void MainWindow::poll()
{
    RunRecord *record = m_history->current();
    if (!record || record->finished()) return;
    Runner &runner = *record->runner();
    // A bounded slice per tick, however fast the run records: the window keeps painting and Stop, Esc
    // and Ctrl+Q keep working. Once the workers are joined, the rest is collected in larger slices.
    const bool joined = runner.workersJoined();
    // Stopping: the workers get the CPU until they are joined, then the rest is collected.
    const bool done = m_stopping && !joined ? false : runner.collect(joined ? 20 : 8);
    const Trace &trace = runner.trace();
    const std::int64_t total = record->scenario()->totalWork(record->params());
    const double fraction = total > 0 ? std::clamp(double(trace.progress()) / double(total), 0.0, 1.0) : 0.0;
    if (!done && joined)
        m_status->setText(tr("Collecting the last %1 recorded events…")
                              .arg(QLocale().toString(qulonglong(runner.eventsWaiting()))));
    // Past the budget nothing more is recorded: progress can no longer be known, and the lanes stop
    // changing while the threads go on. Say so rather than show a stalled bar.
    if (const std::int64_t spent = trace.budgetReached(); spent != 0 && !done && !joined) {
        m_progress->setRange(0, 0);
        m_status->setText(
            tr("Running… the event budget was spent %1 s in: the run goes on, its threads drawn as summaries")
                .arg(QLocale().toString(double(spent - trace.start()) / 1e9, 'f', 1)));
    }
    m_progress->setValue(int(fraction * 1000));
    m_events->setText(tr("%1 events").arg(QLocale().toString(qulonglong(trace.eventCount()))));
    showScriptOutput(done);
    refreshSteps();
    if (done)
        finishRun();
    else
        m_results->setLive(trace.eventCount(), fraction);
    // The picture follows the run at most every 25 ms (the timer), and never sooner than three times what
    // its last frame took to draw: the window's thread spends at most a third of its time drawing a live
    // run, so input, Stop and the collector's next slice never queue behind frames. (64 threads at
    // QT_SCALE_FACTOR=2 in 1920x1080: 12-17 ms a frame, 40 a second, and the thread was never idle.)
    // Wheel, drag and keys repaint at once whatever this says.
    const std::int64_t now = nowNs();
    if (done || now - m_liveFrameNs >= 3 * m_view->lastFrameCostNs()) {
        m_liveFrameNs = now;
        m_view->traceChanged();
        m_overview->traceChanged();
    }
}

void MainWindow::finishRun()
{
    m_timer.stop();
    const RunRecord &record = *m_history->current();
    const RunResult &r = record.result();
    m_progress->hide();
    m_progress->setRange(0, 1000);
    const QLocale l;
    if (!r.error.isEmpty())
        m_status->setText(tr("Could not run %1: %2").arg(record.scenario()->id(), r.error));
    else
        m_status->setText((r.cancelled ? tr("Stopped after %1 ms") : tr("Finished in %1 ms"))
                              .arg(l.toString(r.wallMs, 'f', 1)) +
                          (r.problems.isEmpty()
                               ? QString()
                               : QStringLiteral(" — ") + r.problems.join(QStringLiteral("; "))));
    m_history->notifyFinished(); // the results panel follows
    if (tabifiedDockWidgets(m_resultsDock).contains(m_scenarioDock))
        m_resultsDock->raise(); // sharing a tab with the scenario: show what the run measured
    showRuns();
    if (m_view->criticalPathShown()) showCriticalPath(); // for the finished run
    refreshSteps();
    updateActions();
    Q_EMIT runFinished();
    if (m_replayPending) QTimer::singleShot(0, this, [this] { replaySteps(); });
}

} // namespace raceway
