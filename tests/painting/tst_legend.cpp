// The legend is exactly what is drawn: every scenario at its window defaults (cut at two seconds), two
// runs stacked, a Python script traced and a Chrome trace imported are drawn on a device that keeps the
// colours laid down (inkrecorder.h). Every colour inked in the lanes must be the colour of exactly one
// legend entry's sample, and every legend entry's colour must be inked in the lanes: one meaning per
// colour, no entry for what is not there. And each picture writes its key fact where it happens
// (callouts), with numbers that match what the run measured on its own.

#include "chrometraceimport.h"
#include "deadlockcycle.h"
#include "inkrecorder.h"
#include "paintertest.h"
#include "pythonjob.h"
#include "pythonscenario.h"
#include "tracesummary.h"
#include "workerprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSet>

using namespace raceway;
using namespace raceway::testing;
using namespace raceway::paintertest;

namespace {

// Runs a scenario as the window would, for two seconds at most (then Stop, as a user would).
std::unique_ptr<Runner> runFor(const Scenario &scenario, const QStringList &args, int ms = 2000)
{
    QString error;
    const auto params = ParamValues::parse(scenario.params(), args, &error);
    if (!params) qFatal("bad parameters: %s", qPrintable(error));
    auto runner = std::make_unique<Runner>(scenario, *params);
    runner->start();
    QElapsedTimer clock;
    clock.start();
    bool cancelled = false;
    while (!runner->collect(20)) {
        if (!cancelled && clock.elapsed() > ms) {
            runner->cancel();
            cancelled = true;
        }
        QThread::msleep(5);
    }
    return runner;
}

QString hex(QRgb rgb)
{
    return QStringLiteral("#%1").arg(rgb & 0xFFFFFF, 6, 16, QLatin1Char('0'));
}

// What the runs' lanes inked and what each legend entry's sample inked, in colours other than the
// palette's neutral ones (backgrounds, text, grid, outlines).
struct Drawn
{
    QSet<QRgb> lanes;
    std::vector<QSet<QRgb>> samples;
    std::vector<LegendItem> items;
    int images = 0; // pictures pasted in (the recorder cannot tell their colours)
};

Drawn draw(const std::vector<const Trace *> &runs, const TimelinePalette &palette, int width = 1600)
{
    // As the window stacks them: earlier runs above, the legend under the last, explaining them all.
    std::vector<TimelinePainter> painters;
    std::vector<TimelineLayout> layouts;
    int y = 0;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        TimelinePainter painter(*runs[k], palette);
        const bool last = k + 1 == runs.size();
        painter.setShowLegend(last);
        if (last) painter.setLegendAlso({runs.begin(), runs.end() - 1});
        const QRect area(0, y, width, painter.preferredHeight(width));
        layouts.push_back(painter.layout(area));
        painters.push_back(painter);
        y += area.height();
    }
    InkDevice device(QSize(width, y));
    InkLog log;
    {
        QPainter p(&device);
        for (std::size_t k = 0; k < painters.size(); ++k) {
            painters[k].setInkLog(&log);
            painters[k].paint(p, layouts[k]);
        }
    }
    QSet<QRgb> neutral;
    for (const QColor &c : {palette.background, palette.laneAlternate, palette.text, palette.mutedText,
                            palette.grid, palette.labelBackground, palette.lostOutline, QColor(Qt::white)})
        neutral.insert(c.rgb() & 0xFFFFFF);
    Drawn out;
    out.items = TimelinePainter::inkedItems(layouts.back().legendItems, log); // as paint drew it
    const auto rects = TimelinePainter::legendSampleRects(layouts.back().legend, out.items);
    out.samples.resize(out.items.size());
    for (const Ink &ink : device.inks()) {
        if (ink.rgb == qRgb(1, 2, 3)) {
            ++out.images;
            continue;
        }
        if (neutral.contains(ink.rgb)) continue;
        for (const TimelineLayout &l : layouts)
            if (l.plot.intersects(ink.where.toAlignedRect()) && !l.plot.isEmpty()) out.lanes.insert(ink.rgb);
        for (std::size_t i = 0; i < rects.size(); ++i)
            if (rects[i].contains(ink.where.center().toPoint())) out.samples[i].insert(ink.rgb);
    }
    return out;
}

} // namespace

