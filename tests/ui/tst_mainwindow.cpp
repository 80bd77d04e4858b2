// The window under the offscreen platform: a form built from specs, the lock switch, runs that fill
// lanes and results, Stop, comparison with earlier runs, the history's bound and settings.

#include "windowtest.h"

#include <QListWidget>
#include <QScrollArea>

using namespace raceway;
using namespace raceway::windowtest;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void formIsBuiltFromSpecs();
    void lockSwitchChangesTheRunsParameter();
    void runFillsLanesAndResults();
    void stopCancelsPromptly();
    void comparesWithThePreviousRun();
    void remembersScenarioAndParameters();
    void lockSwitchFollowsTheScenario();
    void comparesOnlyTheSameScenario();
    void failedRunSaysWhy();
    void parametersSavedAsEditedAndReset();
    void lockIsOneAction();
    void whatIsShownComesFromTheRun();
    void comparesWithAnyEarlierRun();
    void historyStaysBounded();
    void descriptionKeepsClearOfTheList();
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
}

void TestMainWindow::init()
{
    QSettings().clear();
}

void TestMainWindow::formIsBuiltFromSpecs()
{
    MainWindow w;
    QVERIFY(w.currentScenario());
    QCOMPARE(w.currentScenario()->id(), QStringLiteral("counter"));
    ParamForm *f = w.form();
    for (const ParamSpec &spec : w.currentScenario()->params()) {
        QWidget *e = f->editor(spec.name);
        QVERIFY2(e, qPrintable(spec.name));
        QVERIFY(e->toolTip().contains(spec.help));
        // Labelled for people, with the command line's name in the tooltip.
        auto *label = qobject_cast<QLabel *>(
            qobject_cast<QFormLayout *>(f->layout()->itemAt(1)->layout())->labelForField(e));
        QVERIFY(label);
        QCOMPARE(label->text(), spec.label());
        QVERIFY(!label->text().contains(QLatin1Char('_')));
        QVERIFY(e->toolTip().contains(spec.name + QStringLiteral("=")));
        if (spec.type == ParamType::Int) {
            auto *box = qobject_cast<QSpinBox *>(e);
            QVERIFY(box);
            QCOMPARE(box->minimum(), int(spec.min));
            QCOMPARE(box->maximum(), int(spec.max));
        } else if (spec.type == ParamType::Bool) {
            QVERIFY(qobject_cast<QCheckBox *>(e));
        }
    }
    // The form starts at the window's watchable defaults and writes edits back.
    QCOMPARE(f->values().all(), ParamValues::windowDefaults(w.currentScenario()->params()).all());
    qobject_cast<QSpinBox *>(f->editor(QStringLiteral("threads")))->setValue(7);
    QCOMPARE(f->values().integer(QStringLiteral("threads")), 7);
    QVERIFY(f->lockSwitch()->isVisible() || !w.isVisible());
}

void TestMainWindow::lockSwitchChangesTheRunsParameter()
{
    MainWindow w;
    setQuick(w);
    QAction *lock = w.action(QStringLiteral("lock"));
    QCOMPARE(lock->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_L));
    QVERIFY(!w.form()->values().flag(QStringLiteral("lock")));
    lock->trigger();
    QVERIFY(w.form()->values().flag(QStringLiteral("lock")));
    QVERIFY(w.form()->lockSwitch()->isChecked());
    runToEnd(w);
    QVERIFY(w.runner()->result().params.flag(QStringLiteral("lock")));
    // The big switch and the action stay in step the other way round too.
    w.form()->lockSwitch()->click();
    QVERIFY(!lock->isChecked());
    QVERIFY(!w.form()->values().flag(QStringLiteral("lock")));
}

