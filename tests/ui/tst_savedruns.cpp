// Saved runs in the window: File > Save Run writes what `raceway show` reads, File > Open (and Open
// Recent, and drops) bring a run back exactly as it was, to be compared with new runs; other tools'
// traces open too; bad files and full disks are refused without losing anything.

#include "mainwindow.h"
#include "paramform.h"
#include "registry.h"
#include "timelineview.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <sys/mount.h>

using namespace raceway;

class TestSavedRuns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void savedRunReopensAsItWas();
    void reopenedRunIsComparedWithANewOne();
    void saveDialogWritesTheFile();
    void runStillGoingCannotBeSaved();
    void badFilesAreRefusedAndNothingChanges();
    void fullDiskLeavesNothingBehind();
    void chromeTraceOpensWithoutAScenario();
    void racewaysOwnTraceOpensAsItsRun();
    void droppedFileOpens();
    void recentFilesOfferWhatWasOpenedAndSaved();
    void runFilesGoWithTheirRuns();

private:
    static void setQuick(MainWindow &w, int iterations = 3000)
    {
        ParamValues v = w.form()->values();
        v.set(QStringLiteral("iterations"), qlonglong(iterations));
        v.set(QStringLiteral("window_ns"), qlonglong(0));
        v.set(QStringLiteral("pace_us"), qlonglong(0));
        w.form()->setValues(v);
    }
    static bool runToEnd(MainWindow &w)
    {
        QSignalSpy done(&w, &MainWindow::runFinished);
        w.startRun();
        return w.isRunning() && done.wait(60000) && !w.isRunning();
    }
    // `raceway show FILE --json`, parsed.
    static QJsonObject show(const QString &path)
    {
        QProcess p;
        p.start(QStringLiteral(RACEWAY_BINARY), {QStringLiteral("show"), path, QStringLiteral("--json")});
        if (!p.waitForFinished(60000) || p.exitCode() != 0) return {};
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }
    static QStringList asText(const ParamValues &v)
    {
        QStringList out;
        for (const ParamSpec &spec : Registry::builtin().find(QStringLiteral("counter"))->params())
            out << spec.name + QLatin1Char('=') + spec.formatValue(v.value(spec.name));
        return out;
    }
    // The window's run files: open descriptors on files in the temporary folder (they have no names).
    QStringList spoolFiles() const
    {
        QStringList out;
        const QDir fds(QStringLiteral("/proc/self/fd"));
        for (const QString &fd : fds.entryList(QDir::System | QDir::Files | QDir::NoDotAndDotDot)) {
            const QString target = QFileInfo(fds.filePath(fd)).symLinkTarget();
            if (target.startsWith(m_spoolDir.path() + QLatin1Char('/'))) out << target;
        }
        return out;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_spoolDir; // the window's run files go here (TMPDIR), so they can be counted
};

void TestSavedRuns::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
    QVERIFY(m_dir.isValid() && m_spoolDir.isValid());
    qputenv("TMPDIR", QFile::encodeName(m_spoolDir.path()));
    QCOMPARE(QDir::tempPath(), m_spoolDir.path());
}

void TestSavedRuns::init()
{
    QSettings().clear();
}

