// `raceway run --save` and `raceway show` on the real binary: a saved run reopens with the same
// report and the same pictures, bad files are refused with one line and exit status 2, and Chrome
// traces (Raceway's own and hand-written ones shaped like other tools') open and draw.

#include "chrometraceimport.h"
#include "clitest.h"
#include "runopen.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>

using namespace raceway;

class TestShow : public CliTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void saveThenShowIsIdentical_data();
    void saveThenShowIsIdentical();
    void badRunFiles_data();
    void badRunFiles();
    void chromeCorpusOpens_data();
    void chromeCorpusOpens();
    void otherToolsInstantsArePlainInstants();
    void chromiumsOwnTraceKeepsItsNames();
    void slicesByNameAreReported();
    void ownChromeExportReopens_data();
    void ownChromeExportReopens();
    void badChromeTraces_data();
    void badChromeTraces();
    void tooTallAPictureIsRefused();

private:
    QByteArray read(const QString &name)
    {
        QFile f(m_dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    void write(const QString &name, const QByteArray &bytes)
    {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    static QJsonObject withoutFiles(const QByteArray &json)
    {
        QJsonObject o = QJsonDocument::fromJson(json).object();
        o.remove(QStringLiteral("files"));
        return o;
    }
    QByteArray goodRun(); // a small saved run, made once
    QByteArray m_good;
};

void TestShow::initTestCase()
{
    checkBinary();
}

void TestShow::saveThenShowIsIdentical_data()
{
    QTest::addColumn<QStringList>("run");
    QTest::newRow("counter, lock off")
        << QStringList{QStringLiteral("counter"), QStringLiteral("threads=4"),
                       QStringLiteral("iterations=50000"), QStringLiteral("lock=off")};
    QTest::newRow("counter, lock on")
        << QStringList{QStringLiteral("counter"), QStringLiteral("threads=3"),
                       QStringLiteral("iterations=20000"), QStringLiteral("lock=on")};
    QTest::newRow("semaphore") << QStringList{QStringLiteral("semaphore")};
    QTest::newRow("bank") << QStringList{QStringLiteral("bank")};
    QTest::newRow("budget spent") << QStringList{QStringLiteral("counter"),
                                                 QStringLiteral("iterations=100000"),
                                                 QStringLiteral("--max-events"), QStringLiteral("5000")};
}

void TestShow::saveThenShowIsIdentical()
{
    QFETCH(QStringList, run);
    const Result ran =
        raceway(QStringList{QStringLiteral("run")} + run +
                QStringList{QStringLiteral("--save"), QStringLiteral("s.raceway"), QStringLiteral("--png"),
                            QStringLiteral("a.png"), QStringLiteral("--svg"), QStringLiteral("a.svg"),
                            QStringLiteral("--trace"), QStringLiteral("a.json"), QStringLiteral("--json")});
    QCOMPARE(ran.status, 0);
    const QJsonArray files =
        QJsonDocument::fromJson(ran.out).object().value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 4);
    QCOMPARE(files.at(3).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("save"));
    QVERIFY(files.at(3).toObject().value(QStringLiteral("written")).toBool());
    const Result shown =
        raceway({QStringLiteral("show"), QStringLiteral("s.raceway"), QStringLiteral("--png"),
                 QStringLiteral("b.png"), QStringLiteral("--svg"), QStringLiteral("b.svg"),
                 QStringLiteral("--trace"), QStringLiteral("b.json"), QStringLiteral("--json")});
    QCOMPARE(shown.status, 0);
    QVERIFY(shown.err.isEmpty());
    QCOMPARE(shown.out.count('\n'), 1);
    QCOMPARE(withoutFiles(shown.out), withoutFiles(ran.out));
    QVERIFY(!read(QStringLiteral("a.png")).isEmpty());
    QCOMPARE(read(QStringLiteral("b.png")), read(QStringLiteral("a.png")));
    QCOMPARE(read(QStringLiteral("b.svg")), read(QStringLiteral("a.svg")));
    QCOMPARE(read(QStringLiteral("b.json")), read(QStringLiteral("a.json")));
    // And the summary reads like the run's.
    const Result text = raceway({QStringLiteral("show"), QStringLiteral("s.raceway")});
    QCOMPARE(text.status, 0);
    QVERIFY(text.out.contains("Events recorded"));
}

QByteArray TestShow::goodRun()
{
    if (m_good.isEmpty()) {
        const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"),
                                  QStringLiteral("threads=2"), QStringLiteral("iterations=2000"),
                                  QStringLiteral("--save"), QStringLiteral("good.raceway")});
        if (r.status == 0) m_good = read(QStringLiteral("good.raceway"));
    }
    return m_good;
}