class TestLegend : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setWorkerPathOverride(QStringLiteral(RACEWAY_WORKER_BINARY)); }
    void legendIsWhatIsDrawn_data();
    void legendIsWhatIsDrawn();
    void counterSaysWhatWasLost();
    void counterNumbersStayWhole();
    void semaphoreSaysItIsFull();
    void deadlockIsWrittenOut();
    void overdraftIsWrittenOut();
    void calloutsLeaveASmallPlotReadable();
    void startUpIsSkipped();
};

namespace {

// The painter's callouts for the whole run at 1600 px, and the layout they were placed in.
std::pair<std::vector<Callout>, TimelineLayout> calloutsOf(const Trace &trace)
{
    const TimelinePainter painter(trace);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1600, painter.preferredHeight(1600)));
    return {painter.callouts(l), l};
}

QStringList textsOf(const std::vector<Callout> &callouts)
{
    QStringList out;
    for (const Callout &c : callouts)
        out << c.text;
    return out;
}

} // namespace

void TestLegend::counterSaysWhatWasLost()
{
    // Lock off: "lost N of M (P %)" at the end of the counter's lane, N = expected − actual as the run
    // counted them; lock on: nothing lost, nothing said.
    for (const char *lock : {"off", "on"}) {
        auto r = runScenario(QStringLiteral("counter"),
                             {QStringLiteral("threads=4"), QStringLiteral("iterations=100000"),
                              QStringLiteral("lock=") + QLatin1String(lock)});
        const Trace &t = r->trace();
        const auto [callouts, l] = calloutsOf(t);
        const qlonglong expected = metric(*r, "expected"), lost = expected - metric(*r, "actual");
        QStringList said;
        for (const Callout &c : callouts)
            if (c.text.startsWith(QStringLiteral("lost "))) {
                said << c.text;
                QVERIFY(l.lanes[lanesOfKind(t, LaneKind::Counter).front()].contains(c.at.toPoint()));
            }
        if (lost == 0) {
            QCOMPARE(said, QStringList());
            QVERIFY(textsOf(callouts).contains(
                QStringLiteral("nothing lost: %1 of %1").arg(QLocale().toString(expected))));
            continue;
        }
        QCOMPARE(said.size(), 1);
        const QLocale loc;
        QVERIFY2(said.front().startsWith(
                     QStringLiteral("lost %1 of %2 (").arg(loc.toString(lost), loc.toString(expected))),
                 qPrintable(said.front()));
    }
}