void TestMainWindow::runFillsLanesAndResults()
{
    MainWindow w;
    setQuick(w, 50000);
    runToEnd(w);
    const Runner *r = w.runner();
    const Trace &t = r->trace();
    // Four threads, the counter and Raceway itself; then, where the kernel gave switch records, one lane
    // per core the threads ran on.
    QVERIFY(t.lanes().size() >= 6u);
    QCOMPARE(t.lane(5).kind, LaneKind::Observer);
    for (std::size_t i = 6; i < t.lanes().size(); ++i)
        QCOMPARE(t.lane(i).kind, LaneKind::CoreRuns);
    QCOMPARE(t.lanes().size() > 6u,
             metricValue(r->result().metrics, QStringLiteral("scheduler_source")).toString() ==
                 QLatin1String("context switches"));
    const auto metric = [&](const char *key) {
        return metricValue(r->result().metrics, QString::fromLatin1(key));
    };
    QCOMPARE(metric("expected").toLongLong(), 200000);
    // The panel shows the same numbers the run measured.
    QCOMPARE(w.results()->valueText(QStringLiteral("lost_updates"), 1),
             QLocale().toString(metric("lost_updates").toLongLong()));
    QCOMPARE(w.results()->valueText(QStringLiteral("actual"), 1),
             QLocale().toString(metric("actual").toLongLong()));
    QVERIFY(w.statusText().startsWith(QStringLiteral("Finished")));
    QVERIFY(w.action(QStringLiteral("run"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("stop"))->isEnabled());
}

void TestMainWindow::stopCancelsPromptly()
{
    MainWindow w;
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("iterations"), qlonglong(100'000'000));
    v.set(QStringLiteral("pace_us"), qlonglong(1000));
    w.form()->setValues(v);
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.startRun();
    QTest::qWait(300);
    QVERIFY(w.isRunning());
    QVERIFY(w.runner()->trace().eventCount() > 0); // lanes filled in while running
    QElapsedTimer timer;
    timer.start();
    w.action(QStringLiteral("stop"))->trigger();
    QVERIFY(done.wait(10000));
    qInfo("stop to finished: %lld ms", timer.elapsed());
    QVERIFY(w.runner()->result().cancelled);
    QVERIFY(w.statusText().startsWith(QStringLiteral("Stopped")));
}

void TestMainWindow::comparesWithThePreviousRun()
{
    MainWindow w;
    w.resize(1300, 800);
    setQuick(w);
    runToEnd(w);
    w.view()->setLaneScale(1.0); // fixed lane heights: stacking two runs makes the content taller
    const int single = w.view()->contentHeight();
    w.action(QStringLiteral("lock"))->trigger();
    runToEnd(w);
    QVERIFY(w.previousRunner());
    QVERIFY(!w.previousRunner()->result().params.flag(QStringLiteral("lock")));
    QVERIFY(w.runner()->result().params.flag(QStringLiteral("lock")));
    QVERIFY(w.view()->contentHeight() > single + 150); // both runs stacked on one axis
    QCOMPARE(w.view()->compared(), &w.previousRunner()->trace());
    // Both columns of numbers: the previous run lost updates, this one none.
    QCOMPARE(w.results()->valueText(QStringLiteral("lost_updates"), 1), QStringLiteral("0"));
    QVERIFY(w.results()->valueText(QStringLiteral("lost_updates"), 2) != QStringLiteral("—"));
    w.action(QStringLiteral("compare"))->trigger(); // off: only this run
    QVERIFY(w.view()->contentHeight() < single + 150);
}

void TestMainWindow::remembersScenarioAndParameters()
{
    {
        MainWindow w;
        w.resize(1234, 777);
        qobject_cast<QSpinBox *>(w.form()->editor(QStringLiteral("threads")))->setValue(9);
        w.form()->setLock(true);
        w.close();
    }
    MainWindow again;
    QCOMPARE(again.form()->values().integer(QStringLiteral("threads")), 9);
    QVERIFY(again.form()->values().flag(QStringLiteral("lock")));
    QVERIFY(again.action(QStringLiteral("lock"))->isChecked());
}

