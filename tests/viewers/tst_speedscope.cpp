// The real raceway binary writes traces, and speedscope 1.25 loads them in Debian's headless Chromium
// (speedscope-check.mjs beside this file): every lane must nest flat, with no warning from the
// importer and no error screen. A hand-made staircase shows the check can fail.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestSpeedscope : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void racewayTracesNestFlat_data();
    void racewayTracesNestFlat();
    void anotherToolsSlicesWrittenBackNestFlat();
    void staircaseIsCaught();

private:
    // Runs the check on one file: its exit code and the JSON line it printed.
    std::pair<int, QJsonObject> check(const QString &trace);

    QString m_node;
    QTemporaryDir m_dir;
};

void TestSpeedscope::initTestCase()
{
    m_node = QStringLiteral(RACEWAY_NODE);
    if (m_node.isEmpty()) m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    QVERIFY2(!m_node.isEmpty(), "node not found: run scripts/install-deps.sh");
    QVERIFY2(QFile::exists(QStringLiteral(RACEWAY_VIEWERS_DIR "/node_modules/puppeteer-core/package.json")),
             "tests/viewers/node_modules is missing: run scripts/install-deps.sh (it runs npm ci there)");
    QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/chromium")),
             "chromium is missing: run scripts/install-deps.sh");
    QVERIFY(m_dir.isValid());
}

std::pair<int, QJsonObject> TestSpeedscope::check(const QString &trace)
{
    QProcess node;
    node.setProcessChannelMode(QProcess::SeparateChannels);
    node.start(m_node, {QStringLiteral(RACEWAY_VIEWERS_DIR "/speedscope-check.mjs"), trace,
                        QStringLiteral("--timeout-ms"), QStringLiteral("60000")});
    if (!node.waitForFinished(120'000)) {
        node.kill();
        node.waitForFinished();
        qWarning("speedscope check did not finish");
        return {-1, {}};
    }
    const QByteArray out = node.readAllStandardOutput().trimmed();
    const QByteArray err = node.readAllStandardError().trimmed();
    qInfo("%s: %s", qPrintable(QFileInfo(trace).fileName()), out.constData());
    if (!err.isEmpty()) qInfo("stderr: %s", err.left(2000).constData());
    const QByteArray lastLine = out.mid(out.lastIndexOf('\n') + 1);
    return {node.exitStatus() == QProcess::NormalExit ? node.exitCode() : -1,
            QJsonDocument::fromJson(lastLine).object()};
}

void TestSpeedscope::racewayTracesNestFlat_data()
{
    QTest::addColumn<QStringList>("run");
    QTest::addColumn<QString>("file");
    const QStringList lockOn = {QStringLiteral("counter"), QStringLiteral("threads=4"),
                                QStringLiteral("iterations=20000"), QStringLiteral("lock=on")};
    QTest::newRow("counter lock on") << lockOn << QStringLiteral("lock-on.json");
    QTest::newRow("gil") << QStringList{QStringLiteral("gil")} << QStringLiteral("gil.json");
    QTest::newRow("counter lock on, gzip") << lockOn << QStringLiteral("lock-on.json.gz");
}

void TestSpeedscope::racewayTracesNestFlat()
{
    QFETCH(QStringList, run);
    QFETCH(QString, file);
    const QString trace = m_dir.filePath(file);
    QProcess raceway;
    raceway.start(QStringLiteral(RACEWAY_BINARY),
                  QStringList{QStringLiteral("run")} + run + QStringList{QStringLiteral("--trace"), trace});
    QVERIFY(raceway.waitForFinished(60'000));
    QVERIFY2(raceway.exitCode() == 0, raceway.readAllStandardError().constData());
    if (file.endsWith(QLatin1String(".gz"))) {
        QFile f(trace);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(2), QByteArray("\x1f\x8b"));
    }

    const auto [code, result] = check(trace);
    QVERIFY2(result.value(QStringLiteral("loaded")).toBool(), "speedscope did not load the trace");
    QCOMPARE(result.value(QStringLiteral("error")), QJsonValue(QJsonValue::Null));
    QCOMPARE(result.value(QStringLiteral("nestingWarnings")).toInt(-1), 0);
    QCOMPARE(code, 0);
}

void TestSpeedscope::anotherToolsSlicesWrittenBackNestFlat()
{
    // Another tool's calls, nested four deep, some children starting where their parent does, times in
    // fractions of a microsecond: written back by Raceway (to the nanosecond, not on its grid), they open
    // in an outside viewer as they did, loaded and with no slice it cannot nest.
    QByteArray json =
        R"({"traceEvents":[{"ph":"M","pid":5,"tid":7,"name":"thread_name","args":{"name":"MainThread"}})";
    std::int64_t t = 0;
    for (int call = 0; call < 200; ++call) {
        std::int64_t start = t, length = 9000 + 37 * (call % 11); // ns
        for (int depth = 0; depth < 4; ++depth) {
            json += QStringLiteral(R"(,{"ph":"X","pid":5,"tid":7,"ts":%1,"dur":%2,"name":"f%3"})")
                        .arg(double(start) / 1000.0, 0, 'f', 3)
                        .arg(double(length) / 1000.0, 0, 'f', 3)
                        .arg(depth)
                        .toUtf8();
            start += depth % 2 == 0 ? 0 : 333; // every other child starts where its parent does
            length = length / 2;
        }
        t += 12'345;
    }
    json += "]}";
    const QString in = m_dir.filePath(QStringLiteral("calls.json")),
                  out = m_dir.filePath(QStringLiteral("calls-back.json"));
    QFile f(in);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    QProcess raceway;
    raceway.start(QStringLiteral(RACEWAY_BINARY),
                  {QStringLiteral("show"), in, QStringLiteral("--trace"), out});
    QVERIFY(raceway.waitForFinished(60'000));
    QVERIFY2(raceway.exitCode() == 0, raceway.readAllStandardError().constData());
    for (const QString &trace : {in, out}) {
        const auto [code, result] = check(trace);
        QVERIFY2(result.value(QStringLiteral("loaded")).toBool(), qPrintable(trace));
        QCOMPARE(result.value(QStringLiteral("nestingWarnings")).toInt(-1), 0);
        QCOMPARE(code, 0);
    }
}

void TestSpeedscope::staircaseIsCaught()
{
    // 0.1 + 0.2 > 0.3 in doubles: the first slice ends a hair after the second starts, which is how
    // decimal microseconds summed in floating point used to misnest.
    const QString trace = m_dir.filePath(QStringLiteral("staircase.json"));
    QFile f(trace);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"traceEvents":[
{"ph":"M","pid":1,"tid":2,"name":"thread_name","args":{"name":"thread 1"}},
{"ph":"X","pid":1,"tid":2,"ts":0.1,"dur":0.2,"name":"run"},
{"ph":"X","pid":1,"tid":2,"ts":0.3,"dur":5,"name":"wait"},
{"ph":"X","pid":1,"tid":2,"ts":5.3,"dur":1,"name":"run"}]}
)");
    f.close();
    const auto [code, result] = check(trace);
    QVERIFY(result.value(QStringLiteral("loaded")).toBool());
    QVERIFY(result.value(QStringLiteral("nestingWarnings")).toInt() > 0);
    QCOMPARE(code, 1);
}

QTEST_GUILESS_MAIN(TestSpeedscope)
#include "tst_speedscope.moc"