namespace {

QByteArray le32(std::uint32_t v)
{
    QByteArray b(4, '\0');
    qToLittleEndian(v, b.data());
    return b;
}

// A header and one block holding `raw`, compressed, declaring `declared` bytes (raw's size when 0).
QByteArray fileWith(const QByteArray &raw, std::uint32_t declared = 0, std::uint32_t version = 1)
{
    const QByteArray packed = qCompress(raw).mid(4); // qCompress: a 4-byte size, then a zlib stream
    QByteArray f("RACEWAY\x1a", 8);
    f += le32(version) + le32(0) + le32(100000) + le32(0);
    f += le32(std::uint32_t(packed.size())) + le32(declared ? declared : std::uint32_t(raw.size())) + packed;
    return f;
}

QByteArray registryOfOneLane()
{
    QByteArray r("\x01", 1);
    r += le32(1) +
         QByteArray("\x00\x01\x00"
                    "a",
                    4) +
         le32(1) + QByteArray("\xff\xff\xff\xff\x00\x00", 6);
    return r;
}

} // namespace

void TestShow::badRunFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mentions");
    const QByteArray good = goodRun();
    QVERIFY(good.size() > 100);
    for (qsizetype cut : {qsizetype(0), qsizetype(5), qsizetype(12), qsizetype(23), qsizetype(24),
                          qsizetype(30), good.size() / 2, good.size() - 1})
        QTest::newRow(qPrintable(QStringLiteral("truncated at %1").arg(cut)))
            << good.left(cut) << (cut < 8 ? QStringLiteral("wrong magic") : QStringLiteral("byte "));
    QByteArray magic = good;
    magic[3] = 'X';
    QTest::newRow("wrong magic") << magic << "byte 0: not a Raceway run file (wrong magic)";
    QByteArray newer = good;
    newer[8] = 2;
    QTest::newRow("newer version") << newer << "byte 8: file version 2 is newer";
    QTest::newRow("garbage after the end") << good + "garbage"
                                           << "data after the end record";
    QByteArray hugeBlock = good;
    qToLittleEndian(std::uint32_t(0x7fffffff), hugeBlock.data() + 24);
    QTest::newRow("huge block") << hugeBlock << "byte 24: a block of 2147483647 compressed bytes";
    QTest::newRow("huge lane count") << fileWith(QByteArray("\x01", 1) + le32(1000000000) +
                                                 QByteArray(64, 'x'))
                                     << "a registry of 1000000000 lanes";
    QTest::newRow("inflates beyond its size")
        << fileWith(QByteArray(4096, '\x03'), 100) << "inflates beyond the 100 bytes it declares";
    QTest::newRow("bad lane index") << fileWith(registryOfOneLane() + QByteArray("\x02", 1) + le32(1) +
                                                QByteArray(12, '\0') + QByteArray("\x05\x00\x01\x00", 4))
                                    << "is on lane 5, but the registry has 1 lanes";
    QTest::newRow("object on a missing lane") << fileWith(QByteArray("\x01", 1) + le32(1) +
                                                          QByteArray("\x00\x01\x00"
                                                                     "a",
                                                                     4) +
                                                          le32(1) + QByteArray("\x07\x00\x00\x00\x00\x00", 6))
                                              << "object 0 is drawn on lane 7";
    QTest::newRow("unknown record") << fileWith(QByteArray("\x0a", 1)) << "unknown record type 10";
    QTest::newRow("not compressed") << QByteArray("RACEWAY\x1a", 8) + le32(1) + le32(0) + le32(100) +
                                           le32(0) + le32(8) + le32(8) + QByteArray(8, 'z')
                                    << "corrupt compressed data";
}

