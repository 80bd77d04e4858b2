// asyncio tasks running the same coroutine are drawn as one lane counting how many are in each state: the
// counts are the members' own states (checked against a count made here from their transitions), the
// picture stays short however many there are, and the user can have each task back.

#include "lanes/taskgrouplane.h"
#include "taskgroups.h"
#include "timelinepainter.h"

#include <QGuiApplication>
#include <QTest>

#include <cmath>
#include <random>

using namespace raceway;

class TestTaskGroups : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manyTasksAreOneLaneOfCounts();
    void keysComeFromTheLaneNames();
    void aMemberMarkIsWrittenOnItsGroup();
};

namespace {

constexpr std::int64_t ms = 1'000'000;

// 50 tasks of "worker" taking turns on a lock, 7 of "other" sleeping, the main task and the thread.
Trace tasksTrace()
{
    std::vector<LaneInfo> lanes{{QStringLiteral("MainThread"), LaneKind::Thread},
                                {QStringLiteral("task Task-1 (main)"), LaneKind::Thread}};
    for (int i = 0; i < 50; ++i)
        lanes.push_back({QStringLiteral("task Task-%1 (worker)").arg(i + 2), LaneKind::Thread});
    for (int i = 0; i < 7; ++i)
        lanes.push_back({QStringLiteral("task Task-%1 (other)").arg(i + 52), LaneKind::Thread});
    lanes.push_back({QStringLiteral("asyncio.Lock lock"), LaneKind::Lock});
    Trace trace;
    trace.setRegistry(lanes, {{QStringLiteral("asyncio.Lock lock"), int(lanes.size() - 1)}});
    trace.setStart(0);
    std::vector<Event> ev{{0, 0, 0, EventKind::ThreadStart, 0}, {1 * ms, 0, 1, EventKind::ThreadStart, 0}};
    std::mt19937 rng(5);
    std::int64_t free = 10 * ms; // when the lock is next free
    for (std::uint16_t i = 2; i < 52; ++i) {
        const std::int64_t start = 2 * ms + std::int64_t(rng() % 5000) * 1000;
        ev.push_back({start, 0, i, EventKind::ThreadStart, 0});
        ev.push_back({start + ms, 0, i, EventKind::LockRequested, 0});
        const std::int64_t got = std::max(free, start + ms);
        ev.push_back({got, 0, i, EventKind::LockAcquired, 0});
        free = got + std::int64_t(1 + rng() % 4) * ms;
        ev.push_back({free, 0, i, EventKind::LockReleased, 0});
        ev.push_back({free + ms / 2, 0, i, EventKind::ThreadEnd, 0});
    }
    for (std::uint16_t i = 52; i < 59; ++i) {
        ev.push_back({3 * ms, 0, i, EventKind::ThreadStart, 0});
        ev.push_back({4 * ms, 0, i, EventKind::SleepBegin, 0});
        ev.push_back({90 * ms, 0, i, EventKind::SleepEnd, 0});
        ev.push_back({91 * ms, 0, i, EventKind::ThreadEnd, 0});
    }
    std::stable_sort(ev.begin(), ev.end(), [](const Event &a, const Event &b) { return a.t < b.t; });
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(free + 5 * ms);
    return trace;
}

// How long each member spent in each state within [a, b), summed, divided by b - a: counted here from
// the lanes' transitions, one by one.
std::array<double, stateCount> bruteCounts(const Trace &trace, const std::vector<std::size_t> &members,
                                           std::int64_t a, std::int64_t b)
{
    std::array<double, stateCount> out{};
    for (const std::size_t i : members) {
        const Lane &lane = trace.lane(i);
        for (std::size_t k = 0; k < lane.times.size(); ++k) {
            const std::int64_t t0 = lane.times[k];
            const std::int64_t t1 = k + 1 < lane.times.size() ? lane.times[k + 1] : trace.end();
            const std::int64_t from = std::max(a, t0), to = std::min(b, t1);
            if (to > from) out[std::size_t(lane.states[k])] += double(to - from) / double(b - a);
        }
    }
    return out;
}

} // namespace

