#include "mainwindow.h"

#include "registry.h"
#include "timelineview.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QToolBar>

namespace raceway {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_view(new TimelineView(this))
{
    setWindowTitle(QStringLiteral("Raceway"));
    setCentralWidget(m_view);
    resize(1200, 760);

    auto *bar = addToolBar(tr("Run"));
    bar->setMovable(false);
    m_runAction = bar->addAction(tr("Run"), this, &MainWindow::startRun);
    m_runAction->setShortcut(Qt::Key_F5);
    m_runAction->setToolTip(tr("Run the shared counter scenario (F5)"));
    m_stopAction = bar->addAction(tr("Stop"), this, &MainWindow::stopRun);
    m_stopAction->setShortcut(Qt::Key_Escape);
    m_stopAction->setEnabled(false);
    m_stopAction->setToolTip(tr("Stop the run (Esc)"));
    bar->addSeparator();
    m_lockAction = bar->addAction(tr("Lock"));
    m_lockAction->setCheckable(true);
    m_lockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_lockAction->setToolTip(tr("Guard every increment with a mutex (Ctrl+L)"));
    auto *quit = new QAction(tr("Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, qApp, &QApplication::quit);
    addAction(quit);

    m_status = new QLabel(tr("Ready"), this);
    statusBar()->addWidget(m_status, 1);
    m_timer.setInterval(30);
    connect(&m_timer, &QTimer::timeout, this, &MainWindow::poll);
}

MainWindow::~MainWindow() = default;

void MainWindow::startRun()
{
    if (isRunning())
        return;
    const Scenario *scenario = Registry::builtin().find(QStringLiteral("counter"));
    ParamValues params = ParamValues::defaults(scenario->params());
    params.set(QStringLiteral("lock"), m_lockAction->isChecked());
    // Slow enough to watch: a few seconds instead of a few milliseconds.
    params.set(QStringLiteral("iterations"), qlonglong(400));
    params.set(QStringLiteral("pace_us"), qlonglong(4000));
    params.set(QStringLiteral("window_ns"), qlonglong(2'000'000));
    m_view->setTrace(nullptr, {});
    m_runner = std::make_unique<Runner>(*scenario, params);
    m_view->setTrace(&m_runner->trace(), scenario->headline(params, {}));
    m_runner->start();
    m_runAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_timer.start();
}

void MainWindow::stopRun()
{
    if (isRunning())
        m_runner->cancel();
}

void MainWindow::poll()
{
    if (!m_runner)
        return;
    const bool done = m_runner->collect();
    const QLocale l;
    m_status->setText(tr("%1 events").arg(l.toString(qlonglong(m_runner->trace().eventCount()))));
    if (done) {
        m_timer.stop();
        const RunResult &r = m_runner->result();
        m_view->setTrace(&m_runner->trace(), m_runner->scenario().headline(r.params, r.metrics));
        m_status->setText(tr("Finished in %1 ms, %2 events").arg(l.toString(r.wallMs, 'f', 1),
                                                                  l.toString(qlonglong(r.events))));
        m_runAction->setEnabled(true);
        m_stopAction->setEnabled(false);
    }
    m_view->traceChanged();
}

} // namespace raceway
