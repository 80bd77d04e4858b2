// A traced script's locks and the threads that wait for them: lanes named as the script names the
// objects, and a wait-for cycle found, drawn and named where it closes.

#include "handoffs.h"
#include "pythontest.h"

#include "deadlockcycle.h"
#include "sitestats.h"
#include "tracefind.h"

using namespace raceway;

class TestPythonLocks : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void deadlockIsDrawnAsACycle();
    void locksAreNamedAsTheScriptNamesThem();
    void waitsSayWhereInTheCode_data();
    void waitsSayWhereInTheCode();
    void theTracerMakesNoContention_data();
    void theTracerMakesNoContention();
    void notifyWakesTheWaiter_data();
    void notifyWakesTheWaiter();
    void rlocksAndConditionsBehaveAsUntraced_data();
    void rlocksAndConditionsBehaveAsUntraced();
    void everyInstalledPythonTraces_data();
    void everyInstalledPythonTraces();
};

void TestPythonLocks::deadlockIsDrawnAsACycle()
{
    // Three threads each holding one lock and waiting for the next one's (the dining philosophers): the
    // lanes show the cycle where it closed, with a Deadlock mark F3 finds, and the run is ended 0.3 s
    // later (the window would leave it running until Stop).
    const QString script = writeScript(QStringLiteral("ring.py"),
                                       "import threading, time\n"
                                       "locks = [threading.Lock() for _ in range(3)]\n"
                                       "def dine(i):\n"
                                       "    with locks[i]:\n"
                                       "        time.sleep(0.05)\n"
                                       "        with locks[(i + 1) % 3]: pass\n"
                                       "ts = [threading.Thread(target=dine, args=(i,), name=f'diner-{i}')\n"
                                       "      for i in range(3)]\n"
                                       "for t in ts: t.start()\n"
                                       "for t in ts: t.join()\n");
    const auto runner = traced(script, {}, [](py::PythonJob &job) { job.endDeadlockAfterMs = 300; });
    const Trace &t = runner->trace();
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("deadlocks")).toInt(), 1);
    const TraceFinder found(t, FindKind::Deadlock);
    QCOMPARE(found.size(), std::size_t(1));
    const Finding &f = found.findings().front();
    const std::vector<CycleLink> cycle = deadlockCycleAt(t, f.lane, f.start);
    QCOMPARE(cycle.size(), std::size_t(3));
    std::set<QString> waiters, locks;
    for (const CycleLink &link : cycle) {
        waiters.insert(t.lane(link.waiter).name);
        locks.insert(t.lane(link.lockLane).name);
        QVERIFY(link.holder != link.waiter);
    }
    QCOMPARE(waiters, (std::set<QString>{QStringLiteral("diner-0"), QStringLiteral("diner-1"),
                                         QStringLiteral("diner-2")}));
    QCOMPARE(locks.size(), std::size_t(3)); // three locks made on one line, three names
    QVERIFY2(describeCycle(t, cycle).contains(QStringLiteral("diner-")), qPrintable(describeCycle(t, cycle)));
    const QString problem = runner->result().problems.join(u'\n');
    QVERIFY(problem.startsWith(QStringLiteral("deadlock: diner-")));
    QCOMPARE(problem.count(QStringLiteral(" at ring.py:6 in dine")), 3); // where each asked for the next lock
    // Meanwhile the process runs none of its threads: its lane is not drawn running (it was, throughout).
    const std::size_t process = lanesOf(t, LaneKind::Process).front();
    const std::int64_t from = f.start + 50'000'000, to = t.end() - 20'000'000;
    std::int64_t running = 0;
    t.forEachInterval(process, [&](const Interval &iv) {
        if (iv.state == State::Running)
            running += std::max<std::int64_t>(0, std::min(iv.end, to) - std::max(iv.start, from));
    });
    QVERIFY(to - from > 100'000'000);
    QVERIFY2(running * 10 <= to - from, qPrintable(QStringLiteral("process drawn running %1 ms of %2 ms")
                                                       .arg(double(running) / 1e6)
                                                       .arg(double(to - from) / 1e6)));
    // The waits that never ended count in the run's lock wait time as drawn: up to the lanes' end.
    std::int64_t drawn = 0;
    for (std::size_t lane : lanesOf(t, LaneKind::Thread)) // waits for a lock (not the main thread's joins)
        t.forEachInterval(lane, [&](const Interval &iv) {
            const int objLane = iv.obj < t.objects().size() ? t.objects()[iv.obj].lane : -1;
            if (iv.state == State::Waiting && objLane >= 0 &&
                t.lane(std::size_t(objLane)).kind == LaneKind::Lock)
                drawn += iv.end - iv.start;
        });
    const double reported = metricValue(runner->result().metrics, QStringLiteral("lock_wait_ms")).toDouble();
    QVERIFY2(
        std::llabs(qRound64(reported * 1e6) - drawn) <= 1000,
        qPrintable(QStringLiteral("%1 ms reported, %2 ms drawn").arg(reported).arg(double(drawn) / 1e6)));
}

