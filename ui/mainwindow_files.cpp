// MainWindow's files: Save Run, Open (and Open Recent, and drops) of saved runs and Chrome traces.

#include "mainwindow.h"

#include "paramform.h"
#include "runopen.h"
#include "savedrun.h"
#include "timelineview.h"

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStandardPaths>

namespace raceway {

namespace {

constexpr int maxRecent = 8;

QString recentKey()
{
    return QStringLiteral("recentFiles");
}

QString fileDialogDir()
{
    return QSettings()
        .value(QStringLiteral("runDir"), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
        .toString();
}

// The first local file among dropped URLs, if any.
QString droppedFile(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile()) return url.toLocalFile();
    return {};
}

} // namespace

bool MainWindow::openFile(const QString &path, QString *errorOut)
{
    QString error;
    const auto fail = [&](const QString &why) {
        error = why;
        m_status->setText(tr("Could not open %1: %2").arg(QDir::toNativeSeparators(path), why));
        if (errorOut) *errorOut = why;
        return false;
    };
    if (isRunning()) return fail(tr("a run is going: stop it first (Esc)"));
    auto trace = std::make_unique<Trace>();
    OpenedFile opened;
    {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        m_status->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
        m_status->repaint();
        const bool ok = openRunFile(path, trace.get(), &opened, &error);
        QApplication::restoreOverrideCursor();
        if (!ok) return fail(error);
    }
    const Scenario *scenario = nullptr;
    RunResult result;
    if (opened.savedRun || opened.runInTrace) { // a saved run, or Raceway's own trace of one
        if (!restoreRun(opened.run, &scenario, &result, &error)) return fail(error);
    } else {
        result.wallMs = double(trace->end() - trace->start()) / 1e6;
        result.events = opened.chrome.events;
    }
    // The view lets go of what it shows first: the history may let old runs go to keep memory bounded.
    m_view->setPrevious(nullptr, {});
    m_view->setCurrent(nullptr, {});
    const RunRecord &record = m_history->adopt(std::move(trace), scenario, result, path, opened.title);
    if (!m_wantCompare) m_history->setCompared(0);
    if (scenario) { // the form shows how it was run, so F5 runs it again
        selectScenario(scenario->id());
        m_form->setValues(result.params);
    }
    m_history->notifyFinished();
    showRuns();
    m_view->zoom()->fit();
    const QLocale l;
    m_status->setText(tr("Opened %1: %2 events on %3 lanes")
                          .arg(QDir::toNativeSeparators(path), l.toString(qulonglong(record.result().events)),
                               l.toString(qulonglong(record.trace().lanes().size()))));
    addRecent(path);
    updateActions();
    if (errorOut) errorOut->clear();
    return true;
}

bool MainWindow::saveRunTo(const QString &path, QString *errorOut)
{
    QString error;
    const RunRecord *run = current();
    const bool ok =
        run ? run->saveTo(path, &error) : (error = tr("nothing to save yet: run a scenario first"), false);
    if (ok) {
        m_status->setText(
            tr("Saved the run to %1").arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
        addRecent(path);
    } else {
        m_status->setText(tr("Could not save the run to %1: %2").arg(QDir::toNativeSeparators(path), error));
    }
    if (errorOut) *errorOut = error;
    return ok;
}

void MainWindow::openInteractive()
{
    if (isRunning()) return;
    QFileDialog dialog(this, tr("Open a run or a trace"), fileDialogDir(),
                       tr("Runs and traces (*.raceway *.json *.json.gz);;Raceway runs (*.raceway);;"
                          "Chrome traces (*.json *.json.gz);;All files (*)"));
    dialog.setObjectName(QStringLiteral("openDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptOpen);
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    if (m_fileDialogHook) m_fileDialogHook(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    const QString path = dialog.selectedFiles().constFirst();
    QSettings().setValue(QStringLiteral("runDir"), QFileInfo(path).absolutePath());
    QString error;
    if (!openFile(path, &error))
        QMessageBox::warning(this, tr("Cannot open"), tr("Could not open %1:\n%2").arg(path, error));
}

void MainWindow::saveRunInteractive()
{
    const RunRecord *run = current();
    QString why;
    if (!run) return;
    if (!run->canSave(&why)) {
        QMessageBox::information(this, tr("Cannot save this run"), why);
        return;
    }
    QString name = run->exportName(QStringLiteral("raceway"));
    if (!run->sourcePath().isEmpty()) name = QFileInfo(run->sourcePath()).fileName();
    QFileDialog dialog(this, tr("Save run"), QDir(fileDialogDir()).filePath(name),
                       tr("Raceway runs (*.raceway)"));
    dialog.setObjectName(QStringLiteral("saveDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    dialog.setDefaultSuffix(QStringLiteral("raceway"));
    if (m_fileDialogHook) m_fileDialogHook(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    const QString path = dialog.selectedFiles().constFirst();
    QSettings().setValue(QStringLiteral("runDir"), QFileInfo(path).absolutePath());
    QString error;
    if (!saveRunTo(path, &error))
        QMessageBox::warning(this, tr("Save failed"), tr("Could not write %1:\n%2").arg(path, error));
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(recentKey()).toStringList();
}

void MainWindow::addRecent(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = recentFiles();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > maxRecent)
        list.removeLast();
    QSettings().setValue(recentKey(), list);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList list = recentFiles();
    int n = 0;
    for (const QString &path : list) {
        ++n;
        const QFileInfo info(path);
        QAction *a = m_recentMenu->addAction((n < 10 ? QStringLiteral("&%1  ").arg(n) : QString()) +
                                             info.fileName().replace(QLatin1Char('&'), QStringLiteral("&&")));
        a->setToolTip(QDir::toNativeSeparators(path));
        a->setStatusTip(QDir::toNativeSeparators(path));
        a->setEnabled(info.isFile()); // moved or deleted since: shown, but not offered
        connect(a, &QAction::triggered, this, [this, path] {
            QString error;
            if (!openFile(path, &error))
                QMessageBox::warning(this, tr("Cannot open"), tr("Could not open %1:\n%2").arg(path, error));
        });
    }
    if (list.isEmpty()) m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear =
        m_recentMenu->addAction(tr("&Clear Menu"), this, [] { QSettings().remove(recentKey()); });
    clear->setEnabled(!list.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFile(event->mimeData()).isEmpty() && !isRunning()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = droppedFile(event->mimeData());
    if (path.isEmpty()) return;
    event->acceptProposedAction();
    // Opened once the drop is over, so the source application is not kept waiting on a large file. A
    // Python script dropped on the window is traced.
    const bool script = path.endsWith(QLatin1String(".py"), Qt::CaseInsensitive) ||
                        path.endsWith(QLatin1String(".pyw"), Qt::CaseInsensitive);
    QMetaObject::invokeMethod(
        this,
        [this, path, script] {
            QString error;
            if (script ? !traceScript(path, &error) : !openFile(path, &error))
                QMessageBox::warning(
                    this, script ? tr("Cannot trace") : tr("Cannot open"),
                    (script ? tr("Could not trace %1:\n%2") : tr("Could not open %1:\n%2")).arg(path, error));
        },
        Qt::QueuedConnection);
}

} // namespace raceway
