// The window under the offscreen platform: a form built from specs, the lock switch, runs that fill
// lanes and results, Stop, exports, zoom by wheel and drag, comparison with the previous run, settings.

#include "mainwindow.h"
#include "overviewstrip.h"
#include "paramform.h"
#include "registry.h"
#include "resultspanel.h"
#include "selectionpanel.h"
#include "timelineview.h"
#include "timelinezoom.h"
#include "tracefind.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWheelEvent>

using namespace raceway;

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
    void exportsWriteFiles();
    void wheelAndDragChangeTheZoom();
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
    void differenceFormatting();
    void themeIsAppliedAndRemembered();
    void exportDialogOffersTwiceTheScale();
    void timelineGetsMostOfTheWindow_data();
    void timelineGetsMostOfTheWindow();
    void lanesFillTheHeightAndCtrlWheelScalesThem();
    void findJumpsToEachLostUpdateInTurn();
    void selectedRangeShowsTheTracesOwnNumbers();
    void overviewFramesTheVisibleRangeAndMovesIt();
    void laneArrangementIsRememberedPerScenario();

private:
    static void setQuick(MainWindow &w, int iterations = 3000)
    {
        ParamValues v = w.form()->values();
        v.set(QStringLiteral("iterations"), qlonglong(iterations));
        v.set(QStringLiteral("window_ns"), qlonglong(0));
        v.set(QStringLiteral("pace_us"), qlonglong(0));
        w.form()->setValues(v);
    }
    // A mouse move straight to the widget, at an exact position (QTest::mouseMove goes through the cursor).
    static void moveTo(QWidget *w, const QPoint &pos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods)
    {
        QMouseEvent move(QEvent::MouseMove, QPointF(pos), w->mapToGlobal(QPointF(pos)), Qt::NoButton, buttons,
                         mods);
        QApplication::sendEvent(w, &move);
    }
    static void runToEnd(MainWindow &w)
    {
        QSignalSpy done(&w, &MainWindow::runFinished);
        w.startRun();
        QVERIFY(w.isRunning());
        QVERIFY(done.wait(60000));
        QVERIFY(!w.isRunning());
    }
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
    QCOMPARE(t.lanes().size(), 5u); // four threads and the counter
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

