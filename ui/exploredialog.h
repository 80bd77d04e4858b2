#pragma once

#include "explorer.h"

#include <QDialog>

#include <atomic>
#include <thread>
#include <vector>

class QLabel;
class QGridLayout;
class QProgressBar;
class QPushButton;

namespace raceway {

// Run > Explore Every Order: every order of the step points of the scenario as the form has it, each
// run on fresh threads (on a thread of the dialog's own: the window keeps painting), then one row per
// outcome: a small picture of its first order's run, how many orders give it, and Replay, which runs
// that order in step mode.
class ExploreDialog : public QDialog
{
    Q_OBJECT
public:
    ExploreDialog(const Scenario &scenario, const ParamValues &params, QWidget *parent = nullptr);
    ~ExploreDialog() override; // stops the exploring and waits for its last run

    bool isDone() const { return m_done; }
    const ExploreResult &result() const { return m_result; }
    QPushButton *replayButton(int row) const; // null past the last outcome (tests)
    QString outcomeText(int row) const;

Q_SIGNALS:
    void replayAsked(const QList<qlonglong> &schedule);

private:
    void showProgress(const ExploreResult &result);
    void finish(const ExploreResult &result);

    const Scenario &m_scenario;
    ParamValues m_params;
    StepPlan m_plan;
    QLabel *m_heading;
    QProgressBar *m_progress;
    QGridLayout *m_rows;
    QPushButton *m_stopOrClose;
    std::vector<QPushButton *> m_replays;
    std::vector<QLabel *> m_texts;
    ExploreResult m_result;
    bool m_done = false;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace raceway
