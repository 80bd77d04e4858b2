#include "mainwindow.h"

#include "outputpanel.h"
#include "overviewstrip.h"
#include "paramform.h"
#include "pythonform.h"
#include "pythonscenario.h"
#include "registry.h"
#include "resultspanel.h"
#include "selectionpanel.h"
#include "stepbar.h"
#include "theme.h"
#include "timelineview.h"
#include "workerpriority.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QVBoxLayout>

#include <tuple>

namespace raceway {

namespace {
// Where a run's lane arrangement is remembered: per scenario (per script for Python runs), and one
// place for other tools' traces.
QString laneSettingsName(const RunRecord &run)
{
    return run.scenario() ? run.family() : QStringLiteral("imported");
}

// The scenario's description: as tall as its text where there is room, and scrolled where there is not
// (laid out directly it was squeezed under its minimum in a small window, over the list of scenarios, its
// last lines cut off).
class DescriptionArea : public QScrollArea
{
public:
    explicit DescriptionArea(QLabel *text)
    {
        setWidget(text);
        setWidgetResizable(true);
        setFrameShape(QFrame::NoFrame);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    }
    QSize sizeHint() const override
    {
        const int w = viewport()->width() > 0 ? viewport()->width() : 240;
        return {QScrollArea::sizeHint().width(), widget()->heightForWidth(w) + 2 * frameWidth()};
    }
    QSize minimumSizeHint() const override
    {
        return {0, std::min(sizeHint().height(), 3 * fontMetrics().lineSpacing())};
    }

protected:
    bool viewportEvent(QEvent *e) override
    {
        if (e->type() == QEvent::LayoutRequest) updateGeometry(); // its text changed
        return QScrollArea::viewportEvent(e);
    }
    void resizeEvent(QResizeEvent *e) override
    {
        QScrollArea::resizeEvent(e);
        if (e->size().width() != e->oldSize().width()) updateGeometry(); // the text wraps anew
    }
};
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_scenarios(new QListWidget), m_description(new QLabel), m_form(new ParamForm),
      m_pythonForm(new PythonForm), m_output(new OutputPanel), m_view(new TimelineView),
      m_results(new ResultsPanel), m_status(new QLabel), m_progress(new QProgressBar), m_events(new QLabel),
      m_history(new RunHistory(this)), m_selection(new SelectionPanel)
{
    setWindowTitle(QStringLiteral("Raceway"));
    // The window comes first: the runs it shows run their threads at the idle policy, so it keeps
    // painting and answering next to 64 busy threads.
    workerpriority::yieldToWindow();
    setAcceptDrops(true); // a saved run or a Chrome trace dropped on the window opens
    // The theme first, so that every widget is built in its colours.
    if (const Theme theme = themeFromName(QSettings().value(QStringLiteral("theme")).toString());
        theme != currentTheme())
        applyTheme(theme);
    buildActions();
    buildStepMode();
    buildMenus();
    buildLayout();
    buildFindBar();
    m_timer.setInterval(25); // 40 frames per second while a run is live
    connect(&m_timer, &QTimer::timeout, this, &MainWindow::poll);
    connect(m_view, &TimelineView::exportRequested, this, &MainWindow::exportInteractive);
    connect(m_view, &TimelineView::selectionDescribed, this, [this](const QString &text) {
        if (!text.isEmpty()) m_status->setText(text);
    });
    m_results->setHistory(m_history);
    connect(m_results, &ResultsPanel::compareRequested, this, [this](int number) {
        m_wantCompare = number != 0;
        m_history->setCompared(number);
    });
    connect(m_history, &RunHistory::comparedChanged, this, &MainWindow::showRuns);
    connect(m_view, &TimelineView::arrangementChanged, this, [this] {
        if (const RunRecord *run = current()) { // remembered per scenario
            QSettings settings;
            const QString key = QStringLiteral("lanes/") + laneSettingsName(*run);
            settings.setValue(key + QStringLiteral("/pinned"), m_view->arrangement().pinned);
            settings.setValue(key + QStringLiteral("/hidden"), m_view->arrangement().hidden);
            settings.setValue(key + QStringLiteral("/order"), m_view->arrangement().sequence);
            settings.setValue(key + QStringLiteral("/collapsed"), m_view->arrangement().collapsed);
            settings.setValue(key + QStringLiteral("/expanded"), m_view->arrangement().expanded);
        }
    });
    // A range selected with Shift+drag: its numbers, a moment after the mouse stops moving.
    m_selectionTimer.setSingleShot(true);
    m_selectionTimer.setInterval(60);
    connect(m_view->zoom(), &TimelineZoom::selectionChanged, &m_selectionTimer, qOverload<>(&QTimer::start));
    connect(&m_selectionTimer, &QTimer::timeout, this, &MainWindow::showSelection);
    connect(m_history, &RunHistory::currentChanged, this, [this] {
        m_selection->showRange(nullptr, 0, 0);
        if (m_view->criticalPathShown()) QTimer::singleShot(0, this, [this] { showCriticalPath(); });
    });
    connect(m_history, &RunHistory::currentChanged, this, [this] {
        m_finder.reset(); // it refers to the run it was built from
        m_findTrace = nullptr;
        m_findIndex = -1;
    });
    connect(m_form, &ParamForm::changed, this, [this] {
        if (!m_loadingForm) // saved as edited: nothing is lost if the app is killed before a run
            saveParams();
        // The description quotes the values in the form ("with 9 tasks of 700 ms…"): it follows them.
        if (const Scenario *s = currentScenario(); s && currentScript().isEmpty())
            m_description->setText(s->descriptionFor(m_form->values()));
    });
    connect(m_pythonForm, &PythonForm::changed, this, [this] { m_pythonForm->save(); });
    for (const Scenario *s : Registry::builtin().all()) {
        auto *item = new QListWidgetItem(s->title(), m_scenarios);
        item->setData(Qt::UserRole, s->id());
        item->setToolTip(QStringLiteral("raceway run ") + s->id());
    }
    addPythonItems();
    connect(m_scenarios, &QListWidget::currentRowChanged, this, &MainWindow::scenarioPicked);
    // As tall as its rows (up to six), so the explanation and the form get the room.
    m_scenarios->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scenarios->setTextElideMode(Qt::ElideRight);
    m_scenarios->setUniformItemSizes(true);
    const int rowHeight = std::max(m_scenarios->sizeHintForRow(0), m_scenarios->fontMetrics().height() + 4);
    m_scenarios->setFixedHeight(rowHeight * std::clamp(m_scenarios->count(), 2, 8) +
                                2 * m_scenarios->frameWidth() + 2);
    resize(1280, 800);
    loadSettings();
    if (m_scenarios->currentRow() < 0) m_scenarios->setCurrentRow(0);
    m_status->setText(tr("Ready. Press F5 to run, Ctrl+L to flip the lock."));
    updateActions();
}

MainWindow::~MainWindow()
{
    // The history goes first, quietly: its runs must not outlive the view that draws their traces,
    // and nothing here may react to them going.
    m_timer.stop();
    m_history->disconnect();
    m_overview->setTrace(nullptr);
    m_view->setCurrent(nullptr, {});
    m_view->setPrevious(nullptr, {});
    delete m_history;
}

void MainWindow::buildLayout()
{
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    m_scenarios->setMaximumHeight(120);
    leftLayout->addWidget(m_scenarios);
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::PlainText);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setMargin(4); // not a style sheet: it would keep the palette of the theme it was set in
    leftLayout->addWidget(new DescriptionArea(m_description));
    m_formHeading = new QLabel(tr("<b>Parameters</b>"));
    leftLayout->addWidget(m_formHeading);
    m_forms = new QStackedWidget;
    m_forms->addWidget(m_form);
    m_forms->addWidget(m_pythonForm);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_forms);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    leftLayout->addWidget(scroll, 1);
    left->setMinimumWidth(240);

