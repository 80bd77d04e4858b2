// asyncio under the real python3 and Raceway's tracer: a lane per task, what each awaits (a lock, a
// semaphore, an event, a queue, a sleep, other tasks, an executor) and a step that blocked the loop.

#include "pythontest.h"

#include <QJsonArray>

using namespace raceway;

class TestPythonAsyncio : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void asyncioTasksHaveLanes();
    void aBlockingStepIsNamed();
    void asyncioLockIsALock_data();
    void asyncioLockIsALock();
    void asyncioSemaphoreAndEvent();
    void asyncioConditionWaitsAreDrawn();
    void asyncioQueueWaitsAreDrawn();
    void asyncioExecutorWaitIsAWait();
    void asyncioRaceExample();
};

void TestPythonAsyncio::aBlockingStepIsNamed()
{
    // The most common asyncio mistake: a blocking call inside a coroutine holds the event loop, and every
    // other task waits. The step is marked where it ended, on the lane of the task that took it (named
    // with its coroutine), with how long it took; --json lists it; the tickers' short steps are not.
    const QString script = writeScript(QStringLiteral("blocker.py"), R"PY(import asyncio, time
async def ticker():
    for _ in range(20):
        await asyncio.sleep(0.01)
async def blocker():
    await asyncio.sleep(0.03)
    time.sleep(0.2)
    await asyncio.sleep(0.01)
async def main():
    await asyncio.gather(ticker(), ticker(), blocker())
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    QCOMPARE(runner->result().error, QString());
    const auto &metrics = runner->result().metrics;
    QCOMPARE(metricValue(metrics, QStringLiteral("slow_step_count")).toInt(), 1);
    const QVariantList steps = metricValue(metrics, QStringLiteral("slow_steps")).toList();
    QCOMPARE(steps.size(), 1);
    const QVariantMap step = steps.front().toMap();
    QVERIFY2(step.value(QStringLiteral("task")).toString().endsWith(QStringLiteral("(blocker)")),
             qPrintable(step.value(QStringLiteral("task")).toString()));
    const double ms = step.value(QStringLiteral("duration_ms")).toDouble();
    QVERIFY2(ms >= 200 && ms < 1000, qPrintable(QString::number(ms)));
    // Where it ran: from the await it resumed at (line 6) to the next one (line 8), the blocking call
    // between them.
    QCOMPARE(step.value(QStringLiteral("place")).toString(), QStringLiteral("blocker.py:6-8 in blocker"));
    const Trace &trace = runner->trace();
    int marked = 0;
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane)
        for (const Instant &in : trace.lane(lane).instants)
            if (in.markKind() == MarkKind::SlowStep) {
                QCOMPARE(trace.lane(lane).name, step.value(QStringLiteral("task")).toString());
                QCOMPARE(double(in.value) / 1000, std::floor(ms * 1000) / 1000); // µs, as the tracer said
                ++marked;
            }
    QCOMPARE(marked, 1);
    // The lane keeps the place with the mark (a saved run and the Chrome trace keep it too).
    const std::size_t blockerLane = laneNamed(trace, step.value(QStringLiteral("task")).toString());
    QVERIFY(blockerLane != SIZE_MAX);
    int placed = 0;
    for (const SitePoint &p : trace.lane(blockerLane).sites)
        if (p.what == SiteOf::Step) {
            QCOMPARE(trace.siteName(p.site), QStringLiteral("blocker.py:6-8 in blocker"));
            ++placed;
        }
    QCOMPARE(placed, 1);
    // Meanwhile the tickers, their sleeps over, could have run: drawn "ready, loop busy" within the step,
    // nearly all of it (from its start, or from a sleep's end within it: 10 ms at most); the blocker not.
    const std::int64_t stepEnd = [&] {
        for (const Instant &in : trace.lane(blockerLane).instants)
            if (in.markKind() == MarkKind::SlowStep) return in.t;
        return std::int64_t(0);
    }();
    // (the mark is made a little after the step ended: its start is a little before this)
    const std::int64_t stepStart = stepEnd - std::int64_t(ms * 1e6);
    int tickers = 0;
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane) {
        const Lane &l = trace.lane(lane);
        std::int64_t busy = 0;
        for (std::size_t k = 0; k < l.times.size(); ++k)
            if (l.states[k] == State::LoopBusy) {
                const std::int64_t to = k + 1 < l.times.size() ? l.times[k + 1] : trace.end();
                QVERIFY2(l.times[k] >= stepStart - 2'000'000 && to <= stepEnd + 20'000'000,
                         qPrintable(QStringLiteral("%1: %2..%3 ms, the step %4..%5")
                                        .arg(l.name)
                                        .arg(double(l.times[k] - stepStart) / 1e6)
                                        .arg(double(to - stepStart) / 1e6)
                                        .arg(0)
                                        .arg(double(stepEnd - stepStart) / 1e6)));
                busy += to - l.times[k];
            }
        if (l.name.endsWith(QStringLiteral("(ticker)"))) {
            ++tickers;
            QVERIFY2(busy >= stepEnd - stepStart - 11'000'000,
                     qPrintable(QString::number(double(busy) / 1e6)));
        } else {
            QCOMPARE(busy, std::int64_t(0));
        }
    }
    QCOMPARE(tickers, 2);
    QCOMPARE(metricValue(metrics, QStringLiteral("late_events")).toInt(), 0);
    // A saved run reopens with its slow steps, each with its place (lists of maps are kept whole).
    const QString saved = m_dir.filePath(QStringLiteral("blocker.raceway"));
    QCOMPARE(raceway({QStringLiteral("trace"), script, QStringLiteral("--save"), saved}).status, 0);
    const Result shown = raceway({QStringLiteral("show"), saved, QStringLiteral("--json")});
    QCOMPARE(shown.status, 0);
    const QJsonArray savedSteps =
        shown.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("slow_steps")).toArray();
    QCOMPARE(savedSteps.size(), 1);
    QCOMPARE(savedSteps[0].toObject().value(QStringLiteral("place")).toString(),
             QStringLiteral("blocker.py:6-8 in blocker"));
    // The threshold is what Raceway passes the tracer (--slow-step): 150 ms still marks the blocker's
    // step, 300 ms does not.
    const auto at = [&](int threshold) {
        const auto r = traced(script, {}, [&](py::PythonJob &job) { job.slowStepMs = threshold; });
        return metricValue(r->result().metrics, QStringLiteral("slow_step_count")).toInt();
    };
    QCOMPARE(at(150), 1);
    QCOMPARE(at(300), 0);
    // The same under the oldest and the newest Python installed here (pyenv's).
    for (const QString &version : {QStringLiteral("3.8"), QStringLiteral("3.13")}) {
        QString lookedIn;
        const QString python = installedPython(version, &lookedIn);
        if (python.isEmpty()) QSKIP(qPrintable(QStringLiteral("no Python %1 in %2").arg(version, lookedIn)));
        const Result r = raceway(
            {QStringLiteral("trace"), script, QStringLiteral("--python"), python, QStringLiteral("--json")});
        QVERIFY2(r.status == 0, r.err.constData());
        const QJsonArray them =
            r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("slow_steps")).toArray();
        QCOMPARE(them.size(), 1);
        QCOMPARE(them[0].toObject().value(QStringLiteral("place")).toString(),
                 QStringLiteral("blocker.py:6-8 in blocker"));
    }
}