void TestPythonLocks::locksAreNamedAsTheScriptNamesThem()
{
    // A lock's lane says the name the script uses where the lock is first taken: an attribute of the
    // object whose method takes it, a class attribute, a global; a condition's own lock, made inside
    // threading, where the condition was made.
    const QString script =
        writeScript(QStringLiteral("names.py"), "import threading\n"
                                                "class Account:\n"
                                                "    audit = threading.Lock()\n"
                                                "    def __init__(self):\n"
                                                "        self._lock = threading.RLock()\n"
                                                "    def deposit(self):\n"
                                                "        with self._lock:\n"
                                                "            with Account.audit: pass\n"
                                                "ledger = threading.Lock()\n"
                                                "cond = threading.Condition()\n"
                                                "slots = threading.Semaphore(1)\n"
                                                "finished = threading.Event()\n"
                                                "acct = Account()\n"
                                                "def work():\n"
                                                "    acct.deposit()\n"
                                                "    with ledger: pass\n"
                                                "    with cond: cond.notify_all()\n"
                                                "    with slots: pass\n"
                                                "    finished.set()\n"
                                                "ts = [threading.Thread(target=work) for _ in range(2)]\n"
                                                "for t in ts: t.start()\n"
                                                "for t in ts: t.join()\n");
    const auto runner = traced(script);
    const Trace &trace = runner->trace();
    QStringList locks;
    for (std::size_t lane : lanesOf(trace, LaneKind::Lock))
        locks << trace.lane(lane).name;
    locks.sort();
    QCOMPARE(locks, (QStringList{QStringLiteral("Lock Account.audit"), QStringLiteral("Lock ledger"),
                                 QStringLiteral("RLock names.py:10"), QStringLiteral("RLock self._lock")}));
    // Semaphores and events too.
    QVERIFY(laneNamed(trace, QStringLiteral("Semaphore slots")) != SIZE_MAX);
    QVERIFY(laneNamed(trace, QStringLiteral("Event finished")) != SIZE_MAX);
    QVERIFY2(runner->result().problems.isEmpty(), qPrintable(runner->result().problems.join(u'\n')));
}

void TestPythonLocks::waitsSayWhereInTheCode_data()
{
    QTest::addColumn<bool>("pure");
    QTest::newRow("accelerated") << false;
    QTest::newRow("pure Python") << true;
}

