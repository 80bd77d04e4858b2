// asyncio at scale, under the real python3 and Raceway's tracer: thousands of tasks of one coroutine drawn
// as one lane (every task traced, the picture short), and asyncio's Barrier named as the script names it.

#include "pythontest.h"

#include <QJsonArray>
#include <QSet>

using namespace raceway;

class TestPythonTasks : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void asyncioBarrierIsNamedAsTheScriptNamesIt();
    void manyTasksAreOneLane_data();
    void manyTasksAreOneLane();
};

void TestPythonTasks::asyncioBarrierIsNamedAsTheScriptNamesIt()
{
    // asyncio.Barrier (3.11 on) waits on a Condition of its own: its lane is named after the barrier, and
    // the tasks that arrive first are drawn waiting for it until the last arrives.
    const QString script = writeScript(QStringLiteral("barrier.py"), R"PY(import asyncio, sys
if not hasattr(asyncio, "Barrier"):
    print("no Barrier"); sys.exit(0)
async def worker(b, d):
    await asyncio.sleep(d)
    await b.wait()
async def main():
    b = asyncio.Barrier(3)
    await asyncio.gather(worker(b, 0.01), worker(b, 0.05), worker(b, 0.1))
asyncio.run(main())
)PY");
    const auto runner = traced(script);
    QCOMPARE(runner->result().error, QString());
    const Trace &trace = runner->trace();
    const std::size_t lane = laneNamed(trace, QStringLiteral("asyncio.Barrier b"));
    if (lane == SIZE_MAX && laneNamed(trace, QStringLiteral("asyncio.Condition b._cond")) == SIZE_MAX)
        QSKIP("this python3 has no asyncio.Barrier");
    QVERIFY(lane != SIZE_MAX);
    const int obj = objectOfLane(trace, lane);
    QVERIFY(obj >= 0);
    std::vector<std::int64_t> waited;
    for (const Lane &l : trace.lanes()) {
        if (!l.name.endsWith(QStringLiteral("(worker)"))) continue;
        std::int64_t ns = 0;
        for (std::size_t k = 0; k + 1 < l.times.size(); ++k)
            if (l.states[k] == State::Waiting && l.objs[k] == obj) ns += l.times[k + 1] - l.times[k];
        waited.push_back(ns);
    }
    std::sort(waited.begin(), waited.end());
    QCOMPARE(waited.size(), std::size_t(3));
    QVERIFY2(
        waited[1] >= 30'000'000 && waited[2] >= 70'000'000, // 50 and 90 ms, less a loaded machine's lag
        qPrintable(
            QStringLiteral("%1, %2, %3 ms").arg(waited[0] / 1e6).arg(waited[1] / 1e6).arg(waited[2] / 1e6)));
}

void TestPythonTasks::manyTasksAreOneLane_data()
{
    QTest::addColumn<int>("tasks");
    QTest::addColumn<int>("rounds");
    QTest::addColumn<QString>("version"); // empty: the default python3 (Debian's)
    QTest::newRow("200 tasks") << 200 << 5 << QString();
    QTest::newRow("10,000 tasks") << 10000 << 1 << QString();
    QTest::newRow("200 tasks, Python 3.8") << 200 << 5 << QStringLiteral("3.8");
    QTest::newRow("200 tasks, Python 3.13") << 200 << 5 << QStringLiteral("3.13");
}

void TestPythonTasks::manyTasksAreOneLane()
{
    // Every task of the program traced (a lane each, in the saved run and the Chrome trace), and the
    // picture at fit short all the same: the tasks running one coroutine are one lane of counts.
    QFETCH(int, tasks);
    QFETCH(int, rounds);
    QFETCH(QString, version);
    QStringList interpreter;
    if (!version.isEmpty()) {
        QString lookedIn;
        const QString python = installedPython(version, &lookedIn);
        if (python.isEmpty()) QSKIP(qPrintable(QStringLiteral("no Python %1 in %2").arg(version, lookedIn)));
        interpreter << QStringLiteral("--python") << python;
    }
    const QString script = writeScript(QStringLiteral("crowd.py"), QStringLiteral(R"PY(import asyncio
shared = [0]
async def worker(lock):
    for _ in range(%2):
        async with lock:
            v = shared[0]
            await asyncio.sleep(0)
            shared[0] = v + 1
async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(worker(lock) for _ in range(%1)))
    print("total", shared[0])
asyncio.run(main())
)PY")
                                                                       .arg(tasks)
                                                                       .arg(rounds)
                                                                       .toUtf8());
    const QString png = m_dir.filePath(QStringLiteral("crowd.png"));
    const QString chrome = m_dir.filePath(QStringLiteral("crowd.json"));
    const Result r = raceway(QStringList{QStringLiteral("trace"), script, QStringLiteral("--json"),
                                         QStringLiteral("--png"), png, QStringLiteral("--trace"), chrome,
                                         QStringLiteral("--width"), QStringLiteral("1600")} +
                                 interpreter,
                             180000);
    QVERIFY2(r.status == 0, r.err.constData());
    const QJsonObject metrics = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("asyncio_tasks")).toInt(), tasks + 1); // and main()
    QVERIFY2(r.json.value(QStringLiteral("problems")).toArray().isEmpty(), r.out.constData());
    QCOMPARE(metrics.value(QStringLiteral("exit_code")).toInt(), 0);
    QFile image(png); // its size, from the PNG's header
    QVERIFY(image.open(QIODevice::ReadOnly));
    const QByteArray head = image.read(24);
    QCOMPARE(head.mid(12, 4), QByteArray("IHDR"));
    const auto be32 = [&](int at) {
        return (quint32(quint8(head[at])) << 24) | (quint32(quint8(head[at + 1])) << 16) |
               (quint32(quint8(head[at + 2])) << 8) | quint32(quint8(head[at + 3]));
    };
    QCOMPARE(be32(16), 1600u);
    QVERIFY2(be32(20) <= 1200u, qPrintable(QString::number(be32(20))));
    // The Chrome trace keeps every task as a thread of its own.
    QFile f(chrome);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QSet<QString> named;
    const QJsonArray events =
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("traceEvents")).toArray();
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString name =
            e.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
        if (e.value(QStringLiteral("name")).toString() == QStringLiteral("thread_name") &&
            name.endsWith(QStringLiteral("(worker)")))
            named.insert(name);
    }
    QCOMPARE(int(named.size()), tasks);
}

QTEST_GUILESS_MAIN(TestPythonTasks)
#include "tst_pythontasks.moc"