void TestSavedRuns::savedRunReopensAsItWas()
{
    const QString path = m_dir.filePath(QStringLiteral("race.raceway"));
    QJsonObject metricsThen;
    QImage pictureThen;
    QString titleThen;
    std::uint64_t eventsThen = 0;
    ParamValues paramsThen;
    {
        MainWindow w;
        w.resize(1280, 800);
        QVERIFY(w.selectScenario(QStringLiteral("counter")));
        setQuick(w, 20000);
        QVERIFY(runToEnd(w));
        QVERIFY(w.action(QStringLiteral("save"))->isEnabled());
        QString error;
        QVERIFY2(w.saveRunTo(path, &error), qPrintable(error));
        QVERIFY(w.statusText().contains(QStringLiteral("Saved the run")));
        const RunRecord *run = w.current();
        for (const Metric &m : run->result().metrics)
            metricsThen[m.key] = QJsonValue::fromVariant(m.value);
        pictureThen = w.view()->renderImage();
        titleThen = run->title();
        eventsThen = run->trace().eventCount();
        paramsThen = run->params();
        QVERIFY(eventsThen > 0);
    }
    // Nothing but the file beside it: no temporary left.
    QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("race.raceway")});

    // The command line reads the same run, with the same numbers.
    const QJsonObject shown = show(path);
    QCOMPARE(shown.value(QStringLiteral("scenario")).toString(), QStringLiteral("counter"));
    QCOMPARE(shown.value(QStringLiteral("metrics")).toObject(), metricsThen);
    QCOMPARE(qulonglong(shown.value(QStringLiteral("events")).toInteger()), qulonglong(eventsThen));

    // A new window opens it: the scenario and its parameters, the numbers, the title and every pixel.
    MainWindow w;
    w.resize(1280, 800);
    QVERIFY(w.selectScenario(QStringLiteral("gil"))); // elsewhere: opening goes back to the run's scenario
    QString error;
    QVERIFY2(w.openFile(path, &error), qPrintable(error));
    const RunRecord *run = w.current();
    QVERIFY(run && run->finished() && !run->runner());
    QCOMPARE(run->scenario()->id(), QStringLiteral("counter"));
    QCOMPARE(w.currentScenario()->id(), QStringLiteral("counter"));
    QCOMPARE(asText(w.form()->values()), asText(paramsThen)); // F5 runs it again as it was
    QCOMPARE(run->params().integer(QStringLiteral("iterations")), 20000);
    QJsonObject metricsNow;
    for (const Metric &m : run->result().metrics)
        metricsNow[m.key] = QJsonValue::fromVariant(m.value);
    QCOMPARE(metricsNow, metricsThen);
    QCOMPARE(run->title(), titleThen);
    QCOMPARE(run->trace().eventCount(), eventsThen);
    const QImage pictureNow = w.view()->renderImage();
    QCOMPARE(pictureNow.size(), pictureThen.size());
    QVERIFY(pictureNow == pictureThen);
    QVERIFY2(
        w.statusText().contains(QStringLiteral("Opened")) &&
            w.statusText().contains(QLocale().toString(qulonglong(eventsThen)) + QStringLiteral(" events")),
        qPrintable(w.statusText()));
    QCOMPARE(w.windowTitle(), QStringLiteral("race.raceway — Raceway"));
    // A reopened run can be saved again, to another place, byte for byte.
    const QString copy = m_dir.filePath(QStringLiteral("copy.raceway"));
    QVERIFY2(w.saveRunTo(copy, &error), qPrintable(error));
    QFile a(path), b(copy);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.readAll() == b.readAll());
    QFile::remove(copy);
}

void TestSavedRuns::reopenedRunIsComparedWithANewOne()
{
    const QString path = m_dir.filePath(QStringLiteral("lock-off.raceway"));
    {
        MainWindow w;
        QVERIFY(w.selectScenario(QStringLiteral("counter")));
        setQuick(w);
        QVERIFY(runToEnd(w));
        QVERIFY(w.saveRunTo(path));
    }
    MainWindow w;
    QVERIFY(w.openFile(path));
    const int opened = w.current()->number();
    QVERIFY(!w.compared()); // nothing earlier of its scenario in this window
    w.form()->lockAction()->setChecked(true);
    QVERIFY(runToEnd(w));
    QVERIFY(w.compared());
    QCOMPARE(w.compared()->number(), opened);
    QCOMPARE(w.compared()->sourcePath(), path);
    QCOMPARE(w.current()->differenceFrom(*w.compared()), QStringLiteral("Lock on"));
    // The opened run is stacked above the new one on the view.
    QVERIFY(w.previousRunner() == nullptr && w.runner() != nullptr);
    QFile::remove(path);
}

void TestSavedRuns::saveDialogWritesTheFile()
{
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("semaphore")));
    setQuick(w, 50);
    QVERIFY(runToEnd(w));
    const QString path = m_dir.filePath(QStringLiteral("from-dialog.raceway"));
    QString offered;
    w.setFileDialogHook([&](QFileDialog &dialog) {
        offered = QFileInfo(dialog.selectedFiles().value(0)).fileName();
        dialog.selectFile(path);
        QTimer::singleShot(0, &dialog, [&dialog] { QMetaObject::invokeMethod(&dialog, "accept"); });
    });
    w.action(QStringLiteral("save"))->trigger();
    QVERIFY2(offered.startsWith(QStringLiteral("semaphore-")) && offered.endsWith(QStringLiteral(".raceway")),
             qPrintable(offered));
    QVERIFY(QFileInfo(path).size() > 24);
    QCOMPARE(show(path).value(QStringLiteral("scenario")).toString(), QStringLiteral("semaphore"));
    QFile::remove(path);
}

