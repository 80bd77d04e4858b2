// The timeline in the window under the offscreen platform: exports, zoom by wheel and drag, the share of
// the window it gets, lane heights, F3, a selected range's numbers, lane arrangement (the overview strip
// above it: tst_windowoverview).

#include "windowtest.h"

using namespace raceway;
using namespace raceway::windowtest;

class TestWindowTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void exportsWriteFiles();
    void wheelAndDragChangeTheZoom();
    void exportDialogOffersTwiceTheScale();
    void timelineGetsMostOfTheWindow_data();
    void timelineGetsMostOfTheWindow();
    void lanesFillTheHeightAndCtrlWheelScalesThem();
    void findJumpsToEachLostUpdateInTurn();
    void selectedRangeShowsTheTracesOwnNumbers();
    void laneArrangementIsRememberedPerScenario();
};

void TestWindowTimeline::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
}

void TestWindowTimeline::init()
{
    QSettings().clear();
}

void TestWindowTimeline::exportsWriteFiles()
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

void TestWindowTimeline::wheelAndDragChangeTheZoom()
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
    // The whole run, past a slow start-up where there was one (threads start late under ASan).
    QCOMPARE(zoom->start(), zoom->leadIn());
    QCOMPARE(zoom->end(), span);
    zoom->setWindow(0, span);
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
    QCOMPARE(zoom->start(), zoom->leadIn());
    QCOMPARE(zoom->end(), span);

    // Hovering a thread lane while that thread was running explains it.
    const Runner *runner = w.runner();
    QVERIFY(runner != nullptr);
    const Lane &first = runner->trace().lane(0);
    QVERIFY(!first.times.empty());
    // Zoomed to that thread's life first: on a busy machine thread 1 did all its work in 160 us of a
    // 40 ms run, less than a pixel at fit.
    const std::int64_t born = first.times.front() - runner->trace().start();
    const std::int64_t mid = (first.times.front() + first.times.back()) / 2 - runner->trace().start();
    zoom->setWindow(born, std::max(2 * mid - born, born + 1000));
    const int x = plot.center().x();
    int y = TimelinePainter::headerHeight; // lane one's first row, wherever the layout puts it
    for (; y < view->viewport()->height(); ++y)
        if (const auto hit = view->laneAt(QPoint(x, y)); hit.has_value() && hit->second == 0) break;
    const QString tip = view->toolTipAt(QPoint(x, y + 6));
    QVERIFY2(tip.contains(QStringLiteral("thread 1")),
             qPrintable(QStringLiteral("at (%1, %2) of plot %3-%4, time %5 of %6: '%7'")
                            .arg(x)
                            .arg(y + 6)
                            .arg(plot.left())
                            .arg(plot.right())
                            .arg(mid)
                            .arg(span)
                            .arg(tip)));
}

void TestWindowTimeline::exportDialogOffersTwiceTheScale()
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

void TestWindowTimeline::timelineGetsMostOfTheWindow_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1024x700") << QSize(1024, 700);
}

void TestWindowTimeline::timelineGetsMostOfTheWindow()
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

void TestWindowTimeline::lanesFillTheHeightAndCtrlWheelScalesThem()
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

void TestWindowTimeline::findJumpsToEachLostUpdateInTurn()
{
    // A race is a race: on a loaded machine the threads may hardly overlap (once under AddressSanitizer
    // in ./scripts/test.sh, fewer than 3 updates were lost). Run again, in a new window, until enough are.
    std::unique_ptr<MainWindow> window;
    for (int attempt = 0; attempt < 5; ++attempt) {
        window = std::make_unique<MainWindow>();
        window->resize(1280, 800);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        setQuick(*window, 300);
        ParamValues v = window->form()->values();
        v.set(QStringLiteral("window_ns"), qlonglong(20000)); // wide enough that updates are lost
        window->form()->setValues(v);
        window->form()->setLock(false);
        runToEnd(*window);
        if (TraceFinder(window->current()->trace(), FindKind::LostUpdate).size() >= 3) break;
    }
    MainWindow &w = *window;
    const Trace &trace = w.current()->trace();
    const TraceFinder expected(trace, FindKind::LostUpdate);
    QVERIFY(expected.size() >= 3);
    const QString of =
        QStringLiteral(" of ") + QLocale().toString(qulonglong(expected.size())) + QStringLiteral(": ");
    TimelineZoom *zoom = w.view()->zoom();
    // From the whole run: a slow start-up (AddressSanitizer's late threads) can leave the fitted view
    // starting past a lead-in of over half the run, and from there a find keeps the width it has (once,
    // under AddressSanitizer in ./scripts/test.sh: more than a tenth of the run).
    zoom->setWindow(0, zoom->span());
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

void TestWindowTimeline::selectedRangeShowsTheTracesOwnNumbers()
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
                if (iv.state == State::Holding || iv.state == State::HoldingReady)
                    holding += to - from; // off core too
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
        // Columns with nothing in them are left out: no waits without the lock, so no waiting columns.
        QCOMPARE(w.selection()->table()->isColumnHidden(SelectionPanel::Waits), !lock);
        QCOMPARE(w.selection()->table()->isColumnHidden(SelectionPanel::LongestWait), !lock);
        QVERIFY(!w.selection()->table()->isColumnHidden(SelectionPanel::Running));
    }
}

void TestWindowTimeline::laneArrangementIsRememberedPerScenario()
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
        w.view()->setArrangement({{QStringLiteral("counter")}, {QStringLiteral("thread 2")}, {}, {}, {}});
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

QTEST_MAIN(TestWindowTimeline)
#include "tst_windowtimeline.moc"
