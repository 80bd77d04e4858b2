// Step mode in the window: every thread held at its read and its write until the user moves it, by a
// click or its number; a step the run cannot take is refused and said; Take Back runs again on fresh
// threads with every step but the last; the rest can run freely.

#include "exploredialog.h"
#include "stepbar.h"
#include "timelineview.h"
#include "trace.h"
#include "windowtest.h"

using namespace raceway;
using namespace raceway::windowtest;

class TestStepMode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void theRaceMadeByHand();
    void onlyForScenariosWithSteps();
    void aClickOnALaneMovesItsThread();
    void everyOrderInAWindow();
};

namespace {

QString buttons(const StepBar *bar)
{
    QStringList texts;
    for (int t = 1; bar->threadButton(t); ++t)
        texts << bar->threadButton(t)->text();
    return texts.join(QLatin1Char(' '));
}

qlonglong metric(const MainWindow &w, const char *key)
{
    return metricValue(w.runner()->result().metrics, QString::fromLatin1(key)).toLongLong();
}

// The counter with two threads of one increment and no schedule, in step mode (not yet started).
bool stepModeOnCounter(MainWindow &w)
{
    if (!w.selectScenario(QStringLiteral("counter"))) return false;
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("threads"), qlonglong(2));
    v.set(QStringLiteral("iterations"), qlonglong(1));
    v.set(QStringLiteral("schedule"), QVariantList());
    w.form()->setValues(v);
    QAction *mode = w.action(QStringLiteral("stepMode"));
    if (!mode->isEnabled()) return false;
    mode->setChecked(true);
    return true;
}

} // namespace