void TestSavedRuns::runStillGoingCannotBeSaved()
{
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    setQuick(w, 100'000'000);
    w.startRun();
    QVERIFY(w.isRunning());
    QString why;
    QVERIFY(!w.current()->canSave(&why));
    QVERIFY(why.contains(QStringLiteral("still going")));
    QVERIFY(!w.action(QStringLiteral("save"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("open"))->isEnabled());
    QString error;
    QVERIFY(!w.saveRunTo(m_dir.filePath(QStringLiteral("never.raceway")), &error));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.raceway"))));
    QVERIFY(!w.openFile(m_dir.filePath(QStringLiteral("whatever.raceway")), &error));
    QVERIFY(error.contains(QStringLiteral("stop it first")));
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.stopRun();
    QVERIFY(done.wait(30000));
    // A stopped run is still a run: it can be saved and says it was stopped when reopened.
    const QString path = m_dir.filePath(QStringLiteral("stopped.raceway"));
    QVERIFY2(w.saveRunTo(path, &error), qPrintable(error));
    MainWindow again;
    QVERIFY(again.openFile(path));
    QVERIFY(again.current()->result().cancelled);
    QVERIFY(again.current()->note().contains(QStringLiteral("stopped early")));
    QFile::remove(path);
}

void TestSavedRuns::badFilesAreRefusedAndNothingChanges()
{
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    setQuick(w);
    QVERIFY(runToEnd(w));
    const QString good = m_dir.filePath(QStringLiteral("good.raceway"));
    QVERIFY(w.saveRunTo(good));
    QFile in(good);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray bytes = in.readAll();
    const RunRecord *before = w.current();
    const int runs = w.history()->size();

    struct Bad
    {
        QString name;
        QByteArray content;
        QString says;
    };
    const QList<Bad> bad = {
        {QStringLiteral("cut.raceway"), bytes.left(bytes.size() / 2), QStringLiteral("byte")},
        {QStringLiteral("magic.raceway"), QByteArray("NOTARACE") + bytes.mid(8), QStringLiteral("magic")},
        {QStringLiteral("notes.txt"), QByteArray("just some words\n"), QStringLiteral("neither")},
        {QStringLiteral("broken.json"), QByteArray("{\"traceEvents\": [{\"ph\": \"X\", "),
         QStringLiteral("")},
    };
    for (const Bad &b : bad) {
        const QString path = m_dir.filePath(b.name);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(b.content) == b.content.size());
        out.close();
        QString error;
        QVERIFY2(!w.openFile(path, &error), qPrintable(b.name));
        QVERIFY2(!error.isEmpty() && !error.contains(QLatin1Char('\n')), qPrintable(error));
        QVERIFY2(error.contains(b.says), qPrintable(b.name + QStringLiteral(": ") + error));
        QVERIFY2(w.statusText().contains(QStringLiteral("Could not open")), qPrintable(w.statusText()));
        QCOMPARE(w.current(), before); // what was shown stays
        QCOMPARE(w.history()->size(), runs);
        QFile::remove(path);
    }
    QString error;
    QVERIFY(!w.openFile(m_dir.path(), &error));
    QVERIFY(error.contains(QStringLiteral("directory")));
    QVERIFY(!w.openFile(m_dir.filePath(QStringLiteral("missing.raceway")), &error));
    QVERIFY(!error.isEmpty());
    QFile::remove(good);
}

