// The recorder under concurrent writers: nothing lost, nothing reordered within a lane, budgets honoured,
// and the trace model's intervals, markers and series built correctly from raw events.

#include "recorder.h"
#include "trace.h"
#include "tracedmutex.h"

#include <QTest>
#include <QThread>

#include <array>
#include <atomic>
#include <memory>
#include <random>
#include <vector>

using namespace raceway;

class TestRecorder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventIsSixteenBytes() { QCOMPARE(sizeof(Event), 16u); }
    void singleThreadRoundTrip();
    void concurrentWritersWhileDraining();
    void budgetDropsAndCounts();
    void budgetIsExactWhateverTheThreads_data();
    void budgetIsExactWhateverTheThreads();
    void boundedDrainTakesTheOldestFirst();
    void timeColumnKeepsEveryTime();
    void wideArgumentsSurvive();
    void sleepInsideHoldReturnsToHolding();
    void crossLaneMergeKeepsTimeOrder();
    void tracedMutexWaitMatchesRecordedTimes();
};

void TestRecorder::singleThreadRoundTrip()
{
    Recorder rec;
    const auto lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    ThreadBuffer *b = rec.createBuffer(lane);
    const int n = 10000; // crosses two chunk boundaries
    for (int i = 0; i < n; ++i)
        b->recordAt(i, EventKind::Progress, 7, std::uint32_t(i * 3));
    std::vector<Event> got;
    rec.drain([&](const Event *e, std::size_t count) { got.insert(got.end(), e, e + count); });
    QCOMPARE(int(got.size()), n);
    for (int i = 0; i < n; ++i) {
        QCOMPARE(got[std::size_t(i)].t, std::int64_t(i));
        QCOMPARE(got[std::size_t(i)].arg, std::uint32_t(i * 3));
        QCOMPARE(got[std::size_t(i)].obj, std::uint8_t(7));
        QCOMPARE(got[std::size_t(i)].lane, lane);
    }
    QCOMPARE(rec.drain([](const Event *, std::size_t) {}), 0u);
}

void TestRecorder::concurrentWritersWhileDraining()
{
    Recorder rec(100'000'000);
    const int writers = 8;
    const std::uint32_t perWriter = 200000;
    std::vector<ThreadBuffer *> buffers;
    for (int w = 0; w < writers; ++w)
        buffers.push_back(rec.createBuffer(rec.addLane(QStringLiteral("w%1").arg(w), LaneKind::Thread)));
    std::atomic<int> finished{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back(QThread::create([&, w] {
            for (std::uint32_t i = 0; i < perWriter; ++i)
                buffers[std::size_t(w)]->record(EventKind::Progress, 0, i);
            finished.fetch_add(1, std::memory_order_release);
        }));
        threads.back()->start();
    }
    // Drain concurrently, as the collector does, checking per-lane order as events arrive.
    std::vector<std::uint32_t> next(writers, 0);
    std::vector<std::int64_t> lastT(writers, 0);
    bool ordered = true;
    auto sink = [&](const Event *e, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            auto &n = next[e[i].lane];
            ordered &= e[i].arg == n && e[i].t >= lastT[e[i].lane];
            lastT[e[i].lane] = e[i].t;
            ++n;
        }
    };
    while (finished.load(std::memory_order_acquire) < writers)
        rec.drain(sink);
    for (auto &t : threads)
        t->wait();
    rec.drain(sink);
    QVERIFY(ordered);
    for (int w = 0; w < writers; ++w)
        QCOMPARE(next[std::size_t(w)], perWriter);
    QCOMPARE(rec.droppedEvents(), 0u);
}

void TestRecorder::budgetDropsAndCounts()
{
    Recorder rec(3 * EventChunk::capacity);
    ThreadBuffer *b = rec.createBuffer(rec.addLane(QStringLiteral("t"), LaneKind::Thread));
    const std::uint64_t attempts = 10 * EventChunk::capacity;
    for (std::uint64_t i = 0; i < attempts; ++i)
        b->record(EventKind::Progress, 0, std::uint32_t(i));
    std::uint64_t kept = 0;
    rec.drain([&](const Event *, std::size_t n) { kept += n; });
    QCOMPARE(kept, 3u * EventChunk::capacity);
    QCOMPARE(kept + rec.droppedEvents(), attempts);
}

void TestRecorder::budgetIsExactWhateverTheThreads_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("budget");
    QTest::addColumn<int>("each");
    QTest::newRow("64 threads, 4096") << 64 << 4096 << 1000;
    QTest::newRow("64 threads, 1M") << 64 << 1'000'000 << 20'000;
    QTest::newRow("3 threads, 10000") << 3 << 10'000 << 50'000;
    QTest::newRow("budget larger than the run") << 8 << 100'000 << 1000;
}

