#pragma once

#include "runhistory.h"
#include "tracefind.h"

#include <QMainWindow>
#include <QTimer>

#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QMenu;
class QComboBox;
class QDoubleSpinBox;
class QToolBar;
class QFileDialog;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QStackedWidget;

namespace raceway {

namespace py {
class PythonScenario;
class ScriptOutput;
} // namespace py
class OutputPanel;
class ParamForm;
class PreferencesDialog;
class PythonForm;
class ResultsPanel;
class SelectionPanel;
class StepBar;
class ExploreDialog;
class OverviewStrip;
class TimelineView;

// The Raceway window: scenarios and their parameters on the left, the live timeline in the middle,
// the numbers on the right. Runs happen off the GUI thread; a timer collects their events.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // A built-in scenario by id, or a Python script as "python:" + its path (an example, or one traced
    // before).
    bool selectScenario(const QString &id);
    // The scenario picked: a built-in one, or the Python script picked (as it would be traced now).
    const Scenario *currentScenario() const;
    // The Python script picked in the scenario list, or empty when a built-in scenario is.
    QString currentScript() const;
    void startRun(); // F5: a problem is said in a message box
    // Starts a run of what is picked; false and one line (also in the status bar) when it cannot.
    bool beginRun(QString *error);
    void stopRun();
    bool isRunning() const { return current() && !current()->finished(); }
    // Writes the timeline as on screen ("png", "svg") or the trace ("json"); reports in the status bar.
    // PNGs are `scale` times the layout's size (1 or 2, as in the export dialog).
    bool exportTo(const QString &format, const QString &path, QString *error = nullptr, int scale = 1);
    QString defaultExportName(const QString &format) const;

    ParamForm *form() const { return m_form; }
    TimelineView *view() const { return m_view; }
    ResultsPanel *results() const { return m_results; }
    RunHistory *history() const { return m_history; }
    const RunRecord *current() const { return m_history->current(); }
    const RunRecord *compared() const { return m_history->compared(); }
    // The runners of the runs shown (null for a run read from a file).
    const Runner *runner() const { return current() ? current()->runner() : nullptr; }
    const Runner *previousRunner() const { return compared() ? compared()->runner() : nullptr; }
    QAction *action(const QString &name) const;
    QDockWidget *scenarioDock() const { return m_scenarioDock; }
    QDockWidget *selectionDock() const { return m_selectionDock; }
    SelectionPanel *selection() const { return m_selection; }
    OverviewStrip *overview() const { return m_overview; }
    // F3 / Shift+F3: the next or previous lost update, long wait or failure of the current run.
    void find(bool forward);
    QString findText() const;
    QDockWidget *resultsDock() const { return m_resultsDock; }
    QString statusText() const;
    // Tests: called with the export dialog just before it is shown (to fill it in and accept it).
    void setExportDialogHook(std::function<void(QFileDialog &)> hook)
    {
        m_exportDialogHook = std::move(hook);
    }
    void exportInteractive(const QString &format);

    // File > Open, Open Recent and drops: a saved run (with its scenario and parameters, compared like a
    // new run of it) or a Chrome trace. False and one line (also in the status bar) when it cannot.
    bool openFile(const QString &path, QString *error = nullptr);
    // File > Save Run: the run shown, as a saved-run file (nothing half-written on failure).
    bool saveRunTo(const QString &path, QString *error = nullptr);
    QStringList recentFiles() const;
    // Tests: called with the open or save dialog just before it is shown (to fill it in and accept it).
    void setFileDialogHook(std::function<void(QFileDialog &)> hook) { m_fileDialogHook = std::move(hook); }
    void openInteractive();
    void saveRunInteractive();