void TestMainWindow::exportsWriteFiles()
{
    MainWindow w;
    w.resize(1300, 800);
    setQuick(w);
    QString error;
    QTemporaryDir dir;
    QVERIFY(!w.exportTo(QStringLiteral("png"), dir.filePath(QStringLiteral("early.png")), &error));
    QVERIFY(error.contains(QStringLiteral("run a scenario first")));
    runToEnd(w);
    const QString png = dir.filePath(w.defaultExportName(QStringLiteral("png")));
    QVERIFY(png.endsWith(QStringLiteral(".png")) && png.contains(QStringLiteral("counter-lock-off-")));
    QVERIFY2(w.exportTo(QStringLiteral("png"), png, &error), qPrintable(error));
    QVERIFY(w.statusText().startsWith(QStringLiteral("Wrote ")));
    QImage image(png);
    QVERIFY(image.width() >= 1600);
    QVERIFY(image.height() > 200);
    QVERIFY(w.exportTo(QStringLiteral("svg"), dir.filePath(QStringLiteral("t.svg")), &error));
    QFile svg(dir.filePath(QStringLiteral("t.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("thread 1"));
    QVERIFY(w.exportTo(QStringLiteral("json"), dir.filePath(QStringLiteral("t.json")), &error));
    QVERIFY(QFile(dir.filePath(QStringLiteral("t.json"))).size() > 100);
    // A path that cannot be written: a clear message and no file.
    const QString bad = dir.filePath(QStringLiteral("missing/dir/x.png"));
    QVERIFY(!w.exportTo(QStringLiteral("png"), bad, &error));
    QVERIFY(w.statusText().startsWith(QStringLiteral("Could not write")));
    QVERIFY(!QFile::exists(bad));
}

void TestMainWindow::wheelAndDragChangeTheZoom()
{
    MainWindow w;
    w.resize(1300, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w);
    runToEnd(w);
    TimelineView *view = w.view();
    TimelineZoom *zoom = view->zoom();
    const std::int64_t span = zoom->span();
    QCOMPARE(zoom->start(), 0);
    QCOMPARE(zoom->end(), span);
    const QRect plot = view->plotRect();
    QVERIFY(plot.width() > 100);

    // One wheel notch up at a quarter of the plot: the window shrinks to 0.8 around that point.
    const QPointF at(plot.left() + plot.width() / 4.0, 100);
    const double fraction = (at.x() - plot.left()) / plot.width();
    QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    const std::int64_t width = zoom->end() - zoom->start();
    QVERIFY(std::llabs(width - std::int64_t(double(span) * 0.8)) <= 1);
    QVERIFY(std::llabs(zoom->start() - std::int64_t(fraction * double(span) - fraction * double(width))) <=
            2);

    // Dragging 100 pixels to the left moves the window 100 pixels' worth of time to the right (from the
    // middle half of the run, so that no edge stops it).
    zoom->setWindow(span / 4, span * 3 / 4);
    const std::int64_t startBefore = zoom->start();
    const double nsPerPixel = double(zoom->end() - zoom->start()) / plot.width();
    const QPoint from(plot.center().x(), 100);
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, from);
    moveTo(view->viewport(), from - QPoint(100, 0), Qt::LeftButton, Qt::NoModifier);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, from - QPoint(100, 0));
    const std::int64_t moved = zoom->start() - startBefore;
    QVERIFY2(std::llabs(moved - std::int64_t(100 * nsPerPixel)) <= std::int64_t(nsPerPixel) + 1,
             qPrintable(QStringLiteral("%1 vs %2").arg(moved).arg(100 * nsPerPixel)));

    // Shift+drag selects a range and says how long it is; double-click fits everything again.
    QSignalSpy described(view, &TimelineView::selectionDescribed);
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, from);
    moveTo(view->viewport(), from + QPoint(50, 0), Qt::LeftButton, Qt::ShiftModifier);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, from + QPoint(50, 0));
    QVERIFY(zoom->selection().has_value());
    QVERIFY(zoom->selection()->second > zoom->selection()->first);
    QVERIFY(!described.isEmpty() &&
            described.last().first().toString().startsWith(QStringLiteral("Selected")));
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, from);
    QCOMPARE(zoom->start(), 0);
    QCOMPARE(zoom->end(), span);

    // Hovering a thread lane while that thread was running explains it.
    const Lane &first = w.runner()->trace().lane(0);
    const std::int64_t mid = (first.times.front() + first.times.back()) / 2 - w.runner()->trace().start();
    const int x = plot.left() + int(double(mid) / double(span) * plot.width());
    const QString tip = view->toolTipAt(QPoint(x, TimelinePainter::headerHeight + 14)); // lane one
    QVERIFY2(tip.contains(QStringLiteral("thread 1")), qPrintable(tip));
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

void TestMainWindow::differenceFormatting()
{
    const QLocale l;
    const Metric before{QStringLiteral("lost_updates"), QStringLiteral("Lost"), qlonglong(1000), {}};
    const Metric after{QStringLiteral("lost_updates"), QStringLiteral("Lost"), qlonglong(0), {}};
    QCOMPARE(metricDifference(after, before),
             QStringLiteral("\u2212") + l.toString(1000) + QStringLiteral(" (\u2212100 %)"));
    QCOMPARE(metricDifference(before, after),
             QStringLiteral("+") + l.toString(1000)); // no percentage of zero
    const Metric slow{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 30.0, QStringLiteral("ms")};
    const Metric fast{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 20.0, QStringLiteral("ms")};
    QCOMPARE(metricDifference(slow, fast),
             QStringLiteral("+") + l.toString(10.0, 'f', 3) + QStringLiteral(" ms (+50 %)"));
    QCOMPARE(metricDifference(fast, fast), l.toString(0.0, 'f', 3) + QStringLiteral(" ms"));
    QVERIFY(metricDifference({QStringLiteral("x"), {}, QStringLiteral("yes"), {}}, before).isEmpty());
    QVERIFY(metricDifference({QStringLiteral("x"), {}, QVariant(), {}}, before)
                .isEmpty()); // unknown stays unknown
}

