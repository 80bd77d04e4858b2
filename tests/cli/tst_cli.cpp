// The real raceway binary on the command line: verbs, JSON, exports, and bad input that exits 2 with
// one line and writes nothing.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "../procscan.h"

#include <unistd.h>

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void helpAndVersion();
    void listIsTabSeparated();
    void describeListsEveryParameter();
    void runJsonIsOneObject();
    void runWritesAllFiles();
    void badInput_data();
    void badInput();
    void unwritablePathFailsWithoutFile();
    void processScenarioFromTheCommandLine();
    void seedVariantEndsWithOne();
    void killedParentLeavesNoWorkers();

private:
    struct Result
    {
        int status;
        QByteArray out, err;
    };
    Result raceway(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(RACEWAY_BINARY), args);
        if (!p.waitForFinished(120000))
            qFatal("raceway did not finish");
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    QTemporaryDir m_dir;
};

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(RACEWAY_BINARY)), RACEWAY_BINARY);
}

void TestCli::helpAndVersion()
{
    const Result help = raceway({QStringLiteral("--help")});
    QCOMPARE(help.status, 0);
    QVERIFY(help.out.contains("Usage: raceway"));
    QVERIFY(help.out.contains("--trace FILE"));
    const Result version = raceway({QStringLiteral("--version")});
    QCOMPARE(version.status, 0);
    QVERIFY(version.out.startsWith("raceway " RACEWAY_VERSION));
}

void TestCli::listIsTabSeparated()
{
    const Result r = raceway({QStringLiteral("list")});
    QCOMPARE(r.status, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QVERIFY(!lines.isEmpty());
    QVERIFY(lines.first().startsWith("counter\t"));
    for (const char *id : {"pool\t", "processes\t", "process-pool\t", "shared-value\t"})
        QVERIFY2(r.out.contains(QByteArray(QByteArray("\n") + id)), id);
    for (const QByteArray &line : lines)
        QCOMPARE(line.count('\t'), 1);
}

void TestCli::describeListsEveryParameter()
{
    const Result r = raceway({QStringLiteral("describe"), QStringLiteral("counter")});
    QCOMPARE(r.status, 0);
    for (const char *p : {"threads", "iterations", "lock", "window_ns", "window_sleep_ms", "pace_us"})
        QVERIFY2(r.out.contains(QByteArray(QByteArray("\n  ") + p + "\n")), p);
    QVERIFY(r.out.contains("allowed 1..64"));
    QVERIFY(r.out.contains("allowed on, off"));
}

void TestCli::runJsonIsOneObject()
{
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=4"),
                              QStringLiteral("iterations=200000"), QStringLiteral("lock=off"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.out.count('\n'), 1);
    QJsonParseError pe;
    const QJsonObject o = QJsonDocument::fromJson(r.out, &pe).object();
    QCOMPARE(pe.error, QJsonParseError::NoError);
    QCOMPARE(o.value(QStringLiteral("scenario")).toString(), QStringLiteral("counter"));
    QCOMPARE(o.value(QStringLiteral("params")).toObject().value(QStringLiteral("threads")).toInt(), 4);
    QVERIFY(o.value(QStringLiteral("wall_ms")).toDouble() > 0);
    QVERIFY(o.value(QStringLiteral("events")).toInteger() > 0);
    const QJsonArray lanes = o.value(QStringLiteral("lanes")).toArray();
    QCOMPARE(lanes.size(), 5); // four threads and the counter
    QCOMPARE(lanes.at(4).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("counter"));
    const QJsonObject m = o.value(QStringLiteral("metrics")).toObject();
    const qint64 expected = m.value(QStringLiteral("expected")).toInteger();
    const qint64 actual = m.value(QStringLiteral("actual")).toInteger();
    QCOMPARE(expected, 800000);
    QVERIFY(actual < expected);
    QCOMPARE(m.value(QStringLiteral("lost_updates")).toInteger(), expected - actual);
    QVERIFY(m.contains(QStringLiteral("lock_wait_ms")));
    QCOMPARE(m.value(QStringLiteral("lock_acquisitions")).toInteger(), 0);
}

void TestCli::runWritesAllFiles()
{
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("lock=on"),
                              QStringLiteral("iterations=20000"), QStringLiteral("--png"), QStringLiteral("race.png"),
                              QStringLiteral("--svg"), QStringLiteral("race.svg"), QStringLiteral("--trace"),
                              QStringLiteral("race.json")});
    QCOMPARE(r.status, 0);
    QVERIFY(r.out.contains("Lost updates"));
    QVERIFY(r.out.contains("wrote race.png"));
    QImage png(m_dir.filePath(QStringLiteral("race.png")));
    QVERIFY(png.width() >= 1600);
    QFile svg(m_dir.filePath(QStringLiteral("race.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile trace(m_dir.filePath(QStringLiteral("race.json")));
    QVERIFY(trace.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(trace.readAll());
    QVERIFY(doc.object().value(QStringLiteral("traceEvents")).toArray().size() > 80000);
    QVERIFY(r.err.isEmpty());
}

void TestCli::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    auto run = [](QStringList extra) {
        return QStringList{QStringLiteral("run"), QStringLiteral("counter")} + extra +
               QStringList{QStringLiteral("--png"), QStringLiteral("bad.png")};
    };
    QTest::newRow("threads=0") << run({QStringLiteral("threads=0")}) << "'threads': 0 is out of range (allowed: 1..64)";
    QTest::newRow("threads=abc") << run({QStringLiteral("threads=abc")}) << "(allowed: 1..64)";
    QTest::newRow("iterations=1.5") << run({QStringLiteral("iterations=1.5")}) << "'iterations'";
    QTest::newRow("lock=maybe") << run({QStringLiteral("lock=maybe")}) << "(allowed: on, off)";
    QTest::newRow("empty") << run({QStringLiteral("threads=")}) << "empty value";
    QTest::newRow("unknown param") << run({QStringLiteral("speed=9")}) << "unknown parameter 'speed'";
    QTest::newRow("unknown flag") << run({QStringLiteral("--colour")}) << "unknown option '--colour'";
    QTest::newRow("missing value") << QStringList{QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("--png")}
                                   << "--png needs a value";
    QTest::newRow("bad width") << run({QStringLiteral("--width"), QStringLiteral("12")}) << "(allowed: 800..10000)";
    QTest::newRow("unknown scenario") << QStringList{QStringLiteral("run"), QStringLiteral("nope")}
                                      << "unknown scenario 'nope' (scenarios: counter";
    QTest::newRow("bad list item") << QStringList{QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=1,x,3")}
                                   << "'inputs': 'x' is not a whole number";
    QTest::newRow("list value out of range") << QStringList{QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=-4")}
                                             << "(allowed: 1 to 1000 comma-separated whole numbers, each 0..1000000)";
    QTest::newRow("bad choice") << QStringList{QStringLiteral("run"), QStringLiteral("processes"), QStringLiteral("fault=boom")}
                                << "(allowed: none, crash, hang)";
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << "unknown command 'frobnicate'";
    QTest::newRow("describe nothing") << QStringList{QStringLiteral("describe")} << "describe takes one scenario";
    QTest::newRow("same file twice") << QStringList{QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("--png"),
                                                    QStringLiteral("x.out"), QStringLiteral("--svg"), QStringLiteral("x.out")}
                                     << "same file";
}

void TestCli::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const QStringList before = QDir(m_dir.path()).entryList(QDir::Files);
    const Result r = raceway(args);
    QCOMPARE(r.status, 2);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    QVERIFY(r.err.startsWith("raceway: "));
    QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files), before); // nothing written
}

void TestCli::unwritablePathFailsWithoutFile()
{
    const QString missingDir = m_dir.filePath(QStringLiteral("no/such/dir/race.png"));
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("--png"), missingDir});
    QCOMPARE(r.status, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.err.contains("cannot write"));
    QVERIFY(!QFile::exists(missingDir));

    // A directory we may not write into: nothing appears there, not even a temporary file.
    if (getuid() == 0)
        QSKIP("root can write anywhere: the read-only directory case needs an ordinary user");
    QDir(m_dir.path()).mkdir(QStringLiteral("ro"));
    QFile::setPermissions(m_dir.filePath(QStringLiteral("ro")), QFile::ReadOwner | QFile::ExeOwner);
    const Result ro = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("--trace"),
                               m_dir.filePath(QStringLiteral("ro/t.json"))});
    QCOMPARE(ro.status, 1);
    QVERIFY(QDir(m_dir.filePath(QStringLiteral("ro"))).isEmpty());
}

