// The script's own numbers drawn as they change (raceway trace --watch), and the python-counter
// scenario built on them: the tutorials' `counter += 1` under a real interpreter, its lost updates
// measured by the script itself and by Raceway, the same.

#include "pythontest.h"
#include "registry.h"

#include <QRegularExpression>

using namespace raceway;

class TestPythonWatch : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void watchedNumbersAreDrawnAsTheyChange();
    void watchRefusesBadNames();
    void pythonCounterMatchesTheScript_data();
    void pythonCounterMatchesTheScript();
    void pythonCounterRefusesABadInterpreter();
};

namespace {

// The last point of a lane's series, or nothing.
std::optional<SeriesPoint> lastPoint(const Trace &trace, std::size_t lane)
{
    if (lane >= trace.lanes().size() || trace.lane(lane).series.empty()) return std::nullopt;
    return trace.lane(lane).series.back();
}

// What python_counter.py printed on its last line: expected, counted, lost.
std::optional<std::array<qlonglong, 3>> printedCounts(const QByteArray &err)
{
    static const QRegularExpression line(QStringLiteral("expected (\\d+), counted (\\d+), lost (-?\\d+)"));
    const auto m = line.match(QString::fromUtf8(err));
    if (!m.hasMatch()) return std::nullopt;
    return std::array<qlonglong, 3>{m.captured(1).toLongLong(), m.captured(2).toLongLong(),
                                    m.captured(3).toLongLong()};
}

} // namespace

void TestPythonWatch::watchedNumbersAreDrawnAsTheyChange()
{
    // A counter the script steps 30 times, 3 ms apart: its lane holds the readings, in order, ending at
    // the final value the script wrote down. A float attribute of an object is read rounded; a pair
    // (total against cells) is a counter lane whose two channels are the two numbers; a name never
    // bound gets a lane with nothing read.
    const QString result = m_dir.filePath(QStringLiteral("final.txt"));
    const QString script = writeScript(QStringLiteral("watched.py"), R"PY(import sys, time
class Account:
    pass
account = Account()
account.balance = 0.0
ticks = 0
cells = [0, 0]
total = 0
for step in range(30):
    ticks += 1
    account.balance -= 0.7
    cells[step % 2] += 2
    total += 1
    time.sleep(0.003)
with open(sys.argv[1], "w") as f:
    print(ticks, account.balance, sum(cells), total, file=f)
)PY");
    const auto runner = traced(script, {result}, [](py::PythonJob &job) {
        job.watch = {QStringLiteral("ticks"), QStringLiteral("account.balance"),
                     QStringLiteral("total/cells"), QStringLiteral("never_bound")};
    });
    QCOMPARE(runner->result().error, QString());
    const auto &metrics = runner->result().metrics;
    QCOMPARE(metricValue(metrics, QStringLiteral("exit_code")).toInt(), 0);
    QFile f(result);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> said = f.readAll().trimmed().split(' ');
    QCOMPARE(said.size(), 4);
    const Trace &trace = runner->trace();

    const std::size_t ticks = laneNamed(trace, QStringLiteral("ticks"));
    QVERIFY(ticks != SIZE_MAX);
    QCOMPARE(trace.lane(ticks).kind, LaneKind::Value);
    const auto &series = trace.lane(ticks).series;
    QVERIFY(!series.empty());
    qInfo("ticks: %zu readings drawn", series.size());
    // Read as the script ran, not only at its end: the 30 steps take 90 ms, a reading every 5 ms.
    QVERIFY2(series.size() >= 4, "the number was not read while the script ran");
    for (std::size_t i = 1; i < series.size(); ++i) {
        QVERIFY(series[i].t >= series[i - 1].t);
        QVERIFY(series[i].a >= series[i - 1].a); // it only grows
        QCOMPARE(series[i].a, series[i].b);      // one number: both channels
    }
    QCOMPARE(series.back().a, said[0].toLongLong());
    QVERIFY(series.front().t >= trace.start() && series.back().t <= trace.end());

    const std::size_t balance = laneNamed(trace, QStringLiteral("account.balance"));
    QVERIFY(balance != SIZE_MAX);
    QCOMPARE(lastPoint(trace, balance)->a, std::llround(said[1].toDouble()));
    QVERIFY(trace.lane(balance).seriesLow < 0); // drawn below zero, with zero marked

    const std::size_t pair = laneNamed(trace, QStringLiteral("total"));
    QVERIFY(pair != SIZE_MAX);
    QCOMPARE(trace.lane(pair).kind, LaneKind::Counter);
    QCOMPARE(lastPoint(trace, pair)->a, said[2].toLongLong()); // expected: the cells' sum
    QCOMPARE(lastPoint(trace, pair)->b, said[3].toLongLong()); // actual: total

    const std::size_t never = laneNamed(trace, QStringLiteral("never_bound"));
    QVERIFY(never != SIZE_MAX);
    QVERIFY(trace.lane(never).series.empty());

    // The metrics say the same last readings, and null for what never held a number.
    const QVariantList watched = metricValue(metrics, QStringLiteral("watched")).toList();
    QCOMPARE(watched.size(), 4);
    QCOMPARE(watched[0].toMap().value(QStringLiteral("value")).toLongLong(), said[0].toLongLong());
    QCOMPARE(watched[2].toMap().value(QStringLiteral("expected")).toLongLong(), said[2].toLongLong());
    QVERIFY(!watched[3].toMap().value(QStringLiteral("value")).isValid());
    QCOMPARE(watched[0].toMap().value(QStringLiteral("readings")).toULongLong(), qulonglong(series.size()));
}