void TestPythonAsyncio::asyncioTasksHaveLanes()
{
    const auto runner = traced(example("asyncio_gather.py"));
    const Trace &trace = runner->trace();
    // asyncio.run's main task and the five gathered ones: each has a lane, and nothing else does (the
    // tasks asyncio.run makes as it shuts down drew as two empty lanes); the five awaited their timers
    // side by side while the main task awaited them.
    std::vector<std::size_t> tasks;
    for (std::size_t i : lanesOf(trace, LaneKind::Thread))
        if (trace.lane(i).name.startsWith(QLatin1String("task "))) tasks.push_back(i);
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("asyncio_tasks")).toULongLong(),
             tasks.size());
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("threads")).toInt(), 1);
    QCOMPARE(tasks.size(), 6u);
    int awaited = 0, slept = 0, joined = 0;
    std::int64_t latestStart = 0, earliestEnd = INT64_MAX;
    for (std::size_t i : tasks) {
        std::int64_t from = -1, to = -1;
        trace.forEachInterval(i, [&](const Interval &iv) {
            // The five in asyncio.sleep(0.2) sleep; the main task waits for them (gather), as a join.
            if ((iv.state == State::Waiting || iv.state == State::Sleeping) &&
                iv.end - iv.start >= 150'000'000) {
                from = iv.start;
                to = iv.end;
                if (iv.state == State::Sleeping) ++slept;
                if (iv.state == State::Waiting) ++joined;
            }
        });
        if (from < 0) continue;
        ++awaited;
        latestStart = std::max(latestStart, from);
        earliestEnd = std::min(earliestEnd, to);
    }
    QCOMPARE(awaited, 6);
    QCOMPARE(slept, 5);
    QCOMPARE(joined, 1);
    QVERIFY(latestStart < earliestEnd); // all five were waiting at once
}