void TestStepMode::theRaceMadeByHand()
{
    MainWindow w;
    w.show();
    QVERIFY(stepModeOnCounter(w));
    QAction *mode = w.action(QStringLiteral("stepMode"));
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.startRun();
    QVERIFY(w.isRunning());
    StepBar *bar = w.stepBar();
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · read 2 · read"), 20000);
    QVERIFY(bar->isVisible());
    // Thread 1 reads (a click), thread 2 reads (its number), thread 1 writes.
    bar->threadButton(1)->click();
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · write (read 0) 2 · read"), 20000);
    QTest::keyClick(&w, Qt::Key_2);
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · write (read 0) 2 · write (read 0)"), 20000);
    QTest::keyClick(&w, Qt::Key_1);
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · done 2 · write (read 0)"), 20000);
    QVERIFY(!bar->threadButton(1)->isEnabled());
    // Thread 1 has no steps left: refused, and said.
    w.stepThread(1);
    QTRY_VERIFY_WITH_TIMEOUT(bar->refusedText().contains(QStringLiteral("thread 1, which has no steps left")),
                             20000);
    // Thread 2 writes over thread 1's write: one update lost.
    QTest::keyClick(&w, Qt::Key_2);
    QVERIFY(done.wait(20000));
    QCOMPARE(metric(w, "lost_updates"), 1);
    QCOMPARE(w.runner()->result().params.integers(QStringLiteral("schedule")),
             (QList<qlonglong>{1, 2, 1, 2}));
    QVERIFY(w.current()->title().contains(QStringLiteral("schedule 1,2,1,2")));
    QVERIFY(bar->isVisible()); // what was taken stays said
    QVERIFY(!bar->threadButton(2)->isEnabled());

    // Take Back: fresh threads take 1,2,1 again and wait; then the rest runs freely.
    QVERIFY(w.action(QStringLiteral("stepUndo"))->isEnabled());
    w.action(QStringLiteral("stepUndo"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.isRunning(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · done 2 · write (read 0)"), 20000);
    QCOMPARE(w.form()->values().integers(QStringLiteral("schedule")), (QList<qlonglong>{1, 2, 1}));
    QVERIFY(w.action(QStringLiteral("stepRelease"))->isEnabled());
    w.action(QStringLiteral("stepRelease"))->trigger();
    QVERIFY(done.wait(20000));
    QCOMPARE(metric(w, "lost_updates"), 1);

    // Step mode off: the form's schedule is followed, then the threads race freely; no bar.
    mode->setChecked(false);
    runToEnd(w);
    QVERIFY(!bar->isVisible());
    QCOMPARE(metric(w, "lost_updates"), 1);
}

void TestStepMode::aClickOnALaneMovesItsThread()
{
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(stepModeOnCounter(w));
    w.startRun();
    StepBar *bar = w.stepBar();
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · read 2 · read"), 20000);
    // Where thread 2's lane is drawn, three quarters across: a click there (no drag) moves thread 2.
    TimelineView *view = w.view();
    const int x = view->viewport()->width() * 3 / 4;
    // A little below the top of the lane named so, or -1.
    const auto yOf = [&](const QString &name) {
        for (int at = 0; at < view->viewport()->height(); ++at)
            if (const auto lane = view->laneAt(QPoint(x, at));
                lane && lane->first->lane(lane->second).name == name)
                return at + 5;
        return -1;
    };
    const int y = yOf(QStringLiteral("thread 2"));
    QVERIFY(y >= 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(x, y));
    QTRY_COMPARE_WITH_TIMEOUT(buttons(bar), QStringLiteral("1 · read 2 · write (read 0)"), 20000);
    // A click on the counter's lane moves nobody.
    const int counterY = yOf(QStringLiteral("counter"));
    QVERIFY(counterY >= 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(x, counterY));
    QTest::qWait(200);
    QCOMPARE(w.runner()->steps().state().taken, (QList<qlonglong>{2}));
    w.action(QStringLiteral("stepRelease"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 20000);
}

void TestStepMode::onlyForScenariosWithSteps()
{
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("pool")));
    QVERIFY(!w.action(QStringLiteral("stepMode"))->isEnabled());
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    QVERIFY(w.action(QStringLiteral("stepMode"))->isEnabled());
    // Nothing to move outside a run in step mode: the keys do nothing.
    QTest::keyClick(&w, Qt::Key_1);
    QVERIFY(!w.isRunning());
    QVERIFY(!w.action(QStringLiteral("stepRelease"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("stepUndo"))->isEnabled());
}

void TestStepMode::everyOrderInAWindow()
{
    // Run > Explore Every Order: the 70 orders of 2 threads x 2 increments, counted as the command line
    // counts them; Replay runs an outcome's first order step by step, and it loses what it said.
    MainWindow w;
    w.show();
    QVERIFY(w.selectScenario(QStringLiteral("counter")));
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("threads"), qlonglong(2));
    v.set(QStringLiteral("iterations"), qlonglong(2));
    w.form()->setValues(v);
    w.action(QStringLiteral("explore"))->trigger();
    ExploreDialog *dialog = w.exploreDialog();
    QVERIFY(dialog && dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isDone(), 60000);
    QCOMPARE(dialog->result().runs, std::uint64_t(70));
    QCOMPARE(dialog->result().outcomes.size(), std::size_t(3));
    QVERIFY2(dialog->outcomeText(2).contains(QStringLiteral("32 of 70 orders")),
             qPrintable(dialog->outcomeText(2)));
    const QList<qlonglong> example = dialog->result().outcomes[2].example;
    QSignalSpy done(&w, &MainWindow::runFinished);
    dialog->replayButton(2)->click();
    QVERIFY(done.wait(20000));
    QCOMPARE(metric(w, "lost_updates"), 2);
    QCOMPARE(w.runner()->result().params.integers(QStringLiteral("schedule")), example);
    QVERIFY(w.action(QStringLiteral("stepMode"))->isChecked());

    // Too many orders: said, nothing run.
    v.set(QStringLiteral("threads"), qlonglong(4));
    v.set(QStringLiteral("iterations"), qlonglong(3));
    v.set(QStringLiteral("schedule"), QVariantList());
    w.form()->setValues(v);
    w.action(QStringLiteral("explore"))->trigger();
    QVERIFY(w.exploreDialog()->isDone());
    QVERIFY(w.exploreDialog()->result().outcomes.empty());
    QVERIFY(!w.exploreDialog()->replayButton(0));
}

QTEST_MAIN(TestStepMode)
#include "tst_stepmode.moc"
