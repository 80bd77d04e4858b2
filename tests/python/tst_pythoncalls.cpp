// `raceway trace --calls`: a traced script's function calls as nested slices, a lane under each thread,
// counted as the script makes them, nested as they were made, and kept wherever the run goes.

#include "pythontest.h"

#include "slicestats.h"

using namespace raceway;

namespace {

// Two threads each call worker once: worker calls middle 3 times and sleeps 3 times, middle calls leaf
// 40 times, leaf calls math.factorial once. The main thread's calls are its module and the joins'.
const QByteArray nested =
    "import threading, time, math\n"
    "def leaf(n):\n"
    "    return math.factorial(n)\n"
    "def middle(n):\n"
    "    for i in range(n):\n"
    "        leaf(20)\n"
    "def worker(k):\n"
    "    for _ in range(3):\n"
    "        middle(40)\n"
    "        time.sleep(0.02)\n"
    "ts = [threading.Thread(target=worker, args=(i,), name=f'w{i}') for i in range(2)]\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n";

// Slices of a lane by name, every row.
std::map<QString, std::vector<std::pair<std::size_t, Slice>>> byName(const Trace &t, std::size_t lane)
{
    std::map<QString, std::vector<std::pair<std::size_t, Slice>>> out;
    const SliceStack &s = t.lane(lane).slices;
    for (std::size_t d = 0; d < s.depth(); ++d)
        for (const Slice &x : s.row(d))
            out[t.sliceName(x.name)].push_back({d, x});
    return out;
}

std::map<QString, qint64> countsOf(const QJsonObject &json)
{
    std::map<QString, qint64> out;
    for (const QJsonValue &v : json.value(QStringLiteral("slices_by_name")).toArray())
        out[v.toObject().value(QStringLiteral("name")).toString()] =
            v.toObject().value(QStringLiteral("count")).toInteger();
    return out;
}

} // namespace

class TestPythonCalls : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void callsNestUnderTheirThread_data();
    void callsNestUnderTheirThread();
    void withoutCallsThereAreNone();
    void callsStayWithinTheBudget();
    void savedAndExportedRunsKeepTheCalls();
    void aForkedChildHasItsOwnCalls();
    void everyInstalledPythonRecordsCalls_data();
    void everyInstalledPythonRecordsCalls();
};

void TestPythonCalls::callsNestUnderTheirThread_data()
{
    QTest::addColumn<bool>("pure");
    QTest::newRow("C accelerator") << false;
    QTest::newRow("pure Python") << true;
}

void TestPythonCalls::callsNestUnderTheirThread()
{
    QFETCH(bool, pure);
    const PureTracer tracer(pure);
    const QString script = writeScript(QStringLiteral("calls.py"), nested);
    const auto runner = traced(script, {}, [](py::PythonJob &job) { job.calls = true; });
    const Trace &t = runner->trace();
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("tracer")).toString(),
             expectedTracer(pure));
    std::size_t slicesDrawn = 0;
    for (std::size_t i : lanesOf(t, LaneKind::Slices)) {
        slicesDrawn += t.lane(i).slices.size();
        // Each calls lane sits right under its thread's lane, and names only the script's code.
        QVERIFY(i > 0 && t.lane(i - 1).kind == LaneKind::Thread);
        QCOMPARE(t.lane(i).name, t.lane(i - 1).name + QStringLiteral(" calls"));
        for (const auto &[name, slices] : byName(t, i))
            QVERIFY2(!name.contains(QStringLiteral("raceway")) && !name.startsWith(QLatin1Char('_')),
                     qPrintable(name));
    }
    // The tracer's own count of the calls it recorded is what is drawn.
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("calls_traced")).toULongLong(),
             qulonglong(slicesDrawn));
    for (const char *thread : {"w0", "w1"}) {
        const std::size_t lane = laneNamed(t, QLatin1String(thread));
        const std::size_t calls = laneNamed(t, QLatin1String(thread) + QStringLiteral(" calls"));
        QVERIFY(lane != SIZE_MAX && calls == lane + 1);
        const auto names = byName(t, calls);
        // As many as the script made, each at its depth.
        const std::map<QString, std::pair<std::size_t, std::size_t>> expected = {
            {QStringLiteral("worker"), {1, 0}},
            {QStringLiteral("middle"), {3, 1}},
            {QStringLiteral("time.sleep"), {3, 1}},
            {QStringLiteral("leaf"), {120, 2}},
            {QStringLiteral("math.factorial"), {120, 3}}};
        QCOMPARE(names.size(), expected.size());
        for (const auto &[name, want] : expected) {
            const auto it = names.find(name);
            QVERIFY2(it != names.end(), qPrintable(name));
            QCOMPARE(it->second.size(), want.first);
            for (const auto &[depth, s] : it->second)
                QCOMPARE(depth, want.second);
        }
        // Each call lies inside the one that made it, and is named where the script defines it.
        const SliceStack &stack = t.lane(calls).slices;
        const std::map<QString, QString> caller = {
            {QStringLiteral("middle"), QStringLiteral("worker")},
            {QStringLiteral("time.sleep"), QStringLiteral("worker")},
            {QStringLiteral("leaf"), QStringLiteral("middle")},
            {QStringLiteral("math.factorial"), QStringLiteral("leaf")}};
        for (const auto &[name, parent] : caller)
            for (const auto &[depth, s] : names.at(name)) {
                const std::ptrdiff_t p = stack.at(depth - 1, s.start);
                QVERIFY(p >= 0);
                const Slice &up = stack.row(depth - 1)[std::size_t(p)];
                QCOMPARE(t.sliceName(up.name), parent);
                QVERIFY(up.start <= s.start && s.end <= up.end);
            }
        QCOMPARE(t.sliceName(names.at(QStringLiteral("leaf")).front().second.category),
                 QStringLiteral("calls.py:2"));
        QCOMPARE(t.sliceName(names.at(QStringLiteral("math.factorial")).front().second.category), QString());
        // The thread lane's sleeps are the time.sleep calls': each one inside one of them.
        const auto &sleeps = names.at(QStringLiteral("time.sleep"));
        int asleep = 0;
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state != State::Sleeping) return;
            ++asleep;
            bool inside = false;
            for (const auto &[depth, s] : sleeps)
                inside = inside || (s.start <= iv.start && iv.end <= s.end);
            QVERIFY2(inside, qPrintable(QStringLiteral("%1: a sleep at %2 ns outside time.sleep")
                                            .arg(QLatin1String(thread))
                                            .arg(iv.start - t.start())));
        });
        QVERIFY(asleep >= 3);
    }
}