void TestPythonAsyncio::asyncioLockIsALock_data()
{
    QTest::addColumn<bool>("pure");
    QTest::newRow("C accelerator") << false;
    QTest::newRow("pure Python") << true;
}

void TestPythonAsyncio::asyncioLockIsALock()
{
    // Twenty tasks take one asyncio.Lock five times each, sleeping while they hold it: the lock has a lane
    // named as the script names it, the tasks queued behind the holder are drawn waiting for it (not
    // awaiting I/O), and the waits drawn are the waits counted, in number and in time.
    QFETCH(bool, pure);
    const PureTracer tracer(pure);
    const QString script = writeScript(QStringLiteral("alock.py"), R"PY(import asyncio
shared = [0]
async def worker(lock):
    for _ in range(5):
        async with lock:
            v = shared[0]
            await asyncio.sleep(0.001)
            shared[0] = v + 1
async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(worker(lock) for _ in range(20)))
    assert shared[0] == 100
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    const auto &metrics = runner->result().metrics;
    QCOMPARE(metricValue(metrics, QStringLiteral("exit_code")).toInt(), 0);
    const std::size_t lock = laneNamed(t, QStringLiteral("asyncio.Lock lock"));
    QVERIFY(lock != SIZE_MAX);
    QCOMPARE(t.lane(lock).kind, LaneKind::Lock);
    const qulonglong waits = metricValue(metrics, QStringLiteral("lock_waits")).toULongLong();
    QCOMPARE(metricValue(metrics, QStringLiteral("lock_waits_traced")).toULongLong(), waits);
    QVERIFY2(waits >= 50, qPrintable(QString::number(waits))); // all but a few of the 100 queue up
    const int lockObj = objectOfLane(t, lock);
    QVERIFY(lockObj > 0);
    std::int64_t drawnNs = 0;
    std::uint64_t drawn = 0;
    int tasks = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        if (!t.lane(i).name.startsWith(QLatin1String("task ")) ||
            !t.lane(i).name.endsWith(QLatin1String("(worker)")))
            continue;
        ++tasks;
        t.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state != State::Waiting) return;
            QCOMPARE(int(iv.obj), lockObj); // waiting for that lock
            drawnNs += iv.end - iv.start;
            ++drawn;
        });
    }
    QCOMPARE(tasks, 20);
    QCOMPARE(drawn, std::uint64_t(waits));
    const double waitMs = metricValue(metrics, QStringLiteral("lock_wait_ms")).toDouble();
    QVERIFY2(std::abs(double(drawnNs) / 1e6 - waitMs) < 0.01,
             qPrintable(QStringLiteral("%1 ms drawn, %2 ms counted").arg(double(drawnNs) / 1e6).arg(waitMs)));
    // One holder at a time on the lock's lane, a hundred holds in all.
    int holds = 0;
    t.forEachInterval(lock, [&](const Interval &iv) {
        if (iv.state == State::Held) ++holds;
    });
    QCOMPARE(holds, 100);
    // A task asleep while it holds the lock is drawn asleep, then holding again (not awaiting I/O).
    const std::size_t first = laneNamed(t, QStringLiteral("task Task-2 (worker)"));
    QVERIFY(first != SIZE_MAX);
    int asleep = 0, holding = 0, io = 0;
    t.forEachInterval(first, [&](const Interval &iv) {
        asleep += iv.state == State::Sleeping;
        holding += iv.state == State::Holding;
        io += iv.state == State::WaitingIo;
    });
    QCOMPARE(asleep, 5);
    QVERIFY2(holding >= 10, qPrintable(QString::number(holding))); // before and after each sleep
    QCOMPARE(io, 0);
}

