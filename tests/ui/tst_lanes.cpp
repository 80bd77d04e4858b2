// Lanes you arrange, in the window: drag a lane by its label to another place (landing among the
// pinned lanes pins it), collapse a kind into thin rows under one label, and see how many are hidden.
// Remembered per scenario like pinning and hiding (tst_mainwindow). A new run stacked under another is
// scrolled into view, and a tooltip over a lane never outlives the picture it described.

#include "criticalpath.h"
#include "mainwindow.h"
#include "paramform.h"
#include "runhistory.h"
#include "selectionpanel.h"
#include "timelinepainter.h"
#include "timelineview.h"
#include "timelinezoom.h"
#include "tracefind.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHelpEvent>
#include <QLineEdit>
#include <QMouseEvent>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

using namespace raceway;

class TestLanes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QSettings().clear(); }
    void orderFollowsTheDraggedSequence();
    void dragALaneByItsLabel();
    void taskGroupOpensOnAClick();
    void collapsedKindIsThinRowsUnderOneLabel();
    void newRunIsScrolledIntoView();
    void tooltipNeverOutlivesThePicture();
    void labelTooltipHasTheWholeName();
    void criticalPathIsDrawnAndListed();
    void slicesAreFoundByName();

private:
    static void runCounter(MainWindow &w, int threads, bool lock = false, int iterations = 200,
                           int windowNs = 0)
    {
        ParamValues v = w.form()->values();
        v.set(QStringLiteral("threads"), qlonglong(threads));
        v.set(QStringLiteral("iterations"), qlonglong(iterations));
        if (lock) v.set(QStringLiteral("lock"), true); // else as the form has it
        v.set(QStringLiteral("window_ns"), qlonglong(windowNs));
        v.set(QStringLiteral("pace_us"), qlonglong(0));
        w.form()->setValues(v);
        QSignalSpy done(&w, &MainWindow::runFinished);
        w.startRun();
        QVERIFY(done.wait(60000));
    }
    // What the recorder holds, as a trace from 0 to `end`.
    static void takeAll(Recorder &rec, Trace &trace, std::int64_t end)
    {
        trace.setRegistry(rec.lanes(), rec.objects());
        rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); });
        trace.commit();
        trace.setStart(0);
        trace.setEnd(end);
    }
    // The viewport y of a lane's middle, found through the view's own hit test on the label column.
    static int laneY(TimelineView *view, const QString &name)
    {
        int first = -1, last = -1;
        for (int y = 0; y < view->viewport()->height(); ++y)
            if (const auto lane = view->laneAt(QPoint(20, y));
                lane && lane->first->lane(lane->second).name == name) {
                if (first < 0) first = y;
                last = y;
            }
        return first < 0 ? -1 : (first + last) / 2;
    }
    static void drag(QWidget *w, QPoint from, QPoint to)
    {
        QTest::mousePress(w, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), w->mapToGlobal(QPointF(to)), Qt::NoButton,
                         Qt::LeftButton, {});
        QApplication::sendEvent(w, &move);
        QTest::mouseRelease(w, Qt::LeftButton, {}, to);
    }
    static QStringList drawnOrder(TimelineView *view)
    {
        TimelinePainter p(*view->current());
        p.setArrangement(view->arrangement());
        QStringList names;
        for (std::size_t i : p.shownLanes())
            names << view->current()->lane(i).name;
        return names;
    }
};

void TestLanes::orderFollowsTheDraggedSequence()
{
    Trace t;
    t.setRegistry({{QStringLiteral("a"), LaneKind::Thread},
                   {QStringLiteral("b"), LaneKind::Thread},
                   {QStringLiteral("lock"), LaneKind::Lock},
                   {QStringLiteral("c"), LaneKind::Thread}},
                  {});
    const auto names = [&](const LaneArrangement &a) {
        QStringList out;
        for (std::size_t i : a.order(t))
            out << t.lane(i).name;
        return out;
    };
    LaneArrangement a;
    a.sequence = {QStringLiteral("c"), QStringLiteral("a")};
    // Named lanes in the dragged order, then the others in their own order.
    QCOMPARE(names(a), (QStringList{QStringLiteral("c"), QStringLiteral("a"), QStringLiteral("b"),
                                    QStringLiteral("lock")}));
    a.pinned = {QStringLiteral("lock")};
    QCOMPARE(names(a), (QStringList{QStringLiteral("lock"), QStringLiteral("c"), QStringLiteral("a"),
                                    QStringLiteral("b")}));
    // A collapsed kind stays together where its first lane is.
    a = {};
    a.sequence = {QStringLiteral("a"), QStringLiteral("lock"), QStringLiteral("b"), QStringLiteral("c")};
    a.collapsed = {QStringLiteral("thread")};
    QCOMPARE(names(a), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                    QStringLiteral("lock")}));
}