void TestMainWindow::lockSwitchFollowsTheScenario()
{
    // The switch, the form's checkbox and the menu's action show one thing: the lock parameter of the
    // scenario on screen, never a state left from the scenario before.
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    w.action(QStringLiteral("lock"))->trigger();
    QVERIFY(w.form()->values().flag(QStringLiteral("lock")));
    QVERIFY(w.form()->lockSwitch()->isChecked());
    QVERIFY(w.selectScenario(QStringLiteral("shared-value"))); // has a lock too, off by default
    QVERIFY(!w.form()->values().flag(QStringLiteral("lock")));
    QVERIFY(!w.form()->lockSwitch()->isChecked());
    QVERIFY(!w.action(QStringLiteral("lock"))->isChecked());
    QCOMPARE(w.form()->lockSwitch()->text(), QStringLiteral("Lock OFF"));
    QVERIFY(w.selectScenario(QStringLiteral("pool"))); // no lock at all
    QVERIFY(!w.action(QStringLiteral("lock"))->isEnabled());
    QVERIFY(w.form()->lockSwitch()->isHidden());
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QCOMPARE(w.form()->lockSwitch()->isChecked(), w.form()->values().flag(QStringLiteral("lock")));
    QCOMPARE(w.action(QStringLiteral("lock"))->isChecked(), w.form()->values().flag(QStringLiteral("lock")));
}

void TestMainWindow::comparesOnlyTheSameScenario()
{
    MainWindow w;
    w.resize(1300, 800);
    setQuick(w);
    runToEnd(w);
    QVERIFY(w.selectScenario(QStringLiteral("download")));
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("min_ms"), qlonglong(0));
    v.set(QStringLiteral("max_ms"), qlonglong(5));
    w.form()->setValues(v);
    runToEnd(w);
    QVERIFY(!w.previousRunner()); // a counter run is no baseline for downloads
    QCOMPARE(w.runner()->scenario().id(), QStringLiteral("download"));
    runToEnd(w);
    QVERIFY(w.previousRunner());
    QCOMPARE(w.previousRunner()->scenario().id(), QStringLiteral("download"));
}

void TestMainWindow::failedRunSaysWhy()
{
    // This test's executable has no raceway-worker beside it: the run fails, and the window says why
    // instead of an ordinary "Finished".
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("processes")));
    runToEnd(w);
    QVERIFY(!w.runner()->result().error.isEmpty());
    QVERIFY2(
        w.statusText().startsWith(QStringLiteral("Could not run processes: the worker program is missing")),
        qPrintable(w.statusText()));
}

void TestMainWindow::parametersSavedAsEditedAndReset()
{
    {
        MainWindow w; // never closed, never run: an edit alone is kept
        QVERIFY(w.selectScenario(QStringLiteral("pool")));
        qobject_cast<QSpinBox *>(w.form()->editor(QStringLiteral("workers")))->setValue(7);
    }
    MainWindow again;
    QVERIFY(again.selectScenario(QStringLiteral("pool")));
    QCOMPARE(again.form()->values().integer(QStringLiteral("workers")), 7);
    QVERIFY(again.selectScenario(QStringLiteral("counter"))); // another scenario's form does not overwrite it
    QVERIFY(again.selectScenario(QStringLiteral("pool")));
    QCOMPARE(again.form()->values().integer(QStringLiteral("workers")), 7);
    again.action(QStringLiteral("resetParams"))->trigger();
    const Scenario *pool = Registry::builtin().find(QStringLiteral("pool"));
    QCOMPARE(again.form()->values().integer(QStringLiteral("workers")),
             ParamValues::windowDefaults(pool->params()).integer(QStringLiteral("workers")));
    MainWindow third;
    QVERIFY(third.selectScenario(QStringLiteral("pool")));
    QCOMPARE(third.form()->values().integer(QStringLiteral("workers")), 3);
}

