// The painter draws what the trace holds: lane names and state colours where the lanes are, markers in
// the lock-off run, holding and waiting in the lock-on run, the dominant state of dense lanes, hand-over
// seams, markers clustered until zoomed in, and a drawer for every lane kind.

#include "paintertest.h"

#include <map>

using namespace raceway;
using namespace raceway::testing;
using namespace raceway::paintertest;

class TestPainter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockOffShowsRunningAndMarkers();
    void lockOnShowsWaitingAndHolding();
    void zoomedWindowDrawsOnlyItsPart();
    void denseLanesShowTheDominantState_data();
    void denseLanesShowTheDominantState();
    void handOversShowASeam();
    void placesInTheCodeInTooltips();
    void summaryBlocksSayTheirShares();
    void wakesSayWhoEndedTheWait();
    void overlappingMarkersClusterUntilZoomedIn();
    void everyLaneKindHasADrawer();
};

void TestPainter::lockOffShowsRunningAndMarkers()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=4"), QStringLiteral("iterations=100000")});
    const Trace &t = r->trace();
    ExportOptions o;
    o.title = QStringLiteral("lock off");
    const QImage img = renderTimeline(t, o);
    QCOMPARE(img.width(), 1600);
    TimelinePainter painter(t);
    QCOMPARE(img.height(), painter.preferredHeight(img.width()));
    const TimelineLayout l = painter.layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    QCOMPARE(l.lanes.size(), t.lanes().size());
    const coords::Mapping m = painter.mapping(l);
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        // While a thread has work its lane is mostly running, or waiting for a core (four threads share
        // this machine's cores), carrying the yellow lost-update markers.
        const Lane &data = t.lane(lane);
        const auto done =
            std::find(data.states.begin(), data.states.end(), State::Done) - data.states.begin();
        const int x0 = int(m.toX(data.times.front())), x1 = int(m.toX(data.times[std::size_t(done)]));
        const QRect running(x0, l.lanes[lane].top(), std::max(1, x1 - x0), l.lanes[lane].height());
        QVERIFY2(count(img, running, pal.state(State::Running)) +
                         count(img, running, pal.state(State::Ready)) >
                     running.width() * running.height() / 3,
                 qPrintable(data.name));
        const QRect rect = l.lanes[lane];
        // A lane's writes can all have given increments back (under load the interleaving varies), and
        // those are drawn in the restored colour: one of the two must show.
        if (!data.markers.empty())
            QVERIFY(count(img, rect, pal.lostMarker) + count(img, rect, pal.restoredMarker) > 0);
        QCOMPARE(count(img, rect, pal.state(State::Holding)), 0);
    }
    // The counter lane draws the actual line.
    QVERIFY(count(img, l.lanes[lanesOfKind(t, LaneKind::Counter)[0]], pal.actualLine) > 0);
    // Lane labels are text in the label column: dark pixels in each label row.
    for (const QRect &lane : l.lanes) {
        const QRect label(l.labels.left() + 8, lane.top(), 80, lane.height());
        int dark = 0;
        for (int y = label.top(); y <= label.bottom(); ++y)
            for (int x = label.left(); x <= label.right(); ++x)
                dark += qGray(img.pixel(x, y)) < 120;
        QVERIFY(dark > 10);
    }
}

void TestPainter::lockOnShowsWaitingAndHolding()
{
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=4"), QStringLiteral("iterations=20000"), QStringLiteral("lock=on")});
    const QImage img = renderTimeline(r->trace(), ExportOptions{});
    const TimelinePalette pal = TimelinePalette::light();
    const TimelineLayout l = TimelinePainter(r->trace()).layout(img.rect());
    int waiting = 0, holding = 0;
    for (std::size_t lane : lanesOfKind(r->trace(), LaneKind::Thread)) {
        waiting += count(img, l.lanes[lane], pal.state(State::Waiting));
        holding += count(img, l.lanes[lane], pal.state(State::Holding));
        QCOMPARE(count(img, l.lanes[lane], pal.lostMarker), 0);
    }
    QVERIFY(waiting > 0);
    QVERIFY(holding > 0);
    QVERIFY(count(img, l.lanes[lanesOfKind(r->trace(), LaneKind::Lock)[0]], pal.state(State::Held)) > 0);
}