void TestPythonWatch::watchRefusesBadNames()
{
    const QString script = writeScript(QStringLiteral("quiet.py"), "x = 1\n");
    for (const QStringList &args : {QStringList{QStringLiteral("--watch"), QStringLiteral("2x")},
                                    QStringList{QStringLiteral("--watch"), QStringLiteral("a.b;import os")},
                                    QStringList{QStringLiteral("--watch"), QStringLiteral("a..b")}}) {
        const Result r = raceway(QStringList{QStringLiteral("trace"), script} + args);
        QCOMPARE(r.status, 2);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains(
                     QByteArray("option --watch: '" + args[1].toUtf8() + "' is not allowed (allowed: ")),
                 r.err.constData());
    }
    QStringList many{QStringLiteral("trace"), script};
    for (int i = 0; i < 9; ++i)
        many << QStringLiteral("--watch") << QStringLiteral("n%1").arg(i);
    const Result r = raceway(many);
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains("9 names given (allowed: at most 8)"), r.err.constData());
    // A name that is fine: the JSON says what it read.
    const Result ok = raceway({QStringLiteral("trace"), script, QStringLiteral("--watch"),
                               QStringLiteral("x"), QStringLiteral("--json")});
    QCOMPARE(ok.status, 0);
    const QJsonArray watched =
        ok.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("watched")).toArray();
    QCOMPARE(watched.size(), 1);
    QCOMPARE(watched[0].toObject().value(QStringLiteral("value")).toInt(), 1);
}

void TestPythonWatch::pythonCounterMatchesTheScript_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<bool>("lock");
    QTest::newRow("gil, lock off") << QString() << false;
    QTest::newRow("free-threaded, lock off") << QStringLiteral("ft") << false;
    QTest::newRow("free-threaded, lock on") << QStringLiteral("ft") << true;
}

void TestPythonWatch::pythonCounterMatchesTheScript()
{
    // The scenario's numbers against the script's own: what it printed at its end (counted, expected,
    // lost) is what Raceway reports, lost = expected - actual, and the counter lane ends there. On a
    // free-threaded build without the lock updates are lost; with it none are.
    QFETCH(QString, python);
    QFETCH(bool, lock);
    if (python == QLatin1String("ft")) {
        python = freeThreadedPython();
        SKIP_WITHOUT_FREE_THREADED(python);
    } else
        python = m_python;
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("python-counter"),
                              QStringLiteral("threads=4"), QStringLiteral("iterations=200000"),
                              lock ? QStringLiteral("lock=on") : QStringLiteral("lock=off"),
                              QStringLiteral("python=") + python, QStringLiteral("--json")});
    QVERIFY2(r.status == 0, r.err.constData());
    const auto printed = printedCounts(r.err);
    QVERIFY2(printed.has_value(), r.err.constData());
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    const qlonglong expected = m.value(QStringLiteral("expected")).toInteger();
    const qlonglong actual = m.value(QStringLiteral("actual")).toInteger();
    const qlonglong lost = m.value(QStringLiteral("lost_updates")).toInteger();
    qInfo("%s: %lld of %lld lost (the script says %lld)",
          qPrintable(m.value(QStringLiteral("interpreter")).toString()), lost, expected, (*printed)[2]);
    QCOMPARE(expected, 800'000LL);
    QCOMPARE(expected, (*printed)[0]);
    QCOMPARE(actual, (*printed)[1]);
    QCOMPARE(lost, expected - actual);
    if (lock) QCOMPARE(lost, 0LL);
    if (m.value(QStringLiteral("free_threaded")).toBool() && !lock)
        QVERIFY2(lost > 0, "no update lost on a free-threaded build without the lock");
    QVERIFY(m.value(QStringLiteral("interpreter")).toString().startsWith(QStringLiteral("Python 3.")));

    // In this process, as the window runs it: the counter lane ends at the same numbers.
    const Scenario *scenario = Registry::builtin().find(QStringLiteral("python-counter"));
    QVERIFY(scenario);
    ParamValues params = ParamValues::defaults(scenario->params());
    params.set(QStringLiteral("iterations"), qlonglong(50'000));
    params.set(QStringLiteral("lock"), lock);
    params.set(QStringLiteral("python"), python);
    Runner runner(*scenario, params);
    runner.start();
    runner.wait();
    QCOMPARE(runner.result().error, QString());
    const auto &metrics = runner.result().metrics;
    const std::size_t counter = laneNamed(runner.trace(), QStringLiteral("counter"));
    QVERIFY(counter != SIZE_MAX);
    const auto last = lastPoint(runner.trace(), counter);
    QVERIFY(last.has_value());
    QCOMPARE(last->a, metricValue(metrics, QStringLiteral("expected")).toLongLong());
    QCOMPARE(last->b, metricValue(metrics, QStringLiteral("actual")).toLongLong());
    QCOMPARE(last->a, 200'000LL);
}

void TestPythonWatch::pythonCounterRefusesABadInterpreter()
{
    for (const QString &bad : {QStringLiteral("/bin/ls"), m_dir.filePath(QStringLiteral("no-such-python"))}) {
        const Result r = raceway(
            {QStringLiteral("run"), QStringLiteral("python-counter"), QStringLiteral("python=") + bad});
        QCOMPARE(r.status, 2);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains(QFileInfo(bad).fileName().toUtf8()), r.err.constData());
    }
    // Control characters are not a path.
    const Result r =
        raceway({QStringLiteral("run"), QStringLiteral("python-counter"), QStringLiteral("python=a\tb")});
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.contains("parameter 'python'"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestPythonWatch)
#include "tst_pythonwatch.moc"
