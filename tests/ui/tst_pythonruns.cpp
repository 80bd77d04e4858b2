// Python scripts in the window, run after run: Preferences checks the interpreter it is given, runs
// of one script are compared with each other only, the numbers a script asks to watch, an interpreter
// chosen per script (and whether it is free-threaded) compared.

#include "pythonwindowtest.h"

using namespace raceway;

class TestPythonRuns : public PythonWindowTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void preferencesCheckTheInterpreter();
    void runsOfOneScriptAreComparedOnlyWithEachOther();
    void watchedNumbersFromTheForm();
    void interpreterChosenPerScriptAndCompared();
};

void TestPythonRuns::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
    QVERIFY(m_dir.isValid());
    QString error;
    if (py::findPython({}, &error).isEmpty()) QSKIP(qPrintable(error));
}

void TestPythonRuns::init()
{
    QSettings().clear();
}

void TestPythonRuns::preferencesCheckTheInterpreter()
{
    MainWindow w;
    QString checkedBad, checkedGood;
    bool okWhenBad = true;
    w.setPreferencesHook([&](PreferencesDialog &dialog) {
        QVERIFY(dialog.checkText().startsWith(QStringLiteral("✓"))); // python3 on PATH
        dialog.interpreterEdit()->setText(m_dir.filePath(QStringLiteral("nothing-here")));
        QTRY_VERIFY(dialog.checkText().startsWith(QStringLiteral("✗")));
        checkedBad = dialog.checkText();
        dialog.accept(); // refused: the dialog stays open
        okWhenBad = dialog.result() == QDialog::Accepted;
        dialog.interpreterEdit()->setText(QStringLiteral("python3"));
        QTRY_VERIFY(dialog.checkText().startsWith(QStringLiteral("✓")));
        checkedGood = dialog.checkText();
        QTimer::singleShot(0, &dialog, &QDialog::accept);
    });
    w.preferences();
    QVERIFY2(checkedBad.contains(QStringLiteral("nothing-here")), qPrintable(checkedBad));
    QVERIFY(!okWhenBad);
    QVERIFY2(checkedGood.contains(QStringLiteral("Python 3.")), qPrintable(checkedGood));
    QCOMPARE(QSettings().value(QStringLiteral("python/interpreter")).toString(), QStringLiteral("python3"));
}

void TestPythonRuns::runsOfOneScriptAreComparedOnlyWithEachOther()
{
    MainWindow w;
    const QString a = script(QStringLiteral("a.py"), "print('a')\n");
    const QString b = script(QStringLiteral("b.py"), "print('b')\n");
    QVERIFY(trace(w, a));
    QVERIFY(w.compared() == nullptr);
    QVERIFY(trace(w, a));
    QVERIFY(w.compared() != nullptr);
    QCOMPARE(w.compared()->number(), w.current()->number() - 1);
    QVERIFY(trace(w, b));
    QVERIFY(w.compared() == nullptr); // another script: nothing to compare with
    QVERIFY(w.history()->comparable().empty());
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QVERIFY(trace(w, a));
    QCOMPARE(int(w.history()->comparable().size()), 2);
}

void TestPythonRuns::watchedNumbersFromTheForm()
{
    // The form's Watch field starts with what the script names itself (# raceway: watch ...), refuses what
    // cannot be watched before anything runs, and draws each name as a lane ending at its final value.
    MainWindow w;
    const QString path = script(QStringLiteral("named.py"), "# raceway: watch ticks 9bad\n"
                                                            "ticks = 0\n"
                                                            "for _ in range(7):\n"
                                                            "    ticks += 1\n");
    QVERIFY(trace(w, path));
    QCOMPARE(w.pythonForm()->watchEdit()->text(), QStringLiteral("ticks")); // 9bad is no name
    const Trace &trace = w.current()->trace();
    const auto lane = std::find_if(trace.lanes().begin(), trace.lanes().end(),
                                   [](const Lane &l) { return l.name == QLatin1String("ticks"); });
    QVERIFY(lane != trace.lanes().end());
    QCOMPARE(lane->kind, LaneKind::Value);
    QVERIFY(!lane->series.empty());
    QCOMPARE(lane->series.back().a, std::int64_t(7));
    const int runs = w.history()->size();
    w.pythonForm()->watchEdit()->setText(QStringLiteral("ticks 2x"));
    QString error;
    QVERIFY(!w.beginRun(&error));
    QVERIFY2(error.contains(QStringLiteral("'2x' cannot be watched")), qPrintable(error));
    QCOMPARE(w.history()->size(), runs);
    // What the user typed is remembered for the script, over what it names itself.
    w.pythonForm()->watchEdit()->setText(QStringLiteral("ticks other"));
    w.pythonForm()->save();
    MainWindow again;
    again.pythonForm()->setScript(path);
    QCOMPARE(again.pythonForm()->watchEdit()->text(), QStringLiteral("ticks other"));
}

void TestPythonRuns::interpreterChosenPerScriptAndCompared()
{
    // The script's form lists the interpreters found (asked in the background), each with its version
    // and build; the one chosen is what the script runs under, remembered for it, and its run is stacked
    // over the run under the other (the GIL build's and the free-threaded build's, side by side).
    QString free = qEnvironmentVariable("RACEWAY_FREE_THREADED_PYTHON");
    if (free.isEmpty()) // where scripts/get-free-threaded-python.sh puts it
        free = qEnvironmentVariable("XDG_CACHE_HOME", QDir::homePath() + QStringLiteral("/.cache")) +
               QStringLiteral("/raceway/python3.13t/bin/python3.13t");
    if (!QFileInfo(free).isExecutable()) {
        if (!qEnvironmentVariableIsEmpty("RACEWAY_REQUIRE_FREE_THREADED")) QFAIL("no free-threaded Python");
        QSKIP("no free-threaded Python: scripts/get-free-threaded-python.sh builds one");
    }
    MainWindow w;
    const QString path =
        script(QStringLiteral("which.py"), "import sys\n"
                                           "print(getattr(sys, '_is_gil_enabled', lambda: True)())\n");
    QVERIFY(trace(w, path)); // as in Preferences: python3
    QCOMPARE(metric(w, QStringLiteral("free_threaded")).toBool(), false);
    QComboBox *choice = w.pythonForm()->interpreterChoice();
    QTRY_VERIFY_WITH_TIMEOUT(choice->findData(QFileInfo(free).absoluteFilePath()) >= 0, 30000);
    const int index = choice->findData(QFileInfo(free).absoluteFilePath());
    QVERIFY2(choice->itemText(index).contains(QStringLiteral("free-threaded")),
             qPrintable(choice->itemText(index)));
    choice->setCurrentIndex(index);
    w.pythonForm()->showInterpreter();
    QSignalSpy done(&w, &MainWindow::runFinished);
    QString error;
    QVERIFY2(w.beginRun(&error), qPrintable(error));
    QVERIFY(done.wait(120000));
    QCOMPARE(metric(w, QStringLiteral("free_threaded")).toBool(), true);
    QVERIFY(w.compared() != nullptr); // the GIL build's run, stacked with this one
    QCOMPARE(metricValue(w.compared()->result().metrics, QStringLiteral("free_threaded")).toBool(), false);
    MainWindow again;
    again.pythonForm()->setScript(path);
    QCOMPARE(again.pythonForm()->interpreterChoice()->currentData().toString(),
             QFileInfo(free).absoluteFilePath());
}

QTEST_MAIN(TestPythonRuns)
#include "tst_pythonruns.moc"