void TestPainter::zoomedWindowDrawsOnlyItsPart()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=2"), QStringLiteral("iterations=2"),
                          QStringLiteral("window_sleep_ms=40"), QStringLiteral("lock=on")});
    const Trace &t = r->trace();
    // Zoom into 30 ms from the first wait for the lock: one thread sleeps holding it, the other waits
    // (from the first wait, not the run's start: a loaded machine may start the second thread late).
    const auto waits = intervalsIn(t, lanesOfKind(t, LaneKind::Thread), State::Waiting);
    QVERIFY(!waits.empty());
    const auto first = std::min_element(
        waits.begin(), waits.end(), [](const Interval &a, const Interval &b) { return a.start < b.start; });
    ExportOptions o;
    o.windowStart = first->start;
    o.windowEnd = first->start + 30'000'000;
    const QImage img = renderTimeline(t, o);
    const TimelineLayout l = TimelinePainter(t).layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    int sleeping = 0, waiting = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        sleeping += count(img, l.lanes[lane], pal.state(State::Sleeping));
        waiting += count(img, l.lanes[lane], pal.state(State::Waiting));
    }
    QVERIFY(sleeping > l.plot.width() * 10);
    QVERIFY(waiting > l.plot.width() * 10);
}

void TestPainter::denseLanesShowTheDominantState_data()
{
    QTest::addColumn<int>("cycles");             // 2 transitions each
    QTest::newRow("sampled columns") << 20000;   // ~28 transitions per pixel
    QTest::newRow("bucket summaries") << 100000; // ~140 per pixel: drawn from bucket summaries
    QTest::newRow("mid buckets") << 400000;      // ~550 per pixel: from buckets of 4 buckets
    QTest::newRow("coarse buckets") << 2000000;  // ~2,800 per pixel: from buckets of 32 buckets
}

void TestPainter::denseLanesShowTheDominantState()
{
    // Lane 0 waits 90% of the time, lane 1 runs 90% of the time, lane 2 has nothing to do 90% of the time
    // and waits the rest, lane 3 has nothing to do at all (told so again and again), in cycles far below a
    // pixel.
    QFETCH(int, cycles);
    Recorder rec;
    TracedMutex mutex(rec, QStringLiteral("m"));
    const std::uint16_t lanes[4] = {rec.addLane(QStringLiteral("waits"), LaneKind::Thread),
                                    rec.addLane(QStringLiteral("runs"), LaneKind::Thread),
                                    rec.addLane(QStringLiteral("idles"), LaneKind::Thread),
                                    rec.addLane(QStringLiteral("only idle"), LaneKind::Thread)};
    const EventKind first[4] = {EventKind::ThreadStart, EventKind::ThreadStart, EventKind::IdleBegin,
                                EventKind::IdleBegin};
    const EventKind second[4] = {EventKind::LockRequested, EventKind::LockRequested, EventKind::LockRequested,
                                 EventKind::IdleBegin};
    const int firstNs[4] = {10, 90, 90, 50};
    Trace trace;
    trace.setRegistry(rec.lanes(), {});
    trace.setStart(0);
    for (int l = 0; l < 4; ++l) {
        std::vector<Event> ev;
        std::int64_t t = 0;
        for (int c = 0; c < cycles; ++c) {
            ev.push_back({t, 0, lanes[l], first[l], 0});
            t += firstNs[l];
            ev.push_back({t, 0, lanes[l], second[l], 0});
            t += 100 - firstNs[l];
        }
        trace.ingest(ev.data(), ev.size());
        trace.commit();
    }
    const QImage img = renderTimeline(trace, ExportOptions{});
    const TimelineLayout l = TimelinePainter(trace).layout(img.rect());
    const TimelinePalette pal = TimelinePalette::light();
    const QRect waits = l.lanes[lanes[0]], runs = l.lanes[lanes[1]];
    const int area = waits.width() * (waits.height() - 4);
    QVERIFY(count(img, waits, pal.state(State::Waiting)) > area * 9 / 10);
    QVERIFY(count(img, runs, pal.state(State::Running)) > area * 9 / 10);
    // A column is drawn as what happened in it, never as nothing where something did, and never as what
    // did not happen (the idle lanes were drawn running from bucket summaries, where a bucket's state was
    // "idle" and a column of such buckets fell back to running).
    const QRect idles = l.lanes[lanes[2]], onlyIdle = l.lanes[lanes[3]];
    QVERIFY(count(img, idles, pal.state(State::Waiting)) > area * 9 / 10);
    QCOMPARE(count(img, idles, pal.state(State::Running)), 0);
    for (const State st : {State::Running, State::Waiting, State::Holding, State::Sleeping})
        QCOMPARE(count(img, onlyIdle, pal.state(st)), 0);
    // Each coarse bucket is its 32 buckets' vote (each bucket's state, its time plus one), and each mid
    // bucket its 4 buckets', Idle only where every bucket is idle.
    for (const std::uint16_t lane : lanes) {
        const Lane &ln = trace.lane(lane);
        for (const auto &[level, size] :
             {std::pair{&ln.coarse, Lane::bucketSize}, {&ln.mid, Lane::midSize}}) {
            QCOMPARE(level->size(), ln.buckets.size() / size);
            for (std::size_t c = 0; c < level->size(); ++c) {
                std::map<State, std::int64_t> votes;
                for (std::size_t b = c * size; b < (c + 1) * size; ++b)
                    if (ln.buckets[b].dominant != State::Idle)
                        votes[ln.buckets[b].dominant] += std::int64_t(ln.buckets[b].dominantNs) + 1;
                const auto most =
                    std::max_element(votes.begin(), votes.end(),
                                     [](const auto &a, const auto &b) { return a.second < b.second; });
                QCOMPARE((*level)[c].dominant, most == votes.end() ? State::Idle : most->first);
                QCOMPARE((*level)[c].start, ln.buckets[c * size].start);
            }
        }
    }
}