void TestMainWindow::lockIsOneAction()
{
    // One checkable action, found by its parameter spec: the switch shows it, the menu and toolbar hold
    // it, the form's check box follows it, and the GIL scenario's switch is its GIL parameter.
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QAction *lock = w.action(QStringLiteral("lock"));
    QCOMPARE(lock, w.form()->lockAction());
    QCOMPARE(w.form()->lockSwitch()->defaultAction(), lock);
    auto *box = qobject_cast<QCheckBox *>(w.form()->editor(QStringLiteral("lock")));
    QVERIFY(box);
    box->setChecked(true);
    QVERIFY(lock->isChecked());
    QCOMPARE(w.form()->lockSwitch()->text(), QStringLiteral("Lock ON"));
    lock->trigger();
    QVERIFY(!box->isChecked());
    QVERIFY(!w.form()->values().flag(QStringLiteral("lock")));
    QVERIFY(w.selectScenario(QStringLiteral("gil")));
    QCOMPARE(w.form()->lockName(), QStringLiteral("gil"));
    QCOMPARE(lock->isChecked(), w.form()->values().flag(QStringLiteral("gil")));
    lock->trigger();
    QCOMPARE(lock->isChecked(), w.form()->values().flag(QStringLiteral("gil")));
    QCOMPARE(w.form()->lockSwitch()->text(),
             lock->isChecked() ? QStringLiteral("GIL ON") : QStringLiteral("GIL OFF"));
    lock->trigger(); // back as it was
}

void TestMainWindow::whatIsShownComesFromTheRun()
{
    // After a lock-off run the form moves on (lock on, another scenario): the title, the note, the
    // export name and the results still describe the run that was made.
    MainWindow w;
    w.resize(1300, 800);
    setQuick(w);
    w.form()->setLock(false);
    runToEnd(w);
    const QString title = w.view()->currentTitle();
    QVERIFY2(title.contains(QStringLiteral("lock off")), qPrintable(title));
    const QString lost = w.results()->valueText(QStringLiteral("lost_updates"), ResultsPanel::Current);
    w.form()->setLock(true);
    QCOMPARE(w.view()->currentTitle(), title);
    QVERIFY(w.defaultExportName(QStringLiteral("png")).startsWith(QStringLiteral("counter-lock-off-")));
    QVERIFY(w.selectScenario(QStringLiteral("pool")));
    QVERIFY(w.defaultExportName(QStringLiteral("svg")).startsWith(QStringLiteral("counter-lock-off-")));
    QVERIFY(w.defaultExportName(QStringLiteral("svg")).endsWith(QStringLiteral(".svg")));
    QCOMPARE(w.view()->currentTitle(), title);
    QCOMPARE(w.results()->valueText(QStringLiteral("lost_updates"), ResultsPanel::Current), lost);
    QTemporaryDir dir;
    const QString svg = dir.filePath(w.defaultExportName(QStringLiteral("svg")));
    QVERIFY(w.exportTo(QStringLiteral("svg"), svg));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains(w.current()->title().toHtmlEscaped().toUtf8()));
}

