// MainWindow's actions (each with its shortcut and tooltip, found by name) and the menus and tool bar
// that show them.

#include "mainwindow.h"

#include "paramform.h"
#include "theme.h"
#include "timelineview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QComboBox>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPixmap>
#include <QPolygonF>
#include <QSettings>
#include <QStyle>
#include <QToolBar>

#include <tuple>

namespace raceway {
namespace {

// Run and Stop drawn in colours that stand out on light and dark toolbars alike (the style's own are
// black: nearly invisible in the dark theme): the Okabe-Ito green triangle and vermillion square, at
// least 3:1 against either theme's window. Qt greys them out itself when they are disabled.
QIcon runStopIcon(bool run)
{
    QIcon icon;
    for (const int size : {16, 20, 24, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        const double s = size, m = s * 0.18;
        if (run) {
            p.setBrush(QColor(0x00, 0x9E, 0x73));
            p.drawPolygon(
                QPolygonF{QPointF(m, m * 0.8), QPointF(s - m * 0.6, s / 2), QPointF(m, s - m * 0.8)});
        } else {
            p.setBrush(QColor(0xD5, 0x5E, 0x00));
            p.drawRoundedRect(QRectF(m, m, s - 2 * m, s - 2 * m), s * 0.08, s * 0.08);
        }
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

QAction *MainWindow::makeAction(const QString &name, const QString &text, const QKeySequence &key,
                                const QString &tip)
{
    auto *a = new QAction(text, this);
    a->setShortcut(key);
    a->setToolTip(tip.isEmpty() ? text : tip);
    a->setStatusTip(tip);
    m_actions[name] = a;
    addAction(a);
    return a;
}

void MainWindow::buildActions()
{
    auto add = [this](const QString &name, const QString &text, const QKeySequence &key, auto slot,
                      const QString &tip = {}) {
        QAction *a = makeAction(name, text, key, tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    add(
        QStringLiteral("run"), tr("&Run"), Qt::Key_F5, [this] { startRun(); },
        tr("Run the scenario with these parameters (F5)"))
        ->setIcon(runStopIcon(true));
    add(
        QStringLiteral("stop"), tr("&Stop"), Qt::Key_Escape, [this] { stopRun(); }, tr("Stop the run (Esc)"))
        ->setIcon(runStopIcon(false));
    // The lock is the form's own action: the switch, the check box, this menu entry and Ctrl+L are one state.
    m_actions[QStringLiteral("lock")] = m_form->lockAction();
    addAction(m_form->lockAction());
    add(
        QStringLiteral("resetParams"), tr("&Reset Parameters to Defaults"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
        [this] {
            if (const Scenario *s = currentScenario(); s && !isRunning()) {
                m_form->setValues(ParamValues::windowDefaults(s->params()));
                m_status->setText(tr("The parameters of %1 are back to their defaults").arg(s->id()));
            }
        },
        tr("Put this scenario's parameters back to their defaults (Ctrl+Shift+R)"));
    add(
        QStringLiteral("fit"), tr("&Fit Everything"), Qt::Key_Home, [this] { m_view->zoom()->fit(); },
        tr("Show the whole run (Home, or double-click)"));
    add(
        QStringLiteral("fitLanes"), tr("Fit &Lanes to Height"), QKeySequence(Qt::CTRL | Qt::Key_0),
        [this] { m_view->setLaneScale(0); },
        tr("Lanes share the timeline's height again (Ctrl+0); Ctrl+wheel makes them taller or shorter"));
    add(QStringLiteral("zoomIn"), tr("Zoom &In"), QKeySequence::ZoomIn,
        [this] { m_view->zoom()->zoomAround(0.5, 0.5); });
    add(QStringLiteral("zoomOut"), tr("Zoom &Out"), QKeySequence::ZoomOut,
        [this] { m_view->zoom()->zoomAround(0.5, 2.0); });
    QAction *compare = add(
        QStringLiteral("compare"), tr("&Compare With Earlier Run"), QKeySequence(Qt::CTRL | Qt::Key_K),
        [this](bool on) {
            m_wantCompare = on;
            const auto earlier = m_history->comparable();
            m_history->setCompared(on && !earlier.empty() ? earlier.front()->number() : 0);
        },
        tr("Stack the latest earlier run of this scenario above this one on the same time "
           "axis (Ctrl+K); pick any other in the results' Compare with list"));
    compare->setCheckable(true);
    compare->setChecked(true);
    compare->setIconText(tr("Compare"));
    QAction *cores = add(
        QStringLiteral("coresView"), tr("&Group by Core"), QKeySequence(Qt::CTRL | Qt::Key_G),
        [this](bool on) { m_view->setCoresView(on); },
        tr("Show one lane per CPU core with the process that ran on it (Ctrl+G)"));
    cores->setCheckable(true);
    QAction *path = add(
        QStringLiteral("criticalPath"), tr("Show C&ritical Path"), QKeySequence(Qt::CTRL | Qt::Key_P),
        [this](bool on) {
            m_view->setCriticalPathShown(on);
            showCriticalPath();
        },
        tr("Mark what the last thread's end waited on, back to the start: its own running and waiting for "
           "a core, and the threads whose releases woke it (Ctrl+P); the Selection panel lists its parts"));
    path->setCheckable(true);
    add(
        QStringLiteral("open"), tr("&Open…"), QKeySequence::Open, [this] { openInteractive(); },
        tr("Open a saved run (.raceway) or a Chrome trace (.json, .json.gz) from another tool (Ctrl+O); "
           "or drop the file on the window"))
        ->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    add(
        QStringLiteral("save"), tr("&Save Run…"), QKeySequence::Save, [this] { saveRunInteractive(); },
        tr("Save the run shown — parameters, numbers and the whole trace — to open again later or with "
           "'raceway show' (Ctrl+S)"))
        ->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    add(
        QStringLiteral("exportPng"), tr("Export &PNG…"), QKeySequence(Qt::CTRL | Qt::Key_E),
        [this] { exportInteractive(QStringLiteral("png")); },
        tr("Save the timeline as shown as a PNG image (Ctrl+E)"));
    add(
        QStringLiteral("exportSvg"), tr("Export &SVG…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
        [this] { exportInteractive(QStringLiteral("svg")); },
        tr("Save the timeline as an SVG drawing (Ctrl+Shift+E)"));
    add(
        QStringLiteral("exportJson"), tr("Export &Trace JSON…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E),
        [this] { exportInteractive(QStringLiteral("json")); },
        tr("Save the events as Chrome Trace JSON for Perfetto UI or speedscope (Ctrl+Alt+E)"));
    add(
        QStringLiteral("find"), tr("&Find…"), QKeySequence::Find,
        [this] {
            m_findBar->show();
            // A trace of named slices is searched by name first.
            const RunRecord *run = current();
            bool slices = false;
            for (std::size_t i = 0; run && !slices && i < run->trace().lanes().size(); ++i)
                slices = !run->trace().lane(i).slices.empty();
            if (slices && m_findKind->currentIndex() != int(FindKind::Slice))
                m_findKind->setCurrentIndex(int(FindKind::Slice));
            if (m_findKind->currentIndex() == int(FindKind::Slice)) {
                m_findText->setFocus();
                m_findText->selectAll();
            } else {
                m_findKind->setFocus();
            }
        },
        tr("Find lost updates, long waits, failures or slices by name in this run (Ctrl+F)"));
    add(
        QStringLiteral("findNext"), tr("Find &Next"), QKeySequence(Qt::Key_F3), [this] { find(true); },
        tr("Centre the next lost update, long wait, failure or slice (F3)"));
    add(
        QStringLiteral("findPrevious"), tr("Find &Previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3),
        [this] { find(false); }, tr("Centre the previous one (Shift+F3)"));
    add(
        QStringLiteral("tracePython"), tr("&Trace Python Script…"), QKeySequence(Qt::CTRL | Qt::Key_T),
        [this] { traceScriptInteractive(); },
        tr("Run a Python script of yours under python3 with Raceway's tracer and watch its threads, "
           "locks, processes and GIL (Ctrl+T)"));
    add(
        QStringLiteral("preferences"), tr("Pre&ferences…"), QKeySequence(Qt::CTRL | Qt::Key_Comma),
        [this] { preferences(); }, tr("Choose the Python interpreter scripts are traced with (Ctrl+,)"));
    add(QStringLiteral("quit"), tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });
    add(QStringLiteral("about"), tr("&About Raceway"), QKeySequence(), [this] { about(); });
}

QAction *MainWindow::action(const QString &name) const
{
    auto it = m_actions.find(name);
    return it == m_actions.end() ? nullptr : it->second;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("open")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addAction(action(QStringLiteral("save")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("tracePython")));
    file->addSeparator();
    for (const char *name : {"exportPng", "exportSvg", "exportJson"})
        file->addAction(action(QString::fromLatin1(name)));
    file->addSeparator();
    file->addAction(action(QStringLiteral("preferences")));
    file->addAction(action(QStringLiteral("quit")));
    QMenu *run = menuBar()->addMenu(tr("&Run"));
    for (const char *name : {"run", "stop", "lock"})
        run->addAction(action(QString::fromLatin1(name)));
    run->addSeparator();
    for (const char *name : {"stepMode", "stepRelease", "stepUndo", "explore"})
        run->addAction(action(QString::fromLatin1(name)));
    run->addSeparator();
    run->addAction(action(QStringLiteral("resetParams")));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (const char *name : {"fit", "zoomIn", "zoomOut"})
        view->addAction(action(QString::fromLatin1(name)));
    view->addSeparator();
    view->addAction(action(QStringLiteral("compare")));
    view->addAction(action(QStringLiteral("coresView")));
    view->addAction(action(QStringLiteral("criticalPath")));
    view->addAction(action(QStringLiteral("fitLanes")));
    view->addSeparator();
    for (const char *name : {"find", "findNext", "findPrevious"})
        view->addAction(action(QString::fromLatin1(name)));
    view->addSeparator();
    m_panels = view->addMenu(tr("&Panels"));
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    for (const auto &[which, text, tip] :
         {std::tuple{Theme::System, tr("Follow the &System"), tr("The desktop's own colours")},
          std::tuple{Theme::Light, tr("&Light"), tr("Raceway's light colours")},
          std::tuple{Theme::Dark, tr("&Dark"), tr("Raceway's dark colours, for dim rooms and projectors")}}) {
        QAction *a = theme->addAction(text);
        a->setCheckable(true);
        a->setStatusTip(tip);
        a->setData(themeName(which));
        themes->addAction(a);
        m_actions[QStringLiteral("theme-") + themeName(which)] = a;
        connect(a, &QAction::triggered, this, [which] {
            applyTheme(which);
            QSettings().setValue(QStringLiteral("theme"), themeName(which));
        });
    }
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("about")));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    for (const char *name : {"run", "stop"})
        bar->addAction(action(QString::fromLatin1(name)));
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("lock")));
    bar->addAction(action(QStringLiteral("stepMode")));
    bar->addSeparator();
    for (const char *name : {"fit", "compare", "coresView", "exportPng"})
        bar->addAction(action(QString::fromLatin1(name)));
}

} // namespace raceway