void TestPythonLocks::waitsSayWhereInTheCode()
{
    // Four threads on one lock, in a loop: every contended wait knows the line that asked for it, and
    // every hold another thread waited for the line that let it go. The places' wait time is the run's
    // lock wait time (waits for a lock, the joins apart); `--json` and a saved run say the same.
    // The holder lets go of the GIL inside the hold (sleep(0)), so the others queue for the lock. Both
    // tracers, the C accelerator's and the pure Python one, say the same.
    QFETCH(bool, pure);
    const PureTracer mode(pure);
    const QString script = writeScript(QStringLiteral("places.py"), "import threading\n"
                                                                    "import time\n"
                                                                    "lock = threading.Lock()\n"
                                                                    "n = 0\n"
                                                                    "def work():\n"
                                                                    "    global n\n"
                                                                    "    for _ in range(3000):\n"
                                                                    "        with lock:\n"
                                                                    "            n += 1\n"
                                                                    "            time.sleep(0)\n"
                                                                    "ts = [threading.Thread(target=work)\n"
                                                                    "      for _ in range(4)]\n"
                                                                    "for t in ts: t.start()\n"
                                                                    "for t in ts: t.join()\n");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    const auto metrics = runner->result().metrics;
    const qlonglong waits = metricValue(metrics, QStringLiteral("lock_waits")).toLongLong();
    QVERIFY2(waits > 0, "no thread waited for a lock held across sleep(0)");
    QCOMPARE(metricValue(metrics, QStringLiteral("lock_waits_traced")).toLongLong(), waits);
    QCOMPARE(metricValue(metrics, QStringLiteral("tracer")).toString(), expectedTracer(pure));
    const std::vector<SiteTotals> places = siteTotals(t, t.start(), t.end());
    const auto at = [&](const QString &place) {
        const auto it =
            std::find_if(places.begin(), places.end(), [&](const SiteTotals &s) { return s.place == place; });
        return it == places.end() ? SiteTotals{} : *it;
    };
    const SiteTotals loop = at(QStringLiteral("places.py:8 in work"));
    QCOMPARE(loop.waits, waits);
    const double lockWaitMs = metricValue(metrics, QStringLiteral("lock_wait_ms")).toDouble();
    QVERIFY2(std::llabs(loop.waitNs - qRound64(lockWaitMs * 1e6)) <= 1000,
             qPrintable(QStringLiteral("%1 ms at the place, %2 ms reported")
                            .arg(double(loop.waitNs) / 1e6)
                            .arg(lockWaitMs)));
    // A hold is let go where its `with` is (3.11 and later; up to 3.10, at the block's last line).
    const SiteTotals letGo = loop.releases > 0 ? loop : at(QStringLiteral("places.py:10 in work"));
    QVERIFY(letGo.releases > 0);
    QVERIFY(letGo.releases <= waits); // a hold that made several wait is let go once
    QVERIFY(at(QStringLiteral("places.py:14 in <module>")).waits >= 1); // the joins
    // Every wait that began on a thread lane and was asked for at a place is drawn as a wait there.
    for (std::size_t lane : lanesOf(t, LaneKind::Thread))
        for (const SitePoint &p : t.lane(lane).sites)
            if (p.what == SiteOf::Wait) {
                const std::ptrdiff_t k = t.lane(lane).indexAt(p.t);
                QVERIFY(k >= 0 && t.lane(lane).states[std::size_t(k)] == State::Waiting);
            }

    // The command line, and a saved run reopened, give the same table.
    const QString saved = m_dir.filePath(QStringLiteral("places.raceway"));
    const Result traced =
        raceway({QStringLiteral("trace"), script, QStringLiteral("--json"), QStringLiteral("--save"), saved});
    QCOMPARE(traced.status, 0);
    const QJsonArray table = traced.json.value(QStringLiteral("waits_by_place")).toArray();
    QVERIFY(!table.isEmpty());
    QVERIFY(table.first()
                .toObject()
                .value(QStringLiteral("place"))
                .toString()
                .startsWith(QLatin1String("places.py:")));
    const Result shown = raceway({QStringLiteral("show"), saved, QStringLiteral("--json")});
    QCOMPARE(shown.status, 0);
    QCOMPARE(shown.json.value(QStringLiteral("waits_by_place")),
             traced.json.value(QStringLiteral("waits_by_place")));
}

void TestPythonLocks::theTracerMakesNoContention_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::newRow("Lock") << QByteArray("Lock");
    QTest::newRow("RLock") << QByteArray("RLock"); // pure Python: 661-3,636 waits of 100,000
}

