// Step mode: the user moves the threads, one step at a time (Run > Step Mode, F8).

#include "mainwindow.h"

#include "exploredialog.h"
#include "paramform.h"
#include "stepbar.h"
#include "timelineview.h"

#include <QAction>
#include <QLabel>
#include <QShortcut>

namespace raceway {

void MainWindow::buildStepMode()
{
    m_stepBar = new StepBar;
    const auto add = [this](const QString &name, const QString &text, const QKeySequence &key,
                            const QString &tip) { return makeAction(name, text, key, tip); };
    QAction *mode = add(
        QStringLiteral("stepMode"), tr("S&tep Mode"), QKeySequence(Qt::Key_F8),
        tr("Runs hold every thread before each step it takes (a counter's read and write, a teller's check "
           "and write, a philosopher's first and second lock, a ping-pong line), and "
           "you choose who moves next: the race made by hand (F8)"));
    mode->setCheckable(true);
    connect(mode, &QAction::toggled, this, [this] { updateActions(); });
    connect(add(QStringLiteral("stepRelease"), tr("Run the Rest &Freely"), QKeySequence(Qt::Key_F6),
                tr("Let every thread of the run in step mode go on without stopping (F6)")),
            &QAction::triggered, this, &MainWindow::releaseSteps);
    connect(add(QStringLiteral("stepUndo"), tr("&Take Back a Step"), QKeySequence::Undo,
                tr("Run again on fresh threads, taking every step but the last (Ctrl+Z)")),
            &QAction::triggered, this, &MainWindow::undoStep);
    connect(add(QStringLiteral("explore"), tr("E&xplore Every Order…"),
                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X),
                tr("Run every order of the steps with these parameters, each on fresh threads, and see which "
                   "outcomes they give and how often (Ctrl+Shift+X)")),
            &QAction::triggered, this, &MainWindow::exploreOrders);
    // 1 to 9 move threads 1 to 9 (a field that takes digits keeps them: it has the focus).
    for (int k = 1; k <= 9; ++k)
        connect(new QShortcut(QKeySequence(Qt::Key_0 + k), this), &QShortcut::activated, this,
                [this, k] { stepThread(k); });
    connect(m_stepBar, &StepBar::stepAsked, this, &MainWindow::stepThread);
    // A click on a thread's lane moves it too: the run's threads (or processes) are its first lanes of
    // their kind, in order.
    connect(m_view, &TimelineView::laneClicked, this, [this](std::size_t lane) {
        const RunRecord *record = current();
        if (!steppingRunner() || !record) return;
        const Trace &trace = record->trace();
        if (lane >= trace.lanes().size()) return;
        const auto isThread = [](LaneKind k) { return k == LaneKind::Thread || k == LaneKind::Process; };
        if (!isThread(trace.lane(lane).kind)) return;
        int number = 1;
        for (std::size_t i = 0; i < lane; ++i)
            number += isThread(trace.lane(i).kind) ? 1 : 0;
        stepThread(number);
    });
    connect(m_stepBar, &StepBar::releaseAsked, this, &MainWindow::releaseSteps);
    connect(m_stepBar, &StepBar::undoAsked, this, &MainWindow::undoStep);
}

Runner *MainWindow::steppingRunner()
{
    RunRecord *record = m_history->current();
    if (!record || record->finished() || !record->runner() || !record->runner()->steps().live())
        return nullptr;
    return record->runner();
}

void MainWindow::stepThread(int thread)
{
    // A thread the run does not have is refused by the run itself, in the step bar.
    if (Runner *runner = steppingRunner()) runner->steps().push(thread);
}

void MainWindow::releaseSteps()
{
    if (Runner *runner = steppingRunner()) runner->steps().release();
}

void MainWindow::undoStep()
{
    const RunRecord *record = current();
    if (!record || !record->runner() || !record->runner()->steps().live()) return;
    QList<qlonglong> taken = record->runner()->steps().state().taken;
    if (taken.isEmpty()) return;
    taken.removeLast();
    m_stepReplay = taken;
    m_replayPending = true;
    if (isRunning())
        stopRun(); // the replay starts once it has stopped
    else
        replaySteps();
}

void MainWindow::replaySteps()
{
    m_replayPending = false;
    if (isRunning()) return;
    // The steps to take again are the form's schedule: seen, and kept for the next run.
    ParamValues values = m_form->values();
    values.setIntegers(QStringLiteral("schedule"), m_stepReplay);
    m_form->setValues(values);
    action(QStringLiteral("stepMode"))->setChecked(true);
    startRun();
}

void MainWindow::exploreOrders()
{
    const Scenario *scenario = currentScenario();
    if (isRunning() || !scenario || !currentScript().isEmpty()) return;
    ParamValues params = m_form->values();
    params.set(QStringLiteral("schedule"), QVariantList());
    if (const QString problem = scenario->validate(params); !problem.isEmpty() || !scenario->steps(params)) {
        m_status->setText(problem);
        return;
    }
    delete m_explore; // one at a time: a new one replaces it (its thread stopped and joined)
    m_explore = new ExploreDialog(*scenario, params, this);
    connect(m_explore, &ExploreDialog::replayAsked, this, [this](const QList<qlonglong> &schedule) {
        if (isRunning()) return;
        m_stepReplay = schedule;
        replaySteps();
    });
    m_explore->show();
}

void MainWindow::refreshSteps()
{
    RunRecord *record = m_history->current();
    const bool stepping = record && record->runner() && record->runner()->steps().live();
    m_stepBar->setVisible(stepping);
    if (stepping) m_stepBar->showState(record->runner()->steps().state(), !record->finished());
    updateStepActions();
}

void MainWindow::updateStepActions()
{
    const Scenario *scenario = currentScenario();
    const bool running = isRunning();
    const bool steps = scenario && currentScript().isEmpty() && scenario->steps(m_form->values());
    action(QStringLiteral("stepMode"))->setEnabled(!running && steps);
    action(QStringLiteral("explore"))->setEnabled(!running && steps);
    action(QStringLiteral("stepRelease"))->setEnabled(steppingRunner() != nullptr);
    const RunRecord *record = current();
    action(QStringLiteral("stepUndo"))
        ->setEnabled(record && record->runner() && record->runner()->steps().live() &&
                     !record->runner()->steps().state().taken.isEmpty());
}

} // namespace raceway
