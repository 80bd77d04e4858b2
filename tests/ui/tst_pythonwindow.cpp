// Python scripts in the window: the examples listed beside the built-in scenarios, File > Trace Python
// Script, what a script prints shown as it prints it (and counted exactly when it prints too much to
// show), Stop and the time limit ending the script with everything it started, bad scripts and bad
// settings refused with one line (the interpreter and runs compared: tst_pythonruns).

#include "pythonwindowtest.h"

using namespace raceway;

class TestPythonWindow : public PythonWindowTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void argumentsSplitAsAShellWould();
    void examplesAreListedBesideTheScenarios();
    void exampleRunsAndItsOutputIsShown();
    void stderrAndExitStatusAreShown();
    void syntaxErrorShowsTheTraceback();
    void stopKillsTheScriptAndEverythingItStarted();
    void timeLimitEndsTheScript();
    void megabytesOfOutputAreCountedNotKept();
    void traceDialogAddsTheScriptToTheList();
    void badScriptsAndSettingsAreRefused();
};

void TestPythonWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
    QVERIFY(m_dir.isValid());
    QString error;
    if (py::findPython({}, &error).isEmpty()) QSKIP(qPrintable(error));
}

void TestPythonWindow::init()
{
    QSettings().clear();
}

void TestPythonWindow::argumentsSplitAsAShellWould()
{
    QString error;
    const auto list = [](std::initializer_list<const char *> items) {
        QStringList out;
        for (const char *item : items)
            out << QString::fromUtf8(item);
        return out;
    };
    const auto split = [&](const QString &line) {
        return py::splitArguments(line, &error).value_or(list({"<error>"}));
    };
    QCOMPARE(split(QString()), QStringList());
    QCOMPARE(split(QStringLiteral("  a  b\tc ")), (list({"a", "b", "c"})));
    QCOMPARE(split(QStringLiteral("'two words' \"it's\" x\\ y")), (list({"two words", "it's", "x y"})));
    QCOMPARE(split(QStringLiteral("'' \"\"")), (list({"", ""})));
    QCOMPARE(split(QStringLiteral("\"a \\\"b\\\" \\n\" 'no \\ escape'")),
             (list({"a \"b\" \\n", "no \\ escape"})));
    QCOMPARE(split(QStringLiteral("ab'cd'\"ef\"")), (list({"abcdef"})));
    for (const char *bad : {"'open", "\"open", "end\\"}) {
        error.clear();
        QVERIFY(!py::splitArguments(QString::fromLatin1(bad), &error));
        QVERIFY2(!error.isEmpty(), bad);
    }
}

void TestPythonWindow::examplesAreListedBesideTheScenarios()
{
    MainWindow w;
    const QStringList examples = py::exampleScripts();
    QVERIFY2(examples.size() >= 12, qPrintable(examples.join(QLatin1Char(','))));
    int headings = 0, listed = 0;
    for (int i = 0; i < w.scenarioList()->count(); ++i) {
        const QListWidgetItem *item = w.scenarioList()->item(i);
        if (item->flags() == Qt::NoItemFlags) ++headings;
        if (item->data(Qt::UserRole).toString().startsWith(QLatin1String("python:"))) ++listed;
    }
    QCOMPARE(headings, 1); // "Python examples"; "Your scripts" only once there are some
    QCOMPARE(listed, int(examples.size()));
    // Picking one shows its docstring and the script's form; a script has no lock to flip.
    const QString gil = QDir(py::examplesDirectory()).filePath(QStringLiteral("gil_pair.py"));
    QVERIFY(w.selectScenario(QStringLiteral("python:") + gil));
    QCOMPARE(w.currentScript(), gil);
    QVERIFY(w.pythonForm()->isVisibleTo(&w) || !w.isVisible());
    QCOMPARE(w.pythonForm()->script(), gil);
    QVERIFY(!py::scriptSummary(gil).isEmpty());
    QVERIFY(py::scriptSummary(gil).startsWith(QStringLiteral("Two threads do CPU-bound work")));
    QVERIFY(!w.action(QStringLiteral("lock"))->isEnabled());
    QVERIFY(w.action(QStringLiteral("run"))->isEnabled());
    QCOMPARE(w.currentScenario()->id(), QStringLiteral("python"));
    // Back to a built-in scenario: its form again.
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QVERIFY(w.currentScript().isEmpty());
    QVERIFY(w.action(QStringLiteral("lock"))->isEnabled());
}