void TestPythonLocks::theTracerMakesNoContention()
{
    QFETCH(QByteArray, kind);
    // Four threads taking one lock 25,000 times each around `counter += 1`: untraced, a holder never
    // loses the GIL inside the hold (no call in it), so no thread ever finds the lock taken. The traced
    // lock must not change that: with the C accelerator nothing runs between taking and letting go. The
    // pure Python tracer's wrapper code inside the hold let the GIL change hands there (5,861 waits of
    // 100,000 in one run here), and the picture showed contention the tracer made.
    if (py::tracerAccelerator().isEmpty())
        QSKIP("the tracer's C accelerator was not built (python3-dev missing)");
    const QString script = writeScript(QStringLiteral("busy.py"), "import threading\n"
                                                                  "lock = threading." +
                                                                      kind +
                                                                      "()\n"
                                                                      "counter = 0\n"
                                                                      "def work():\n"
                                                                      "    global counter\n"
                                                                      "    for _ in range(25000):\n"
                                                                      "        with lock:\n"
                                                                      "            counter += 1\n"
                                                                      "ts = [threading.Thread(target=work)\n"
                                                                      "      for _ in range(4)]\n"
                                                                      "for t in ts: t.start()\n"
                                                                      "for t in ts: t.join()\n"
                                                                      "assert counter == 100000\n");
    // 200,000 events through an AddressSanitizer build on a loaded machine took over a minute once.
    const Result r = raceway({QStringLiteral("trace"), script, QStringLiteral("--json")}, 240000);
    QVERIFY2(r.status == 0, r.err.constData());
    const QJsonObject metrics = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("tracer")).toString(), QStringLiteral("C accelerator"));
    const qint64 waits = metrics.value(QStringLiteral("lock_waits")).toInteger();
    QCOMPARE(metrics.value(QStringLiteral("lock_waits_traced")).toInteger(), waits);
    // Each hold and each acquisition recorded: two events a cycle, plus the threads' own.
    QVERIFY(metrics.value(QStringLiteral("tracer_events")).toInteger() >= 200000);
    qInfo("%lld of 100,000 acquisitions waited", static_cast<long long>(waits));
    QVERIFY2(waits <= 1000, "the traced lock made threads wait that untraced would not have");
}

void TestPythonLocks::notifyWakesTheWaiter_data()
{
    QTest::addColumn<bool>("pure");
    QTest::newRow("accelerated") << false;
    QTest::newRow("pure Python") << true;
}

void TestPythonLocks::notifyWakesTheWaiter()
{
    // Two consumers wait on a Condition; the main thread notifies it twice, 200 ms apart. Each notify() is
    // drawn on the main thread's lane, and each consumer's wait that it fell in is a hand-off from it.
    QFETCH(bool, pure);
    const PureTracer mode(pure);
    const QString script = writeScript(QStringLiteral("notify.py"), R"PY(import threading, time
items = []
ready = threading.Condition()
def consumer():
    with ready:
        while not items:
            ready.wait()
        items.pop()
ts = [threading.Thread(target=consumer, name="consumer-%d" % i) for i in range(2)]
for t in ts: t.start()
for k in range(2):
    time.sleep(0.2)
    with ready:
        items.append(k)
        ready.notify()
for t in ts: t.join()
)PY");
    const auto runner = traced(script);
    const Trace &t = runner->trace();
    const std::size_t main = laneNamed(t, QStringLiteral("MainThread"));
    QVERIFY(main != SIZE_MAX);
    std::vector<std::int64_t> notifies;
    for (const Instant &in : t.lane(main).instants)
        if (in.markKind() == MarkKind::Notify) notifies.push_back(in.t);
    QCOMPARE(notifies.size(), std::size_t(2));
    std::set<std::size_t> woken;
    for (const Handoff &h : allHandoffs(t)) {
        if (h.kind != HandoffKind::Notify) continue;
        QCOMPARE(h.from, main);
        QCOMPARE(handoffObjectName(t, h), QStringLiteral("Condition ready"));
        QVERIFY(std::find(notifies.begin(), notifies.end(), h.released) != notifies.end());
        QVERIFY(h.released <= h.woke);
        woken.insert(h.to);
    }
    QCOMPARE(woken.size(), std::size_t(2)); // both consumers, each woken by a notify
}

void TestPythonLocks::rlocksAndConditionsBehaveAsUntraced_data()
{
    QTest::addColumn<bool>("pure");
    QTest::newRow("accelerated") << false;
    QTest::newRow("pure Python") << true;
}