void TestRecorder::budgetIsExactWhateverTheThreads()
{
    QFETCH(int, threads);
    QFETCH(int, budget);
    QFETCH(int, each);
    Recorder rec{std::uint64_t(budget)};
    std::vector<ThreadBuffer *> buffers;
    for (int w = 0; w < threads; ++w)
        buffers.push_back(rec.createBuffer(rec.addLane(QStringLiteral("w%1").arg(w), LaneKind::Thread)));
    std::atomic<int> finished{0};
    std::vector<std::unique_ptr<QThread>> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back(QThread::create([&, w] {
            for (int i = 0; i < each; ++i)
                buffers[std::size_t(w)]->record(EventKind::Progress, 0, std::uint32_t(i));
            finished.fetch_add(1, std::memory_order_release);
        }));
        workers.back()->start();
    }
    std::uint64_t kept = 0;
    auto sink = [&](const Event *, std::size_t n) { kept += n; };
    while (finished.load(std::memory_order_acquire) < threads)
        rec.drain(sink, 10000);
    for (auto &w : workers)
        w->wait();
    rec.drain(sink);
    const std::uint64_t attempted = std::uint64_t(threads) * std::uint64_t(each);
    // Never more than the budget, and every event either kept or counted as dropped.
    QVERIFY(kept <= std::uint64_t(budget));
    QCOMPARE(kept + rec.droppedEvents(), attempted);
    if (attempted > std::uint64_t(budget)) {
        // Threads claim shrinking batches, so what one thread claimed and never used stays small.
        QVERIFY2(kept >= std::uint64_t(budget) * 9 / 10, qPrintable(QString::number(kept)));
        QVERIFY(rec.budgetReachedNs() > 0);
    } else {
        QCOMPARE(kept, attempted);
        QCOMPARE(rec.budgetReachedNs(), 0);
    }
    QVERIFY(rec.mappedChunks() <= std::uint64_t(threads)); // drained chunks went back: one per writer left
}

void TestRecorder::boundedDrainTakesTheOldestFirst()
{
    // Three lanes written far ahead of each other: a bounded drain moves them forward together in
    // time, so everything before the watermark has been delivered.
    Recorder rec;
    std::vector<ThreadBuffer *> b;
    for (int w = 0; w < 3; ++w)
        b.push_back(rec.createBuffer(rec.addLane(QStringLiteral("w%1").arg(w), LaneKind::Thread)));
    for (int i = 0; i < 20000; ++i)
        for (int w = 0; w < 3; ++w)
            b[std::size_t(w)]->recordAt(std::int64_t(i) * 10 + w, EventKind::Progress, 0, std::uint32_t(i));
    std::int64_t newest = 0;
    std::vector<std::int64_t> lastOf(3, -1);
    std::size_t total = 0;
    while (std::size_t got = rec.drain(
               [&](const Event *e, std::size_t n) {
                   for (std::size_t k = 0; k < n; ++k) {
                       QVERIFY(e[k].t > lastOf[e[k].lane]);
                       lastOf[e[k].lane] = e[k].t;
                       newest = std::max(newest, e[k].t);
                   }
               },
               5000)) {
        QVERIFY(got <= 5000);
        total += got;
        const std::int64_t w = rec.watermark();
        // The lanes stay within one portion (1024 events, 10 ns apart) of each other.
        QVERIFY(w == INT64_MAX || newest - w < 1024 * 10 + 20);
    }
    QCOMPARE(total, 60000u);
    QCOMPARE(rec.watermark(), INT64_MAX);
}

void TestRecorder::timeColumnKeepsEveryTime()
{
    // Offsets of 32 bits cover 4.3 s: longer gaps, and times before a block's first, are kept whole.
    TimeColumn c;
    std::vector<std::int64_t> want;
    std::int64_t t = -5'000'000'000LL;
    for (int i = 0; i < 20000; ++i) {
        t += (i % 97 == 0) ? 9'000'000'000LL : (i % 13 == 0 ? -3 : 7);
        want.push_back(t);
        c.push_back(t);
    }
    want.push_back(INT64_MAX);
    c.push_back(INT64_MAX);
    want.push_back(INT64_MIN);
    c.push_back(INT64_MIN);
    QCOMPARE(c.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        QCOMPARE(c[i], want[i]);
    c.resize(5000);
    want.resize(5000);
    c.push_back(42);
    want.push_back(42);
    for (std::size_t i = 0; i < want.size(); ++i)
        QCOMPARE(c[i], want[i]);
    // An ordinary lane: about four bytes a time, plus at most two partly used blocks.
    TimeColumn dense;
    for (std::int64_t k = 0; k < 100000; ++k)
        dense.push_back(1'000'000'000'000LL + k * 250);
    QVERIFY(dense.bytes() < 100000 * 4 + 2 * column::blockSize * 4 + 4096);
    QCOMPARE(dense.upperBound(1'000'000'000'000LL + 250 * 500), 501u);
}

void TestRecorder::wideArgumentsSurvive()
{
    Recorder rec;
    const auto lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    ThreadBuffer *b = rec.createBuffer(lane);
    b->recordAt(10, EventKind::ThreadStart, 0, 0);
    b->recordWide(20, EventKind::LostUpdate, 0, 6'000'000'000LL);
    b->recordWide(30, EventKind::LostUpdate, 0, -3);
    b->recordWide(40, EventKind::LostUpdate, 0, 5);
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); });
    trace.commit();
    const auto &m = trace.lane(lane).markers;
    QCOMPARE(m.size(), 3u);
    QCOMPARE(m[0].value, 6'000'000'000LL);
    QCOMPARE(m[1].value, -3LL);
    QCOMPARE(m[2].value, 5LL);
    QCOMPARE(trace.markerSum(lane), 6'000'000'002LL);
}

void TestRecorder::sleepInsideHoldReturnsToHolding()
{
    Recorder rec;
    const auto lane = rec.addLane(QStringLiteral("t"), LaneKind::Thread);
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *b = rec.createBuffer(lane);
    b->recordAt(0, EventKind::ThreadStart, 0, 0);
    b->recordAt(10, EventKind::LockAcquired, mutex.id(), 0);
    b->recordAt(20, EventKind::SleepBegin, 0, 0);
    b->recordAt(50, EventKind::SleepEnd, 0, 0);
    b->recordAt(60, EventKind::LockReleased, mutex.id(), 0);
    b->recordAt(70, EventKind::ThreadEnd, 0, 0);
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); });
    trace.commit();
    const auto &s = trace.lane(lane).states;
    const std::vector<State> expected = {State::Running, State::Holding, State::Sleeping,
                                         State::Holding, State::Running, State::Done};
    QCOMPARE(std::vector<State>(s.begin(), s.end()), expected);
    QCOMPARE(trace.totalIn(lane, State::Holding), 20);
    QCOMPARE(trace.totalIn(mutex.lane(), State::Held), 50);
}