void TestSavedRuns::fullDiskLeavesNothingBehind()
{
    // A 64 KiB file system of our own, filled up to its last 8 KiB; the run's file is larger.
    const QString small = m_dir.filePath(QStringLiteral("small"));
    QVERIFY(QDir().mkpath(small));
    if (::mount("tmpfs", QFile::encodeName(small).constData(), "tmpfs", 0, "size=64k") != 0)
        QSKIP("mounting a small tmpfs needs root");
    QFile filler(small + QStringLiteral("/filler"));
    const bool filled = filler.open(QIODevice::WriteOnly) &&
                        filler.write(QByteArray(56 * 1024, 'x')) == 56 * 1024 && filler.flush();
    filler.close();
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    // With the lock on every increment records its waits and holds: the file is large however the
    // threads were scheduled (lock off, its size followed the lost updates, and a busy machine once
    // made it fit in the 8 KiB left).
    setQuick(w, 50000);
    ParamValues locked = w.form()->values();
    locked.set(QStringLiteral("lock"), true);
    w.form()->setValues(locked);
    const bool ran = runToEnd(w);
    const QString target = small + QStringLiteral("/run.raceway");
    QString error;
    const bool saved = w.saveRunTo(target, &error);
    const QString status = w.statusText();
    const QStringList left = QDir(small).entryList(QDir::Files | QDir::Hidden | QDir::System);
    ::umount(QFile::encodeName(small).constData());
    QVERIFY(filled && ran);
    QVERIFY(!saved);
    QVERIFY2(error.contains(QStringLiteral("No space left on device")), qPrintable(error));
    QVERIFY2(status.contains(QStringLiteral("Could not save")), qPrintable(status));
    QCOMPARE(left, QStringList{QStringLiteral("filler")}); // nothing half-written, no temporary file
    // The run is still there to save somewhere else.
    const QString elsewhere = m_dir.filePath(QStringLiteral("elsewhere.raceway"));
    QVERIFY2(w.saveRunTo(elsewhere, &error), qPrintable(error));
    QVERIFY(QFileInfo(elsewhere).size() > 64 * 1024); // it could never have fitted
    QFile::remove(elsewhere);
}

void TestSavedRuns::chromeTraceOpensWithoutAScenario()
{
    MainWindow w;
    const QString path = QStringLiteral(RACEWAY_TEST_DATA "/chrome/two-processes.json");
    QString error;
    QVERIFY2(w.openFile(path, &error), qPrintable(error));
    const RunRecord *run = w.current();
    QVERIFY(run && !run->scenario());
    QVERIFY(run->trace().lanes().size() >= 2);
    QVERIFY2(!w.statusText().contains(QStringLiteral(" 0 events")), qPrintable(w.statusText()));
    QVERIFY2(run->title().startsWith(QStringLiteral("two-processes.json: ")), qPrintable(run->title()));
    QCOMPARE(run->exportName(QStringLiteral("png")), QStringLiteral("two-processes.png"));
    QString why;
    QVERIFY(!run->canSave(&why));
    QVERIFY(why.contains(QStringLiteral("another tool")));
    QVERIFY(!w.action(QStringLiteral("save"))->isEnabled());
    QVERIFY(w.action(QStringLiteral("exportPng"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("compare"))->isEnabled());
    // It draws: the view has lanes for it.
    QCOMPARE(w.view()->renderImage().isNull(), false);
    // A new run afterwards is not compared with it.
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    setQuick(w);
    QVERIFY(runToEnd(w));
    QVERIFY(!w.compared());
}

void TestSavedRuns::racewaysOwnTraceOpensAsItsRun()
{
    // `raceway run --trace` carries the run's report: the window opens it as that run (scenario,
    // parameters, numbers), but will not save it as a run (its events are not all in it).
    const QString path = m_dir.filePath(QStringLiteral("own.json"));
    QProcess p;
    p.start(QStringLiteral(RACEWAY_BINARY),
            {QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("iterations=3000"),
             QStringLiteral("--trace"), path, QStringLiteral("--json")});
    QVERIFY(p.waitForFinished(60000) && p.exitCode() == 0);
    const QJsonObject ran = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("gil")));
    QString error;
    QVERIFY2(w.openFile(path, &error), qPrintable(error));
    const RunRecord *run = w.current();
    QVERIFY(run && run->scenario());
    QCOMPARE(run->scenario()->id(), QStringLiteral("counter"));
    QCOMPARE(w.currentScenario()->id(), QStringLiteral("counter"));
    QCOMPARE(w.form()->values().integer(QStringLiteral("iterations")), 3000);
    QJsonObject metrics;
    for (const Metric &m : run->result().metrics)
        metrics[m.key] = QJsonValue::fromVariant(m.value);
    QCOMPARE(metrics, ran.value(QStringLiteral("metrics")).toObject());
    QString why;
    QVERIFY(!run->canSave(&why));
    QVERIFY2(why.contains(QStringLiteral("Chrome trace keeps the picture")), qPrintable(why));
    QVERIFY(!w.action(QStringLiteral("save"))->isEnabled());
}