void TestPythonAsyncio::asyncioSemaphoreAndEvent()
{
    // Nine downloads wait for one go signal (an asyncio.Event), then at most three at a time
    // (asyncio.Semaphore(3)): the event and the semaphore have lanes, the tasks are drawn waiting for the
    // event until it is set and for the semaphore while three are inside, never more than three hold it.
    const QString script = writeScript(QStringLiteral("downloads.py"), R"PY(import asyncio
async def download(slots, go):
    await go.wait()
    async with slots:
        await asyncio.sleep(0.02)
async def main():
    slots = asyncio.Semaphore(3)
    go = asyncio.Event()
    tasks = [asyncio.create_task(download(slots, go)) for _ in range(9)]
    await asyncio.sleep(0.05)
    go.set()
    await asyncio.gather(*tasks)
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    const auto &metrics = runner->result().metrics;
    QCOMPARE(metricValue(metrics, QStringLiteral("exit_code")).toInt(), 0);
    const std::size_t slots = laneNamed(t, QStringLiteral("asyncio.Semaphore slots"));
    const std::size_t go = laneNamed(t, QStringLiteral("asyncio.Event go"));
    QVERIFY(slots != SIZE_MAX && go != SIZE_MAX);
    QCOMPARE(t.lane(slots).kind, LaneKind::Semaphore);
    QCOMPARE(t.lane(go).kind, LaneKind::Signal);
    std::int64_t peak = 0;
    for (const SeriesPoint &pt : t.lane(slots).series)
        peak = std::max(peak, pt.b);
    QCOMPARE(peak, std::int64_t(3));
    QCOMPARE(t.lane(slots).series.back().b, 0);
    const qulonglong waits = metricValue(metrics, QStringLiteral("lock_waits")).toULongLong();
    QCOMPARE(metricValue(metrics, QStringLiteral("lock_waits_traced")).toULongLong(), waits);
    QVERIFY2(waits >= 6, qPrintable(QString::number(waits))); // nine arrive at once, three get in
    const int goObj = objectOfLane(t, go);
    QVERIFY(goObj > 0);
    int forTheSignal = 0, holdsAtOnce = 0;
    std::vector<std::pair<std::int64_t, int>> edges;
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        if (!t.lane(i).name.endsWith(QLatin1String("(download)"))) continue;
        t.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state == State::Waiting && iv.obj == goObj) {
                QVERIFY(iv.end - iv.start >= 30'000'000);
                ++forTheSignal;
            }
            // Inside: holding it, or asleep while holding it (the downloads sleep nowhere else).
            if (iv.state == State::Holding || iv.state == State::Sleeping) {
                edges.push_back({iv.start, 1});
                edges.push_back({iv.end, -1});
            }
        });
    }
    QCOMPARE(forTheSignal, 9); // each waited ~50 ms for go.set()
    std::sort(edges.begin(), edges.end());
    int inside = 0;
    for (const auto &[at, d] : edges)
        holdsAtOnce = std::max(holdsAtOnce, inside += d);
    QCOMPARE(holdsAtOnce, 3);
}