void TestShow::badRunFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mentions);
    write(QStringLiteral("bad.raceway"), bytes);
    const Result r = raceway({QStringLiteral("show"), QStringLiteral("bad.raceway"), QStringLiteral("--png"),
                              QStringLiteral("bad.png"), QStringLiteral("--json")});
    QCOMPARE(r.status, 2);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.startsWith("raceway: 'bad.raceway': "), r.err.constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.png"))));
}

void TestShow::chromeCorpusOpens_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("lanes");
    QTest::newRow("complete events") << "complete-events.json"
                                     << QStringList{QStringLiteral("main"), QStringLiteral("worker 1"),
                                                    QStringLiteral("worker 2"), QStringLiteral("tid 9")};
    QTest::newRow("nested begin/end")
        << "nested-begin-end.json" << QStringList{QStringLiteral("io thread"), QStringLiteral("tid 71")};
    QTest::newRow("two processes") << "two-processes.json"
                                   << QStringList{
                                          QStringLiteral("browser / net"), QStringLiteral("browser / main"),
                                          QStringLiteral("browser counters"), QStringLiteral("gpu / main")};
    QTest::newRow("string tids, gzip")
        << "string-tids.json.gz"
        << QStringList{QStringLiteral("CrBrowserMain"), QStringLiteral("Compositor")};
}