void TestMainWindow::comparesWithAnyEarlierRun()
{
    MainWindow w;
    w.resize(1300, 800);
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    setQuick(w);
    w.form()->setLock(false);
    runToEnd(w); // run 1: lock off
    w.form()->setLock(true);
    runToEnd(w); // run 2: lock on, compared with run 1
    QCOMPARE(w.compared()->number(), 1);
    QVERIFY(w.selectScenario(QStringLiteral("download")));
    ParamValues quick = w.form()->values();
    quick.set(QStringLiteral("min_ms"), qlonglong(0));
    quick.set(QStringLiteral("max_ms"), qlonglong(5));
    w.form()->setValues(quick);
    runToEnd(w); // run 3: nothing to compare with
    QVERIFY(!w.compared());
    QVERIFY(!w.results()->compareBox()->isEnabled());
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    qobject_cast<QSpinBox *>(w.form()->editor(QStringLiteral("threads")))->setValue(2);
    runToEnd(w); // run 4: threads 2, lock on; compared with the latest counter run, run 2
    QCOMPARE(w.current()->number(), 4);
    QCOMPARE(w.compared()->number(), 2);
    // The history list offers the earlier counter runs, newest first, and nothing else.
    QComboBox *box = w.results()->compareBox();
    QCOMPARE(box->count(), 3); // nothing, run 2, run 1
    QCOMPARE(box->itemData(1).toInt(), 2);
    QCOMPARE(box->itemData(2).toInt(), 1);
    QCOMPARE(w.results()->columnTitle(ResultsPanel::Current), QStringLiteral("Run 4\nThreads 2"));
    QCOMPARE(w.results()->columnTitle(ResultsPanel::Compared), QStringLiteral("Run 2\nThreads 4"));
    // Picking run 1 compares with it: the view stacks it, the columns say what differs.
    QSignalSpy changed(w.history(), &RunHistory::comparedChanged);
    box->setCurrentIndex(2);
    Q_EMIT box->activated(2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(w.compared()->number(), 1);
    QCOMPARE(w.view()->compared(), &w.compared()->trace());
    QCOMPARE(w.results()->columnTitle(ResultsPanel::Current), QStringLiteral("Run 4\nThreads 2, Lock on"));
    QCOMPARE(w.results()->columnTitle(ResultsPanel::Compared), QStringLiteral("Run 1\nThreads 4, Lock off"));
    QVERIFY(w.view()->comparedTitle().startsWith(QStringLiteral("Run 1 · Threads 4, Lock off — ")));
    // The difference column is this run's number minus the compared run's, for every numeric measure.
    const auto number = [](const QList<Metric> &ms, const QString &key) {
        return metricValue(ms, key).toLongLong();
    };
    for (const QString &key :
         {QStringLiteral("expected"), QStringLiteral("actual"), QStringLiteral("lost_updates")}) {
        const qlonglong delta =
            number(w.current()->result().metrics, key) - number(w.compared()->result().metrics, key);
        QString text = w.results()->valueText(key, ResultsPanel::Difference);
        QVERIFY2(delta == 0 ? text == QStringLiteral("0")
                            : text.startsWith(delta > 0 ? QStringLiteral("+") : QStringLiteral("\u2212")),
                 qPrintable(key + QStringLiteral(": ") + text));
        text = text.section(QLatin1Char(' '), 0, 0);
        text.remove(QRegularExpression(QStringLiteral("[^0-9]")));
        QCOMPARE(text.toLongLong(), std::llabs(delta));
    }
    // Numbers whole: in a panel just wide enough for the three value columns and a few letters of the
    // names, every value fits its column (the names are elided: their tooltips hold them).
    QTableWidget *table = w.results()->table();
    int valuesNeed = 0;
    for (int col : {int(ResultsPanel::Current), int(ResultsPanel::Compared), int(ResultsPanel::Difference)}) {
        int most = table->horizontalHeader()->sectionSizeHint(col);
        for (int row = 0; row < table->rowCount(); ++row)
            most = std::max(
                most,
                QFontMetrics(table->item(row, col)->font()).horizontalAdvance(table->item(row, col)->text()) +
                    14);
        valuesNeed += most;
    }
    w.results()->resize(1000, 500);
    QApplication::processEvents();
    const int frame = w.results()->width() - table->viewport()->width();
    w.results()->resize(valuesNeed + 64 + frame, 500);
    QApplication::processEvents();
    for (int row = 0; row < table->rowCount(); ++row)
        for (int col :
             {int(ResultsPanel::Current), int(ResultsPanel::Compared), int(ResultsPanel::Difference)}) {
            const QTableWidgetItem *item = table->item(row, col);
            const int need = QFontMetrics(item->font()).horizontalAdvance(item->text()) + 8;
            QVERIFY2(need <= table->columnWidth(col),
                     qPrintable(item->text() +
                                QStringLiteral(": %1 > %2").arg(need).arg(table->columnWidth(col))));
        }
    // Ctrl+K off: nothing compared, the column and the stacked run go; on: the latest earlier run again.
    w.action(QStringLiteral("compare"))->trigger();
    QVERIFY(!w.compared());
    QVERIFY(!w.view()->compared());
    QVERIFY(w.results()->table()->isColumnHidden(ResultsPanel::Difference));
    w.action(QStringLiteral("compare"))->trigger();
    QCOMPARE(w.compared()->number(), 2);
    QVERIFY(!w.results()->table()->isColumnHidden(ResultsPanel::Difference));
}

void TestMainWindow::historyStaysBounded()
{
    const Scenario *counter = Registry::builtin().find(QStringLiteral("counter"));
    ParamValues v = ParamValues::defaults(counter->params());
    v.set(QStringLiteral("iterations"), qlonglong(50));
    RunHistory history;
    auto run = [&] {
        RunRecord &r = history.begin(*counter, v);
        r.start();
        r.runner()->wait();
        history.notifyFinished();
        return r.number();
    };
    for (int i = 0; i < RunHistory::maxRuns + 5; ++i)
        run();
    QCOMPARE(history.size(), RunHistory::maxRuns);
    QCOMPARE(history.current()->number(), RunHistory::maxRuns + 5);
    // The events limit lets every run go but the current and the compared one, even an old compared one.
    QVERIFY(history.setCompared(RunHistory::maxRuns + 1));
    history.setEventLimit(1);
    const int last = run();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.current()->number(), last);
    QCOMPARE(history.compared()->number(), last - 1);
    QVERIFY(!history.setCompared(3)); // gone
    QVERIFY(history.setCompared(0));
    QVERIFY(!history.compared());
}

