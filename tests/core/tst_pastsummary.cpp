// Past the event budget, event streams made here read into a trace: the summaries each lane and each
// lock is left with are what the same events, kept whole, say of the same stretches; a change read late
// goes into its lane's summary in time order; a lock is held for the union of its holds.

#include "trace.h"

#include <QTest>

#include <array>
#include <random>
#include <vector>

using namespace raceway;

namespace {

// Threads a (lane 0) and b (lane 1), and a lock (object 1) drawn on lane 2.
void twoThreadsAndALock(Trace &trace)
{
    trace.setRegistry({{QStringLiteral("a"), LaneKind::Thread},
                       {QStringLiteral("b"), LaneKind::Thread},
                       {QStringLiteral("lock"), LaneKind::Lock}},
                      {{}, {QStringLiteral("lock"), 2}});
}

// A summary's time in `state`, over all of its buckets.
std::int64_t timeSummarised(const StateSummary &s, State state)
{
    std::int64_t ns = 0;
    for (std::size_t b = 0; b < s.size(); ++b)
        ns += s.coveredNs(b, std::size_t(state));
    return ns;
}

} // namespace

class TestPastSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lateChangesOfALockGoIntoItsSummary();
    void summariesAddUpToTheEventsTheyReplace();
    void aLockIsHeldForTheTimeItsHoldsCover();
};