void TestPythonLocks::rlocksAndConditionsBehaveAsUntraced()
{
    // A traced RLock is still an RLock: taken again by its holder, refused to another thread (and its
    // release refused too), a timeout that expires; a Condition on its default RLock, entered twice by
    // the waiter, wakes on notify and times out when it should. The script checks each itself.
    QFETCH(bool, pure);
    const PureTracer mode(pure);
    const QString script = writeScript(QStringLiteral("rlocks.py"), R"PY(import threading, time
r = threading.RLock()
assert r.acquire() and r.acquire(False) and r.acquire(timeout=0.1)
r.release(); r.release(); r.release()
try:
    r.release()
    raise SystemExit("released an RLock it did not hold")
except RuntimeError:
    pass
with r:
    with r:
        assert r._is_owned()
r.acquire()
seen = []
def other():
    seen.append(r.acquire(timeout=0.05))
    try:
        r.release()
        seen.append("released")
    except RuntimeError:
        seen.append("refused")
t = threading.Thread(target=other, name="other"); t.start(); t.join()
assert seen == [False, "refused"], seen
r.release()
c = threading.Condition()
items = []
def consumer():
    with c:
        with c:
            while not items:
                c.wait()
            items.append("seen")
t = threading.Thread(target=consumer, name="consumer"); t.start()
time.sleep(0.05)
with c:
    items.append(1)
    c.notify()
t.join()
assert items == [1, "seen"], items
with c:
    assert c.wait(0.02) is False
print("rlock ok")
)PY");
    const Result r = raceway({QStringLiteral("trace"), script, QStringLiteral("--json")});
    QVERIFY2(r.status == 0, r.err.constData());
    QVERIFY(r.err.contains("rlock ok"));
    const QJsonObject metrics = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("tracer")).toString(), expectedTracer(pure));
    QCOMPARE(metrics.value(QStringLiteral("lock_waits_traced")).toInteger(),
             metrics.value(QStringLiteral("lock_waits")).toInteger());
    QStringList lanes;
    for (const QJsonValue &l : r.json.value(QStringLiteral("lanes")).toArray())
        lanes << l.toObject().value(QStringLiteral("name")).toString();
    for (const char *name :
         {"MainThread", "other", "consumer", "RLock r", "RLock rlocks.py:25", "Condition c"})
        QVERIFY2(lanes.contains(QLatin1String(name)), qPrintable(lanes.join(u',')));
}

void TestPythonLocks::everyInstalledPythonTraces_data()
{
    QTest::addColumn<QString>("version");
    for (const char *v : {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"})
        QTest::newRow(v) << QString::fromLatin1(v);
}

void TestPythonLocks::everyInstalledPythonTraces()
{
    // The tracer runs on every CPython from 3.8 with its standard library only: the bank example traced
    // by each one installed (pyenv's, the system's), its threads, its lock and the places its threads
    // waited at, each wait counted by the tracer drawn once.
    QFETCH(QString, version);
    QString lookedIn;
    const QString python = installedPython(version, &lookedIn);
    if (python.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no Python %1 here (looked in %2)").arg(version, lookedIn)));
    const Result r = raceway({QStringLiteral("trace"), example("bank_account.py"), QStringLiteral("--python"),
                              python, QStringLiteral("--json")});
    QVERIFY2(r.status == 0, qPrintable(python + QStringLiteral(": ") + QString::fromUtf8(r.err)));
    QVERIFY(r.err.contains("refused")); // the script's own output (on standard error with --json)
    QStringList lanes;
    for (const QJsonValue &l : r.json.value(QStringLiteral("lanes")).toArray())
        lanes << l.toObject().value(QStringLiteral("name")).toString();
    for (const char *name : {"depositor", "spender-1", "spender-2", "Lock account_lock"})
        QVERIFY2(lanes.contains(QLatin1String(name)),
                 qPrintable(python + QStringLiteral(": ") + lanes.join(u',')));
    const QJsonObject metrics = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("tracer")).toString(), expectedTracer(false)); // one .so for all
    const qint64 waits = metrics.value(QStringLiteral("lock_waits")).toInteger();
    QCOMPARE(metrics.value(QStringLiteral("lock_waits_traced")).toInteger(), waits);
    qint64 atTheLock = 0;
    for (const QJsonValue &p : r.json.value(QStringLiteral("waits_by_place")).toArray())
        if (p.toObject().value(QStringLiteral("place")).toString() ==
            QLatin1String("bank_account.py:15 in customer"))
            atTheLock = p.toObject().value(QStringLiteral("waits")).toInteger();
    QCOMPARE(atTheLock, waits);
    qInfo("%s: %lld waits for the lock", qPrintable(python), static_cast<long long>(waits));
}

QTEST_GUILESS_MAIN(TestPythonLocks)
#include "tst_pythonlocks.moc"