void TestPainter::handOversShowASeam()
{
    // Thread a holds the lock, then hands it straight to thread b: on the lock's lane the two holds meet
    // with a one-pixel seam, so the hand-over is visible; a single long hold has none.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    const auto b = rec.addLane(QStringLiteral("b"), LaneKind::Thread);
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *ba = rec.createBuffer(a);
    ThreadBuffer *bb = rec.createBuffer(b);
    ba->recordAt(0, EventKind::ThreadStart, 0, 0);
    bb->recordAt(0, EventKind::ThreadStart, 0, 0);
    ba->recordAt(100, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(200, EventKind::LockRequested, mutex.id(), 0);
    ba->recordAt(50'000, EventKind::LockReleased, mutex.id(), 0);
    bb->recordAt(50'000, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(99'900, EventKind::LockReleased, mutex.id(), 0);
    ba->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    bb->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    const auto trace = traceOf(rec, 0, 100'000);
    const Trace &t = *trace;
    TimelinePainter painter(t);
    QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
    QPainter p(&img);
    painter.paint(p, img.rect());
    p.end();
    const TimelineLayout l = painter.layout(img.rect());
    const coords::Mapping m = painter.mapping(l);
    const QRect lock = l.lanes[mutex.lane()];
    const int seam = int(std::floor(m.toX(50'000)));
    const QColor held = TimelinePalette::light().state(State::Held);
    // No stripe in a holder's hue along the top (those hues mean a core on process lanes, and no
    // legend entry explained them there): the hold is holding's colour up to its top.
    const int stripe = lock.top() + 3;
    QCOMPARE(QColor(img.pixel(seam - 6, stripe)), held);
    QCOMPARE(QColor(img.pixel(seam + 6, stripe)), held);
    const int y = lock.top() + 8; // inside the bar
    QCOMPARE(QColor(img.pixel(seam - 6, y)), held);
    QCOMPARE(QColor(img.pixel(seam + 30, y)), held); // past the holder's name
    for (const int row : {stripe, y}) {
        int gaps = 0;
        for (int x = seam - 2; x <= seam + 2; ++x)
            gaps += QColor(img.pixel(x, row)) == TimelinePalette::light().background;
        QCOMPARE(gaps, 1); // the seam cuts through the stripe and the bar
    }
    int elsewhere = 0; // inside one hold: no seam
    for (int x = int(m.toX(5'000)); x < int(m.toX(45'000)); ++x)
        elsewhere += QColor(img.pixel(x, y)) != held;
    QCOMPARE(elsewhere, 0);
}

void TestPainter::placesInTheCodeInTooltips()
{
    // Thread b waits for the lock where the script asked for it; thread a lets it go where its `with`
    // ends: hovering the wait and the hold says so.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    const auto b = rec.addLane(QStringLiteral("b"), LaneKind::Thread);
    TracedMutex mutex(rec, QStringLiteral("m"));
    const std::uint32_t asked = rec.addSite(QStringLiteral("bank.py:31 in transfer"));
    const std::uint32_t letGo = rec.addSite(QStringLiteral("bank.py:35 in transfer"));
    QCOMPARE(rec.addSite(QStringLiteral("bank.py:31 in transfer")), asked); // one place, one id
    ThreadBuffer *ba = rec.createBuffer(a);
    ThreadBuffer *bb = rec.createBuffer(b);
    ba->recordAt(0, EventKind::ThreadStart, 0, 0);
    bb->recordAt(0, EventKind::ThreadStart, 0, 0);
    ba->recordAt(100, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(20'000, EventKind::LockRequested, mutex.id(), 0);
    bb->recordAt(20'000, EventKind::Site, std::uint8_t(SiteOf::Wait), asked);
    ba->recordAt(50'000, EventKind::LockReleased, mutex.id(), 0);
    ba->recordAt(50'000, EventKind::Site, std::uint8_t(SiteOf::Release), letGo);
    bb->recordAt(50'000, EventKind::LockAcquired, mutex.id(), 0);
    bb->recordAt(99'900, EventKind::LockReleased, mutex.id(), 0);
    ba->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    bb->recordAt(100'000, EventKind::ThreadEnd, 0, 0);
    const auto trace = traceOf(rec, 0, 100'000);
    TimelinePainter painter(*trace);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1200, painter.preferredHeight(1200)));
    const coords::Mapping m = painter.mapping(l);
    const auto tipAt = [&](std::uint16_t lane, std::int64_t t) {
        return painter.describe(l, painter.hitTest(l, QPoint(int(m.toX(t)), l.lanes[lane].center().y())));
    };
    const QString wait = tipAt(b, 35'000), hold = tipAt(a, 30'000), quiet = tipAt(b, 75'000);
    QVERIFY2(wait.contains(QStringLiteral("Asked for at <b>bank.py:31 in transfer</b>")), qPrintable(wait));
    QVERIFY2(hold.contains(QStringLiteral("Let go at <b>bank.py:35 in transfer</b>")), qPrintable(hold));
    QVERIFY2(!quiet.contains(QStringLiteral("bank.py")), qPrintable(quiet)); // nobody waited for b's hold
}

void TestPainter::summaryBlocksSayTheirShares()
{
    // Past the budget a lane is drawn as shares of each bucket; hovering a block says those shares, as
    // the events that were summarised give them: here each 100 us, 30 running, 30 waiting, 40 holding.
    Trace t;
    t.setRegistry({{QStringLiteral("worker"), LaneKind::Thread}, {QStringLiteral("lock"), LaneKind::Lock}},
                  {{}, {QStringLiteral("lock"), 1}});
    t.setStart(0);
    const Event start{0, 0, 0, EventKind::ThreadStart, 0};
    t.ingest(&start, 1);
    std::vector<Event> past;
    constexpr std::int64_t period = 100'000, periods = 200;
    for (std::int64_t k = 0; k < periods; ++k) {
        past.push_back({k * period + 30'000, 0, 0, EventKind::LockRequested, 1});
        past.push_back({k * period + 60'000, 0, 0, EventKind::LockAcquired, 1});
        past.push_back({k * period + 100'000, 0, 0, EventKind::LockReleased, 1});
    }
    t.setBudgetReached(30'000);
    t.ingestPastBudget(past.data(), past.size());
    t.setEnd(periods * period);
    t.compact();
    const StateSummary &sum = t.lane(0).pastBudget;
    QVERIFY(sum.started());
    QVERIFY(sum.size() >= 3);
    // The second bucket, whole: the time in each state there, from the pattern itself.
    const std::int64_t b0 = sum.bucketStart(1), b1 = b0 + sum.width();
    std::int64_t running = 0, waiting = 0, holding = 0;
    for (std::int64_t k = 0; k < periods; ++k) {
        const auto overlap = [&](std::int64_t from, std::int64_t to) {
            return std::max<std::int64_t>(0, std::min(to, b1) - std::max(from, b0));
        };
        running += overlap(k * period, k * period + 30'000);
        waiting += overlap(k * period + 30'000, k * period + 60'000);
        holding += overlap(k * period + 60'000, k * period + 100'000);
    }
    QCOMPARE(running + waiting + holding, sum.width());
    const auto pct = [&](std::int64_t ns) {
        return QString::number((ns * 100 + sum.width() / 2) / sum.width());
    };
    TimelinePainter painter(t);
    const TimelineLayout l = painter.layout(QRect(0, 0, 1200, painter.preferredHeight(1200)));
    const coords::Mapping m = painter.mapping(l);
    const QString tip =
        painter.describe(l, painter.hitTest(l, QPoint(int(m.toX((b0 + b1) / 2)), l.lanes[0].center().y())));
    qInfo("%s", qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("Past the event budget")), qPrintable(tip));
    for (const auto &[state, ns] : {std::pair{State::Running, running}, std::pair{State::Waiting, waiting},
                                    std::pair{State::Holding, holding}})
        QVERIFY2(tip.contains(QStringLiteral("%1 %2 %").arg(stateName(state), pct(ns))), qPrintable(tip));
    // Not the lane's last own state stretched over the summary.
    QVERIFY2(!tip.contains(QStringLiteral(" from ")), qPrintable(tip));
    // The lock's queue goes on as a range per bucket: the worker queued for 30 us of every 100.
    const Lane &lock = t.lane(1);
    QVERIFY(lock.pastSeries.started());
    QCOMPARE(lock.pastSeries.bucket(1).a.low, std::int64_t(0));
    QCOMPARE(lock.pastSeries.bucket(1).a.high, std::int64_t(1));
    QCOMPARE(lock.pastSeries.lastA(), std::int64_t(0));
    const QString queued =
        painter.describe(l, painter.hitTest(l, QPoint(int(m.toX((b0 + b1) / 2)), l.lanes[1].center().y())));
    QVERIFY2(queued.contains(QStringLiteral("at most 1 thread queued; at least 0 threads queued")),
             qPrintable(queued));
}

void TestPainter::wakesSayWhoEndedTheWait()
{
    // Hovering a worker's wait for the event names the thread that set it; a wait for a permit names
    // who gave one back.
    const auto tipAtWait = [](const Trace &t, std::size_t lane) {
        TimelinePainter painter(t);
        const TimelineLayout l = painter.layout(QRect(0, 0, 1600, painter.preferredHeight(1600)));
        const coords::Mapping m = painter.mapping(l);
        QString tip;
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (tip.isEmpty() && iv.state == State::Waiting && m.toX(iv.end) - m.toX(iv.start) > 4)
                tip =
                    painter.describe(l, painter.hitTest(l, QPoint(int((m.toX(iv.start) + m.toX(iv.end)) / 2),
                                                                  l.lanes[lane].center().y())));
        });
        return tip;
    };
    auto event = runScenario(QStringLiteral("event"), {QStringLiteral("threads=2")});
    const std::size_t worker = lanesOfKind(event->trace(), LaneKind::Thread).at(1);
    const QString set = tipAtWait(event->trace(), worker);
    QVERIFY2(set.contains(QStringLiteral("Woken by main thread, which set go at")), qPrintable(set));
    auto semaphore = runScenario(QStringLiteral("semaphore"),
                                 {QStringLiteral("threads=2"), QStringLiteral("permits=1"),
                                  QStringLiteral("rounds=3"), QStringLiteral("hold_us=20000")});
    QString permit;
    for (std::size_t lane : lanesOfKind(semaphore->trace(), LaneKind::Thread))
        if (permit.isEmpty()) permit = tipAtWait(semaphore->trace(), lane);
    QVERIFY2(permit.contains(QStringLiteral("which gave back a permit of 1-permit semaphore at")),
             qPrintable(permit));
}

void TestPainter::overlappingMarkersClusterUntilZoomedIn()
{
    // Ten lossy writes 100 ns apart in a 1 ms run: one badge zoomed out, ten triangles zoomed in.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    ThreadBuffer *ba = rec.createBuffer(a);
    ba->recordAt(0, EventKind::ThreadStart, 0, 0);
    for (int i = 0; i < 10; ++i)
        ba->recordAt(500'000 + i * 100, EventKind::LostUpdate, 0, 1);
    ba->recordAt(1'000'000, EventKind::ThreadEnd, 0, 0);
    const auto trace = traceOf(rec, 0, 1'000'000);
    const Trace &t = *trace;
    const QColor yellow = TimelinePalette::light().lostMarker;
    // Groups of the marker colour along a row near the lane's top (gaps under 8 px, such as the digits
    // of a badge's count, do not split a group), and the widest group.
    auto groupsOnTop = [&](std::int64_t from, std::int64_t to, int *widest) {
        TimelinePainter painter(t);
        painter.setWindow(from, to);
        QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
        QPainter p(&img);
        painter.paint(p, img.rect());
        p.end();
        const QRect lane = painter.layout(img.rect()).lanes[a];
        std::vector<int> xs;
        for (int x = lane.left(); x <= lane.right(); ++x)
            if (QColor(img.pixel(x, lane.top() + 2)) == yellow) xs.push_back(x);
        int groups = 0, first = 0;
        *widest = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (i == 0 || xs[i] - xs[i - 1] >= 8) {
                ++groups;
                first = xs[i];
            }
            *widest = std::max(*widest, xs[i] - first + 1);
        }
        return groups;
    };
    int widest = 0;
    QCOMPARE(groupsOnTop(0, 1'000'000, &widest), 1);
    QVERIFY2(widest > 9, qPrintable(QString::number(widest))); // a badge with "10", wider than a triangle
    QCOMPARE(groupsOnTop(499'000, 502'000, &widest), 10); // 100 ns = 40 px apart: every write its own glyph
    QVERIFY(widest <= 9);
}

void TestPainter::everyLaneKindHasADrawer()
{
    // One lane of every kind, each with something to show: every drawer gives it a legible height,
    // paints inside its rectangle, explains a point in it, and adds to the legend.
    Trace t;
    t.setStart(0);
    constexpr LaneKind kinds[] = {LaneKind::Thread, LaneKind::Lock,  LaneKind::Counter, LaneKind::Process,
                                  LaneKind::Core,   LaneKind::Queue, LaneKind::Gil,     LaneKind::CoreRuns};
    for (const LaneKind kind : kinds) {
        const LaneDrawer &d = drawerFor(kind);
        QVERIFY(d.minimumHeight() > 0 && d.minimumHeight() <= d.baseHeight());
        for (double scale : {0.3, 1.0, 2.5})
            QVERIFY(d.height(scale) >= d.minimumHeight());
        QCOMPARE(TimelinePainter::laneHeight(kind), d.baseHeight());
        Lane lane;
        lane.name = laneKindName(kind);
        lane.kind = kind;
        const bool held = kind == LaneKind::Lock || kind == LaneKind::Gil || kind == LaneKind::CoreRuns;
        for (std::int64_t i = 0; i < 10; ++i) {
            lane.times.push_back(i * 100'000);
            lane.states.push_back(held ? (i % 2 ? State::Free : State::Held) : State::Running);
            lane.objs.push_back(0);
            lane.series.push_back({i * 100'000, 500 + i, 400 + i});
        }
        t.appendLane(std::move(lane));
    }
    t.setEnd(1'000'000);
    const TimelinePalette pal = TimelinePalette::light();
    const TimelinePainter painter(t, pal);
    QVERIFY(!painter.legendItems().empty());
    QImage img(1200, painter.preferredHeight(1200), QImage::Format_RGB32);
    QPainter p(&img);
    const TimelineLayout l = painter.layout(img.rect());
    painter.paint(p, l);
    p.end();
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        const QRect &r = l.lanes[i];
        QCOMPARE(r.height(), drawerFor(t.lane(i).kind).baseHeight());
        const QRect inside =
            r.adjusted(0, 2, -r.width() / 2, -2); // the first half: every kind has data there
        const int background = count(img, inside, pal.background) + count(img, inside, pal.laneAlternate);
        QVERIFY2(background < inside.width() * inside.height(), qPrintable(t.lane(i).name));
        const QString tip = painter.describe(l, painter.hitTest(l, QPoint(r.left() + 40, r.center().y())));
        QVERIFY2(tip.contains(t.lane(i).name), qPrintable(t.lane(i).name + QStringLiteral(": ") + tip));
    }
}

RACEWAY_PAINTER_TEST_MAIN(TestPainter)
#include "tst_painter.moc"
