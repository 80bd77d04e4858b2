// Past the event budget: the recorder keeps each thread's events apart and the trace folds them into
// fixed-size summaries of each lane's states, whatever the run's length; what could not be kept is said;
// a real run past its budget draws its counter and its threads to the end, adding up to its results.

#include "recorder.h"
#include "trace.h"
#include "tracechecks.h"

#include <QTest>
#include <QThread>

#include <array>
#include <atomic>
#include <memory>
#include <random>
#include <vector>

using namespace raceway;
using namespace raceway::testing;

class TestPastBudget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void summaryKeepsEveryNanosecondInFixedMemory();
    void summaryBeginningLaterIsRestored();
    void pastTheBudgetEventsAreSummarisedNotKept();
    void pastTheBudgetTheLaneIsSummarised();
    void whatWasNotKeptIsSaid();
    void pastTheBudgetTheLockQueueGoesOn();
    void pastTheBudgetTheLockIsHeldAsItsHoldersSay_data();
    void pastTheBudgetTheLockIsHeldAsItsHoldersSay();
    void pastTheBudgetTheCounterGoesOn_data();
    void pastTheBudgetTheCounterGoesOn();
};

void TestPastBudget::summaryKeepsEveryNanosecondInFixedMemory()
{
    // Intervals of random lengths, one after another, in random states: however many, the summary stays
    // within its cap, and its buckets hold every nanosecond of each state (exactly, while a bucket is
    // under 2 s wide) and every lost update.
    std::mt19937_64 random(7);
    for (const std::int64_t longest : {std::int64_t(40'000), std::int64_t(3'000'000)}) {
        StateSummary s;
        const std::int64_t origin = 1'000'000'007, from = origin + 123'456;
        s.begin(origin, from);
        std::array<std::int64_t, stateCount> want{};
        std::int64_t t = origin; // the first interval begins before the summary: only its end counts
        std::int64_t lost = 0;
        for (int i = 0; i < 200'000; ++i) {
            const std::int64_t d = std::int64_t(random() % std::uint64_t(longest)) + 1;
            const auto state = std::size_t(random() % stateCount);
            s.add(t, t + d, state);
            want[state] += std::max<std::int64_t>(0, t + d - std::max(t, from));
            if (i % 7 == 0 && t >= from) {
                const std::int64_t n = std::int64_t(random() % 5) - 1; // a write may give one back
                s.addLost(t, n);
                lost += n;
            }
            t += d;
        }
        QVERIFY(s.size() <= StateSummary::cap);
        QCOMPARE(s.start(), from);
        QCOMPARE(s.end(), t);
        QVERIFY(s.width() < (std::int64_t(1) << 31)); // 200k x 1.5 ms on average: 5 minutes
        std::array<std::int64_t, stateCount> got{};
        for (std::size_t b = 0; b < s.size(); ++b) {
            std::int64_t inBucket = 0;
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st) {
                got[st] += s.coveredNs(b, st);
                inBucket += s.coveredNs(b, st);
            }
            QVERIFY(inBucket <= s.width());
        }
        for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
            QCOMPARE(got[st], want[st]);
        QCOMPARE(s.lostTotal(), lost);
        qInfo("%lld ms in %zu buckets of %lld us, %zu bytes", qlonglong((t - from) / 1'000'000), s.size(),
              qlonglong(s.width() / 1000), s.bytes());
        // Put back from its parts, it is the same summary; parts that do not fit together are refused.
        StateSummary back;
        QVERIFY(back.restore(s.parts()));
        QCOMPARE(back.size(), s.size());
        QCOMPARE(back.statesSeen(), s.statesSeen());
        QCOMPARE(back.lostTotal(), s.lostTotal());
        StateSummary::Parts bad = s.parts();
        bad.first -= 1; // before its start's bucket
        QVERIFY(!back.restore(bad));
        bad = s.parts();
        bad.end = INT64_MAX;
        QVERIFY(!back.restore(bad));
        bad = s.parts();
        bad.widthShift = 63;
        QVERIFY(!back.restore(bad));
    }
}

void TestPastBudget::summaryBeginningLaterIsRestored()
{
    // A summary whose first bucket comes after its start's (its first news a lost update, 50 ms in) is
    // saved and put back as it was: a saved 64-thread run was refused ("lane 27's summary does not fit").
    StateSummary s;
    s.begin(0, 1'000'000);
    s.addLost(51'000'000, 3);
    s.add(51'000'000, 60'000'000, std::size_t(State::Running));
    StateSummary back;
    QVERIFY(back.restore(s.parts()));
    QCOMPARE(back.size(), s.size());
    QCOMPARE(back.bucketStart(0), s.bucketStart(0));
    QCOMPARE(back.lostTotal(), std::int64_t(3));
    QCOMPARE(back.coveredNs(back.size() - 1, std::size_t(State::Running)),
             s.coveredNs(s.size() - 1, std::size_t(State::Running)));
    // A first bucket before the start's, or after the end's, does not fit.
    StateSummary::Parts early = s.parts();
    early.first = 0;
    QVERIFY(!StateSummary().restore(early));
    StateSummary::Parts late = s.parts();
    late.first = (late.end >> late.widthShift) + 1;
    QVERIFY(!StateSummary().restore(late));
}

void TestPastBudget::pastTheBudgetEventsAreSummarisedNotKept()
{
    // Past the budget, writers go on writing for the summaries: those events are drained apart (counted as
    // dropped, never kept), each thread's in its order and after all it recorded. As the command line
    // does: only they are read while the workers run, the recorded ones wait for the end; the recorder
    // keeps little of them waiting.
    constexpr std::uint64_t budget = 200'000;
    constexpr int threads = 4, perThread = 400'000;
    Recorder rec(budget);
    rec.summarisePastBudget(true);
    std::vector<ThreadBuffer *> buffers;
    for (int i = 0; i < threads; ++i)
        buffers.push_back(rec.createBuffer(rec.addLane(QStringLiteral("t%1").arg(i), LaneKind::Thread)));
    std::atomic<int> running{threads};
    std::vector<std::unique_ptr<QThread>> workers;
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back(QThread::create([&, b = buffers[std::size_t(i)]] {
            for (int k = 0; k < perThread; ++k)
                b->record(EventKind::Progress, 0, std::uint32_t(k));
            running.fetch_sub(1);
        }));
        workers.back()->start();
    }
    std::uint64_t kept = 0, past = 0, gapsSaid = 0;
    std::vector<std::int64_t> lastKept(threads, -1), lastPast(threads, -1), firstPast(threads, -1);
    bool inOrder = true;
    std::uint64_t mostPast = 0;
    const Recorder::Sink pastSink = [&](const Event *e, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            // Where events were not kept, the writer says so first (ArgHigh, SummaryGap): not its own.
            if (e[k].kind == EventKind::SummaryGap) ++gapsSaid;
            if (e[k].kind == EventKind::SummaryGap || e[k].kind == EventKind::ArgHigh) {
                --past;
                continue;
            }
            inOrder &= std::int64_t(e[k].arg) > lastPast[e[k].lane];
            lastPast[e[k].lane] = e[k].arg;
            if (firstPast[e[k].lane] < 0) firstPast[e[k].lane] = e[k].arg;
        }
        past += n;
    };
    const Recorder::Sink keptSink = [&](const Event *e, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            inOrder &= std::int64_t(e[k].arg) > lastKept[e[k].lane];
            lastKept[e[k].lane] = e[k].arg;
        }
        kept += n;
    };
    while (running.load() > 0) {
        rec.drainPastBudget(&pastSink);
        mostPast = std::max(mostPast, rec.pastBudgetChunks());
        QThread::usleep(200);
    }
    for (auto &w : workers)
        w->wait();
    rec.drain(keptSink, SIZE_MAX, &pastSink);
    QVERIFY(inOrder);
    for (int i = 0; i < threads; ++i) // what one thread recorded comes before what it wrote past the budget
        if (firstPast[std::size_t(i)] >= 0) QVERIFY(lastKept[std::size_t(i)] < firstPast[std::size_t(i)]);
    QVERIFY(kept <= budget);
    QVERIFY(rec.budgetReachedNs() != 0);
    QCOMPARE(kept + past + rec.summaryGaps(), std::uint64_t(threads) * perThread);
    QCOMPARE(rec.droppedEvents(), past + rec.summaryGaps());
    QCOMPARE(gapsSaid > 0, rec.summaryGaps() > 0);
    QVERIFY(mostPast <= Recorder::summaryChunkLimit + threads);
    QCOMPARE(rec.pastBudgetChunks(), std::uint64_t(threads)); // each writer's last one
    qInfo("%llu kept, %llu summarised, %llu not (the collector fell behind); at most %llu chunks past the "
          "budget mapped",
          qulonglong(kept), qulonglong(past), qulonglong(rec.summaryGaps()), qulonglong(mostPast));
}