void TestShow::chromeCorpusOpens()
{
    QFETCH(QString, file);
    QFETCH(QStringList, lanes);
    const QString path = QStringLiteral(RACEWAY_TEST_DATA "/chrome/") + file;
    const Result r = raceway({QStringLiteral("show"), path, QStringLiteral("--png"), QStringLiteral("c.png"),
                              QStringLiteral("--json")});
    QVERIFY2(r.status == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QVERIFY(o.value(QStringLiteral("scenario")).isNull());
    QStringList names;
    for (const QJsonValue &l : o.value(QStringLiteral("lanes")).toArray())
        names << l.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(names, lanes);
    QVERIFY(o.value(QStringLiteral("wall_ms")).toDouble() > 0);
    const QImage png(m_dir.filePath(QStringLiteral("c.png")));
    QVERIFY(!png.isNull());
    QCOMPARE(png.width(), 1600);
}

void TestShow::otherToolsInstantsArePlainInstants()
{
    // The corpus' "tick" instant comes from another tool: drawn and named as a plain instant, not as one of
    // Raceway's timer ticks (whose exports carry a value), so its legend and tooltip claim no drift.
    Trace t;
    ChromeImportStats stats;
    QString error;
    QFile f(QStringLiteral(RACEWAY_TEST_DATA "/chrome/nested-begin-end.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY2(readChromeTrace(f.readAll(), &t, &stats, &error), qPrintable(error));
    std::size_t instants = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        for (const Instant &in : t.lane(i).instants) {
            QCOMPARE(in.markKind(), MarkKind::Instant);
            ++instants;
        }
    QCOMPARE(instants, std::size_t(1));
    // Raceway's own ticks still come back as ticks.
    Trace own;
    QVERIFY2(readChromeTrace(
                 R"({"traceEvents":[{"ph":"i","name":"tick","pid":1,"tid":1,"ts":5,"args":{"v":1200}}]})",
                 &own, &stats, &error),
             qPrintable(error));
    QCOMPARE(own.lane(0).instants.size(), std::size_t(1));
    QCOMPARE(own.lane(0).instants[0].markKind(), MarkKind::Tick);
}

void TestShow::chromiumsOwnTraceKeepsItsNames()
{
    // A real outside trace: Debian's Chromium traces its own start-up (a few seconds, headless).
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (chromium.isEmpty()) QSKIP("no chromium on PATH (scripts/install-deps.sh installs Debian's)");
    const QString trace = m_dir.filePath(QStringLiteral("chromium.json"));
    QProcess p;
    p.setStandardOutputFile(QProcess::nullDevice()); // the page, and D-Bus complaints: nothing to read
    p.setStandardErrorFile(QProcess::nullDevice());
    p.start(chromium,
            {QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"),
             QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
             QStringLiteral("--user-data-dir=") + m_dir.filePath(QStringLiteral("profile")),
             QStringLiteral("--trace-startup=toplevel"), QStringLiteral("--trace-startup-format=json"),
             QStringLiteral("--trace-startup-file=") + trace, QStringLiteral("--trace-startup-duration=2"),
             QStringLiteral("--dump-dom"), QStringLiteral("data:text/html,<p>traced</p>")});
    QVERIFY(p.waitForFinished(90000));
    if (!QFileInfo::exists(trace)) QSKIP("chromium wrote no trace here");
    const Result r = raceway({QStringLiteral("show"), trace, QStringLiteral("--json"),
                              QStringLiteral("--trace"), QStringLiteral("back.json")});
    QVERIFY2(r.status == 0, r.err.constData());
    QStringList lanes, kinds;
    for (const QJsonValue &l :
         QJsonDocument::fromJson(r.out).object().value(QStringLiteral("lanes")).toArray()) {
        lanes << l.toObject().value(QStringLiteral("name")).toString();
        kinds << l.toObject().value(QStringLiteral("kind")).toString();
    }
    // Its threads by name, each lane told apart from the others, the main ones holding named slices.
    QVERIFY2(lanes.contains(QStringLiteral("Browser / CrBrowserMain")),
             qPrintable(lanes.join(QLatin1Char('\n'))));
    QCOMPARE(kinds.value(lanes.indexOf(QStringLiteral("Browser / CrBrowserMain"))), QStringLiteral("slices"));
    QVERIFY(std::any_of(lanes.begin(), lanes.end(),
                        [](const QString &n) { return n.contains(QLatin1String("CrRendererMain")); }));
    QCOMPARE(QSet<QString>(lanes.begin(), lanes.end()).size(), lanes.size());
    // Written back, the slices keep Chromium's names.
    QSet<QString> names;
    for (const QJsonValue &e : QJsonDocument::fromJson(read(QStringLiteral("back.json")))
                                   .object()
                                   .value(QStringLiteral("traceEvents"))
                                   .toArray())
        if (e.toObject().value(QStringLiteral("ph")).toString() == QLatin1String("X"))
            names.insert(e.toObject().value(QStringLiteral("name")).toString());
    QVERIFY2(names.contains(QStringLiteral("ThreadControllerImpl::RunTask")),
             qPrintable(QStringList(names.begin(), names.end()).join(QLatin1Char(' '))));
}

void TestShow::slicesByNameAreReported()
{
    // nested-begin-end.json by hand: request 10-45 us holds parse (7.75) and respond (15); poll runs
    // from 50.5 unclosed to the trace's end at 70; wait 30-35.
    const QString path = QStringLiteral(RACEWAY_TEST_DATA "/chrome/nested-begin-end.json");
    const Result r = raceway({QStringLiteral("show"), path, QStringLiteral("--json")});
    QVERIFY2(r.status == 0, r.err.constData());
    const QJsonArray rows =
        QJsonDocument::fromJson(r.out).object().value(QStringLiteral("slices_by_name")).toArray();
    QStringList names;
    for (const QJsonValue &v : rows)
        names << v.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(names, QStringList({QStringLiteral("request"), QStringLiteral("poll"), QStringLiteral("respond"),
                                 QStringLiteral("parse"), QStringLiteral("wait")}));
    const QJsonObject request = rows.at(0).toObject();
    QCOMPARE(request.value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(request.value(QStringLiteral("total_ms")).toDouble(), 0.035);
    QCOMPARE(request.value(QStringLiteral("self_ms")).toDouble(), 0.01225);
    QCOMPARE(rows.at(1).toObject().value(QStringLiteral("total_ms")).toDouble(), 0.0195);
    const Result text = raceway({QStringLiteral("show"), path});
    QVERIFY2(text.out.contains("Slices by total time") && text.out.contains("request"), text.out.constData());
}

void TestShow::ownChromeExportReopens_data()
{
    QTest::addColumn<QStringList>("run");
    QTest::newRow("counter, lock on, gzip") << QStringList{
        QStringLiteral("counter"), QStringLiteral("lock=on"), QStringLiteral("iterations=5000")};
    QTest::newRow("counter, lock off") << QStringList{QStringLiteral("counter"), QStringLiteral("threads=4"),
                                                      QStringLiteral("iterations=100000")};
    QTest::newRow("semaphore") << QStringList{QStringLiteral("semaphore")};
    QTest::newRow("budget spent") << QStringList{QStringLiteral("counter"),
                                                 QStringLiteral("iterations=200000"),
                                                 QStringLiteral("--max-events"), QStringLiteral("4096")};
}

void TestShow::ownChromeExportReopens()
{
    // Raceway's own trace carries the run: `show` of it reports what `run` did (scenario, parameters,
    // metrics, the budget), lanes of the same kinds with every lost update, and draws the same picture
    // but for what the trace's grid moves (marker badges grouped per cell, sub-pixel stretches).
    QFETCH(QStringList, run);
    const QString trace = QLatin1String(QTest::currentDataTag()) == QLatin1String("counter, lock on, gzip")
                              ? QStringLiteral("own.json.gz")
                              : QStringLiteral("own.json");
    const Result ran = raceway(QStringList{QStringLiteral("run")} + run +
                               QStringList{QStringLiteral("--trace"), trace, QStringLiteral("--png"),
                                           QStringLiteral("ran.png"), QStringLiteral("--save"),
                                           QStringLiteral("ran.raceway"), QStringLiteral("--json")});
    QVERIFY2(ran.status == 0, ran.err.constData());
    const Result shown = raceway({QStringLiteral("show"), trace, QStringLiteral("--png"),
                                  QStringLiteral("shown.png"), QStringLiteral("--json")});
    QVERIFY2(shown.status == 0, shown.err.constData());
    QJsonObject before = withoutFiles(ran.out), after = withoutFiles(shown.out);
    for (QJsonObject *o : {&before, &after})
        o->remove(QStringLiteral("critical_path")); // walked over the grid's states: its own answer
    QCOMPARE(after, before);
    // Lane by lane: the kinds, and the lost updates (each write a marker, each erasing what it did).
    Trace saved, reopened;
    OpenedFile a, b;
    QString error;
    QVERIFY2(openRunFile(m_dir.filePath(QStringLiteral("ran.raceway")), &saved, &a, &error),
             qPrintable(error));
    QVERIFY2(openRunFile(m_dir.filePath(trace), &reopened, &b, &error), qPrintable(error));
    QVERIFY(b.runInTrace);
    QCOMPARE(reopened.lanes().size(), saved.lanes().size());
    // Back on the clock it was recorded on: the same start, end and budget's end, to the nanosecond.
    QCOMPARE(reopened.start(), saved.start());
    QCOMPARE(reopened.end(), saved.end());
    QCOMPARE(reopened.budgetReached(), saved.budgetReached());
    for (std::size_t i = 0; i < saved.lanes().size(); ++i) {
        QCOMPARE(reopened.lane(i).kind, saved.lane(i).kind);
        QCOMPARE(reopened.lane(i).markers.size(), saved.lane(i).markers.size());
        QCOMPARE(reopened.markerSum(i), saved.markerSum(i));
    }
    const QImage x(m_dir.filePath(QStringLiteral("ran.png"))), y(m_dir.filePath(QStringLiteral("shown.png")));
    QCOMPARE(y.size(), x.size());
    qint64 differ = 0;
    for (int row = 0; row < x.height(); ++row)
        for (int col = 0; col < x.width(); ++col)
            differ += x.pixel(col, row) != y.pixel(col, row);
    // Measured: 2 % of the pixels for counter, 5 % for the semaphore (its value lane is sampled).
    QVERIFY2(differ * 100 < qint64(x.width()) * x.height() * 8,
             qPrintable(QStringLiteral("%1 of %2 pixels differ").arg(differ).arg(x.width() * x.height())));
}

void TestShow::badChromeTraces_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("broken JSON") << QByteArray("[{\"ph\":\"X\",\"ts\":1,}") << "byte ";
    QTest::newRow("not an event")
        << QByteArray("[{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{}}, 3]")
        << "event 1 is not an object";
    QTest::newRow("no phase") << QByteArray("[{\"ts\":1,\"pid\":1,\"tid\":1}]")
                              << "event 0 has no one-letter \"ph\"";
    QTest::newRow("time not a number")
        << QByteArray("{\"traceEvents\":[{\"ph\":\"X\",\"ts\":\"soon\",\"pid\":1,\"tid\":1}]}")
        << "event 0: \"ts\" is not a time";
    QTest::newRow("negative duration")
        << QByteArray("[{\"ph\":\"X\",\"ts\":1,\"dur\":-5,\"pid\":1,\"tid\":1}]")
        << "event 0: \"dur\" is negative";
    QTest::newRow("no threads") << QByteArray("[]") << "nothing to draw";
    QTest::newRow("wrong shape") << QByteArray("{\"events\":[]}") << "traceEvents";
    QTest::newRow("cut gzip") << qCompress(QByteArray(1000, 'x')).mid(4).prepend("\x1f\x8b\x08\x00", 4)
                              << "gzip";
    QTest::newRow("neither") << QByteArray("hello")
                             << "neither a Raceway run file (wrong magic) nor Chrome Trace Event JSON";
}

void TestShow::badChromeTraces()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mentions);
    write(QStringLiteral("bad.json"), bytes);
    const Result r = raceway({QStringLiteral("show"), QStringLiteral("bad.json"), QStringLiteral("--json")});
    QCOMPARE(r.status, 2);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
}
void TestShow::tooTallAPictureIsRefused()
{
    // 5,000 threads: over 100,000 pixels of lanes. Refused up front with one line and exit status 2, and
    // no picture written (once it drew 1600 x 750,092 pixels); the trace itself still converts.
    QByteArray json = "[";
    for (int tid = 1; tid <= 5000; ++tid)
        json += (tid > 1 ? "," : "") +
                QStringLiteral(R"({"ph":"X","pid":1,"tid":%1,"ts":%2,"dur":10,"name":"w"})")
                    .arg(tid)
                    .arg(tid)
                    .toUtf8();
    json += "]";
    write(QStringLiteral("wide.json"), json);
    const Result r =
        raceway({QStringLiteral("show"), QStringLiteral("wide.json"), QStringLiteral("--png"),
                 QStringLiteral("wide.png"), QStringLiteral("--svg"), QStringLiteral("wide.svg")});
    QCOMPARE(r.status, 2);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.contains("5,000 lanes") && r.err.contains("at most 32,767 pixels tall"),
             r.err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("wide.png"))));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("wide.svg"))));
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*wide*")}, QDir::Files),
             QStringList{QStringLiteral("wide.json")});
    const Result json2 = raceway({QStringLiteral("show"), QStringLiteral("wide.json"),
                                  QStringLiteral("--trace"), QStringLiteral("wide-again.json")});
    QCOMPARE(json2.status, 0);
}

QTEST_GUILESS_MAIN(TestShow)
#include "tst_show.moc"