void TestPythonWindow::exampleRunsAndItsOutputIsShown()
{
    MainWindow w;
    const QString path = QDir(py::examplesDirectory()).filePath(QStringLiteral("ping_pong.py"));
    QVERIFY(trace(w, path));
    QVERIFY2(w.current()->result().error.isEmpty(), qPrintable(w.current()->result().error));
    QCOMPARE(metric(w, QStringLiteral("exit_code")).toInt(), 0);
    // What it printed, in order, and as many lines as the tracer saw printed and the lanes mark.
    const QString text = w.output()->text();
    QVERIFY2(text.contains(QStringLiteral("Ping\nPong\nPing\nPong")), qPrintable(text));
    const int pings = int(text.count(QStringLiteral("Ping\n"))),
              pongs = int(text.count(QStringLiteral("Pong\n")));
    QCOMPARE(pings, 5);
    QCOMPARE(pongs, 5);
    QCOMPARE(metric(w, QStringLiteral("printed_lines")).toInt(), pings + pongs);
    int marks = 0;
    for (const Lane &lane : w.current()->trace().lanes())
        for (std::size_t i = 0; i < lane.instants.size(); ++i)
            marks += lane.instants[i].markKind() == MarkKind::Print ? 1 : 0;
    QCOMPARE(marks, pings + pongs);
    QVERIFY(w.output()->stderrText().isEmpty());
    QCOMPARE(w.output()->bytesShown(), std::uint64_t(50)); // "Ping\n" and "Pong\n", five times each
    QVERIFY2(text.contains(QStringLiteral("exited normally (status 0)")), qPrintable(text));
    QVERIFY(w.outputDock()->isVisibleTo(&w));
    // One lane per Python thread, named as the script named them.
    QStringList names;
    for (const Lane &lane : w.current()->trace().lanes())
        if (lane.kind == LaneKind::Thread) names << lane.name;
    QVERIFY2(names.contains(QStringLiteral("ping")) && names.contains(QStringLiteral("pong")) &&
                 names.contains(QStringLiteral("MainThread")),
             qPrintable(names.join(QLatin1Char(','))));
    QVERIFY(w.current()->title().contains(QStringLiteral("ping_pong.py")));
    QVERIFY(w.current()->exportName(QStringLiteral("png")).startsWith(QStringLiteral("python-ping_pong-")));
    // The panel belongs to Python runs: a built-in scenario's run puts it away (the timeline gets the
    // room), and a restart does not bring it back empty.
    w.show();
    QVERIFY(w.outputDock()->isVisible());
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.startRun();
    QVERIFY(w.isRunning());
    QVERIFY(!w.outputDock()->isVisible());
    w.stopRun();
    QVERIFY(done.wait(60000));
    w.outputDock()->show();
    w.close();
    MainWindow again;
    again.show();
    QVERIFY(!again.outputDock()->isVisible());
}

void TestPythonWindow::stderrAndExitStatusAreShown()
{
    MainWindow w;
    const QString path = script(QStringLiteral("fails.py"), "import sys\n"
                                                            "print('to stdout')\n"
                                                            "sys.stderr.write('to stderr\\n')\n"
                                                            "sys.exit(3)\n");
    QVERIFY(trace(w, path));
    QCOMPARE(w.output()->stderrText(), QStringLiteral("to stderr\n"));
    QVERIFY(w.output()->text().contains(QStringLiteral("to stdout\n")));
    QVERIFY2(w.output()->text().contains(QStringLiteral("exited with status 3")),
             qPrintable(w.output()->text()));
    QCOMPARE(metric(w, QStringLiteral("exit_code")).toInt(), 3);
    QVERIFY2(w.current()->note().contains(QStringLiteral("status 3")), qPrintable(w.current()->note()));
    // The arguments and the folder it runs in come from the form.
    const QString args =
        script(QStringLiteral("args.py"), "import os, sys\nprint(sys.argv[1:])\nprint(os.getcwd())\n");
    QVERIFY(w.selectScenario(QStringLiteral("python:") + args) || w.traceScript(args));
    QSignalSpy done(&w, &MainWindow::runFinished);
    if (w.isRunning()) QVERIFY(done.wait(120000));
    QTemporaryDir elsewhere;
    w.pythonForm()->argumentsEdit()->setText(QStringLiteral("one 'two words' three"));
    w.pythonForm()->workingDirEdit()->setText(elsewhere.path());
    QString error;
    QVERIFY2(w.beginRun(&error), qPrintable(error));
    QVERIFY(done.wait(120000));
    QVERIFY2(
        w.output()->text().contains(QStringLiteral("['one', 'two words', 'three']\n") + elsewhere.path()),
        qPrintable(w.output()->text()));
}