void TestLanes::dragALaneByItsLabel()
{
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        runCounter(w, 4);
        TimelineView *view = w.view();
        const int from = laneY(view, QStringLiteral("thread 4"));
        const int onto = laneY(view, QStringLiteral("thread 1"));
        QVERIFY(from > onto && onto > 0);
        // Onto the upper half of thread 1: before it.
        drag(view->viewport(), QPoint(20, from), QPoint(20, onto - 3));
        QCOMPARE(drawnOrder(view).mid(0, 4),
                 (QStringList{QStringLiteral("thread 4"), QStringLiteral("thread 1"),
                              QStringLiteral("thread 2"), QStringLiteral("thread 3")}));
        QVERIFY(view->arrangement().pinned.isEmpty());
        // Pin the counter; a lane dropped right under it is pinned too.
        LaneArrangement a = view->arrangement();
        a.pinned = {QStringLiteral("counter")};
        view->setArrangement(a);
        QCOMPARE(drawnOrder(view).first(), QStringLiteral("counter"));
        drag(view->viewport(), QPoint(20, laneY(view, QStringLiteral("thread 3"))),
             QPoint(20, laneY(view, QStringLiteral("counter")) + 5));
        QCOMPARE(view->arrangement().pinned,
                 (QStringList{QStringLiteral("counter"), QStringLiteral("thread 3")}));
        QCOMPARE(
            drawnOrder(view).mid(0, 3),
            (QStringList{QStringLiteral("counter"), QStringLiteral("thread 3"), QStringLiteral("thread 4")}));
        // A drag in the plot still pans: the arrangement stays.
        const LaneArrangement before = view->arrangement();
        drag(view->viewport(), QPoint(view->plotRect().center().x(), from),
             QPoint(view->plotRect().center().x() - 50, onto));
        QCOMPARE(view->arrangement().sequence, before.sequence);
        w.close();
    }
    MainWindow again; // remembered for the scenario
    again.resize(1280, 800);
    runCounter(again, 4);
    QCOMPARE(
        drawnOrder(again.view()).mid(0, 3),
        (QStringList{QStringLiteral("counter"), QStringLiteral("thread 3"), QStringLiteral("thread 4")}));
}

void TestLanes::collapsedKindIsThinRowsUnderOneLabel()
{
    MainWindow w;
    w.resize(1280, 800);
    runCounter(w, 6);
    TimelineView *view = w.view();
    const Trace &t = *view->current();
    LaneArrangement a;
    a.collapsed = {QStringLiteral("thread")};
    a.hidden = {QStringLiteral("thread 6")};
    view->setArrangement(a);
    TimelinePainter p(t);
    p.setArrangement(view->arrangement());
    const TimelineLayout l = p.layout(QRect(0, 0, 1200, p.preferredHeight(1200)));
    QCOMPARE(l.hidden, 1);
    QCOMPARE(l.groups.size(), 1u);
    QCOMPARE(l.groups[0].lanes, 5);
    QCOMPARE(l.groups[0].kind, LaneKind::Thread);
    int rows = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        if (t.lane(i).kind != LaneKind::Thread || l.lanes[i].isNull()) continue;
        QVERIFY(l.squeezed[i]);
        QCOMPARE(l.lanes[i].height(), TimelinePainter::squeezedLaneHeight - 1);
        QVERIFY(l.groups[0].rect.contains(QPoint(l.groups[0].rect.left() + 1, l.lanes[i].center().y())));
        ++rows;
    }
    QCOMPARE(rows, 5);
    // Each thin row still answers for its own lane.
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        if (!l.lanes[i].isNull() && l.squeezed[i]) {
            const TimelineHit hit = p.hitTest(l, l.lanes[i].center());
            QCOMPARE(hit.lane, int(i));
        }
    // Expanded again from the arrangement: full lanes, no group.
    view->setArrangement({});
    TimelinePainter full(t);
    const TimelineLayout back = full.layout(QRect(0, 0, 1200, full.preferredHeight(1200)));
    QVERIFY(back.groups.empty());
    QCOMPARE(back.hidden, 0);
}

void TestLanes::newRunIsScrolledIntoView()
{
    // Two 64-thread runs stacked: the second starts below the first, out of view at 1024 x 700. It is
    // scrolled to, so what grows is what is seen; the first run alone starts at the top.
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    runCounter(w, 64);
    QScrollBar *bar = w.view()->verticalScrollBar();
    QCOMPARE(bar->value(), 0);
    runCounter(w, 64);
    QVERIFY(w.view()->compared() != nullptr); // stacked under the first
    QVERIFY(bar->maximum() > 0);
    QVERIFY2(bar->value() > bar->maximum() / 3,
             qPrintable(QStringLiteral("%1 of %2").arg(bar->value()).arg(bar->maximum())));
}