    // The timeline is the window's centre; the scenario and parameters, and the results, are docks that
    // share the left side as tabs by default (the timeline then gets two thirds of a 1280×800 window).
    // Drag them anywhere, float or close them (View > Panels); where they are is remembered.
    m_overview = new OverviewStrip(m_view->zoom());
    auto *timeline = new QWidget;
    timeline->setObjectName(QStringLiteral("timelineArea"));
    auto *column = new QVBoxLayout(timeline);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_overview);
    column->addWidget(m_stepBar);
    column->addWidget(m_view, 1);
    setCentralWidget(timeline);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    auto dock = [this](const QString &name, const QString &title, QWidget *content) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(content);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(Qt::LeftDockWidgetArea, d);
        m_panels->addAction(d->toggleViewAction());
        return d;
    };
    m_scenarioDock = dock(QStringLiteral("scenarioDock"), tr("Scenario"), left);
    m_resultsDock = dock(QStringLiteral("resultsDock"), tr("Results"), m_results);
    m_scenarioDock->toggleViewAction()->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
    m_resultsDock->toggleViewAction()->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
    m_selectionDock = dock(QStringLiteral("selectionDock"), tr("Selection"), m_selection);
    m_selectionDock->toggleViewAction()->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));
    // What a traced script prints: under the timeline, shown when a script runs.
    m_outputDock = dock(QStringLiteral("outputDock"), tr("Script Output"), m_output);
    m_outputDock->toggleViewAction()->setShortcut(QKeySequence(Qt::ALT | Qt::Key_4));
    addDockWidget(Qt::BottomDockWidgetArea, m_outputDock);
    m_outputDock->hide();
    tabifyDockWidget(m_scenarioDock, m_resultsDock);
    tabifyDockWidget(m_resultsDock, m_selectionDock);
    m_scenarioDock->raise();
    resizeDocks({m_scenarioDock}, {300}, Qt::Horizontal);
    m_results->setMinimumWidth(240);

    m_progress->setMaximumWidth(180);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_events);
    statusBar()->addPermanentWidget(m_progress);
}