QTEST_MAIN(TestMainWindow)

void TestMainWindow::descriptionKeepsClearOfTheList()
{
    // The scenario's description, whatever the scenario and the window's size: never over the list of
    // scenarios, whole where there is room, scrolled where there is not (in a small window it was laid over
    // the list, its last lines cut off).
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QListWidget *list = w.scenarioList();
    QLabel *text = nullptr; // the label showing the scenario's description, wherever it is placed
    for (auto *label : w.findChildren<QLabel *>())
        if (label->wordWrap() && label->text().startsWith(QStringLiteral("Several threads"))) text = label;
    QVERIFY(text);
    for (const QSize size : {QSize(1280, 800), QSize(640, 400)}) {
        w.resize(size);
        for (int row = 0; row < list->count(); ++row) {
            list->setCurrentRow(row);
            const QString where =
                QStringLiteral("%1x%2, %3").arg(size.width()).arg(size.height()).arg(list->item(row)->text());
            // What is wrong with the description's place, empty when nothing is. The layout follows the new
            // text over a few turns of the event loop (several on a loaded machine): asked until it settles.
            const auto problem = [&]() -> QString {
                const QRect listRect(list->mapTo(&w, QPoint(0, 0)), list->size());
                const QRect shown = text->visibleRegion().boundingRect();
                const QRect shownRect(text->mapTo(&w, shown.topLeft()), shown.size());
                if (shownRect.isEmpty()) return QStringLiteral("not shown");
                if (listRect.intersects(shownRect)) return QStringLiteral("over the list");
                const int needed = text->heightForWidth(text->width());
                if (size.height() >= 800) {
                    if (shown.height() < needed) // whole
                        return QStringLiteral("shown %1 needed %2 area %3")
                            .arg(shown.height())
                            .arg(needed)
                            .arg(text->parentWidget()->height());
                } else {
                    // Every line can be scrolled to.
                    auto *area = qobject_cast<QScrollArea *>(text->parentWidget()->parentWidget());
                    if (!area) return QStringLiteral("not in a scroll area");
                    if (text->height() < needed)
                        return QStringLiteral("text %1 needed %2").arg(text->height()).arg(needed);
                }
                return {};
            };
            QTRY_VERIFY2_WITH_TIMEOUT(problem().isEmpty(),
                                      qPrintable(where + QStringLiteral(": ") + problem()), 10000);
        }
    }
}

#include "tst_mainwindow.moc"