void TestLanes::tooltipNeverOutlivesThePicture()
{
    // A tooltip over a lane says what is there; when the picture changes under it (here: the run is
    // taken away, as a new run does) it is said again or closed, never left describing what is gone.
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    runCounter(w, 4);
    TimelineView *view = w.view();
    const int y = laneY(view, QStringLiteral("thread 1"));
    QVERIFY(y >= 0);
    QPoint at; // somewhere the lane has something to say (not before the thread started)
    for (int x = view->viewport()->width() - 20; x > 0 && at.isNull(); x -= 10)
        if (view->toolTipAt(QPoint(x, y)).contains(QStringLiteral("thread 1"))) at = QPoint(x, y);
    QVERIFY(!at.isNull());
    QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("thread 1")), qPrintable(QToolTip::text()));
    view->setPrevious(nullptr, {});
    view->setCurrent(nullptr, {});
    QTRY_VERIFY_WITH_TIMEOUT(!QToolTip::isVisible(), 2000);
}

void TestLanes::taskGroupOpensOnAClick()
{
    // 30 asyncio tasks of one coroutine are one lane; its label says what it is and that a click shows
    // each task; the click does, and the lane's menu puts them back into one lane.
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Recorder rec;
    for (int i = 0; i < 30; ++i) {
        ThreadBuffer *b = rec.createBuffer(
            rec.addLane(QStringLiteral("task Task-%1 (fetch)").arg(i + 2), LaneKind::Thread));
        b->recordAt(1000 * i, EventKind::ThreadStart, 0, 0);
        b->recordAt(500'000 + 1000 * i, EventKind::SleepBegin, 0, 0);
        b->recordAt(900'000, EventKind::ThreadEnd, 0, 0);
    }
    Trace trace;
    takeAll(rec, trace, 1'000'000);
    TimelineView *view = w.view();
    view->setCurrent(&trace, QStringLiteral("tasks"));
    view->traceChanged();
    QCOMPARE(laneY(view, QStringLiteral("task Task-2 (fetch)")), -1); // in the group's lane
    int groupY = -1;
    for (int y = 0; y < view->viewport()->height() && groupY < 0; ++y)
        if (view->taskGroupAt(QPoint(20, y))) groupY = y + 10;
    QVERIFY(groupY >= 0);
    QCOMPARE(view->taskGroupAt(QPoint(20, groupY))->second.label, QStringLiteral("30 tasks (fetch)"));
    const QString tip = view->toolTipAt(QPoint(20, groupY));
    QVERIFY2(tip.contains(QStringLiteral("30 tasks (fetch)")) &&
                 tip.contains(QStringLiteral("Click to show each task")),
             qPrintable(tip));
    // Over its lane: the counts there.
    const QString counts = view->toolTipAt(QPoint(view->plotRect().center().x(), groupY));
    QVERIFY2(counts.contains(QStringLiteral("30 running")) || counts.contains(QStringLiteral("30 sleeping")),
             qPrintable(counts));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(20, groupY));
    QCOMPARE(view->arrangement().expanded, QStringList{QStringLiteral("fetch")});
    QVERIFY(laneY(view, QStringLiteral("task Task-2 (fetch)")) >= 0);
    QVERIFY(!view->taskGroupAt(QPoint(20, groupY)));
    view->setCurrent(nullptr, {});
}

void TestLanes::labelTooltipHasTheWholeName()
{
    // A label too long for the label column is elided in the middle; hovering it says it whole.
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Recorder rec;
    const QString name = QStringLiteral("ThreadPoolExecutor-0_0 (a worker with a long name) _2");
    ThreadBuffer *b = rec.createBuffer(rec.addLane(name, LaneKind::Thread));
    b->recordAt(0, EventKind::ThreadStart, 0, 0);
    b->recordAt(1'000'000, EventKind::ThreadEnd, 0, 0);
    Trace trace;
    takeAll(rec, trace, 1'000'000);
    TimelineView *view = w.view();
    view->setCurrent(&trace, QStringLiteral("long names"));
    view->traceChanged();
    const int y = laneY(view, name);
    QVERIFY(y >= 0);
    const QString tip = view->toolTipAt(QPoint(20, y));
    QVERIFY2(tip.contains(name.toHtmlEscaped()) && tip.contains(QStringLiteral("thread")), qPrintable(tip));
    view->setCurrent(nullptr, {});
}

void TestLanes::criticalPathIsDrawnAndListed()
{
    // Ctrl+P: the path is drawn in its own colour, the legend says what it is, and the Selection panel
    // lists its parts; the path the view draws adds up to the run's length up to its last thread's end.
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    runCounter(w, 3, true, 300, 2000);
    TimelineView *view = w.findChild<TimelineView *>();
    QCOMPARE(view->criticalPathOfCurrent().total, std::size_t(0));
    w.action(QStringLiteral("criticalPath"))->trigger();
    QVERIFY(view->criticalPathShown());
    QVERIFY(view->criticalPathOfCurrent().complete());
    const std::vector<PathSegment> &path = view->criticalPathOfCurrent().segments;
    QVERIFY(!path.empty());
    std::int64_t sum = 0;
    for (const PathSegment &s : path)
        sum += s.ns();
    QCOMPARE(sum, path.back().end - view->current()->start());
    QVERIFY(w.selection()->criticalPathText().contains(QStringLiteral("Critical path")));
    const QImage image = view->renderImage(1200);
    const QRgb magenta = TimelinePalette::light().criticalPath.rgb();
    bool found = false;
    for (int y = 0; y < image.height() && !found; ++y)
        for (int x = 0; x < image.width() && !found; ++x)
            found = (image.pixel(x, y) & 0xFFFFFF) == (magenta & 0xFFFFFF);
    QVERIFY2(found, "the path's colour is nowhere in the picture");
    w.action(QStringLiteral("criticalPath"))->trigger();
    QVERIFY(!view->criticalPathShown());
    QVERIFY(w.selection()->criticalPathText().isEmpty());
}

void TestLanes::slicesAreFoundByName()
{
    // Another tool's trace of named slices: Ctrl+F searches them by name, F3 centres each in turn.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("calls.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"traceEvents":[
{"ph":"X","pid":1,"tid":1,"ts":0,"dur":1000,"name":"main"},
{"ph":"X","pid":1,"tid":1,"ts":100,"dur":50,"name":"json.loads"},
{"ph":"X","pid":1,"tid":1,"ts":600,"dur":50,"name":"parse_json"},
{"ph":"X","pid":1,"tid":2,"ts":300,"dur":20,"name":"JSON dump"},
{"ph":"X","pid":1,"tid":2,"ts":900,"dur":20,"name":"other"}]})");
    f.close();
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QString error;
    QVERIFY2(w.openFile(path, &error), qPrintable(error));
    w.action(QStringLiteral("find"))->trigger();
    auto *kind = w.findChild<QComboBox *>(QStringLiteral("findKind"));
    auto *text = w.findChild<QLineEdit *>(QStringLiteral("findText"));
    QCOMPARE(kind->currentIndex(), int(FindKind::Slice));
    QTRY_VERIFY(text->hasFocus());
    QTest::keyClicks(text, QStringLiteral("json"));
    QTest::keyClick(text, Qt::Key_Return);
    const Trace &t = w.current()->trace();
    QVERIFY2(w.findText().startsWith(QStringLiteral("slice 1 of 3: json.loads in tid 1")),
             qPrintable(w.findText()));
    const TimelineZoom *zoom = w.view()->zoom();
    QVERIFY(zoom->start() <= 100'000 && zoom->end() >= 150'000 &&
            zoom->end() - zoom->start() < t.end() - t.start());
    w.action(QStringLiteral("findNext"))->trigger();
    QVERIFY2(w.findText().startsWith(QStringLiteral("slice 2 of 3: JSON dump in tid 2")),
             qPrintable(w.findText()));
    w.action(QStringLiteral("findNext"))->trigger();
    QVERIFY2(w.findText().startsWith(QStringLiteral("slice 3 of 3: parse_json")), qPrintable(w.findText()));
    // Selected, the range's slices are listed by name, largest first.
    w.view()->zoom()->setSelection(0, 1'000'000);
    QTRY_VERIFY(w.selection()->slicesByName()->isVisibleTo(w.selection()));
    QTableWidget *byName = w.selection()->slicesByName();
    QCOMPARE(byName->rowCount(), 5);
    QCOMPARE(byName->item(0, 0)->text(), QStringLiteral("main"));
    QCOMPARE(byName->item(0, 3)->text(), formatDurationNs(900'000)); // its two calls took 100 us
    text->setText(QStringLiteral("nothing like it"));
    w.action(QStringLiteral("findNext"))->trigger();
    QVERIFY2(w.findText().startsWith(QStringLiteral("No slice named like")), qPrintable(w.findText()));
}

QTEST_MAIN(TestLanes)
#include "tst_lanes.moc"
