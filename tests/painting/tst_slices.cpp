// Another tool's named slices (issue 25): read with their names, categories, arguments and nesting,
// written back unchanged, drawn a row per depth with their names, and described under the mouse.

#include "paintertest.h"

#include "chrometraceimport.h"
#include "coresview.h"
#include "lanes/lanedrawer.h"
#include "lanes/slicelane.h"
#include "slicestats.h"
#include "traceexport.h"

#include <QBuffer>

using namespace raceway;
using namespace raceway::paintertest;

namespace {

// A viztracer-like trace: B/E and X nested three deep on one thread, an unclosed B, a thread of
// counters beside its slices, and an improperly nested X.
const char *callsTrace = R"({"traceEvents":[
{"ph":"M","pid":3,"tid":30,"name":"thread_name","args":{"name":"MainThread"}},
{"ph":"B","pid":3,"tid":30,"ts":10,"name":"main","cat":"FEE"},
{"ph":"X","pid":3,"tid":30,"ts":20,"dur":40,"name":"parse","args":{"file":"a.json"}},
{"ph":"X","pid":3,"tid":30,"ts":25,"dur":10,"name":"json.loads"},
{"ph":"B","pid":3,"tid":30,"ts":70,"name":"time.sleep"},
{"ph":"E","pid":3,"tid":30,"ts":90},
{"ph":"E","pid":3,"tid":30,"ts":110},
{"ph":"X","pid":3,"tid":31,"ts":0,"dur":50,"name":"worker.run"},
{"ph":"X","pid":3,"tid":31,"ts":40,"dur":30,"name":"leaks out"},
{"ph":"C","pid":3,"tid":31,"ts":5,"name":"queue","args":{"depth":3}},
{"ph":"B","pid":3,"tid":31,"ts":80,"name":"never closed"},
{"ph":"i","pid":3,"tid":31,"ts":120,"name":"tick","s":"t"}
]})";

std::unique_ptr<Trace> read(const QByteArray &json)
{
    auto t = std::make_unique<Trace>();
    ChromeImportStats stats;
    QString error;
    if (!readChromeTrace(json, t.get(), &stats, &error)) qFatal("%s", qPrintable(error));
    return t;
}

struct Flat // a slice as a reader sees it, for comparing two traces name by name
{
    QString lane, name, category, args;
    std::int64_t start, end;
    std::size_t depth;
    bool operator==(const Flat &) const = default;
};

std::vector<Flat> flatten(const Trace &t)
{
    std::vector<Flat> out;
    for (const Lane &lane : t.lanes())
        for (std::size_t d = 0; d < lane.slices.depth(); ++d)
            for (const Slice &s : lane.slices.row(d))
                out.push_back({lane.name, t.sliceName(s.name), t.sliceName(s.category), t.sliceArgs(s.args),
                               s.start - t.start(), s.end - t.start(), d});
    return out;
}

const Lane *laneNamed(const Trace &t, const QString &name)
{
    for (const Lane &l : t.lanes())
        if (l.name == name) return &l;
    return nullptr;
}

} // namespace

class TestSlices : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesAndNestingAreKept();
    void selfTimeIsWhatNoChildTook();
    void totalsByNameAreClippedToTheRange();
    void exportKeepsEverySlice();
    void rowsAreDrawnWithTheirNames();
    void tooltipNamesTheSlice();
    void ownExportStillReadsAsStates();
    void flowsAreArrowsBetweenLanes();
    void repeatedNamesKeepTheirTidWhenCut();
    void callsAsTheyComeNestAndCut();
};