void TestTaskGroups::manyTasksAreOneLaneOfCounts()
{
    const Trace trace = tasksTrace();
    TimelinePainter painter(trace);
    const int width = 1200;
    const QRect area(0, 0, width, painter.preferredHeight(width));
    const TimelineLayout l = painter.layout(area);
    // One group: the 50 workers. The 7 "other" tasks are too few, drawn lane by lane, as the rest.
    QCOMPARE(l.taskGroups.size(), std::size_t(1));
    const TaskGroup &g = l.taskGroups[0];
    QCOMPARE(g.label, QStringLiteral("50 tasks (worker)"));
    QCOMPARE(g.members.size(), std::size_t(50));
    QVERIFY(!l.taskGroupRects[0].isNull());
    for (const std::size_t i : g.members)
        QVERIFY(l.lanes[i].isNull());
    for (std::size_t i : {std::size_t(0), std::size_t(1), std::size_t(52), std::size_t(58)})
        QVERIFY(!l.lanes[i].isNull());

    // The counts are the members' states: per column, as counted here from their transitions.
    const coords::Mapping m = painter.mapping(l);
    const int columns = l.plot.width();
    std::vector<StateCounts> counts;
    countStates(trace, g.members, m.toTime(l.plot.left()), m.toTime(l.plot.left() + columns), columns,
                counts);
    QCOMPARE(int(counts.size()), columns);
    double worst = 0, waitingSeen = 0;
    for (int c = 0; c < columns; c += 7) {
        const auto brute =
            bruteCounts(trace, g.members, m.toTime(l.plot.left() + c), m.toTime(l.plot.left() + c + 1));
        for (std::size_t s = 0; s < std::size_t(stateCount); ++s)
            worst = std::max(worst, std::abs(brute[s] - double(counts[std::size_t(c)][s])));
        waitingSeen = std::max(waitingSeen, brute[std::size_t(State::Waiting)]);
    }
    QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
    QVERIFY(waitingSeen > 10); // the lock made a queue: the picture has something to say
    // At a moment: whole counts, what each member's lane says there.
    for (std::int64_t t = 0; t < trace.end(); t += 3 * ms) {
        const StateCounts at = statesAt(trace, g.members, t);
        const auto brute = bruteCounts(trace, g.members, t, t + 1);
        for (std::size_t s = 0; s < std::size_t(stateCount); ++s)
            QCOMPARE(double(at[s]), brute[s]);
    }

    // Hovered: the group and its counts there.
    const QRect r = l.taskGroupRects[0];
    int busiest = l.plot.left();
    double most = -1;
    for (int c = 0; c < columns; ++c)
        if (counts[std::size_t(c)][std::size_t(State::Waiting)] > most) {
            most = counts[std::size_t(c)][std::size_t(State::Waiting)];
            busiest = l.plot.left() + c;
        }
    const TimelineHit hit = painter.hitTest(l, QPoint(busiest, r.center().y()));
    QCOMPARE(hit.lane, -1);
    QCOMPARE(hit.taskGroup, 0);
    const QString text = painter.describe(l, hit);
    const StateCounts there = statesAt(trace, g.members, hit.time);
    QVERIFY2(text.startsWith(QStringLiteral("50 tasks (worker): ")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("%1 waiting").arg(int(there[std::size_t(State::Waiting)]))),
             qPrintable(text));

    // Drawn: the waiting colour in the group's lane, stacked from the bottom (over the one holding).
    QImage img(area.size(), QImage::Format_RGB32);
    img.fill(Qt::white);
    {
        QPainter p(&img);
        painter.paint(p, l);
    }
    const QRgb waiting = TimelinePalette::light().state(State::Waiting).rgb() & 0xFFFFFF;
    int bottomRow = 0, topRow = 0;
    for (int x = r.left(); x <= r.right(); ++x) {
        bottomRow += (img.pixel(x, r.bottom() - 4) & 0xFFFFFF) == waiting;
        topRow += (img.pixel(x, r.top() + 1) & 0xFFFFFF) == waiting;
    }
    QVERIFY(bottomRow > topRow);
    QVERIFY(bottomRow > 20);

    // Each task again, when the user asks: the picture grows by their lanes.
    LaneArrangement expanded;
    expanded.expanded << g.key;
    TimelinePainter each(trace);
    each.setArrangement(expanded);
    const TimelineLayout le = each.layout(QRect(0, 0, width, each.preferredHeight(width)));
    QVERIFY(le.taskGroups.empty());
    for (const std::size_t i : g.members)
        QVERIFY(!le.lanes[i].isNull());
    QVERIFY(each.preferredHeight(width) > painter.preferredHeight(width) + 40 * 20);
}