void TestPastBudget::pastTheBudgetTheLaneIsSummarised()
{
    // A lane that runs 3 us and sleeps 7 us, over and over: recorded for a while, then past the budget.
    // The lane's transitions stop where the summary begins; the summary holds the rest to the end, with
    // the same shares, and the lost updates of the writes made past the budget.
    Trace trace;
    trace.setRegistry({{QStringLiteral("t"), LaneKind::Thread}}, {{}});
    const std::int64_t t0 = 1'000'000'000;
    trace.setStart(t0);
    std::vector<Event> recorded, past;
    std::int64_t t = t0;
    recorded.push_back({t, 0, 0, EventKind::ThreadStart, 0});
    for (int cycle = 0; cycle < 20'000; ++cycle) {
        auto &to = cycle < 1000 ? recorded : past;
        to.push_back({t + 3000, 0, 0, EventKind::SleepBegin, 0});
        to.push_back({t + 10'000, 0, 0, EventKind::SleepEnd, 0});
        if (cycle % 10 == 0) to.push_back({t + 10'000, 2, 0, EventKind::LostUpdate, 0});
        t += 10'000;
    }
    past.push_back({t, 0, 0, EventKind::ThreadEnd, 0});
    trace.ingest(recorded.data(), recorded.size());
    trace.commit();
    for (std::size_t k = 0; k < past.size(); k += 999) // in batches, as a collector drains them
        trace.ingestPastBudget(past.data() + k, std::min<std::size_t>(999, past.size() - k));
    trace.commit();
    trace.setEnd(t + 5000);
    trace.compact();
    const Lane &lane = trace.lane(0);
    QCOMPARE(trace.eventCount(), std::uint64_t(recorded.size()));
    QCOMPARE(lane.markers.size(), std::size_t(100));
    const StateSummary &s = lane.pastBudget;
    QVERIFY(s.started());
    QCOMPARE(s.start(), past.front().t);
    QCOMPARE(s.end(), t + 5000);
    std::int64_t running = 0, sleeping = 0, done = 0;
    for (std::size_t b = 0; b < s.size(); ++b) {
        running += s.coveredNs(b, std::size_t(State::Running));
        sleeping += s.coveredNs(b, std::size_t(State::Sleeping));
        done += s.coveredNs(b, std::size_t(State::Done));
    }
    // From the first sleep past the budget: 19,000 sleeps of 7 us, 18,999 runs of 3 us, then done.
    QCOMPARE(sleeping, std::int64_t(19'000) * 7000);
    QCOMPARE(running, std::int64_t(18'999) * 3000);
    QCOMPARE(done, std::int64_t(5000));
    QCOMPARE(s.lostTotal(), std::int64_t(1900) * 2);
    QVERIFY(s.statesSeen() & (1u << unsigned(State::Sleeping)));
}

void TestPastBudget::whatWasNotKeptIsSaid()
{
    // A collector that reads nothing while the writer goes on far past the budget: the recorder keeps
    // what its bound allows and drops the rest, and says so. Its summary has that stretch as not known
    // (never as the state the lane was last seen in), and the rest adds up.
    Recorder rec(10'000);
    rec.summarisePastBudget(true);
    const std::uint16_t lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    ThreadBuffer *b = rec.createBuffer(lane);
    constexpr int cycles = 1'200'000;
    std::int64_t t = 1'000'000'000;
    b->recordAt(t, EventKind::ThreadStart, 0, 0);
    for (int k = 0; k < cycles; ++k) { // runs 1 us, sleeps 1 us
        b->recordAt(t += 1000, EventKind::SleepBegin, 0, 0);
        b->recordAt(t += 1000, EventKind::SleepEnd, 0, 0);
    }
    const std::int64_t end = t + 1000;
    QVERIFY(rec.summaryGaps() > 0);
    QVERIFY(rec.pastBudgetChunks() <= Recorder::summaryChunkLimit);
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    trace.setStart(1'000'000'000);
    const Recorder::Sink past = [&](const Event *e, std::size_t n) { trace.ingestPastBudget(e, n); };
    rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); }, SIZE_MAX, &past);
    rec.sayOpenGaps(past, end);
    trace.commit();
    trace.setEnd(end);
    trace.compact();
    const StateSummary &s = trace.lane(lane).pastBudget;
    QVERIFY(s.started());
    std::int64_t unknown = 0, known = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unknown += s.unknownNs(i);
        known += s.coveredNs(i, std::size_t(State::Running)) + s.coveredNs(i, std::size_t(State::Sleeping));
    }
    // Two events a microsecond: each event not kept is 1 us not known (to the bucket's rounding).
    const double expectUnknown = double(rec.summaryGaps()) * 1000;
    qInfo("%llu events not kept: %.1f ms not known, %.1f ms known, of %.1f ms", qulonglong(rec.summaryGaps()),
          double(unknown) / 1e6, double(known) / 1e6, double(s.end() - s.start()) / 1e6);
    QVERIFY(std::abs(double(unknown) - expectUnknown) <= expectUnknown * 0.01 + 2000);
    QCOMPARE(known + unknown, s.end() - s.start());
    QCOMPARE(s.end(), end);
}

void TestPastBudget::pastTheBudgetTheLockQueueGoesOn()
{
    // A lock's queue past the budget: its lane goes on as the least and most queued per bucket, from
    // its last reading to the run's end, where nobody is queued any more; never more queued than the
    // threads that could queue, and never fewer than none.
    auto r = runScenario(
        QStringLiteral("counter"),
        {QStringLiteral("threads=4"), QStringLiteral("iterations=200000"), QStringLiteral("lock=on")}, 8192);
    const Trace &t = r->trace();
    QVERIFY(t.budgetReached() != 0);
    const auto locks = lanesOfKind(t, LaneKind::Lock);
    QCOMPARE(locks.size(), std::size_t(1));
    const Lane &lock = t.lane(locks.front());
    const SeriesSummary &q = lock.pastSeries;
    QVERIFY2(q.started(), "the lock's queue stopped at the budget");
    QVERIFY(lock.series.empty() || lock.series.back().t <= q.start());
    QCOMPARE(q.end(), t.end());
    QCOMPARE(q.lastA(), std::int64_t(0));
    std::int64_t most = 0;
    for (std::size_t b = 0; b < q.size(); ++b) {
        const SeriesSummary::Channel &c = q.bucket(b).a;
        QVERIFY(c.low >= 0);
        QVERIFY(c.low <= c.last && c.last <= c.high);
        QVERIFY(c.high <= 4);
        most = std::max(most, c.high);
        if (b + 1 < q.size()) QVERIFY(q.bucket(b + 1).a.low <= c.last); // what a bucket ends with goes on
    }
    qInfo("past the budget: %zu buckets of %.3f ms, at most %lld queued", q.size(), double(q.width()) / 1e6,
          qlonglong(most));
    QVERIFY(most >= 1); // four threads on one lock: somebody queued
}

void TestPastBudget::pastTheBudgetTheLockIsHeldAsItsHoldersSay_data()
{
    QTest::addColumn<int>("pauseMs");
    QTest::addColumn<QString>("iterations");
    QTest::newRow("a collector that keeps up") << 0 << QStringLiteral("iterations=200000");
    QTest::newRow("a collector that falls behind") << 250 << QStringLiteral("iterations=400000");
}

void TestPastBudget::pastTheBudgetTheLockIsHeldAsItsHoldersSay()
{
    // Past the budget the lock's lane is its summary too: in each stretch of buckets, the time it was
    // held is the time its holders' lanes were holding it (each thread's own summary: an independent
    // account of the same moments), and never more than the stretch itself. Where the collector fell
    // behind (a slow machine, a sanitizer) some threads' events were not kept: their time there is not
    // known, and the lock's changes in it were not read either: the two accounts may differ by that much.
    // A collector that reads only every quarter of a second falls behind for sure, and sees the run's end
    // late: the lanes still end where the run did (they went on, the threads running and the lock held,
    // for as long as the collector was late: Raceway's own lane was read to the collector's own time).
    QFETCH(int, pauseMs);
    QFETCH(QString, iterations);
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=4"), iterations, QStringLiteral("lock=on")}, 8192,
                         unsigned(pauseMs));
    const Trace &t = r->trace();
    QVERIFY(t.budgetReached() != 0);
    const auto locks = lanesOfKind(t, LaneKind::Lock);
    QCOMPARE(locks.size(), std::size_t(1));
    const StateSummary &lock = t.lane(locks.front()).pastBudget;
    QVERIFY2(lock.started(), "the lock's holders stopped at the budget");
    QCOMPARE(lock.end(), t.end());
    // Every summary lies on one grid of power-of-two buckets: compared from where all have begun, on the
    // widest one's buckets.
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    std::int64_t from = lock.start(), widest = lock.width();
    for (const std::size_t k : threads) {
        const StateSummary &s = t.lane(k).pastBudget;
        QVERIFY(s.started());
        from = std::max(from, s.start());
        widest = std::max(widest, s.width());
    }
    from = (from + widest - 1) / widest * widest;
    const auto sumFrom = [&](const StateSummary &s, std::initializer_list<State> states) {
        std::int64_t ns = 0;
        for (std::size_t b = 0; b < s.size(); ++b)
            if (s.bucketStart(b) >= from)
                for (const State st : states)
                    ns += s.coveredNs(b, std::size_t(st));
        return ns;
    };
    const std::int64_t held = sumFrom(lock, {State::Held});
    const std::int64_t free = sumFrom(lock, {State::Free});
    std::int64_t holding = 0, unknown = 0;
    for (const std::size_t k : threads) {
        const StateSummary &s = t.lane(k).pastBudget;
        holding += sumFrom(s, {State::Holding, State::HoldingReady});
        for (std::size_t b = 0; b < s.size(); ++b)
            if (s.bucketStart(b) >= from) unknown += s.unknownNs(b);
    }
    qInfo("past the budget from %.3f ms: lock held %.3f ms, free %.3f ms; its holders holding %.3f ms "
          "(not known %.3f ms)",
          double(from - t.start()) / 1e6, double(held) / 1e6, double(free) / 1e6, double(holding) / 1e6,
          double(unknown) / 1e6);
    QVERIFY(held > 0);
    QCOMPARE(held + free, t.end() - from);
    QCOMPARE(double(t.end() - t.start()) / 1e6, r->result().wallMs);
    const std::int64_t slack = std::max<std::int64_t>(held / 1000, 10'000);
    QVERIFY2(std::abs(held - holding) <= unknown + slack,
             qPrintable(QStringLiteral("held %1 ns, holding %2 ns, not known %3 ns")
                            .arg(held)
                            .arg(holding)
                            .arg(unknown)));
}

void TestPastBudget::pastTheBudgetTheCounterGoesOn_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<qulonglong>("budget");
    // Each thread reports its progress 512 times at least: eight of them spend the least budget.
    QTest::newRow("counter, lock off")
        << QStringLiteral("counter")
        << QStringList{QStringLiteral("threads=8"), QStringLiteral("iterations=100000"),
                       QStringLiteral("lock=off")}
        << qulonglong(4096);
    QTest::newRow("counter, lock on, the least budget")
        << QStringLiteral("counter")
        << QStringList{QStringLiteral("threads=2"), QStringLiteral("iterations=100000"),
                       QStringLiteral("lock=on")}
        << qulonglong(4096);
}

void TestPastBudget::pastTheBudgetTheCounterGoesOn()
{
    // A little of the budget is set aside for the counter's readings: once the workers have spent the
    // rest, its lane still goes on to the run's end, where it says what the run's results say (the
    // picture never stops counting where the title says more was counted), and Raceway's own lane too.
    QFETCH(QString, scenario);
    QFETCH(QStringList, args);
    QFETCH(qulonglong, budget);
    auto r = runScenario(scenario, args, budget);
    const Trace &t = r->trace();
    QVERIFY(r->result().droppedEvents > 0);
    QVERIFY(t.eventCount() <= budget + 4096); // counted in chunks
    const std::int64_t spent = t.budgetReached();
    // When the workers found it spent: inside the run (Raceway's own lane, written at the end with
    // times from the start, once made it look spent before the run began).
    QVERIFY2(spent > t.start() && spent < t.end(), "the budget was reached outside the run");
    QCOMPARE(lanesOfKind(t, LaneKind::Counter).size(), std::size_t(1));
    const std::size_t counter = lanesOfKind(t, LaneKind::Counter).front();
    const auto &series = t.lane(counter).series;
    QVERIFY(!series.empty());
    QVERIFY(!t.lane(counter).pastSeries.started()); // its own readings go on instead
    QCOMPARE(qlonglong(series.back().a), metric(*r, "expected"));
    QCOMPARE(qlonglong(series.back().b), metric(*r, "actual"));
    const auto past =
        std::count_if(series.begin(), series.end(), [&](const SeriesPoint &p) { return p.t > spent; });
    qInfo("%lld readings past the budget, the last %.1f ms before the end", qlonglong(past),
          double(t.end() - series.back().t) / 1e6);
    QVERIFY(past >= 1);
    QCOMPARE(lanesOfKind(t, LaneKind::Observer).size(), std::size_t(1));
    const std::size_t own = lanesOfKind(t, LaneKind::Observer).front();
    // Its samples are put at the start of what each one measured: a run of a few samples has none
    // past the budget, but every one of them is there.
    QVERIFY(!t.lane(own).series.empty());
    if (t.end() - spent > 300'000'000) QVERIFY(t.lane(own).series.back().t > spent);
    // The threads go on as summaries: each from where its own events stop to the run's end, every
    // nanosecond of it in some state, and the updates lost before and past the budget add up to the
    // run's result.
    std::int64_t lost = markerTotal(t);
    int summarised = 0;
    // And no more of it running than there were cores (a wait for a core once came too late to count).
    std::int64_t running = 0, from = t.end();
    for (const std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        const Lane &l = t.lane(lane);
        if (!l.pastBudget.started()) continue;
        ++summarised;
        const StateSummary &sum = l.pastBudget;
        from = std::min(from, sum.start());
        for (std::size_t b = 0; b < sum.size(); ++b)
            running += sum.coveredNs(b, std::size_t(State::Running));
        QVERIFY(l.times.empty() || l.times.back() <= sum.start());
        QCOMPARE(sum.end(), t.end());
        std::int64_t covered = 0;
        for (std::size_t b = 0; b < sum.size(); ++b)
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
                covered += sum.coveredNs(b, st);
        QCOMPARE(covered, sum.end() - sum.start());
        lost += sum.lostTotal();
    }
    QVERIFY(summarised >= 1);
    QCOMPARE(qlonglong(lost), metric(*r, "lost_updates"));
    const int cores = QThread::idealThreadCount();
    qInfo("past the budget: %d threads summarised, running %.1f ms in %.1f ms on %d cores", summarised,
          double(running) / 1e6, double(t.end() - from) / 1e6, cores);
    QVERIFY(running <= std::int64_t(cores) * (t.end() - from) * 105 / 100 + 2'000'000);
}

QTEST_GUILESS_MAIN(TestPastBudget)
#include "tst_pastbudget.moc"