void TestLegend::counterNumbersStayWhole()
{
    // A counter lane squeezed short (a small window): its label's numbers are drawn whole or not at all,
    // never cut at the lane's foot (where 6,000,000 read as 6.000.000): no ink on its last row, where a
    // cut line leaves its glyphs' bodies. Both numbers still fit at 46 pixels.
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=2"), QStringLiteral("iterations=1000")});
    const Trace &t = r->trace();
    const Lane &lane = t.lane(lanesOfKind(t, LaneKind::Counter).front());
    const TimelinePalette pal = TimelinePalette::light();
    for (const int height : {30, 40, 46, 50, 53, 54, 60, 80}) {
        QImage img(200, 120, QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        QFont f = p.font();
        f.setPixelSize(12);
        p.setFont(f);
        const TimelineLayout l;
        const TimelineContext ctx{t, pal, l, {}};
        const QRect text(4, 10, 190, height);
        drawerFor(LaneKind::Counter).paintLabel(ctx, p, lane, text);
        p.end();
        int below = 0, numbers = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                if (img.pixel(x, y) != qRgb(255, 255, 255)) {
                    below += y >= text.bottom();
                    numbers += y >= text.top() + 19;
                }
        QVERIFY2(below == 0, qPrintable(QStringLiteral("%1 pixels on or under the last row of a lane %2 high")
                                            .arg(below)
                                            .arg(height)));
        if (height >= 46)
            QVERIFY2(numbers > 0, qPrintable(QStringLiteral("no numbers in a lane %1 high").arg(height)));
    }
}

void TestLegend::semaphoreSaysItIsFull()
{
    // The most threads ever inside at once, counted from their own lanes' holds, is the number the
    // semaphore's lane says, against its permits.
    auto r =
        runScenario(QStringLiteral("semaphore"),
                    {QStringLiteral("threads=6"), QStringLiteral("permits=3"), QStringLiteral("rounds=20")});
    const Trace &t = r->trace();
    const int most = mostAtOnce(intervalsIn(t, lanesOfKind(t, LaneKind::Thread), State::Holding));
    QCOMPARE(most, 3);
    const auto [callouts, l] = calloutsOf(t);
    QVERIFY2(textsOf(callouts).contains(QStringLiteral("3 of 3 permits in use")),
             qPrintable(textsOf(callouts).join(QStringLiteral(" | "))));
}

void TestLegend::deadlockIsWrittenOut()
{
    // The first deadlock's cycle in words beside its mark, as the tooltip (F3) says it. Each thread holds
    // its first lock 50 ms before asking for its second (by default 2 ms: in a full test run under load
    // one thread once got both before the other took its first, in all three rounds).
    auto r = runScenario(QStringLiteral("deadlock"), {QStringLiteral("hold_ms=50")});
    const Trace &t = r->trace();
    QVERIFY(metric(*r, "deadlocks") >= 1);
    std::int64_t first = INT64_MAX;
    std::size_t lane = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        for (const Instant &in : t.lane(i).instants)
            if (in.markKind() == MarkKind::Deadlock && in.t < first) {
                first = in.t;
                lane = i;
            }
    QVERIFY(first != INT64_MAX);
    const auto [callouts, l] = calloutsOf(t);
    const QString sentence = QStringLiteral("deadlock: ") + describeCycle(t, deadlockCycleAt(t, lane, first));
    QVERIFY2(textsOf(callouts).contains(sentence), qPrintable(textsOf(callouts).join(QStringLiteral(" | "))));
    QVERIFY(sentence.contains(QStringLiteral("waits for")));
}

void TestLegend::overdraftIsWrittenOut()
{
    // Lock off, a bank that overdrew says so in words once; lock on, it never overdraws and says nothing.
    for (const char *lock : {"off", "on"}) {
        auto r = runScenario(QStringLiteral("bank"), {QStringLiteral("lock=") + QLatin1String(lock)});
        const auto [callouts, l] = calloutsOf(r->trace());
        const auto said = textsOf(callouts).filter(QStringLiteral("overdraft: "));
        QCOMPARE(said.size(), metric(*r, "overdrafts") > 0 ? 1 : 0);
    }
}

void TestLegend::calloutsLeaveASmallPlotReadable()
{
    // The bank with the lock off, its race made by a schedule (both threads check 100 before either
    // pays: an overdraft every time, not only when the threads happen to overlap, which under
    // AddressSanitizer they did not even in five runs), says what went wrong twice: the overdraft, and
    // where the balance went below zero. In a wide picture both say it in full; where the plot is small (a
    // small window at a large scale) the boxes cover at most a fifth of it, in their few words, and at
    // least one still says something.
    auto r =
        runScenario(QStringLiteral("bank"),
                    {QStringLiteral("lock=off"), QStringLiteral("threads=2"), QStringLiteral("operations=3"),
                     QStringLiteral("initial=100"), QStringLiteral("amount=100"),
                     QStringLiteral("withdraw_percent=100"), QStringLiteral("schedule=1,2,1,2")});
    const Trace &t = r->trace();
    const TimelinePainter painter(t);
    const TimelineLayout wide = painter.layout(QRect(0, 0, 1600, painter.preferredHeight(1600)));
    QVERIFY(painter.callouts(wide).size() >= 2);
    for (const QRect &box : painter.calloutBoxes(wide))
        QVERIFY(!box.isNull());
    for (const QSize size : {QSize(300, 200), QSize(360, 220), QSize(420, 260), QSize(520, 300)}) {
        const TimelineLayout l = painter.layout(QRect(QPoint(0, 0), size));
        const std::vector<QRect> boxes = painter.calloutBoxes(l);
        QCOMPARE(boxes.size(), painter.callouts(l).size());
        double area = 0;
        int shown = 0;
        for (const QRect &box : boxes) {
            if (box.isNull()) continue;
            ++shown;
            area += double(box.width()) * double(box.height());
            QVERIFY2(l.plot.contains(box),
                     qPrintable(QStringLiteral("%1x%2").arg(size.width()).arg(size.height())));
        }
        QVERIFY(shown >= 1);
        const QRect plot = l.plot.adjusted(2, 2, -2, -2);
        QVERIFY2(shown == 1 || area <= double(plot.width()) * double(plot.height()) / 5,
                 qPrintable(QStringLiteral("%1x%2: %3 boxes cover %4 of %5 px")
                                .arg(size.width())
                                .arg(size.height())
                                .arg(shown)
                                .arg(area)
                                .arg(plot.width() * plot.height())));
    }
}

void TestLegend::legendIsWhatIsDrawn_data()
{
    QTest::addColumn<QStringList>("runs"); // "scenario arg arg…" per run, stacked in order
    for (const Scenario *s : Registry::builtin().all())
        QTest::newRow(qPrintable(s->id())) << QStringList{s->id()};
    QTest::newRow("counter, lock on") << QStringList{QStringLiteral("counter lock=on")};
    QTest::newRow("bank, lock on") << QStringList{QStringLiteral("bank lock=on")};
    QTest::newRow("deadlock, consistent order") << QStringList{QStringLiteral("deadlock order=consistent")};
    QTest::newRow("shared-value twice, lock on")
        << QStringList{QStringLiteral("shared-value lock=on"), QStringLiteral("shared-value lock=on")};
    QTest::newRow("counter off over counter on")
        << QStringList{QStringLiteral("counter"), QStringLiteral("counter lock=on")};
    QTest::newRow("gil over semaphore") << QStringList{QStringLiteral("semaphore"), QStringLiteral("gil")};
    QTest::newRow("python: counter_lock.py") << QStringList{QStringLiteral("python counter_lock.py")};
    QTest::newRow("python: processes.py") << QStringList{QStringLiteral("python processes.py")};
    // Its watched numbers: the balance (a value lane) and the race's total against the updates made.
    QTest::newRow("python: bank_account.py, watched")
        << QStringList{QStringLiteral("python bank_account.py")};
    QTest::newRow("python: asyncio_race.py, watched")
        << QStringList{QStringLiteral("python asyncio_race.py")};
    // Its tasks queue for an asyncio.Lock: the queue's entry says tasks, not threads.
    QTest::newRow("python: asyncio_race.py --lock")
        << QStringList{QStringLiteral("python asyncio_race.py --lock")};
    QTest::newRow("chrome: two-processes.json") << QStringList{QStringLiteral("chrome two-processes.json")};
}

void TestLegend::legendIsWhatIsDrawn()
{
    QFETCH(QStringList, runs);
    std::vector<std::unique_ptr<Runner>> runners;
    std::vector<std::unique_ptr<Scenario>> scripts;
    std::vector<std::unique_ptr<Trace>> imported;
    std::vector<const Trace *> traces;
    for (const QString &run : runs) {
        QStringList words = run.split(QLatin1Char(' '));
        const QString id = words.takeFirst();
        if (id == QLatin1String("chrome")) {
            QFile f(QStringLiteral(RACEWAY_TEST_DATA "/chrome/") + words.front());
            QVERIFY(f.open(QIODevice::ReadOnly));
            imported.push_back(std::make_unique<Trace>());
            QString error;
            ChromeImportStats stats;
            QVERIFY2(readChromeTrace(f.readAll(), imported.back().get(), &stats, &error), qPrintable(error));
            traces.push_back(imported.back().get());
            continue;
        }
        if (id == QLatin1String("python")) {
            py::PythonJob job;
            job.script = QStringLiteral(RACEWAY_EXAMPLES_DIR "/") + words.takeFirst();
            job.args = words;
            QString error;
            job.python = py::findPython({}, &error);
            QVERIFY2(!job.python.isEmpty(), qPrintable(error));
            job.tracerDir = py::tracerDirectory(&error);
            QVERIFY2(!job.tracerDir.isEmpty(), qPrintable(error));
            job.stdoutToStderr = true;
            job.timeoutMs = 60000;
            job.watch = py::declaredWatches(job.script); // as the command line and the window do
            scripts.push_back(std::make_unique<py::PythonScenario>(job));
            runners.push_back(runFor(*scripts.back(), {}, 60000));
        } else {
            const Scenario *scenario = Registry::builtin().find(id);
            QVERIFY(scenario);
            runners.push_back(runFor(*scenario, words));
        }
        traces.push_back(&runners.back()->trace());
    }
    for (const TimelinePalette &palette : {TimelinePalette::light(), TimelinePalette::dark()}) {
        const Drawn d = draw(traces, palette);
        QCOMPARE(d.images, 0);
        QStringList problems;
        // Named slices take a colour per name: one entry (kind Slices) says so for all of them.
        QSet<QRgb> sliceColours;
        const bool slicesExplained = std::any_of(d.items.begin(), d.items.end(), [](const LegendItem &item) {
            return item.kind == LegendItem::Slices;
        });
        for (const Trace *t : traces)
            for (std::uint32_t n = 0; n < t->sliceNames().size(); ++n)
                sliceColours.insert(palette.slice(t->sliceHueOf(n)).rgb() & 0xFFFFFF);
        for (const QRgb c : d.lanes) {
            if (slicesExplained && sliceColours.contains(c & 0xFFFFFF)) continue;
            // Marks (glyphs) are told apart by shape and may share a colour with each other, never with
            // a swatch, bar, marker or line: those are told apart by colour alone.
            QStringList entries, glyphs;
            for (std::size_t i = 0; i < d.items.size(); ++i)
                if (d.samples[i].contains(c))
                    (d.items[i].kind == LegendItem::Glyph ? glyphs : entries) << d.items[i].text;
            if (entries.size() + (glyphs.isEmpty() ? 0 : 1) != 1)
                problems << QStringLiteral("%1 is drawn in the lanes and has %2 legend entries (%3)")
                                .arg(hex(c))
                                .arg(entries.size() + glyphs.size())
                                .arg((entries + glyphs).join(QStringLiteral("; ")));
        }
        for (std::size_t i = 0; i < d.items.size(); ++i) {
            bool drawn = d.samples[i].isEmpty();       // a glyph in text colours only: nothing to tell apart
            if (d.items[i].kind == LegendItem::Slices) // its sample's colours stand for any name's
                for (const QRgb c : d.lanes)
                    drawn = drawn || sliceColours.contains(c & 0xFFFFFF);
            for (const QRgb c : d.samples[i])
                drawn = drawn || d.lanes.contains(c);
            if (!drawn)
                problems
                    << QStringLiteral("legend entry “%1” is not drawn in the lanes").arg(d.items[i].text);
        }
        // Who queues or waits is named as the trace has them: an asyncio program's tasks are not threads.
        const bool tasks = std::any_of(traces.begin(), traces.end(),
                                       [](const Trace *t) { return TraceSummary::of(*t).tasks > 0; });
        for (const LegendItem &item : d.items)
            if (item.kind == LegendItem::Bar && tasks && !item.text.contains(QLatin1String("tasks")) &&
                (item.text.contains(QLatin1String(" queued")) ||
                 item.text.contains(QLatin1String(" waiting"))))
                problems << QStringLiteral("“%1”: the waiters here are asyncio tasks").arg(item.text);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }
}

void TestLegend::startUpIsSkipped()
{
    // A thread that starts 400 ms into a 500 ms trace (an interpreter starting up first): the picture
    // starts a little before it, so the program fills the width; one that starts at 10 ms is drawn whole.
    // The core lane its switch records make (a 1 ms preemption at 450 ms) starts with it, not before.
    for (const std::int64_t first : {std::int64_t(400'000'000), std::int64_t(10'000'000)}) {
        Recorder rec;
        const auto lane = rec.addLane(QStringLiteral("MainThread"), LaneKind::Thread);
        ThreadBuffer *b = rec.createBuffer(lane);
        b->recordAt(first, EventKind::ThreadStart, 0, 0);
        b->recordAt(450'000'000, EventKind::ArgHigh, 0, 1 | 2 << 16); // from core 0 back onto core 1
        b->recordAt(450'000'000, EventKind::OffCore, 1, 1'000'000);
        b->recordAt(490'000'000, EventKind::ThreadEnd, 0, 0);
        const auto trace = traceOf(rec, 0, 500'000'000);
        trace->compact(); // as a run that has ended: the core lanes are made
        QCOMPARE(trace->lanes().size(), 3u);
        QCOMPARE(trace->lane(1).kind, LaneKind::CoreRuns);
        const std::int64_t lead = TimelinePainter::leadInEnd(*trace);
        const TimelinePainter painter(*trace);
        QCOMPARE(painter.windowStart(), lead);
        if (first == 10'000'000) {
            QCOMPARE(lead, 0);
            continue;
        }
        QVERIFY2(lead > 390'000'000 && lead < first, qPrintable(QString::number(lead)));
        const auto [img, l] = drawn(painter);
        const coords::Mapping m = painter.mapping(l);
        QVERIFY(m.toX(first) - l.plot.left() < l.plot.width() / 20); // the thread starts near the left edge
    }
}

RACEWAY_PAINTER_TEST_MAIN(TestLegend)
#include "tst_legend.moc"