void TestPythonCalls::withoutCallsThereAreNone()
{
    const QString script = writeScript(QStringLiteral("calls.py"), nested);
    const auto runner = traced(script);
    QVERIFY(lanesOf(runner->trace(), LaneKind::Slices).empty());
    QVERIFY(runner->trace().sliceNames().size() <= 1);
    QVERIFY(!metricValue(runner->result().metrics, QStringLiteral("calls_traced")).isValid());
}

void TestPythonCalls::callsStayWithinTheBudget()
{
    // 200,000 calls and a budget of 20,000 events: the calls stop being kept where the budget is spent
    // (the module's call, still open there, ends there rather than run on to the end), and the tracer
    // still counts every one.
    const QString script = writeScript(QStringLiteral("many.py"), "def f(x):\n"
                                                                  "    return x + 1\n"
                                                                  "s = 0\n"
                                                                  "for i in range(200000):\n"
                                                                  "    s = f(s)\n"
                                                                  "print(s)\n");
    const auto runner = traced(
        script, {}, [](py::PythonJob &job) { job.calls = true; }, 20'000);
    const Trace &t = runner->trace();
    QVERIFY(t.budgetReached() > 0);
    QVERIFY(t.eventCount() <= 20'000);
    const std::size_t calls = laneNamed(t, QStringLiteral("MainThread calls"));
    QVERIFY(calls != SIZE_MAX);
    const SliceStack &stack = t.lane(calls).slices;
    QVERIFY2(stack.size() > 1000 && stack.size() <= 10'000, qPrintable(QString::number(stack.size())));
    QCOMPARE(stack.row(0).size(), std::size_t(1));
    const Slice module = stack.row(0).front();
    QCOMPARE(t.sliceName(module.name), QStringLiteral("<module>"));
    for (std::size_t d = 1; d < stack.depth(); ++d)
        for (const Slice &s : stack.row(d))
            QVERIFY(module.start <= s.start && s.end <= module.end);
    // The loop went on for 190,000 calls more after that: the cut is well before the end.
    QVERIFY(module.end < t.end());
    qInfo(
        "%zu calls kept; the module's call cut %.1f ms after the budget was reached, %.1f ms before the end",
        stack.size(), double(module.end - t.budgetReached()) / 1e6, double(t.end() - module.end) / 1e6);
    QCOMPARE(metricValue(runner->result().metrics, QStringLiteral("calls_traced")).toULongLong(), 200'001ull);
}

void TestPythonCalls::savedAndExportedRunsKeepTheCalls()
{
    // The run's table of calls by name, from the run itself, its saved file and its Chrome trace.
    const QString script = writeScript(QStringLiteral("calls.py"), nested);
    const Result run =
        raceway({QStringLiteral("trace"), script, QStringLiteral("--calls"), QStringLiteral("--save"),
                 m_dir.filePath(QStringLiteral("r.raceway")), QStringLiteral("--trace"),
                 m_dir.filePath(QStringLiteral("r.json")), QStringLiteral("--json")});
    QVERIFY2(run.status == 0, run.err.constData());
    const std::map<QString, qint64> counts = countsOf(run.json);
    QCOMPARE(counts.at(QStringLiteral("leaf")), 240);
    QCOMPARE(counts.at(QStringLiteral("time.sleep")), 6);
    const auto totals = [](const QJsonObject &json) {
        std::map<QString, double> out;
        for (const QJsonValue &v : json.value(QStringLiteral("slices_by_name")).toArray())
            out[v.toObject().value(QStringLiteral("name")).toString()] =
                v.toObject().value(QStringLiteral("total_ms")).toDouble();
        return out;
    };
    for (const char *file : {"r.raceway", "r.json"}) {
        const Result shown =
            raceway({QStringLiteral("show"), m_dir.filePath(QLatin1String(file)), QStringLiteral("--json")});
        QVERIFY2(shown.status == 0, shown.err.constData());
        QCOMPARE(countsOf(shown.json), counts);
        const std::map<QString, double> a = totals(run.json), b = totals(shown.json);
        for (const auto &[name, ms] : a) // to the nanosecond
            QVERIFY2(std::abs(b.at(name) - ms) < 1e-6 * 1.5, qPrintable(name));
    }
}

void TestPythonCalls::aForkedChildHasItsOwnCalls()
{
    const QString script = writeScript(QStringLiteral("fork.py"), "import multiprocessing as mp\n"
                                                                  "def square(x):\n"
                                                                  "    return x * x\n"
                                                                  "def child():\n"
                                                                  "    for i in range(7):\n"
                                                                  "        square(i)\n"
                                                                  "if __name__ == '__main__':\n"
                                                                  "    p = mp.get_context('fork').Process(\n"
                                                                  "        target=child, name='kid')\n"
                                                                  "    p.start()\n"
                                                                  "    p.join()\n"
                                                                  "    for i in range(3):\n"
                                                                  "        square(i)\n");
    const auto runner = traced(script, {}, [](py::PythonJob &job) { job.calls = true; });
    const Trace &t = runner->trace();
    const std::size_t parent = laneNamed(t, QStringLiteral("MainThread calls"));
    const std::size_t kid = laneNamed(t, QStringLiteral("kid: MainThread calls"));
    QVERIFY(parent != SIZE_MAX && kid != SIZE_MAX);
    const auto mine = byName(t, parent), its = byName(t, kid);
    QCOMPARE(mine.at(QStringLiteral("square")).size(), std::size_t(3));
    QVERIFY(!mine.count(QStringLiteral("child")));
    QCOMPARE(its.at(QStringLiteral("square")).size(), std::size_t(7));
    QCOMPARE(its.at(QStringLiteral("child")).size(), std::size_t(1));
    for (const auto &[depth, s] : its.at(QStringLiteral("square")))
        QCOMPARE(depth, its.at(QStringLiteral("child")).front().first + 1);
}

void TestPythonCalls::everyInstalledPythonRecordsCalls_data()
{
    QTest::addColumn<QString>("version");
    for (const char *v : {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"})
        QTest::newRow(v) << QString::fromLatin1(v);
}

void TestPythonCalls::everyInstalledPythonRecordsCalls()
{
    QFETCH(QString, version);
    QString lookedIn;
    const QString python = installedPython(version, &lookedIn);
    if (python.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no Python %1 here (looked in %2)").arg(version, lookedIn)));
    const QString script = writeScript(QStringLiteral("calls.py"), nested);
    const Result r = raceway({QStringLiteral("trace"), script, QStringLiteral("--calls"),
                              QStringLiteral("--python"), python, QStringLiteral("--json")});
    QVERIFY2(r.status == 0, qPrintable(python + QStringLiteral(": ") + QString::fromUtf8(r.err)));
    const std::map<QString, qint64> counts = countsOf(r.json);
    for (const auto &[name, n] : std::map<QString, qint64>{{QStringLiteral("worker"), 2},
                                                           {QStringLiteral("middle"), 6},
                                                           {QStringLiteral("leaf"), 240},
                                                           {QStringLiteral("math.factorial"), 240},
                                                           {QStringLiteral("time.sleep"), 6}})
        QVERIFY2(counts.count(name) && counts.at(name) == n,
                 qPrintable(python + QStringLiteral(": ") + name));
    qint64 all = 0;
    for (const auto &[name, n] : counts)
        all += n;
    QCOMPARE(
        r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("calls_traced")).toInteger(),
        all);
}

QTEST_GUILESS_MAIN(TestPythonCalls)
#include "tst_pythoncalls.moc"
