#pragma once

#include "runner.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>

class QAction;
class QLabel;

namespace raceway {

class TimelineView;

// A plain shell around the timeline: run the counter scenario with the lock on or off and watch it.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void startRun();
    void stopRun();
    bool isRunning() const { return m_runner && !m_runner->isFinished(); }

private:
    void poll();

    TimelineView *m_view;
    QAction *m_runAction;
    QAction *m_stopAction;
    QAction *m_lockAction;
    QLabel *m_status;
    QTimer m_timer;
    std::unique_ptr<Runner> m_runner;
};

} // namespace raceway