void TestRecorder::crossLaneMergeKeepsTimeOrder()
{
    // Two threads take turns on one lock; the collector sees all of one thread before the other.
    Recorder rec;
    const auto a = rec.addLane(QStringLiteral("a"), LaneKind::Thread);
    const auto b = rec.addLane(QStringLiteral("b"), LaneKind::Thread);
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *ba = rec.createBuffer(a);
    ThreadBuffer *bb = rec.createBuffer(b);
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    auto drain = [&] {
        rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); });
        trace.commit();
    };
    for (int round = 0; round < 3; ++round) {
        const std::int64_t base = round * 1000;
        for (int k = 0; k < 5; ++k) {
            ba->recordAt(base + k * 100, EventKind::LockAcquired, mutex.id(), 0);
            ba->recordAt(base + k * 100 + 40, EventKind::LockReleased, mutex.id(), 0);
            bb->recordAt(base + k * 100 + 40, EventKind::LockRequested, mutex.id(), 0);
            bb->recordAt(base + k * 100 + 50, EventKind::LockAcquired, mutex.id(), 0);
            bb->recordAt(base + k * 100 + 90, EventKind::LockReleased, mutex.id(), 0);
        }
        drain();
    }
    const Lane &lock = trace.lane(mutex.lane());
    QVERIFY(std::is_sorted(lock.times.begin(), lock.times.end()));
    QCOMPARE(lock.times.size(), 60u);
    for (std::size_t i = 0; i + 1 < lock.times.size(); i += 2) {
        QCOMPARE(lock.states[i], State::Held);
        QCOMPARE(lock.states[i + 1], State::Free);
        QCOMPARE(lock.objs[i], (i / 2) % 2 == 0 ? a : b);
    }
    QCOMPARE(trace.totalIn(mutex.lane(), State::Held), 15 * 80);
    QCOMPARE(trace.totalIn(b, State::Waiting), 15 * 10);
    // The waiter count rose and fell with b's one contended request per turn.
    std::int64_t most = 0;
    for (const SeriesPoint &p : lock.series)
        most = std::max(most, p.a);
    QCOMPARE(most, 1);
    QCOMPARE(lock.series.back().a, 0);
}

void TestRecorder::tracedMutexWaitMatchesRecordedTimes()
{
    Recorder rec;
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *holder = rec.createBuffer(rec.addLane(QStringLiteral("holder"), LaneKind::Thread));
    const auto waiterLane = rec.addLane(QStringLiteral("waiter"), LaneKind::Thread);
    ThreadBuffer *waiter = rec.createBuffer(waiterLane);
    mutex.lock(*holder);
    std::atomic<std::int64_t> waited{-1};
    std::unique_ptr<QThread> t(QThread::create([&] {
        const std::int64_t w = mutex.lock(*waiter);
        mutex.unlock(*waiter);
        // Published after the unlock: QThread::wait() joins through Qt's own futex, which a thread
        // sanitizer does not see, so this store is what orders the unlock before the recorder's end.
        waited.store(w, std::memory_order_release);
    }));
    t->start();
    QThread::msleep(30);
    mutex.unlock(*holder);
    t->wait();
    while (waited.load(std::memory_order_acquire) < 0)
        QThread::yieldCurrentThread();
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *e, std::size_t n) { trace.ingest(e, n); });
    trace.commit();
    QVERIFY(waited.load() > 0);
    QCOMPARE(trace.totalIn(waiterLane, State::Waiting), waited.load());
}

QTEST_GUILESS_MAIN(TestRecorder)
#include "tst_recorder.moc"