const Scenario *MainWindow::currentScenario() const
{
    if (!currentScript().isEmpty()) return m_pythonScenario.get();
    const QListWidgetItem *item = m_scenarios->currentItem();
    return item ? Registry::builtin().find(item->data(Qt::UserRole).toString()) : nullptr;
}

bool MainWindow::selectScenario(const QString &id)
{
    if (id.isEmpty()) return false; // the list's headings have no id
    for (int i = 0; i < m_scenarios->count(); ++i)
        if (m_scenarios->item(i)->data(Qt::UserRole).toString() == id) {
            m_scenarios->setCurrentRow(i);
            return true;
        }
    return false;
}

void MainWindow::showRuns()
{
    // Titles, notes and the chart come from the runs themselves, never from the form.
    const RunRecord *now = m_history->current();
    const RunRecord *before = m_history->compared();
    const auto titled = [](const RunRecord *r, const RunRecord *other) {
        return other ? r->shortLabel(other) + QStringLiteral(" — ") + r->title() : r->title();
    };
    m_view->setPrevious(before ? &before->trace() : nullptr, before ? titled(before, now) : QString(),
                        before ? before->note() : QString());
    m_overview->setTrace(now ? &now->trace() : nullptr);
    if (now) { // the lanes as the user arranged this scenario's, last time
        const QSettings settings;
        const QString key = QStringLiteral("lanes/") + laneSettingsName(*now);
        const QSignalBlocker quiet(m_view);
        m_view->setArrangement({settings.value(key + QStringLiteral("/pinned")).toStringList(),
                                settings.value(key + QStringLiteral("/hidden")).toStringList(),
                                settings.value(key + QStringLiteral("/order")).toStringList(),
                                settings.value(key + QStringLiteral("/collapsed")).toStringList(),
                                settings.value(key + QStringLiteral("/expanded")).toStringList()});
        m_view->setCurrent(&now->trace(), titled(now, before));
        m_view->setNote(now->note());
        m_view->setChart(now->chart());
    } else {
        m_view->setCurrent(nullptr, {});
        m_view->setNote({});
        m_view->setChart(std::nullopt);
    }
    // A run read from a file names it in the title bar, as a document would.
    setWindowTitle(now && !now->sourcePath().isEmpty()
                       ? QFileInfo(now->sourcePath()).fileName() + QStringLiteral(" — Raceway")
                       : QStringLiteral("Raceway"));
    const QSignalBlocker quiet(m_actions.at(QStringLiteral("compare")));
    m_actions.at(QStringLiteral("compare"))->setChecked(m_wantCompare);
    updateActions();
}