void TestMainWindow::themeIsAppliedAndRemembered()
{
    const QColor desktopBase = QApplication::palette().color(QPalette::Base);
    {
        MainWindow w;
        w.resize(1024, 700);
        setQuick(w, 300);
        runToEnd(w);
        const QImage lightImage = w.view()->renderImage(800);
        w.action(QStringLiteral("theme-dark"))->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 80);
        QTRY_VERIFY(w.view()->palette().color(QPalette::Base).lightness() < 80); // delivered as an event
        // The timeline follows: its background (a corner of the picture) is dark now, and was light.
        QVERIFY(lightImage.pixelColor(2, 2).lightness() > 200);
        QTRY_VERIFY(w.view()->renderImage(800).pixelColor(2, 2).lightness() < 80);
        w.close();
    }
    {
        MainWindow again; // remembered
        QVERIFY(again.action(QStringLiteral("theme-dark"))->isChecked());
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 80);
        again.action(QStringLiteral("theme-light"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Base), QColor(Qt::white));
        again.action(QStringLiteral("theme-system"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Base), desktopBase);
    }
    QCOMPARE(QSettings().value(QStringLiteral("theme")).toString(), QStringLiteral("system"));
}

void TestMainWindow::exportDialogOffersTwiceTheScale()
{
    MainWindow w;
    w.resize(1280, 800);
    setQuick(w, 300);
    runToEnd(w);
    QTemporaryDir dir;
    const QString one = dir.filePath(QStringLiteral("one.png")),
                  two = dir.filePath(QStringLiteral("two.png"));
    QVERIFY(w.exportTo(QStringLiteral("png"), one));
    bool offered = false;
    w.setExportDialogHook([&](QFileDialog &d) {
        auto *scale = d.findChild<QComboBox *>(QStringLiteral("exportScale"));
        offered = scale && scale->count() == 2;
        if (scale) scale->setCurrentIndex(scale->findData(2));
        d.selectFile(two);
        QTimer::singleShot(0, &d, [&d] { QMetaObject::invokeMethod(&d, "accept"); });
    });
    w.exportInteractive(QStringLiteral("png"));
    QVERIFY(offered);
    const QImage a(one), b(two);
    QVERIFY(!a.isNull() && !b.isNull());
    QCOMPARE(b.size(), a.size() * 2);
    QCOMPARE(QSettings().value(QStringLiteral("exportScale")).toInt(), 2); // remembered for next time
    // SVG has no scale to choose: the dialog has none.
    w.setExportDialogHook([&](QFileDialog &d) {
        offered = d.findChild<QComboBox *>(QStringLiteral("exportScale")) != nullptr;
        QTimer::singleShot(0, &d, [&d] { d.reject(); });
    });
    w.exportInteractive(QStringLiteral("svg"));
    QVERIFY(!offered);
}

void TestMainWindow::timelineGetsMostOfTheWindow_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1024x700") << QSize(1024, 700);
}

void TestMainWindow::timelineGetsMostOfTheWindow()
{
    QFETCH(QSize, size);
    MainWindow w;
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_COMPARE(w.size(), size);
    const QWidget *timeline = w.centralWidget(); // the overview strip and the lanes
    QCOMPARE(timeline->objectName(), QStringLiteral("timelineArea"));
    const double share =
        double(timeline->width() * timeline->height()) / double(size.width() * size.height());
    qInfo("timeline: %d×%d of %d×%d, %.0f%% of the window", timeline->width(), timeline->height(),
          size.width(), size.height(), share * 100);
    QVERIFY2(share >= 0.60, qPrintable(QString::number(share)));
    // The panels are docks that can be closed and brought back, and a finished run shows its results.
    QVERIFY(w.scenarioDock()->isVisible());
    w.scenarioDock()->toggleViewAction()->trigger();
    QVERIFY(!w.scenarioDock()->isVisible());
    w.scenarioDock()->toggleViewAction()->trigger();
    setQuick(w, 300);
    runToEnd(w);
    QTRY_VERIFY(!w.resultsDock()->visibleRegion().isEmpty());
    // Nothing in the scenario panel is cut: every parameter label fits its text.
    w.scenarioDock()->raise();
    QTRY_VERIFY(!w.scenarioDock()->visibleRegion().isEmpty());
    for (QLabel *label : w.form()->findChildren<QLabel *>())
        if (label->isVisible())
            QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable(label->text()));
}