void TestPythonWindow::syntaxErrorShowsTheTraceback()
{
    MainWindow w;
    const QString path = script(QStringLiteral("broken.py"), "def f(:\n    pass\n");
    QVERIFY(trace(w, path));
    QVERIFY2(w.output()->stderrText().contains(QStringLiteral("SyntaxError")),
             qPrintable(w.output()->stderrText()));
    QCOMPARE(metric(w, QStringLiteral("exit_code")).toInt(), 1);
    QVERIFY(w.output()->text().contains(QStringLiteral("exited with status 1")));
}

void TestPythonWindow::stopKillsTheScriptAndEverythingItStarted()
{
    MainWindow w;
    const QString path =
        script(QStringLiteral("forever.py"),
               "import subprocess, sys, threading, time\n"
               "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
               "threading.Thread(target=time.sleep, args=(600,), name='sleeper').start()\n"
               "print('child', child.pid, flush=True)\n"
               "while True:\n"
               "    time.sleep(0.01)\n");
    QSignalSpy done(&w, &MainWindow::runFinished);
    QString error;
    QVERIFY2(w.traceScript(path, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(w.output()->text().contains(QStringLiteral("child ")), 60000);
    const QString text = w.output()->text();
    const qsizetype at = text.indexOf(QStringLiteral("child ")) + 6;
    const pid_t child = pid_t(text.mid(at, text.indexOf(QLatin1Char('\n'), at) - at).toInt());
    QVERIFY(child > 0);
    QVERIFY(alive(child));
    QVERIFY(w.action(QStringLiteral("stop"))->isEnabled());
    w.action(QStringLiteral("stop"))->trigger();
    QVERIFY(done.wait(30000));
    QVERIFY(!w.isRunning());
    QVERIFY(w.current()->result().cancelled);
    QTRY_VERIFY_WITH_TIMEOUT(!alive(child), 10000);
    QVERIFY2(w.output()->text().contains(QStringLiteral("stopped")), qPrintable(w.output()->text()));
}

void TestPythonWindow::timeLimitEndsTheScript()
{
    MainWindow w;
    const QString path =
        script(QStringLiteral("slow.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
    QVERIFY(w.traceScript(path)); // listed, with its form; this first run is stopped at once
    w.stopRun();
    QSignalSpy done(&w, &MainWindow::runFinished);
    if (w.isRunning()) QVERIFY(done.wait(30000));
    w.pythonForm()->timeoutEdit()->setValue(1);
    QString error;
    QVERIFY2(w.beginRun(&error), qPrintable(error));
    QVERIFY(done.wait(60000));
    QVERIFY2(w.current()->note().contains(QStringLiteral("timeout")), qPrintable(w.current()->note()));
    QVERIFY2(w.output()->text().contains(QStringLiteral("timeout")), qPrintable(w.output()->text()));
    QVERIFY(w.current()->result().wallMs < 60000);
    // Remembered for this script.
    MainWindow again;
    QVERIFY(again.selectScenario(QStringLiteral("python:") + QFileInfo(path).absoluteFilePath()));
    QCOMPARE(again.pythonForm()->timeoutEdit()->value(), 1);
}

void TestPythonWindow::megabytesOfOutputAreCountedNotKept()
{
    MainWindow w;
    // 20 MB as fast as the interpreter can write it, on both streams.
    const QString path = script(QStringLiteral("loud.py"), "import sys\n"
                                                           "line = 'x' * 999 + '\\n'\n"
                                                           "for i in range(20000):\n"
                                                           "    sys.stdout.write(line)\n"
                                                           "sys.stderr.write('e' * 100000)\n");
    QVERIFY(trace(w, path));
    QCOMPARE(metric(w, QStringLiteral("exit_code")).toInt(), 0);
    const QString text = w.output()->text();
    QVERIFY(w.output()->view()->document()->blockCount() <= OutputPanel::maxLines);
    // The 100,000-byte stderr line shows its first 4 KiB, and says how much of it was left out.
    for (const QString &shown : text.split(QLatin1Char('\n')))
        QVERIFY2(shown.size() <= OutputPanel::maxLineBytes + 60, qPrintable(shown.right(80)));
    // (All of it may have come faster than it could be shown: then none of it is there.)
    QVERIFY(w.output()->stderrText().size() <= OutputPanel::maxLineBytes);
    QVERIFY(w.output()->stderrText() == QString(w.output()->stderrText().size(), QLatin1Char('e')));
    if (!w.output()->stderrText().isEmpty())
        QVERIFY2(text.contains(QStringLiteral(" bytes of this line left out")), qPrintable(text.right(300)));
    // Shown plus left out is what was printed, to the byte.
    std::uint64_t leftOut = 0;
    for (qsizetype at = 0; (at = text.indexOf(QStringLiteral("[… "), at)) >= 0; ++at) {
        QString number = text.mid(at + 3, text.indexOf(QLatin1Char(' '), at + 3) - at - 3);
        number.remove(QLocale().groupSeparator());
        leftOut += number.toULongLong();
    }
    const std::uint64_t printed = 20000 * 1000 + 100000;
    QVERIFY2(text.contains(QLocale().toString(qulonglong(printed))), qPrintable(text.right(300)));
    // Everything counted: what reached the panel plus what it said it left out (a panel that keeps
    // only its newest lines drops lines itself, but those were shown).
    QCOMPARE(w.output()->bytesShown() + leftOut, printed);
}

void TestPythonWindow::traceDialogAddsTheScriptToTheList()
{
    const QString path = script(QStringLiteral("mine.py"), "\"\"\"My own script.\"\"\"\nprint('hello')\n");
    {
        MainWindow w;
        QSignalSpy done(&w, &MainWindow::runFinished);
        QString named;
        w.setFileDialogHook([&](QFileDialog &dialog) {
            named = dialog.objectName();
            dialog.selectFile(path);
            QTimer::singleShot(0, &dialog, [&dialog] { QMetaObject::invokeMethod(&dialog, "accept"); });
        });
        w.traceScriptInteractive();
        QCOMPARE(named, QStringLiteral("traceDialog"));
        QVERIFY(done.wait(120000));
        QCOMPARE(w.currentScript(), QFileInfo(path).absoluteFilePath());
        QVERIFY(w.output()->text().contains(QStringLiteral("hello\n")));
    }
    // Listed under "Your scripts" from now on, its docstring as its tooltip.
    MainWindow w;
    bool headed = false, listed = false;
    for (int i = 0; i < w.scenarioList()->count(); ++i) {
        const QListWidgetItem *item = w.scenarioList()->item(i);
        headed = headed || item->text() == QStringLiteral("Your scripts");
        if (item->data(Qt::UserRole).toString() ==
            QStringLiteral("python:") + QFileInfo(path).absoluteFilePath()) {
            listed = headed;
            QVERIFY(item->toolTip().contains(QStringLiteral("My own script.")));
        }
    }
    QVERIFY(listed);
}

void TestPythonWindow::badScriptsAndSettingsAreRefused()
{
    MainWindow w;
    const int before = w.history()->size();
    QString error;
    QVERIFY(!w.traceScript(m_dir.filePath(QStringLiteral("missing.py")), &error));
    QVERIFY2(error.startsWith(QStringLiteral("no such script")), qPrintable(error));
    const QString binary = script(QStringLiteral("binary.py"), QByteArray("\x7f"
                                                                          "ELF\0\0\0",
                                                                          7));
    QVERIFY(!w.traceScript(binary, &error));
    QVERIFY2(error.contains(QStringLiteral("not a Python script")), qPrintable(error));
    QVERIFY(w.statusText().contains(QStringLiteral("not a Python script")));

    const QString fine = script(QStringLiteral("fine.py"), "print('fine')\n");
    QVERIFY(trace(w, fine));
    const int after = w.history()->size();
    w.pythonForm()->argumentsEdit()->setText(QStringLiteral("'unclosed"));
    QVERIFY(!w.beginRun(&error));
    QVERIFY2(error.contains(QStringLiteral("cannot be split")), qPrintable(error));
    w.pythonForm()->argumentsEdit()->clear();
    w.pythonForm()->workingDirEdit()->setText(m_dir.filePath(QStringLiteral("no-such-folder")));
    QVERIFY(!w.beginRun(&error));
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
    w.pythonForm()->workingDirEdit()->clear();
    QSettings().setValue(QStringLiteral("python/interpreter"), m_dir.filePath(QStringLiteral("no-python")));
    QVERIFY(!w.beginRun(&error));
    QVERIFY2(error.contains(QStringLiteral("Preferences")), qPrintable(error));
    QVERIFY(!w.isRunning());
    QCOMPARE(w.history()->size(), after); // nothing was started
    QVERIFY(after == before + 1);
    QSettings().remove(QStringLiteral("python/interpreter"));
    QVERIFY2(w.beginRun(&error), qPrintable(error));
    QSignalSpy done(&w, &MainWindow::runFinished);
    QVERIFY(done.wait(120000));
}

QTEST_MAIN(TestPythonWindow)
#include "tst_pythonwindow.moc"
