// The recorder under concurrent writers: nothing lost, nothing reordered within a lane, budgets honoured,
// and the trace model's intervals, markers and series built correctly from raw events.

#include "recorder.h"
#include "trace.h"
#include "tracedmutex.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
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
    const std::vector<State> expected = {State::Running, State::Holding, State::Sleeping, State::Holding,
                                         State::Running, State::Done};
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
        waited.store(mutex.lock(*waiter), std::memory_order_release);
        mutex.unlock(*waiter);
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