void TestMainWindow::lanesFillTheHeightAndCtrlWheelScalesThem()
{
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w, 300);
    ParamValues eight = w.form()->values();
    eight.set(QStringLiteral("threads"), qlonglong(8));
    w.form()->setValues(eight);
    runToEnd(w);
    TimelineView *view = w.view();
    // A few lanes fill the height: taller than at scale 1, and no scroll bar.
    QVERIFY(view->lanesFitted());
    QVERIFY(view->laneScale() > 1.0);
    QVERIFY(view->contentHeight() <= view->viewport()->height());
    QVERIFY(view->contentHeight() > view->viewport()->height() - 40);
    // Ctrl+wheel: shorter lanes; Ctrl+0 fits them again.
    const double fitted = view->laneScale();
    QWheelEvent down(QPointF(300, 200), view->mapToGlobal(QPointF(300, 200)), QPoint(), QPoint(0, -240),
                     Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &down);
    QVERIFY(!view->lanesFitted());
    QVERIFY(qAbs(view->laneScale() - fitted / (1.15 * 1.15)) < 1e-9);
    QVERIFY(view->contentHeight() < view->viewport()->height() - 40);
    w.action(QStringLiteral("fitLanes"))->trigger();
    QVERIFY(view->lanesFitted());
    QCOMPARE(view->laneScale(), fitted);
    // 64 thread lanes: the legible minimum, with a scroll bar to reach them all.
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("threads"), qlonglong(64));
    v.set(QStringLiteral("iterations"), qlonglong(20));
    w.form()->setValues(v);
    runToEnd(w);
    w.action(QStringLiteral("compare"))->trigger(); // this run alone
    QCOMPARE(view->laneScale(), TimelineView::minLaneScale);
    QVERIFY(view->verticalScrollBar()->maximum() > 0);
    QVERIFY(view->contentHeight() >=
            64 * (TimelinePainter::minimumLaneHeight(LaneKind::Thread) + TimelinePainter::laneGap));
}

void TestMainWindow::findJumpsToEachLostUpdateInTurn()
{
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w, 300);
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("window_ns"), qlonglong(20000)); // wide enough that updates are lost
    w.form()->setValues(v);
    w.form()->setLock(false);
    runToEnd(w);
    const Trace &trace = w.current()->trace();
    const TraceFinder expected(trace, FindKind::LostUpdate);
    QVERIFY(expected.size() >= 3);
    const QString of =
        QStringLiteral(" of ") + QLocale().toString(qulonglong(expected.size())) + QStringLiteral(": ");
    TimelineZoom *zoom = w.view()->zoom();
    for (std::size_t i = 0; i < 3; ++i) {
        w.action(QStringLiteral("findNext"))->trigger();
        QVERIFY2(w.findText().startsWith(QStringLiteral("lost update %1").arg(i + 1) + of),
                 qPrintable(w.findText()));
        QVERIFY(w.findText().endsWith(expected.what(i)));
        // Zoomed in from the whole run, centred on it (unless the run's edge is nearer), ringed on its lane.
        const std::int64_t at = expected.findings()[i].start - trace.start();
        const std::int64_t width = zoom->end() - zoom->start();
        QVERIFY(width <= zoom->span() / 10 + 1);
        QVERIFY(zoom->start() <= at && at <= zoom->end());
        if (at >= width / 2 && at <= zoom->span() - width / 2)
            QVERIFY(qAbs((zoom->start() + zoom->end()) / 2 - at) <= 1);
        QVERIFY(!w.view()->flashRect().isNull());
    }
    w.action(QStringLiteral("findPrevious"))->trigger();
    QVERIFY2(w.findText().startsWith(QStringLiteral("lost update 2") + of), qPrintable(w.findText()));
    // Long waits: none without the lock.
    auto *kind = w.findChild<QComboBox *>(QStringLiteral("findKind"));
    kind->setCurrentIndex(int(FindKind::LongWait));
    w.action(QStringLiteral("findNext"))->trigger();
    QVERIFY2(w.findText().startsWith(QStringLiteral("No long waits")), qPrintable(w.findText()));
    // The ring goes by itself.
    QTRY_VERIFY_WITH_TIMEOUT(w.view()->flashRect().isNull(), 5000);
}