    // File > Trace Python Script: the script is added to the scenario list (remembered) and traced at
    // once with the arguments, folder and time limit last used with it. False and one line if it cannot.
    bool traceScript(const QString &path, QString *error = nullptr);
    void traceScriptInteractive();
    void preferences();
    // Tests: called with the preferences dialog just before it is shown.
    void setPreferencesHook(std::function<void(PreferencesDialog &)> hook)
    {
        m_preferencesHook = std::move(hook);
    }
    PythonForm *pythonForm() const { return m_pythonForm; }
    OutputPanel *output() const { return m_output; }
    QDockWidget *outputDock() const { return m_outputDock; }
    QListWidget *scenarioList() const { return m_scenarios; }
    // Step mode (Run > Step Mode, F8): runs hold every thread at its step points; these move them.
    StepBar *stepBar() const { return m_stepBar; }
    void stepThread(int thread); // from 1: that thread takes its next step
    void releaseSteps();         // F6: the rest runs freely
    void undoStep();             // Ctrl+Z: again on fresh threads, every step but the last
    void exploreOrders();        // Ctrl+Shift+X: every order of the steps, in a dialog
    ExploreDialog *exploreDialog() const { return m_explore; }

Q_SIGNALS:
    void runFinished();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildActions();
    // A window action, named for action(), with its shortcut and its tip (the text when none).
    QAction *makeAction(const QString &name, const QString &text, const QKeySequence &key,
                        const QString &tip);
    void buildMenus();
    void buildLayout();
    void buildFindBar();
    void showCriticalPath(); // in the Selection panel, when shown
    void showSelection();
    void poll();
    void finishRun();
    void updateActions();
    void showRuns(); // the view shows the history's current and compared runs
    void loadSettings();
    void saveSettings() const;
    void saveParams() const;
    void about();
    void addRecent(const QString &path);
    void fillRecentMenu();
    void addPythonItems(); // the examples and the scripts traced before, below the built-in scenarios
    void scenarioPicked(); // the list's current row changed
    std::shared_ptr<const Scenario> preparePythonRun(QString *error); // null when it cannot run
    void showScriptOutput(bool finished);
    void buildStepMode();
    void refreshSteps();      // the step bar follows the current run
    Runner *steppingRunner(); // the current run while it waits for steps, else null
    void replaySteps();
    void updateStepActions();

    QListWidget *m_scenarios;
    QLabel *m_description;
    QLabel *m_formHeading = nullptr;
    QStackedWidget *m_forms = nullptr; // the parameter form, or the Python form
    ParamForm *m_form;
    PythonForm *m_pythonForm;
    std::shared_ptr<py::PythonScenario> m_pythonScenario; // the script picked, as it would run now
    OutputPanel *m_output;
    QDockWidget *m_outputDock = nullptr;
    std::shared_ptr<py::ScriptOutput> m_scriptOutput; // the running script's, until it is shown
    TimelineView *m_view;
    ResultsPanel *m_results;
    QLabel *m_status;
    QProgressBar *m_progress;
    QLabel *m_events;
    QTimer m_timer;
    RunHistory *m_history;
    bool m_wantCompare = true;      // Ctrl+K: stack an earlier run of the same scenario above the current one
    bool m_stopping = false;        // Stop was pressed and the workers are not joined yet
    std::int64_t m_liveFrameNs = 0; // when the picture last followed a live run (see poll)
    bool m_loadingForm = false;     // the form is being built for a scenario, not edited
    std::map<QString, QAction *> m_actions;
    std::function<void(QFileDialog &)> m_exportDialogHook;
    std::function<void(QFileDialog &)> m_fileDialogHook;
    std::function<void(PreferencesDialog &)> m_preferencesHook;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_panels = nullptr;
    QToolBar *m_findBar = nullptr;
    QComboBox *m_findKind = nullptr;
    QDoubleSpinBox *m_findMinMs = nullptr;
    QLineEdit *m_findText = nullptr; // a slice's name, or part of it
    QString m_findTextUsed;
    QLabel *m_findLabel = nullptr;
    std::unique_ptr<TraceFinder> m_finder;
    const Trace *m_findTrace = nullptr; // what m_finder was built from
    std::uint64_t m_findEvents = 0;
    int m_findKindUsed = -1;
    std::int64_t m_findMinNs = -1;
    std::ptrdiff_t m_findIndex = -1;
    QDockWidget *m_scenarioDock = nullptr;
    QDockWidget *m_resultsDock = nullptr;
    QDockWidget *m_selectionDock = nullptr;
    SelectionPanel *m_selection;
    OverviewStrip *m_overview = nullptr;
    QTimer m_selectionTimer;
    StepBar *m_stepBar = nullptr;
    ExploreDialog *m_explore = nullptr;
    QList<qlonglong> m_stepReplay; // Ctrl+Z: the steps to take again once the run shown has stopped
    bool m_replayPending = false;
};

} // namespace raceway