void TestPythonAsyncio::asyncioConditionWaitsAreDrawn()
{
    // Three consumers wait on an asyncio.Condition until a producer adds an item and notifies, three times.
    // wait() lets go of the condition's lock and takes it back inside: each consumer is drawn waiting for
    // the condition from the one to the other (not awaiting I/O), as often as the script counted its own
    // waits; each notify is marked where it was called.
    const QString result = m_dir.filePath(QStringLiteral("waits.txt"));
    const QString script = writeScript(QStringLiteral("cond.py"), R"PY(import asyncio, sys
async def main():
    cond = asyncio.Condition()
    items = []
    waits = 0
    async def consumer():
        nonlocal waits
        async with cond:
            while not items:
                waits += 1
                await cond.wait()
            items.pop()
    async def producer():
        for _ in range(3):
            await asyncio.sleep(0.02)
            async with cond:
                items.append(1)
                cond.notify()
    await asyncio.gather(consumer(), consumer(), consumer(), producer())
    with open(sys.argv[1], "w") as f:
        print(waits, file=f)
asyncio.run(main())
)PY");
    const auto runner = traced(script, {result});
    const Trace &t = runner->trace();
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("exit_code")).toInt(), 0);
    QFile f(result);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const int counted = f.readAll().trimmed().toInt();
    QVERIFY(counted >= 3);
    const std::size_t cond = laneNamed(t, QStringLiteral("asyncio.Condition cond"));
    QVERIFY(cond != SIZE_MAX);
    const int condObj = objectOfLane(t, cond);
    QVERIFY(condObj > 0);
    int waits = 0, notifies = 0;
    std::int64_t ioOfConsumers = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        for (const Instant &in : t.lane(i).instants)
            notifies += in.markKind() == MarkKind::Notify;
        if (!t.lane(i).name.endsWith(QLatin1String("consumer)"))) continue;
        t.forEachInterval(
            i, [&](const Interval &iv) { waits += iv.state == State::Waiting && iv.obj == condObj; });
        ioOfConsumers += t.totalIn(i, State::WaitingIo);
    }
    QCOMPARE(waits, counted);
    QCOMPARE(notifies, 3);
    QCOMPARE(ioOfConsumers, std::int64_t(0));
}

void TestPythonAsyncio::asyncioQueueWaitsAreDrawn()
{
    // Two consumers wait in get() while the producer sleeps between items: drawn waiting for the queue,
    // its lane named as the script names it; the Event asyncio.Queue keeps for itself is not the script's.
    const QString script = writeScript(QStringLiteral("jobs.py"), R"PY(import asyncio
async def producer(q):
    for i in range(6):
        await asyncio.sleep(0.01)
        await q.put(i)
    for _ in range(2):
        await q.put(None)
async def consumer(q, out):
    while True:
        item = await q.get()
        if item is None:
            return
        out.append(item)
async def main():
    jobs = asyncio.Queue(maxsize=2)
    out = []
    await asyncio.gather(producer(jobs), consumer(jobs, out), consumer(jobs, out))
    assert sorted(out) == list(range(6))
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("exit_code")).toInt(), 0);
    const std::size_t q = laneNamed(t, QStringLiteral("asyncio.Queue q"));
    QVERIFY(q != SIZE_MAX);
    QCOMPARE(t.lane(q).kind, LaneKind::Queue);
    for (const Lane &l : t.lanes())
        QVERIFY2(!l.name.startsWith(QLatin1String("asyncio.Event")), qPrintable(l.name));
    const int qObj = objectOfLane(t, q);
    int waits = 0, io = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        if (!t.lane(i).name.endsWith(QLatin1String("(consumer)"))) continue;
        t.forEachInterval(i, [&](const Interval &iv) {
            waits += iv.state == State::Waiting && iv.obj == qObj;
            io += iv.state == State::WaitingIo;
        });
    }
    QVERIFY2(waits >= 6, qPrintable(QString::number(waits))); // each item awaited by someone
    QCOMPARE(io, 0);
}