void MainWindow::updateActions()
{
    const bool running = isRunning();
    m_actions.at(QStringLiteral("run"))->setEnabled(!running && currentScenario());
    m_actions.at(QStringLiteral("stop"))->setEnabled(running);
    m_actions.at(QStringLiteral("resetParams"))->setEnabled(!running && currentScenario());
    m_actions.at(QStringLiteral("lock"))->setEnabled(m_form->hasLock() && !running);
    m_actions.at(QStringLiteral("compare"))->setEnabled(!m_history->comparable().empty());
    const bool haveTrace = current() != nullptr;
    m_actions.at(QStringLiteral("open"))->setEnabled(!running);
    QString why;
    const bool saveable = current() && current()->canSave(&why);
    m_actions.at(QStringLiteral("save"))->setEnabled(saveable);
    m_actions.at(QStringLiteral("save"))
        ->setToolTip(saveable || !current() ? tr("Save the run shown to open again later (Ctrl+S)")
                                            : tr("Cannot save this run: %1").arg(why));
    m_recentMenu->setEnabled(!running);
    for (const char *name : {"exportPng", "exportSvg", "exportJson"})
        m_actions.at(QString::fromLatin1(name))->setEnabled(haveTrace);
    m_scenarios->setEnabled(!running);
    m_form->setEnabled(!running);
    m_pythonForm->setEnabled(!running);
    m_actions.at(QStringLiteral("tracePython"))->setEnabled(!running);
    m_actions.at(QStringLiteral("preferences"))->setEnabled(!running);
    updateStepActions();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::saveParams() const
{
    if (!currentScript().isEmpty()) {
        m_pythonForm->save();
        return;
    }
    const Scenario *s = currentScenario();
    if (!s) return;
    QStringList list;
    const ParamValues v = m_form->values();
    for (const ParamSpec &spec : s->params())
        list << spec.name + QLatin1Char('=') + spec.formatValue(v.value(spec.name));
    QSettings().setValue(QStringLiteral("params/") + s->id(), list);
}

void MainWindow::loadSettings()
{
    QSettings settings;
    m_actions.at(QStringLiteral("theme-") + themeName(currentTheme()))->setChecked(true);
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1280, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    selectScenario(settings.value(QStringLiteral("scenario")).toString());
    // The Script Output panel belongs to Python runs: a restart shows no script's output yet.
    m_outputDock->hide();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (const QListWidgetItem *item = m_scenarios->currentItem()) // a built-in id, or "python:" + a path
        settings.setValue(QStringLiteral("scenario"), item->data(Qt::UserRole).toString());
    saveParams();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    // Cancelling makes every worker return promptly; the runners join them as they are destroyed.
    m_timer.stop();
    m_overview->setTrace(nullptr);
    m_view->setCurrent(nullptr, {});
    m_view->setPrevious(nullptr, {});
    m_history->clear();
    event->accept();
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Raceway"),
                       tr("<h3>Raceway %1</h3><p>Makes concurrency visible: real threads, real locks, "
                          "every lost update and every wait drawn as it happens.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(QStringLiteral(RACEWAY_VERSION), QString::fromLatin1(qVersion())));
}

} // namespace raceway