void TestSavedRuns::droppedFileOpens()
{
    const QString path = m_dir.filePath(QStringLiteral("dropped.raceway"));
    {
        MainWindow w;
        QVERIFY(w.selectScenario(QStringLiteral("counter")));
        setQuick(w);
        QVERIFY(runToEnd(w));
        QVERIFY(w.saveRunTo(path));
    }
    MainWindow w;
    w.show();
    QVERIFY(w.acceptDrops());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at = w.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    QTRY_VERIFY(w.current() != nullptr);
    QCOMPARE(w.current()->sourcePath(), path);
    // Something that is not a file is not taken.
    QMimeData text;
    text.setText(QStringLiteral("hello"));
    QDragEnterEvent refused(at, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QApplication::sendEvent(&w, &refused);
    QVERIFY(!refused.isAccepted());
    QFile::remove(path);
}

void TestSavedRuns::recentFilesOfferWhatWasOpenedAndSaved()
{
    const QString saved = m_dir.filePath(QStringLiteral("recent-a.raceway"));
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    setQuick(w);
    QVERIFY(runToEnd(w));
    QVERIFY(w.saveRunTo(saved));
    const QString chrome = QStringLiteral(RACEWAY_TEST_DATA "/chrome/nested-begin-end.json");
    QVERIFY(w.openFile(chrome));
    QCOMPARE(w.recentFiles(), (QStringList{QFileInfo(chrome).absoluteFilePath(), saved}));
    QVERIFY(w.openFile(saved)); // to the top again, not twice
    QCOMPARE(w.recentFiles(), (QStringList{saved, QFileInfo(chrome).absoluteFilePath()}));

    // The menu lists them newest first; a file gone since is shown but not offered; choosing one opens it.
    QFile::copy(saved, m_dir.filePath(QStringLiteral("gone.raceway")));
    QVERIFY(w.openFile(m_dir.filePath(QStringLiteral("gone.raceway"))));
    QFile::remove(m_dir.filePath(QStringLiteral("gone.raceway")));
    auto *menu = w.findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(menu);
    Q_EMIT menu->aboutToShow();
    const QList<QAction *> items = menu->actions();
    QVERIFY(items.size() >= 3);
    QVERIFY(items[0]->text().contains(QStringLiteral("gone.raceway")));
    QVERIFY(!items[0]->isEnabled());
    QVERIFY(items[1]->text().contains(QStringLiteral("recent-a.raceway")));
    QVERIFY(items[2]->text().contains(QStringLiteral("nested-begin-end.json")));
    items[2]->trigger();
    QCOMPARE(w.current()->sourcePath(), QFileInfo(chrome).absoluteFilePath());
    QFile::remove(saved);
}

void TestSavedRuns::runFilesGoWithTheirRuns()
{
    // Each run the window makes streams to its own file in the temporary folder, and that file goes
    // when the history lets the run go: at most as many files as runs kept, none after clearing.
    const Scenario *counter = Registry::builtin().find(QStringLiteral("counter"));
    ParamValues v = ParamValues::defaults(counter->params());
    v.set(QStringLiteral("iterations"), qlonglong(50));
    RunHistory history;
    const QStringList before = spoolFiles();
    for (int i = 0; i < RunHistory::maxRuns + 3; ++i) {
        RunRecord &r = history.begin(*counter, v);
        r.start();
        r.runner()->wait();
        history.notifyFinished();
        QString why;
        QVERIFY2(r.canSave(&why), qPrintable(why));
    }
    QCOMPARE(history.size(), RunHistory::maxRuns);
    QCOMPARE(spoolFiles().size() - before.size(), RunHistory::maxRuns);
    QCOMPARE(QDir(m_spoolDir.path()).entryList(QDir::Files), QStringList()); // nameless: nothing to clean up
    history.clear();
    QCOMPARE(spoolFiles(), before);
}

QTEST_MAIN(TestSavedRuns)
#include "tst_savedruns.moc"