void TestCli::processScenarioFromTheCommandLine()
{
    // The real binary finds raceway-worker next to itself.
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=3,1,2"),
                              QStringLiteral("function=cube"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("params")).toObject().value(QStringLiteral("inputs")).toArray(), QJsonArray({3, 1, 2}));
    QCOMPARE(o.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("results")).toArray(), QJsonArray({27, 1, 8}));
    const Result factorial = raceway({QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=6000"),
                                      QStringLiteral("function=factorial")});
    QCOMPARE(factorial.status, 2); // within the list's range, but too large for this function
    QCOMPARE(factorial.err.count('\n'), 1);
    QVERIFY(factorial.err.contains("'inputs': 6000 is too large for factorial (allowed: 0..5000)"));
}

void TestCli::killedParentLeavesNoWorkers()
{
    // raceway killed outright (no chance to reap) while a worker hangs: the worker must not outlive it.
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    app.start(QStringLiteral(RACEWAY_BINARY), {QStringLiteral("run"), QStringLiteral("processes"), QStringLiteral("processes=1"),
                                               QStringLiteral("iterations=2000000"), QStringLiteral("fault=hang")});
    QVERIFY(app.waitForStarted());
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = raceway::testing::workerChildrenOf(app.processId())).size() == 1, 10000);
    QTest::qWait(500); // the worker is now hanging: it will never write (and fail) again by itself
    app.kill();
    app.waitForFinished();
    for (qint64 pid : workers)
        QTRY_VERIFY_WITH_TIMEOUT(raceway::testing::isGoneOrZombie(pid), 5000);
}

void TestCli::seedVariantEndsWithOne()
{
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=5"),
                              QStringLiteral("iterations=1"), QStringLiteral("window_sleep_ms=100"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonObject m = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("actual")).toInteger(), 1);
    QCOMPARE(m.value(QStringLiteral("expected")).toInteger(), 5);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