void TestPastSummary::lateChangesOfALockGoIntoItsSummary()
{
    // Threads reach the budget one after another: one's changes of a lock past it may come before
    // another's recorded ones, read later (the command line reads recorded events at the end). Each goes
    // into the lock's summary in time order: every nanosecond once, held as long as it was.
    Trace trace;
    twoThreadsAndALock(trace);
    const std::int64_t t0 = 1'000'000'000;
    trace.setStart(t0);
    // a holds 0-10 us (recorded), then 40-50 us and 80-90 us (past); b holds 20-30 us and 60-70 us
    // (recorded, read after a's past ones).
    const std::vector<Event> aRecorded = {{t0, 0, 0, EventKind::ThreadStart, 0},
                                          {t0, 0, 0, EventKind::LockAcquired, 1},
                                          {t0 + 10'000, 0, 0, EventKind::LockReleased, 1}};
    const std::vector<Event> aPast = {{t0 + 40'000, 0, 0, EventKind::LockAcquired, 1},
                                      {t0 + 50'000, 0, 0, EventKind::LockReleased, 1},
                                      {t0 + 80'000, 0, 0, EventKind::LockAcquired, 1},
                                      {t0 + 90'000, 0, 0, EventKind::LockReleased, 1}};
    const std::vector<Event> bRecorded = {{t0, 0, 1, EventKind::ThreadStart, 0},
                                          {t0 + 20'000, 0, 1, EventKind::LockAcquired, 1},
                                          {t0 + 30'000, 0, 1, EventKind::LockReleased, 1},
                                          {t0 + 60'000, 0, 1, EventKind::LockAcquired, 1},
                                          {t0 + 70'000, 0, 1, EventKind::LockReleased, 1}};
    trace.ingest(aRecorded.data(), aRecorded.size());
    trace.ingestPastBudget(aPast.data(), aPast.size());
    trace.commitPastBudget(t0 + 45'000);
    trace.ingest(bRecorded.data(), bRecorded.size());
    trace.commit();
    trace.setEnd(t0 + 100'000);
    trace.compact();
    const StateSummary &s = trace.lane(2).pastBudget;
    QVERIFY(s.started());
    QCOMPARE(s.start(), t0 + 40'000);
    QCOMPARE(s.end(), t0 + 100'000);
    const std::int64_t held = timeSummarised(s, State::Held), free = timeSummarised(s, State::Free);
    // From 40 us: a's two holds and b's second (b's first, before the summary, is the lane's own).
    QCOMPARE(held, std::int64_t(30'000));
    QCOMPARE(free, std::int64_t(30'000));
    // The lane keeps every recorded change (a saved run replays them so), drawn up to the summary.
    QCOMPARE(trace.lane(2).times.size(), std::size_t(6));
}

namespace {

// Where lane `l` of a trace that kept everything was in each state over [from, to): its transitions'
// intervals clipped to it, up to `end`.
std::array<std::int64_t, stateCount> timeIn(const Lane &l, std::int64_t from, std::int64_t to,
                                            std::int64_t end)
{
    std::array<std::int64_t, stateCount> ns{};
    for (std::size_t k = 0; k < l.times.size(); ++k) {
        const std::int64_t a = std::max(l.times[k], from);
        const std::int64_t b = std::min(k + 1 < l.times.size() ? l.times[k + 1] : end, to);
        if (b > a) ns[std::size_t(l.states[k])] += b - a;
    }
    return ns;
}

} // namespace

void TestPastSummary::summariesAddUpToTheEventsTheyReplace()
{
    // One stream of four threads taking turns at a lock (waiting for it, holding it, sleeping while
    // holding it now and then, erasing updates) read twice: kept whole, and past the budget from its
    // first events on, in the portions a collector drains. Every bucket of every summary says what the
    // kept events say of the same stretch: each lane's time in each state, the lock's holders and
    // queue, the updates erased.
    constexpr int threads = 4;
    std::vector<LaneInfo> infos;
    for (int i = 0; i < threads; ++i)
        infos.push_back({QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread});
    infos.push_back({QStringLiteral("lock"), LaneKind::Lock});
    const std::vector<ObjectInfo> objects = {{}, {QStringLiteral("lock"), threads}};
    std::mt19937_64 rng(5);
    std::vector<std::vector<Event>> streams(threads);
    const std::int64_t t0 = 1'000'000'000;
    std::int64_t t = t0;
    enum class Doing { Running, Waiting, Holding, SleepingHolding };
    std::array<Doing, threads> doing{};
    int holder = -1;
    for (int i = 0; i < threads; ++i)
        streams[std::size_t(i)].push_back({t, 0, std::uint16_t(i), EventKind::ThreadStart, 0});
    for (int step = 0; step < 60'000; ++step) {
        t += std::uniform_int_distribution<std::int64_t>(1, 900)(rng);
        const int i = int(rng() % threads);
        auto &out = streams[std::size_t(i)];
        const auto lane = std::uint16_t(i);
        switch (doing[std::size_t(i)]) {
        case Doing::Running:
            if (rng() % 8 == 0) {
                // An update erased, or now and then given back (a negative amount: its high half first).
                if (rng() % 4 == 0) {
                    out.push_back({t, UINT32_MAX, lane, EventKind::ArgHigh, 0});
                    out.push_back({t, std::uint32_t(UINT32_MAX - rng() % 3), lane, EventKind::LostUpdate, 0});
                } else
                    out.push_back({t, std::uint32_t(1 + rng() % 5), lane, EventKind::LostUpdate, 0});
            } else if (holder < 0 && rng() % 2 == 0) { // uncontended: no request recorded
                out.push_back({t, 0, lane, EventKind::LockAcquired, 1});
                holder = i;
                doing[std::size_t(i)] = Doing::Holding;
            } else {
                out.push_back({t, 0, lane, EventKind::LockRequested, 1});
                doing[std::size_t(i)] = Doing::Waiting;
            }
            break;
        case Doing::Waiting:
            if (holder >= 0) break;
            out.push_back({t, 0, lane, EventKind::LockAcquired, 1});
            holder = i;
            doing[std::size_t(i)] = Doing::Holding;
            break;
        case Doing::Holding:
            if (rng() % 6 == 0) {
                out.push_back({t, 0, lane, EventKind::SleepBegin, 0});
                doing[std::size_t(i)] = Doing::SleepingHolding;
            } else {
                out.push_back({t, 0, lane, EventKind::LockReleased, 1});
                holder = -1;
                doing[std::size_t(i)] = Doing::Running;
            }
            break;
        case Doing::SleepingHolding:
            out.push_back({t, 0, lane, EventKind::SleepEnd, 0});
            doing[std::size_t(i)] = Doing::Holding;
            break;
        }
    }
    const std::int64_t end = t + 1000;

    Trace kept;
    kept.setRegistry(infos, objects);
    kept.setStart(t0);
    for (const auto &events : streams)
        kept.ingest(events.data(), events.size());
    kept.commit();
    kept.setEnd(end);
    kept.compact();

    // Past the budget after each thread's start: drained in portions of up to 64 events a thread, each
    // round committed up to what every thread has passed.
    Trace past;
    past.setRegistry(infos, objects);
    past.setStart(t0);
    for (const auto &events : streams)
        past.ingest(events.data(), 1);
    past.commit();
    std::vector<std::size_t> at(threads, 1);
    for (bool more = true; more;) {
        more = false;
        std::int64_t watermark = INT64_MAX;
        for (int i = 0; i < threads; ++i) {
            const auto &events = streams[std::size_t(i)];
            std::size_t &from = at[std::size_t(i)];
            const std::size_t n = std::min<std::size_t>(1 + rng() % 64, events.size() - from);
            past.ingestPastBudget(events.data() + from, n);
            from += n;
            if (from < events.size()) {
                watermark = std::min(watermark, events[from].t);
                more = true;
            }
        }
        past.commitPastBudget(more ? watermark : INT64_MAX);
    }
    past.setEnd(end);
    past.compact();

    int buckets = 0;
    for (std::size_t lane = 0; lane <= std::size_t(threads); ++lane) {
        const StateSummary &s = past.lane(lane).pastBudget;
        QVERIFY(s.started());
        QCOMPARE(s.end(), end);
        QVERIFY(s.size() > 4); // more than a few buckets to compare
        for (std::size_t b = 0; b < s.size(); ++b) {
            const std::int64_t from = std::max(s.bucketStart(b), s.start());
            const auto expected = timeIn(kept.lane(lane), from, s.bucketStart(b) + s.width(), end);
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
                if (s.coveredNs(b, st) != expected[st])
                    QFAIL(qPrintable(QStringLiteral("lane %1, bucket %2, state %3: %4 ns summarised, %5 kept")
                                         .arg(lane)
                                         .arg(b)
                                         .arg(st)
                                         .arg(s.coveredNs(b, st))
                                         .arg(expected[st])));
            std::int64_t lost = 0;
            for (const Marker &m : kept.lane(lane).markers)
                lost += m.t >= from && m.t < s.bucketStart(b) + s.width() ? m.value : 0;
            QCOMPARE(std::int64_t(s.bucket(b).lost), lost);
            ++buckets;
        }
    }
    // The lock's queue: in each bucket, the fewest and most threads queued and how many at its end.
    const SeriesSummary &q = past.lane(threads).pastSeries;
    const auto &series = kept.lane(threads).series;
    QVERIFY(q.started());
    QVERIFY(q.size() > 4);
    for (std::size_t b = 0; b < q.size(); ++b) {
        const std::int64_t from = std::max(q.bucketStart(b), q.start()), to = q.bucketStart(b) + q.width();
        // What was queued as the bucket began (unless it changed right then), and every change in it.
        std::size_t k =
            std::size_t(std::lower_bound(series.begin(), series.end(), from,
                                         [](const SeriesPoint &p, std::int64_t x) { return p.t < x; }) -
                        series.begin());
        std::int64_t value = k == 0 ? 0 : series[k - 1].a;
        std::int64_t low = value, high = value;
        if (k < series.size() && series[k].t == from && from > q.start()) {
            low = INT64_MAX;
            high = INT64_MIN;
        }
        for (; k < series.size() && series[k].t < to; ++k) {
            value = series[k].a;
            low = std::min(low, value);
            high = std::max(high, value);
        }
        QCOMPARE(q.bucket(b).a.last, value);
        QCOMPARE(q.bucket(b).a.low, low);
        QCOMPARE(q.bucket(b).a.high, high);
        ++buckets;
    }
    qInfo("%d buckets of %zu lanes alike, %.3f ms each", buckets, std::size_t(threads) + 1,
          double(q.width()) / 1e6);
}

void TestPastSummary::aLockIsHeldForTheTimeItsHoldsCover()
{
    // Past the budget a lock's summary comes from its holders' own accounts, read one thread after
    // another (b's events before a's, committed in two steps): held for the time the holds cover, handed
    // over at one instant without a gap or a second count. Where one thread leaves the queue as another
    // joins it, at one instant, the queue is not drawn longer than it was. A hold as long as a day takes
    // no more buckets than the summary's cap.
    Trace trace;
    twoThreadsAndALock(trace);
    const std::int64_t t0 = 1'000'000'000, us = 1000;
    trace.setStart(t0);
    const std::vector<Event> starts = {{t0, 0, 0, EventKind::ThreadStart, 0},
                                       {t0, 0, 1, EventKind::ThreadStart, 0}};
    trace.ingest(starts.data(), starts.size());
    trace.commit();
    // a queues at 10 us, holds 20-40 us, and again 60-80 us; b queues at 20 us (as a leaves the queue),
    // holds 40-50 us, and 80-90 us (from a, as it lets go).
    const std::vector<Event> a = {{t0 + 10 * us, 0, 0, EventKind::LockRequested, 1},
                                  {t0 + 20 * us, 0, 0, EventKind::LockAcquired, 1},
                                  {t0 + 40 * us, 0, 0, EventKind::LockReleased, 1},
                                  {t0 + 60 * us, 0, 0, EventKind::LockAcquired, 1},
                                  {t0 + 80 * us, 0, 0, EventKind::LockReleased, 1}};
    const std::vector<Event> b = {{t0 + 20 * us, 0, 1, EventKind::LockRequested, 1},
                                  {t0 + 40 * us, 0, 1, EventKind::LockAcquired, 1},
                                  {t0 + 50 * us, 0, 1, EventKind::LockReleased, 1},
                                  {t0 + 80 * us, 0, 1, EventKind::LockAcquired, 1},
                                  {t0 + 90 * us, 0, 1, EventKind::LockReleased, 1}};
    trace.ingestPastBudget(b.data(), 3);
    trace.ingestPastBudget(a.data(), 3);
    trace.commitPastBudget(t0 + 45 * us);
    trace.ingestPastBudget(b.data() + 3, 2);
    trace.ingestPastBudget(a.data() + 3, 2);
    trace.commitPastBudget(INT64_MAX);
    trace.setEnd(t0 + 100 * us);
    trace.compact();
    const StateSummary &s = trace.lane(2).pastBudget;
    QVERIFY(s.started());
    QCOMPARE(s.start(), t0 + 20 * us);
    QCOMPARE(s.end(), t0 + 100 * us);
    const std::int64_t held = timeSummarised(s, State::Held), free = timeSummarised(s, State::Free);
    QCOMPARE(held, 30 * us + 30 * us); // 20-50 us and 60-90 us
    QCOMPARE(free, 10 * us + 10 * us); // 50-60 us and 90-100 us
    const SeriesSummary &q = trace.lane(2).pastSeries;
    QVERIFY(q.started());
    QCOMPARE(q.start(), t0 + 10 * us);
    QCOMPARE(q.size(), std::size_t(1));
    QCOMPARE(q.bucket(0).a.high, std::int64_t(1));
    QCOMPARE(q.bucket(0).a.low, std::int64_t(0));
    QCOMPARE(q.bucket(0).a.last, std::int64_t(0));

    // A day's hold, then a microsecond's.
    Trace day;
    day.setRegistry({{QStringLiteral("a"), LaneKind::Thread}, {QStringLiteral("lock"), LaneKind::Lock}},
                    {{}, {QStringLiteral("lock"), 1}});
    day.setStart(t0);
    day.ingest(starts.data(), 1);
    day.commit();
    const std::int64_t dayNs = 86'400'000'000'000;
    const std::vector<Event> holds = {{t0 + us, 0, 0, EventKind::LockAcquired, 1},
                                      {t0 + us + dayNs, 0, 0, EventKind::LockReleased, 1},
                                      {t0 + 2 * us + dayNs, 0, 0, EventKind::LockAcquired, 1},
                                      {t0 + 3 * us + dayNs, 0, 0, EventKind::LockReleased, 1}};
    day.ingestPastBudget(holds.data(), holds.size());
    day.commitPastBudget(INT64_MAX);
    day.setEnd(t0 + 4 * us + dayNs);
    day.compact();
    const StateSummary &d = day.lane(1).pastBudget;
    QVERIFY(d.size() <= StateSummary::cap);
    const std::int64_t dayHeld = timeSummarised(d, State::Held);
    // (Buckets over 2.1 s wide count in units of more than a nanosecond: each is short of less than one.)
    QVERIFY(d.unitShift() > 0);
    QVERIFY(dayHeld <= dayNs + us);
    QVERIFY(dayNs + us - dayHeld < std::int64_t(d.size()) << d.unitShift());
}

QTEST_GUILESS_MAIN(TestPastSummary)
#include "tst_pastsummary.moc"