void TestMainWindow::selectedRangeShowsTheTracesOwnNumbers()
{
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w, 100);
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("window_ns"), qlonglong(2'000'000)); // the lock is wanted most of the time: waits
    v.set(QStringLiteral("pace_us"), qlonglong(500));
    w.form()->setValues(v);
    for (const bool lock : {true, false}) {
        w.form()->setLock(lock);
        runToEnd(w);
        const Trace &t = w.current()->trace();
        // The middle half of the run, selected as Shift+drag does.
        const std::int64_t span = t.end() - t.start(), a = span / 4, b = span * 3 / 4;
        w.view()->zoom()->setSelection(a, b);
        QTRY_VERIFY(w.selection()->table()->rowCount() > 0);
        QTRY_VERIFY(!w.selectionDock()->visibleRegion().isEmpty());
        std::int64_t allWaits = 0;
        for (std::size_t lane = 0; lane < t.lanes().size(); ++lane) {
            if (t.lane(lane).kind != LaneKind::Thread) continue;
            // Independently: clip every drawn interval to the range; count markers in it.
            std::int64_t running = 0, waiting = 0, holding = 0, waits = 0, longest = 0, lost = 0, writes = 0;
            t.forEachInterval(lane, [&](const Interval &iv) {
                const std::int64_t from = std::max(iv.start, t.start() + a),
                                   to = std::min(iv.end, t.start() + b);
                if (to <= from) return;
                if (iv.state == State::Running) running += to - from;
                if (iv.state == State::Holding) holding += to - from;
                if (iv.state == State::Waiting) {
                    waiting += to - from;
                    if (iv.start >= t.start() + a) {
                        ++waits;
                        longest = std::max(longest, to - from);
                    }
                }
            });
            for (const Marker &m : t.lane(lane).markers)
                if (m.value != 0 && m.t >= t.start() + a && m.t < t.start() + b) {
                    lost += m.value;
                    ++writes;
                }
            const QString name = t.lane(lane).name;
            QCOMPARE(w.selection()->cell(name, SelectionPanel::Running), formatShare(running, b - a));
            QCOMPARE(w.selection()->cell(name, SelectionPanel::Waiting), formatShare(waiting, b - a));
            QCOMPARE(w.selection()->cell(name, SelectionPanel::Holding), formatShare(holding, b - a));
            QCOMPARE(w.selection()->cell(name, SelectionPanel::Waits), QLocale().toString(qlonglong(waits)));
            if (lock)
                QCOMPARE(lost, 0);
            else
                QCOMPARE(waits, 0);
            allWaits += waits;
            QCOMPARE(
                w.selection()->cell(name, SelectionPanel::Lost),
                writes ? QStringLiteral("%1 in %2 writes")
                             .arg(QLocale().toString(qlonglong(lost)), QLocale().toString(qlonglong(writes)))
                       : QStringLiteral("—"));
        }
        QCOMPARE(allWaits > 0, lock); // with the lock someone waited in the middle half of the run
    }
}