void TestPythonAsyncio::asyncioExecutorWaitIsAWait()
{
    // A task awaiting a function run in the loop's executor is drawn waiting for it (as for a thread's
    // end), while the executor's thread sleeps in it: not awaiting I/O.
    const QString script = writeScript(QStringLiteral("offload.py"), R"PY(import asyncio, time
def blocking():
    time.sleep(0.1)
async def main():
    await asyncio.get_running_loop().run_in_executor(None, blocking)
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("exit_code")).toInt(), 0);
    const std::size_t task = laneNamed(t, QStringLiteral("task Task-1 (main)"));
    const std::size_t worker = laneNamed(t, QStringLiteral("asyncio_0"));
    QVERIFY(task != SIZE_MAX && worker != SIZE_MAX);
    std::int64_t waitFrom = -1, waitTo = -1, sleepFrom = -1, sleepTo = -1;
    t.forEachInterval(task, [&](const Interval &iv) {
        if (iv.state == State::Waiting && iv.end - iv.start >= 80'000'000)
            waitFrom = iv.start, waitTo = iv.end;
        QVERIFY(!(iv.state == State::WaitingIo && iv.end - iv.start >= 80'000'000));
    });
    t.forEachInterval(worker, [&](const Interval &iv) {
        if (iv.state == State::Sleeping && iv.end - iv.start >= 80'000'000)
            sleepFrom = iv.start, sleepTo = iv.end;
    });
    QVERIFY(waitFrom >= 0 && sleepFrom >= 0);
    // The wait spans the work (it is drawn from the end of the step that handed the work over, which may
    // come a moment after the executor's thread began).
    QVERIFY2(waitFrom <= sleepFrom + 10'000'000 && sleepTo <= waitTo,
             qPrintable(QStringLiteral("waited %1-%2 ns, slept %3-%4 ns")
                            .arg(waitFrom - t.start())
                            .arg(waitTo - t.start())
                            .arg(sleepFrom - t.start())
                            .arg(sleepTo - t.start())));
}

void TestPythonAsyncio::asyncioRaceExample()
{
    // The example's coroutines lose updates on one thread when they await between reading and writing
    // back; with --lock none is lost, and the waits for the lock are drawn and counted.
    const Result unlocked =
        raceway({QStringLiteral("trace"), example("asyncio_race.py"), QStringLiteral("--json")});
    QVERIFY2(unlocked.status == 0, unlocked.err.constData());
    QVERIFY2(unlocked.err.contains("expected 400 counted 20 lost 380"), unlocked.err.constData());
    // The example names its numbers (# raceway: watch total/made): the lost updates are on the picture,
    // the same as it printed.
    const QJsonArray watched =
        unlocked.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("watched")).toArray();
    QCOMPARE(watched.size(), 1);
    QCOMPARE(watched[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("total"));
    QCOMPARE(watched[0].toObject().value(QStringLiteral("expected")).toInt(), 400);
    QCOMPARE(watched[0].toObject().value(QStringLiteral("value")).toInt(), 20);
    const Result locked = raceway({QStringLiteral("trace"), example("asyncio_race.py"),
                                   QStringLiteral("--json"), QStringLiteral("--"), QStringLiteral("--lock")});
    QVERIFY2(locked.status == 0, locked.err.constData());
    QVERIFY2(locked.err.contains("expected 400 counted 400 lost 0"), locked.err.constData());
    const QJsonObject metrics = locked.json.value(QStringLiteral("metrics")).toObject();
    const qint64 waits = metrics.value(QStringLiteral("lock_waits")).toInteger();
    QCOMPARE(metrics.value(QStringLiteral("lock_waits_traced")).toInteger(), waits);
    QVERIFY2(waits >= 300, qPrintable(QString::number(waits)));
    bool lane = false;
    for (const QJsonValue &l : locked.json.value(QStringLiteral("lanes")).toArray())
        lane = lane ||
               l.toObject().value(QStringLiteral("name")).toString() == QLatin1String("asyncio.Lock lock");
    QVERIFY(lane);
}

QTEST_GUILESS_MAIN(TestPythonAsyncio)
#include "tst_pythonasyncio.moc"