void TestTaskGroups::aMemberMarkIsWrittenOnItsGroup()
{
    // One of 20 workers blocked the loop: the mark and its sentence are on the group's lane, as they are
    // on the task's own lane once the group is opened.
    std::vector<LaneInfo> lanes;
    for (int i = 0; i < 20; ++i)
        lanes.push_back({QStringLiteral("task Task-%1 (worker)").arg(i + 2), LaneKind::Thread});
    Trace trace;
    trace.setRegistry(lanes, {});
    trace.setStart(0);
    std::vector<Event> ev;
    for (std::uint16_t i = 0; i < 20; ++i)
        ev.push_back({std::int64_t(i) * 1000, 0, i, EventKind::ThreadStart, 0});
    ev.push_back({40 * ms, 30'000, 7, EventKind::Mark, std::uint8_t(MarkKind::SlowStep)});
    for (std::uint16_t i = 0; i < 20; ++i)
        ev.push_back({90 * ms, 0, i, EventKind::ThreadEnd, 0});
    trace.ingest(ev.data(), ev.size());
    trace.commit();
    trace.setEnd(100 * ms);
    TimelinePainter painter(trace);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1200, painter.preferredHeight(1200)));
    QCOMPARE(l.taskGroups.size(), std::size_t(1));
    const std::vector<Callout> callouts = painter.callouts(l);
    QCOMPARE(callouts.size(), std::size_t(1));
    QVERIFY2(callouts[0].text.contains(QStringLiteral("task Task-9 (worker) blocked the event loop for 30")),
             qPrintable(callouts[0].text));
    const QRect group = l.taskGroupRects[0];
    QVERIFY(callouts[0].at.y() >= group.top() && callouts[0].at.y() <= group.bottom());
    QCOMPARE(int(std::lround(callouts[0].at.x())), int(std::lround(painter.mapping(l).toX(40 * ms))));
}

void TestTaskGroups::keysComeFromTheLaneNames()
{
    const auto key = [](const QString &name, LaneKind kind = LaneKind::Thread) {
        Lane lane;
        lane.name = name;
        lane.kind = kind;
        return taskGroupKey(lane);
    };
    QCOMPARE(key(QStringLiteral("task Task-12 (worker)")), QStringLiteral("worker"));
    QCOMPARE(key(QStringLiteral("task fetch (a) (Downloader.run)")), QStringLiteral("Downloader.run"));
    QCOMPARE(key(QStringLiteral("Process-1: task Task-3 (worker)")), QStringLiteral("Process-1: worker"));
    QCOMPARE(key(QStringLiteral("task my task (worker)")), QStringLiteral("worker"));
    QCOMPARE(key(QStringLiteral("task Task-12")), QString()); // no coroutine named
    QCOMPARE(key(QStringLiteral("worker-1 (tid 7)")), QString());
    QCOMPARE(key(QStringLiteral("task Task-12 (worker)"), LaneKind::Lock), QString());
}

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestTaskGroups t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_taskgroups.moc"