void TestMainWindow::overviewFramesTheVisibleRangeAndMovesIt()
{
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    setQuick(w, 200);
    runToEnd(w);
    OverviewStrip *strip = w.overview();
    TimelineZoom *zoom = w.view()->zoom();
    const QRect plot = strip->plotRect();
    const std::int64_t span = zoom->span();
    const double nsPerPixel = double(span) / plot.width();
    // The frame sits where the visible range is, on the strip's scale of the whole run.
    zoom->setWindow(span / 4, span / 2);
    QRect frame = strip->rangeRect();
    QVERIFY(qAbs(frame.left() - (plot.left() + plot.width() / 4)) <= 1);
    QVERIFY(qAbs(frame.right() - (plot.left() + plot.width() / 2)) <= 1);
    // Dragging the frame pans by as much time as the pixels moved stand for.
    const QPoint middle(frame.center().x(), plot.center().y());
    QTest::mousePress(strip, Qt::LeftButton, {}, middle);
    QMouseEvent move(QEvent::MouseMove, QPointF(middle + QPoint(60, 0)),
                     strip->mapToGlobal(QPointF(middle + QPoint(60, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(strip, &move);
    QTest::mouseRelease(strip, Qt::LeftButton, {}, middle + QPoint(60, 0));
    QVERIFY(qAbs(double(zoom->start() - span / 4) - 60 * nsPerPixel) <= 2 * nsPerPixel);
    QVERIFY(qAbs(double(zoom->end() - zoom->start()) - double(span / 2 - span / 4)) <= 2);
    // Dragging the right edge zooms: the end follows, the start stays.
    frame = strip->rangeRect();
    const std::int64_t startBefore = zoom->start(), endBefore = zoom->end();
    const QPoint edge(frame.right(), plot.center().y());
    QTest::mousePress(strip, Qt::LeftButton, {}, edge);
    QMouseEvent pull(QEvent::MouseMove, QPointF(edge - QPoint(40, 0)),
                     strip->mapToGlobal(QPointF(edge - QPoint(40, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(strip, &pull);
    QTest::mouseRelease(strip, Qt::LeftButton, {}, edge - QPoint(40, 0));
    QCOMPARE(zoom->start(), startBefore);
    QVERIFY(qAbs(double(endBefore - zoom->end()) - 40 * nsPerPixel) <= 2 * nsPerPixel);
    // A click elsewhere centres the view there.
    const int at = plot.left() + plot.width() / 10;
    const std::int64_t width = zoom->end() - zoom->start();
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(at, plot.center().y()));
    const std::int64_t centre = std::int64_t((at - plot.left()) * nsPerPixel);
    if (centre >= width / 2)
        QVERIFY(qAbs(double((zoom->start() + zoom->end()) / 2 - centre)) <= 2 * nsPerPixel);
    else
        QCOMPARE(zoom->start(), 0);
    // Double-click: everything.
    QTest::mouseDClick(strip, Qt::LeftButton, {}, QPoint(at, plot.center().y()));
    QCOMPARE(zoom->start(), 0);
    QCOMPARE(zoom->end(), span);
}

void TestMainWindow::laneArrangementIsRememberedPerScenario()
{
    auto layoutOf = [](MainWindow &w) {
        TimelinePainter p(*w.view()->current());
        p.setArrangement(w.view()->arrangement());
        return p.layout(QRect(0, 0, 1200, p.preferredHeight(1200)));
    };
    auto laneIndex = [](const Trace &t, const QString &name) {
        for (std::size_t i = 0; i < t.lanes().size(); ++i)
            if (t.lane(i).name == name) return i;
        return std::size_t(-1);
    };
    {
        MainWindow w;
        w.resize(1280, 800);
        setQuick(w, 100);
        runToEnd(w);
        w.view()->setLaneScale(1.0);
        const int tall = w.view()->contentHeight();
        w.view()->setArrangement({{QStringLiteral("counter")}, {QStringLiteral("thread 2")}, {}, {}});
        QVERIFY(w.view()->contentHeight() < tall); // one lane fewer
        const Trace &t = w.current()->trace();
        const TimelineLayout l = layoutOf(w);
        QVERIFY(l.lanes[laneIndex(t, QStringLiteral("thread 2"))].isNull());
        const int counterTop = l.lanes[laneIndex(t, QStringLiteral("counter"))].top();
        for (const QRect &r : l.lanes)
            if (!r.isNull()) QVERIFY(r.top() >= counterTop); // pinned first
        w.close();
    }
    MainWindow again;
    again.resize(1280, 800);
    setQuick(again, 100);
    runToEnd(again);
    QCOMPARE(again.view()->arrangement().pinned, QStringList{QStringLiteral("counter")});
    QCOMPARE(again.view()->arrangement().hidden, QStringList{QStringLiteral("thread 2")});
    QVERIFY(layoutOf(again).lanes[laneIndex(again.current()->trace(), QStringLiteral("thread 2"))].isNull());
    // Another scenario has its own arrangement: all lanes.
    QVERIFY(again.selectScenario(QStringLiteral("download")));
    ParamValues v = again.form()->values();
    v.set(QStringLiteral("min_ms"), qlonglong(0));
    v.set(QStringLiteral("max_ms"), qlonglong(5));
    again.form()->setValues(v);
    runToEnd(again);
    QVERIFY(again.view()->arrangement().isDefault());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