void TestSlices::namesAndNestingAreKept()
{
    const auto t = read(callsTrace);
    const Lane *main = laneNamed(*t, QStringLiteral("MainThread"));
    QVERIFY(main);
    QCOMPARE(main->kind, LaneKind::Slices);
    QCOMPARE(main->slices.depth(), 3u);
    QCOMPARE(main->slices.size(), 4u);
    const auto name = [&](std::size_t d, std::size_t k) { return t->sliceName(main->slices.row(d)[k].name); };
    QCOMPARE(name(0, 0), QStringLiteral("main"));
    QCOMPARE(name(1, 0), QStringLiteral("parse"));
    QCOMPARE(name(1, 1), QStringLiteral("time.sleep"));
    QCOMPARE(name(2, 0), QStringLiteral("json.loads"));
    QCOMPARE(t->sliceName(main->slices.row(0)[0].category), QStringLiteral("FEE"));
    QCOMPARE(t->sliceArgs(main->slices.row(1)[0].args), QStringLiteral(R"({"file":"a.json"})"));
    QCOMPARE(main->slices.row(0)[0].end - main->slices.row(0)[0].start, 100'000); // 10 us to 110 us
    // The other thread: a slice that ends after the one it starts in stays under it; an unclosed B
    // runs to the trace's end; its counter is a lane of its own; its instant stays on it.
    const Lane *worker = laneNamed(*t, QStringLiteral("tid 31"));
    QVERIFY(worker);
    QCOMPARE(worker->slices.depth(), 2u);
    QCOMPARE(t->sliceName(worker->slices.row(1)[0].name), QStringLiteral("leaks out"));
    QCOMPARE(t->sliceName(worker->slices.row(0)[1].name), QStringLiteral("never closed"));
    QCOMPARE(worker->slices.row(0)[1].end, t->end());
    QCOMPARE(worker->instants.size(), 1u);
    const Lane *counters = laneNamed(*t, QStringLiteral("tid 31 counters"));
    QVERIFY(counters);
    QCOMPARE(counters->kind, LaneKind::Counter);
    QCOMPARE(counters->series.size(), 1u);
}

void TestSlices::selfTimeIsWhatNoChildTook()
{
    const auto t = read(callsTrace);
    const Lane *main = laneNamed(*t, QStringLiteral("MainThread"));
    // main: 100 us, of which parse took 40 and time.sleep 20.
    QCOMPARE(main->slices.selfTime(0, 0), 40'000);
    QCOMPARE(main->slices.selfTime(1, 0), 30'000); // parse 40, json.loads 10
    QCOMPARE(main->slices.selfTime(2, 0), 10'000);
    QCOMPARE(main->slices.at(1, t->start() + 65'000), -1); // between parse and time.sleep
    QCOMPARE(main->slices.at(1, t->start() + 75'000), 1);
}

void TestSlices::totalsByNameAreClippedToTheRange()
{
    const auto t = read(callsTrace);
    const auto row = [](const std::vector<SliceTotals> &all, const char *name) {
        for (const SliceTotals &s : all)
            if (s.name == QLatin1String(name)) return s;
        return SliceTotals{};
    };
    const auto whole = sliceTotals(*t, t->start(), t->end());
    QStringList order;
    for (const SliceTotals &s : whole)
        order << s.name;
    QCOMPARE(order, QStringList({QStringLiteral("main"), QStringLiteral("worker.run"),
                                 QStringLiteral("never closed"), QStringLiteral("parse"),
                                 QStringLiteral("leaks out"), QStringLiteral("time.sleep"),
                                 QStringLiteral("json.loads")}));
    QCOMPARE(row(whole, "main").totalNs, 100'000);
    QCOMPARE(row(whole, "main").selfNs, 40'000);
    QCOMPARE(row(whole, "parse").selfNs, 30'000);
    QCOMPARE(row(whole, "worker.run").selfNs, 40'000); // "leaks out" took 10 us of it
    QCOMPARE(row(whole, "never closed").totalNs, 40'000);
    // 30 us to 80 us: every time clipped to it.
    const auto part = sliceTotals(*t, t->start() + 30'000, t->start() + 80'000);
    QCOMPARE(row(part, "main").totalNs, 50'000);
    QCOMPARE(row(part, "main").selfNs, 10'000);
    QCOMPARE(row(part, "parse").selfNs, 25'000);
    QCOMPARE(row(part, "json.loads").totalNs, 5'000);
    QCOMPARE(row(part, "main").longestNs, 100'000); // the longest is said whole
    QCOMPARE(row(part, "never closed").count, 0);
    QCOMPARE(part.size(), 6u);
}

void TestSlices::exportKeepsEverySlice()
{
    const auto t = read(callsTrace);
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(writeChromeTrace(*t, out));
    const auto back = read(out.data());
    const auto a = flatten(*t), b = flatten(*back);
    QCOMPARE(a.size(), 7u);
    QCOMPARE(b.size(), a.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        QVERIFY2(a[i] == b[i], qPrintable(QStringLiteral("slice %1 (%2) changed").arg(i).arg(a[i].name)));
    // And once more: what Raceway wrote reads back as what it wrote.
    QBuffer again;
    QVERIFY(again.open(QIODevice::WriteOnly));
    QVERIFY(writeChromeTrace(*back, again));
    QVERIFY(flatten(*read(again.data())) == a);
}

void TestSlices::rowsAreDrawnWithTheirNames()
{
    const auto t = read(callsTrace);
    TimelinePainter painter(*t);
    const auto [img, l] = drawn(painter);
    const std::size_t mainIndex = std::size_t(laneNamed(*t, QStringLiteral("MainThread")) - &t->lane(0));
    const QRect r = l.lanes[mainIndex];
    QCOMPARE(r.height(), 3 * 16 + 2); // a row per depth
    const TimelinePalette pal = TimelinePalette::light();
    const Lane &main = t->lane(mainIndex);
    for (std::size_t d = 0; d < 3; ++d) {
        const QColor c = pal.slice(t->sliceHueOf(main.slices.row(d)[0].name));
        const auto [top, h] = SliceLane::rowSpan(main, r, d);
        QVERIFY2(count(img, QRect(r.left(), top, r.width(), h), c) > 0, qPrintable(QString::number(d)));
    }
    // "main" is over 1,000 px wide at 1600: its name is written on it (pixels of another colour in it).
    const auto [top, h] = SliceLane::rowSpan(main, r, 0);
    const coords::Mapping m = painter.mapping(l);
    const Slice &s = main.slices.row(0)[0];
    const QRect box(int(m.toX(s.start)) + 1, top, int(m.toX(s.end) - m.toX(s.start)) - 2, h);
    const int inName = count(img, box, pal.slice(t->sliceHueOf(s.name)));
    QVERIFY2(box.width() * box.height() - inName > 20, qPrintable(QString::number(inName)));
}

void TestSlices::tooltipNamesTheSlice()
{
    const auto t = read(callsTrace);
    TimelinePainter painter(*t);
    const QRect area(0, 0, 1600, painter.preferredHeight(1600));
    const TimelineLayout l = painter.layout(area);
    const std::size_t mainIndex = std::size_t(laneNamed(*t, QStringLiteral("MainThread")) - &t->lane(0));
    const QRect r = l.lanes[mainIndex];
    const coords::Mapping m = painter.mapping(l);
    const auto [top, h] = SliceLane::rowSpan(t->lane(mainIndex), r, 1);
    const QPoint at(int(m.toX(t->start() + 30'000)), top + h / 2); // inside parse
    const TimelineHit hit = painter.hitTest(l, at);
    const QString text = painter.describe(l, hit);
    QVERIFY2(text.contains(QStringLiteral("<b>parse</b>")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("from 20.00 µs for 40.00 µs; self time 30.00 µs (75 %)")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("a.json")), qPrintable(text));
}

void TestSlices::ownExportStillReadsAsStates()
{
    // Raceway's own slices are states, not names, even where another tool's sit beside them.
    const auto t = read(R"({"otherData":{"generator":"Raceway 0.1.0"},"traceEvents":[
{"ph":"X","pid":1,"tid":2,"ts":0,"dur":5,"name":"run"},
{"ph":"X","pid":1,"tid":2,"ts":5,"dur":5,"name":"sleep"}]})");
    QCOMPARE(t->lane(0).kind, LaneKind::Thread);
    QVERIFY(t->lane(0).slices.empty());
    QCOMPARE(t->lane(0).states[0], State::Running);
}

void TestSlices::flowsAreArrowsBetweenLanes()
{
    // Two flows: one from MainThread's parse to the worker (s, f), one of three steps (s, t, f).
    QByteArray json = callsTrace;
    json.replace("\n]}", R"(,
{"ph":"s","pid":3,"tid":30,"ts":22,"id":1,"cat":"io","name":"request sent"},
{"ph":"f","pid":3,"tid":31,"ts":45,"id":1,"cat":"io","name":"request sent","bp":"e"},
{"ph":"s","pid":3,"tid":31,"ts":5,"id":1,"cat":"other","name":"job"},
{"ph":"t","pid":3,"tid":30,"ts":72,"id":1,"cat":"other","name":"job"},
{"ph":"f","pid":3,"tid":31,"ts":85,"id":1,"cat":"other","name":"job"}
]})");
    const auto t = read(json);
    const std::size_t main = std::size_t(laneNamed(*t, QStringLiteral("MainThread")) - &t->lane(0));
    const std::size_t worker = std::size_t(laneNamed(*t, QStringLiteral("tid 31")) - &t->lane(0));
    QCOMPARE(t->flows().size(), 3u); // ids are per category: 1 arrow and 2 arrows
    const Trace::Flow &first = t->flows()[0];
    QCOMPARE(first.from - t->start(), 5'000);
    QCOMPARE(first.fromLane, std::uint32_t(worker));
    QCOMPARE(first.toLane, std::uint32_t(main));
    QCOMPARE(t->sliceName(first.name), QStringLiteral("job"));
    // Drawn, in the flow's colour, and written back with every arrow.
    TimelinePainter painter(*t);
    const auto [img, l] = drawn(painter);
    QVERIFY(count(img, l.plot, TimelinePalette::light().flow) > 20);
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QVERIFY(writeChromeTrace(*t, out));
    const auto back = read(out.data());
    QCOMPARE(back->flows().size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(back->flows()[i].from - back->start(), t->flows()[i].from - t->start());
        QCOMPARE(back->flows()[i].to - back->start(), t->flows()[i].to - t->start());
        QCOMPARE(back->flows()[i].toLane, t->flows()[i].toLane);
    }
    // Grouped by core, the arrows still join the lanes of the same names.
    const Trace grouped = groupByCore(*t);
    QCOMPARE(grouped.flows().size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(grouped.lane(grouped.flows()[i].fromLane).name, t->lane(t->flows()[i].fromLane).name);
        QCOMPARE(grouped.lane(grouped.flows()[i].toLane).name, t->lane(t->flows()[i].toLane).name);
    }
    QCOMPARE(grouped.sliceNames(), t->sliceNames());
}

RACEWAY_PAINTER_TEST_MAIN(TestSlices)
void TestSlices::repeatedNamesKeepTheirTidWhenCut()
{
    QFont font;
    font.setPixelSize(12);
    const QFontMetrics fm(font);
    // Fifteen lanes are "Browser / ThreadPoolForegroundWorker": cut to the label column, each keeps its tid.
    const QString a = QStringLiteral("Browser / ThreadPoolForegroundWorker (tid 29140)");
    const QString cut = LaneDrawer::fitName(a, fm, 150);
    QVERIFY2(cut.endsWith(QStringLiteral(" (tid 29140)")), qPrintable(cut));
    QVERIFY2(cut.startsWith(QStringLiteral("Thr")), qPrintable(cut)); // the process is in the tooltip
    QVERIFY(fm.horizontalAdvance(cut) <= 150);
    QVERIFY(cut.contains(QChar(0x2026)));
    // A calls lane's too, and a name that fits is left alone.
    const QString calls = LaneDrawer::fitName(QStringLiteral("ThreadPoolExecutor-0_12 (2) calls"), fm, 120);
    QVERIFY2(calls.endsWith(QStringLiteral(" (2) calls")) && fm.horizontalAdvance(calls) <= 120,
             qPrintable(calls));
    QCOMPARE(LaneDrawer::fitName(QStringLiteral("w0 calls"), fm, 150), QStringLiteral("w0 calls"));
    // An asyncio task's keeps its number: "task Task-12 (downl…".
    const QString task = LaneDrawer::fitName(QStringLiteral("task Task-12 (download_everything)"), fm, 120);
    QVERIFY2(task.startsWith(QStringLiteral("task Task-12")) && fm.horizontalAdvance(task) <= 120,
             qPrintable(task));
    // Where the tid alone would take most of the room, the middle of the whole name goes.
    const QString narrow = LaneDrawer::fitName(a, fm, 60);
    QVERIFY(fm.horizontalAdvance(narrow) <= 60);
}

void TestSlices::callsAsTheyComeNestAndCut()
{
    // Built call by call (a traced program's): each under the one still open, open ones reaching as far
    // as told, deeper than the rows allow counted and their returns matched, so the next call is again a
    // top-level one.
    SliceStack s;
    for (int d = 0; d < 300; ++d)
        s.begin(100 + d, 1, 0);
    QCOMPARE(s.depth(), SliceStack::deepest);
    QCOMPARE(s.size(), SliceStack::deepest);
    QCOMPARE(s.notKept(), std::size_t(300) - SliceStack::deepest);
    s.extendOpen(1'000);
    QCOMPARE(s.row(0).back().end, 1'000);
    for (int d = 299; d >= 0; --d)
        s.end(2'000 - d);
    QCOMPARE(s.open(), std::size_t(0));
    QCOMPARE(s.row(0).back().end, 2'000); // the outermost returned last
    QCOMPARE(s.row(255).back().end, 2'000 - 255);
    s.begin(3'000, 2, 0);
    QCOMPARE(s.row(0).size(), std::size_t(2)); // a new top-level call
    // Recording stops at 3,500: the open call ends there, however far it is later told to reach.
    s.cut(3'500);
    s.extendOpen(9'000);
    QCOMPARE(s.row(0).back().end, 3'500);
    // A return with nothing open (its call was made before tracing began) changes nothing.
    SliceStack t;
    t.end(10);
    QVERIFY(t.empty());
}

#include "tst_slices.moc"
