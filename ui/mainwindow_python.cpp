// The window's Python side: the example scripts and the user's own in the scenario list, the form that
// asks for a script's arguments, File > Trace Python Script, Preferences and the Script Output panel.
#include "mainwindow.h"

#include "outputpanel.h"
#include "paramform.h"
#include "preferencesdialog.h"
#include "pythonform.h"
#include "pythonscenario.h"
#include "registry.h"

#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>

namespace raceway {

namespace {

constexpr int scriptRole = Qt::UserRole + 1; // a Python item's script path
constexpr int maxUserScripts = 8;
const char *const userScriptsKey = "python/tracedScripts";

QString pythonId(const QString &path)
{
    return QStringLiteral("python:") + path;
}

QListWidgetItem *heading(QListWidget *list, const QString &text, const QString &tip)
{
    auto *item = new QListWidgetItem(text, list);
    item->setFlags(Qt::NoItemFlags); // a heading, not a choice
    QFont font = list->font();
    font.setBold(true);
    item->setFont(font);
    item->setToolTip(tip);
    return item;
}

QListWidgetItem *scriptItem(QListWidget *list, const QString &path, int row = -1)
{
    auto *item = new QListWidgetItem(QFileInfo(path).fileName());
    item->setData(Qt::UserRole, pythonId(path));
    item->setData(scriptRole, path);
    const QString summary = py::scriptSummary(path);
    item->setToolTip(QStringLiteral("raceway trace ") + QDir::toNativeSeparators(path) +
                     (summary.isEmpty() ? QString() : QStringLiteral("\n\n") + summary));
    if (row < 0)
        list->addItem(item);
    else
        list->insertItem(row, item);
    return item;
}

// How a command line reads in a terminal: arguments holding spaces or quotes are quoted.
QString shellQuoted(const QString &arg)
{
    static const QString plain = QStringLiteral("-_./=:,+@%");
    bool safe = !arg.isEmpty();
    for (const QChar c : arg)
        safe = safe && (c.isLetterOrNumber() || plain.contains(c));
    if (safe) return arg;
    QString quoted = arg;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

void MainWindow::addPythonItems()
{
    const QStringList examples = py::exampleScripts();
    if (!examples.isEmpty()) {
        heading(m_scenarios, tr("Python examples"),
                tr("Real Python scripts, traced under python3: the seeds' examples in Raceway's words"));
        for (const QString &path : examples)
            scriptItem(m_scenarios, path);
    }
    const QStringList mine = QSettings().value(QString::fromLatin1(userScriptsKey)).toStringList();
    if (!mine.isEmpty()) {
        heading(m_scenarios, tr("Your scripts"),
                tr("Scripts traced with File > Trace Python Script (Ctrl+T)"));
        for (const QString &path : mine)
            scriptItem(m_scenarios, path);
    }
}

QString MainWindow::currentScript() const
{
    const QListWidgetItem *item = m_scenarios->currentItem();
    return item ? item->data(scriptRole).toString() : QString();
}

void MainWindow::scenarioPicked()
{
    const QString script = currentScript();
    if (script.isEmpty()) {
        const Scenario *s = currentScenario();
        if (!s) return;
        m_description->setText(s->descriptionFor(ParamValues::windowDefaults(s->params())));
        m_formHeading->setText(tr("<b>Parameters</b>"));
        m_forms->setCurrentWidget(m_form);
        m_loadingForm = true; // building the form is not editing it: nothing to save yet
        m_form->setSpecs(s->params());
        QSettings settings;
        const QStringList saved = settings.value(QStringLiteral("params/") + s->id()).toStringList();
        if (!saved.isEmpty()) {
            QString ignored;
            if (const auto v = ParamValues::parse(s->params(), saved, &ignored)) m_form->setValues(*v);
        }
        m_loadingForm = false;
        updateActions();
        return;
    }
    py::PythonJob job;
    job.script = script;
    m_pythonScenario = std::make_shared<py::PythonScenario>(job);
    m_loadingForm = true;
    m_form->setSpecs({}); // no lock switch, no parameters: Ctrl+L has nothing to flip
    m_pythonForm->setScript(script);
    m_loadingForm = false;
    m_formHeading->setText(tr("<b>Script</b>"));
    m_forms->setCurrentWidget(m_pythonForm);
    const QString summary = py::scriptSummary(script);
    if (!QFileInfo::exists(script))
        m_description->setText(tr("%1 is not there any more (moved or deleted?).").arg(script));
    else
        m_description->setText(
            (summary.isEmpty() ? QString() : summary + QStringLiteral("\n\n")) +
            tr("Traced under the real interpreter: a lane per thread and process, the GIL's lane "
               "(inferred from /proc), each lock, event and queue; what it prints is in Script Output."));
    updateActions();
}

std::shared_ptr<const Scenario> MainWindow::preparePythonRun(QString *error)
{
    const QString script = currentScript();
    std::optional<py::PythonJob> job = m_pythonForm->job(error);
    if (job) job->python = m_pythonForm->interpreter(error);
    if (job && !job->python.isEmpty()) job->tracerDir = py::tracerDirectory(error);
    if (!job || job->python.isEmpty() || job->tracerDir.isEmpty()) {
        m_status->setText(tr("Cannot trace %1: %2").arg(QFileInfo(script).fileName(), *error));
        return {};
    }
    m_pythonForm->save();
    // 64 KiB a frame at most: appending and laying out that much takes about 9 ms (BM_OutputPanelFrame).
    m_scriptOutput = std::make_shared<py::ScriptOutput>(64 * 1024);
    job->output = m_scriptOutput;
    QStringList command{shellQuoted(job->python), shellQuoted(job->script)};
    for (const QString &a : job->args)
        command << shellQuoted(a);
    m_output->begin(QStringLiteral("cd ") + shellQuoted(QDir::toNativeSeparators(job->workingDir)) +
                    QStringLiteral(" && ") + command.join(QLatin1Char(' ')));
    if (m_outputDock->isHidden()) {
        m_outputDock->show();
        // Room for a dozen lines, the timeline keeps the rest (the user's own height is kept after).
        if (!m_outputDock->isFloating())
            resizeDocks({m_outputDock}, {std::max(120, 9 * fontMetrics().height())}, Qt::Vertical);
    }
    m_outputDock->raise();
    auto scenario = std::make_shared<py::PythonScenario>(*job);
    m_pythonScenario = scenario; // what is picked is what runs
    return scenario;
}

void MainWindow::showScriptOutput(bool finished)
{
    if (!m_scriptOutput) return;
    m_output->append(m_scriptOutput->take());
    if (!finished) return;
    const RunResult &r = current()->result();
    QString summary;
    const QVariant code = metricValue(r.metrics, QStringLiteral("exit_code"));
    if (!r.error.isEmpty())
        summary = tr("could not run: %1").arg(r.error);
    else if (r.cancelled)
        summary = tr("stopped: the script and everything it started were killed");
    else if (!code.isValid())
        summary = tr("over");
    else if (code.toInt() == 0)
        summary = tr("exited normally (status 0)");
    else if (code.toInt() > 0)
        summary = tr("exited with status %1").arg(code.toInt());
    else
        summary = tr("killed by signal %1").arg(-code.toInt());
    for (const QString &problem : r.problems)
        if (problem.contains(QLatin1String("timeout"))) summary = problem;
    const std::uint64_t printed = m_scriptOutput->totalBytes();
    summary += (printed == 1 ? tr(" — 1 byte printed in %2 s") : tr(" — %1 bytes printed in %2 s"))
                   .arg(QLocale().toString(qulonglong(printed)), QLocale().toString(r.wallMs / 1000, 'f', 2));
    m_output->end(summary, m_scriptOutput->droppedAtEnd());
    m_scriptOutput.reset();
}

bool MainWindow::traceScript(const QString &path, QString *errorOut)
{
    QString error;
    const auto fail = [&](const QString &why) {
        m_status->setText(tr("Cannot trace %1: %2").arg(QDir::toNativeSeparators(path), why));
        if (errorOut) *errorOut = why;
        return false;
    };
    if (isRunning()) return fail(tr("a run is going: stop it first (Esc)"));
    if (const QString problem = py::checkScript(path); !problem.isEmpty()) return fail(problem);
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // Remembered, newest first, under "Your scripts" (an example is picked where it is listed).
    if (!selectScenario(pythonId(absolute))) {
        QStringList mine = QSettings().value(QString::fromLatin1(userScriptsKey)).toStringList();
        mine.removeAll(absolute);
        mine.prepend(absolute);
        while (mine.size() > maxUserScripts)
            mine.removeLast();
        QSettings().setValue(QString::fromLatin1(userScriptsKey), mine);
        {
            const QSignalBlocker quiet(m_scenarios);
            for (int i = m_scenarios->count() - 1; i >= 0; --i) // rebuilt below the examples
                if (m_scenarios->item(i)
                        ->data(Qt::UserRole)
                        .toString()
                        .startsWith(QLatin1String("python:")) ||
                    m_scenarios->item(i)->flags() == Qt::NoItemFlags)
                    delete m_scenarios->takeItem(i);
            addPythonItems();
        }
        if (!selectScenario(pythonId(absolute))) return fail(tr("it could not be listed"));
        scenarioPicked(); // the row may be where the old list had another script
        if (currentScript() != absolute) return fail(tr("it could not be picked"));
    }
    if (!beginRun(&error)) return fail(error);
    if (errorOut) errorOut->clear();
    return true;
}

void MainWindow::traceScriptInteractive()
{
    if (isRunning()) return;
    const QString dir = QSettings().value(QStringLiteral("python/scriptDir"), QDir::homePath()).toString();
    QFileDialog dialog(this, tr("Trace a Python script"), dir,
                       tr("Python scripts (*.py *.pyw);;All files (*)"));
    dialog.setObjectName(QStringLiteral("traceDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptOpen);
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    if (m_fileDialogHook) m_fileDialogHook(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    const QString path = dialog.selectedFiles().constFirst();
    QSettings().setValue(QStringLiteral("python/scriptDir"), QFileInfo(path).absolutePath());
    QString error;
    if (!traceScript(path, &error))
        QMessageBox::warning(this, tr("Cannot trace"), tr("Could not trace %1:\n%2").arg(path, error));
}

void MainWindow::preferences()
{
    PreferencesDialog dialog(this);
    dialog.setObjectName(QStringLiteral("preferencesDialog"));
    if (m_preferencesHook) m_preferencesHook(dialog);
    if (dialog.exec() == QDialog::Accepted && !currentScript().isEmpty()) scenarioPicked(); // new interpreter
}

} // namespace raceway
