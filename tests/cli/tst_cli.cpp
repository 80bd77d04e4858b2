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
#include "cli.h"

#include <QElapsedTimer>

#include <csignal>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void helpAndVersion();
    void aFileOpensTheWindow();
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
    void scaleAndWidthGrowTheWholePicture();
    void interruptWritesWhatWasRecorded_data();
    void interruptWritesWhatWasRecorded();
    void fifoIsWrittenIntoNotReplaced();
    void deviceIsWrittenIntoNotReplaced();
    void fullDiskFailsWithoutLeavingAFile();
    void unaskedWorkerFailureExitsOne();
    void sharedMemoryNeverOutlivesARun();

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
        if (!p.waitForFinished(120000)) qFatal("raceway did not finish");
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

void TestCli::aFileOpensTheWindow()
{
    // `raceway run.raceway` (a file manager, the desktop entry) opens the window on the file; a verb is
    // still a verb even when a file of that name is in the current folder, and a missing file is an error.
    const QString file = m_dir.filePath(QStringLiteral("a.raceway"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    using raceway::isCliInvocation;
    using raceway::windowFile;
    QCOMPARE(windowFile({QStringLiteral("raceway"), file}), file);
    QVERIFY(!isCliInvocation({QStringLiteral("raceway"), file}));
    const QString previous = QDir::currentPath();
    QDir::setCurrent(m_dir.path());
    QFile verbNamed(QStringLiteral("run"));
    QVERIFY(verbNamed.open(QIODevice::WriteOnly));
    verbNamed.close();
    const bool verbStays = windowFile({QStringLiteral("raceway"), QStringLiteral("run")}).isEmpty();
    QFile::remove(QStringLiteral("run"));
    QDir::setCurrent(previous);
    QVERIFY(verbStays);
    QVERIFY(
        windowFile({QStringLiteral("raceway"), m_dir.filePath(QStringLiteral("missing.raceway"))}).isEmpty());
    QVERIFY(windowFile({QStringLiteral("raceway"), m_dir.path()}).isEmpty()); // a folder is not a file
    QVERIFY(windowFile({QStringLiteral("raceway"), file, QStringLiteral("--json")}).isEmpty());
    QVERIFY(isCliInvocation({QStringLiteral("raceway"), m_dir.filePath(QStringLiteral("missing.raceway"))}));
    const Result r = raceway({m_dir.filePath(QStringLiteral("missing.raceway"))});
    QCOMPARE(r.status, 2);
    QVERIFY(r.err.contains("unknown command"));
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
    const Result r =
        raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=4"),
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
                              QStringLiteral("iterations=20000"), QStringLiteral("--png"),
                              QStringLiteral("race.png"), QStringLiteral("--svg"), QStringLiteral("race.svg"),
                              QStringLiteral("--trace"), QStringLiteral("race.json")});
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
    // One slice per state run on the export's grid for each of the 4 threads and the lock: hundreds at least.
    QVERIFY(doc.object().value(QStringLiteral("traceEvents")).toArray().size() > 500);
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
    QTest::newRow("threads=0") << run({QStringLiteral("threads=0")})
                               << "'threads': 0 is out of range (allowed: 1..64)";
    QTest::newRow("threads=abc") << run({QStringLiteral("threads=abc")}) << "(allowed: 1..64)";
    QTest::newRow("iterations=1.5") << run({QStringLiteral("iterations=1.5")}) << "'iterations'";
    QTest::newRow("lock=maybe") << run({QStringLiteral("lock=maybe")}) << "(allowed: on, off)";
    QTest::newRow("empty") << run({QStringLiteral("threads=")}) << "empty value";
    QTest::newRow("unknown param") << run({QStringLiteral("speed=9")}) << "unknown parameter 'speed'";
    QTest::newRow("unknown flag") << run({QStringLiteral("--colour")}) << "unknown option '--colour'";
    QTest::newRow("missing value") << QStringList{QStringLiteral("run"), QStringLiteral("counter"),
                                                  QStringLiteral("--png")}
                                   << "--png needs a value";
    QTest::newRow("bad width") << run({QStringLiteral("--width"), QStringLiteral("12")})
                               << "(allowed: 800..10000)";
    QTest::newRow("unknown scenario") << QStringList{QStringLiteral("run"), QStringLiteral("nope")}
                                      << "unknown scenario 'nope' (scenarios: counter";
    QTest::newRow("bad list item") << QStringList{QStringLiteral("run"), QStringLiteral("process-pool"),
                                                  QStringLiteral("inputs=1,x,3")}
                                   << "'inputs': 'x' is not a whole number";
    QTest::newRow("list value out of range")
        << QStringList{QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=-4")}
        << "(allowed: 1 to 1000 comma-separated whole numbers, each 0..1000000)";
    QTest::newRow("bad choice") << QStringList{QStringLiteral("run"), QStringLiteral("processes"),
                                               QStringLiteral("fault=boom")}
                                << "(allowed: none, crash, hang)";
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << "unknown command 'frobnicate'";
    QTest::newRow("describe nothing")
        << QStringList{QStringLiteral("describe")} << "describe takes one scenario";
    QTest::newRow("flag as a value") << run({QStringLiteral("--svg"), QStringLiteral("--json")})
                                     << "option --svg needs a value, not the option '--json'";
    QTest::newRow("budget beyond memory")
        << run({QStringLiteral("--max-events"), QStringLiteral("1000000000000")})
        << "more than half of this machine's";
    QTest::newRow("same file twice") << QStringList{QStringLiteral("run"),   QStringLiteral("counter"),
                                                    QStringLiteral("--png"), QStringLiteral("x.out"),
                                                    QStringLiteral("--svg"), QStringLiteral("x.out")}
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
    const Result r =
        raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("--png"), missingDir});
    QCOMPARE(r.status, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.err.contains("cannot write"));
    QVERIFY(!QFile::exists(missingDir));

    // A directory we may not write into: nothing appears there, not even a temporary file.
    if (getuid() == 0) QSKIP("root can write anywhere: the read-only directory case needs an ordinary user");
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
    const Result r =
        raceway({QStringLiteral("run"), QStringLiteral("process-pool"), QStringLiteral("inputs=3,1,2"),
                 QStringLiteral("function=cube"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("params")).toObject().value(QStringLiteral("inputs")).toArray(),
             QJsonArray({3, 1, 2}));
    QCOMPARE(o.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("results")).toArray(),
             QJsonArray({27, 1, 8}));
    const Result factorial = raceway({QStringLiteral("run"), QStringLiteral("process-pool"),
                                      QStringLiteral("inputs=6000"), QStringLiteral("function=factorial")});
    QCOMPARE(factorial.status, 2); // within the list's range, but too large for this function
    QCOMPARE(factorial.err.count('\n'), 1);
    QVERIFY(factorial.err.contains("'inputs': 6000 is too large for factorial (allowed: 0..5000)"));
}

void TestCli::killedParentLeavesNoWorkers()
{
    // raceway killed outright (no chance to reap) while a worker hangs: the worker must not outlive it.
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    app.start(QStringLiteral(RACEWAY_BINARY),
              {QStringLiteral("run"), QStringLiteral("processes"), QStringLiteral("processes=1"),
               QStringLiteral("iterations=2000000"), QStringLiteral("fault=hang")});
    QVERIFY(app.waitForStarted());
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = raceway::testing::workerChildrenOf(app.processId())).size() == 1,
                             10000);
    QTest::qWait(500); // the worker is now hanging: it will never write (and fail) again by itself
    app.kill();
    app.waitForFinished();
    for (qint64 pid : workers)
        QTRY_VERIFY_WITH_TIMEOUT(raceway::testing::isGoneOrZombie(pid), 5000);
}

void TestCli::seedVariantEndsWithOne()
{
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=5"),
                              QStringLiteral("iterations=1"), QStringLiteral("window_sleep_ms=100"),
                              QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonObject m = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("actual")).toInteger(), 1);
    QCOMPARE(m.value(QStringLiteral("expected")).toInteger(), 5);
}

namespace {

bool isKind(const QString &path, mode_t kind)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

QStringList segmentsOf(qint64 pid)
{
    return QDir(QStringLiteral("/dev/shm")).entryList({QStringLiteral("raceway-%1-*").arg(pid)}, QDir::Files);
}

} // namespace

void TestCli::scaleAndWidthGrowTheWholePicture()
{
    // --scale 2 is a high-DPI export: twice the pixels in both directions, text and lines included;
    // a wider image past 1600 grows its text with it instead of becoming a thin strip.
    const QStringList run = {QStringLiteral("run"), QStringLiteral("counter"),
                             QStringLiteral("iterations=2000"), QStringLiteral("--png")};
    QCOMPARE(raceway(run + QStringList{QStringLiteral("one.png")}).status, 0);
    QCOMPARE(
        raceway(run + QStringList{QStringLiteral("two.png"), QStringLiteral("--scale"), QStringLiteral("2")})
            .status,
        0);
    QCOMPARE(raceway(run + QStringList{QStringLiteral("wide.png"), QStringLiteral("--width"),
                                       QStringLiteral("3200")})
                 .status,
             0);
    const QImage one(m_dir.filePath(QStringLiteral("one.png")));
    const QImage two(m_dir.filePath(QStringLiteral("two.png")));
    const QImage wide(m_dir.filePath(QStringLiteral("wide.png")));
    QCOMPARE(one.width(), 1600);
    QCOMPARE(two.width(), 3200);
    QCOMPARE(two.height(), 2 * one.height());
    QCOMPARE(wide.size(), two.size());
    // The title's first dark pixel row: twice as far down, since the text is twice as tall.
    auto firstInk = [](const QImage &img) {
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width() / 4; ++x)
                if (qGray(img.pixel(x, y)) < 100) return y;
        return -1;
    };
    QVERIFY(firstInk(one) > 0);
    QVERIFY(std::abs(firstInk(two) - 2 * firstInk(one)) <= 2);
    const Result bad =
        raceway(run + QStringList{QStringLiteral("x.png"), QStringLiteral("--scale"), QStringLiteral("9")});
    QCOMPARE(bad.status, 2);
    QVERIFY(bad.err.contains("(allowed: 1..4)"));
}

void TestCli::interruptWritesWhatWasRecorded_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("Ctrl+C") << int(SIGINT) << 130 << QStringLiteral("SIGINT");
    QTest::newRow("SIGTERM") << int(SIGTERM) << 143 << QStringLiteral("SIGTERM");
}

void TestCli::interruptWritesWhatWasRecorded()
{
    QFETCH(int, signal);
    QFETCH(int, status);
    QFETCH(QString, name);
    // Turned all the way up: it would run for hours. Interrupted, it stops, joins and still writes.
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    const QString png = QStringLiteral("interrupted-%1.png").arg(signal);
    app.start(QStringLiteral(RACEWAY_BINARY),
              {QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=64"),
               QStringLiteral("iterations=100000000"), QStringLiteral("--png"), png,
               QStringLiteral("--json")});
    QVERIFY(app.waitForStarted());
    QTest::qWait(800);
    QCOMPARE(app.state(), QProcess::Running);
    ::kill(pid_t(app.processId()), signal);
    QVERIFY(app.waitForFinished(60000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), status);
    const QJsonObject o = QJsonDocument::fromJson(app.readAllStandardOutput()).object();
    QCOMPARE(o.value(QStringLiteral("interrupted_by")).toString(), name);
    QVERIFY(o.value(QStringLiteral("cancelled")).toBool());
    const QJsonObject m = o.value(QStringLiteral("metrics")).toObject();
    QVERIFY(m.value(QStringLiteral("expected")).toInteger() < 6'400'000'000LL);
    QCOMPARE(m.value(QStringLiteral("lost_updates")).toInteger(),
             m.value(QStringLiteral("expected")).toInteger() - m.value(QStringLiteral("actual")).toInteger());
    const QJsonObject file = o.value(QStringLiteral("files")).toArray().at(0).toObject();
    QVERIFY(file.value(QStringLiteral("written")).toBool());
    QVERIFY(!QImage(m_dir.filePath(png)).isNull());
}

void TestCli::fifoIsWrittenIntoNotReplaced()
{
    const QString fifo = m_dir.filePath(QStringLiteral("pipe.svg"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QByteArray received;
    std::thread reader([&] {
        QFile f(fifo);
        if (f.open(QIODevice::ReadOnly)) received = f.readAll();
    });
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"),
                              QStringLiteral("iterations=2000"), QStringLiteral("--svg"), fifo});
    reader.join();
    QCOMPARE(r.status, 0);
    QVERIFY(received.contains("<svg"));
    QVERIFY(received.trimmed().endsWith("</svg>"));
    QVERIFY(isKind(fifo, S_IFIFO)); // still the FIFO, not a file renamed over it
    QFile::remove(fifo);
}

void TestCli::deviceIsWrittenIntoNotReplaced()
{
    // Our own device node in our own folder (the machine's /dev is never touched by a test).
    const QString node = m_dir.filePath(QStringLiteral("sink"));
    if (::mknod(QFile::encodeName(node).constData(), S_IFCHR | 0600, makedev(1, 3)) != 0)
        QSKIP("making a device node needs root");
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"),
                              QStringLiteral("iterations=2000"), QStringLiteral("--png"), node});
    QCOMPARE(r.status, 0);
    QVERIFY(isKind(node, S_IFCHR));
    QFile::remove(node);
}

void TestCli::fullDiskFailsWithoutLeavingAFile()
{
    // A 64 KiB file system of our own, filled up to its last 8 KiB: even the smallest drawing (over
    // 20 KiB of SVG: legend, axis, labels) does not fit, however few shapes the run needs.
    const QString small = m_dir.filePath(QStringLiteral("small"));
    QVERIFY(QDir().mkpath(small));
    if (::mount("tmpfs", QFile::encodeName(small).constData(), "tmpfs", 0, "size=64k") != 0)
        QSKIP("mounting a small tmpfs needs root");
    QFile filler(small + QStringLiteral("/filler"));
    const bool filled = filler.open(QIODevice::WriteOnly) &&
                        filler.write(QByteArray(56 * 1024, 'x')) == 56 * 1024 && filler.flush();
    filler.close();
    const QString target = small + QStringLiteral("/t.svg");
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("lock=on"),
                              QStringLiteral("iterations=20000"), QStringLiteral("--svg"), target});
    const QStringList left = QDir(small).entryList(QDir::Files | QDir::Hidden | QDir::System);
    ::umount(QFile::encodeName(small).constData());
    QVERIFY(filled);
    QCOMPARE(r.status, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.contains(QByteArray("cannot write '" + QFile::encodeName(target) + "'")),
             r.err.constData());
    QVERIFY2(r.err.contains("No space left on device"), r.err.constData());
    QVERIFY(!r.out.contains("wrote"));
    QCOMPARE(left, QStringList{QStringLiteral("filler")}); // nothing half-written, no temporary file
}

void TestCli::unaskedWorkerFailureExitsOne()
{
    // A worker killed from outside mid-run: the run is reported, its unknowable numbers as unknown
    // (never as a negative loss), and the exit status says something went wrong.
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    app.start(QStringLiteral(RACEWAY_BINARY),
              {QStringLiteral("run"), QStringLiteral("shared-value"), QStringLiteral("processes=2"),
               QStringLiteral("increments=100000000"), QStringLiteral("--json")});
    QVERIFY(app.waitForStarted());
    QList<qint64> workers;
    QTRY_VERIFY_WITH_TIMEOUT((workers = raceway::testing::workerChildrenOf(app.processId())).size() == 2,
                             10000);
    QTest::qWait(300);
    // Attached and racing: the shared memory's name is already gone, so even a SIGKILL leaves nothing.
    QCOMPARE(segmentsOf(app.processId()), QStringList());
    ::kill(pid_t(workers.first()), SIGKILL);
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitCode(), 1);
    const QJsonObject o = QJsonDocument::fromJson(app.readAllStandardOutput()).object();
    const QJsonObject m = o.value(QStringLiteral("metrics")).toObject();
    QVERIFY(m.value(QStringLiteral("lost_updates")).isNull());
    QVERIFY(m.value(QStringLiteral("actual")).toInteger() > 0);
    QVERIFY2(
        o.value(QStringLiteral("problems")).toArray().at(0).toString().contains(QStringLiteral("was killed")),
        QJsonDocument(o).toJson().constData());
    QVERIFY(app.readAllStandardError().contains("was killed"));
    // A failure the user asked for is not a problem.
    const Result asked =
        raceway({QStringLiteral("run"), QStringLiteral("processes"), QStringLiteral("processes=2"),
                 QStringLiteral("iterations=2000000"), QStringLiteral("fault=crash")});
    QCOMPARE(asked.status, 0);
}

void TestCli::sharedMemoryNeverOutlivesARun()
{
    // A segment named by a raceway that no longer exists is swept by the next run that makes one.
    const qint64 gone = 2'147'480'000;
    QVERIFY(::kill(pid_t(gone), 0) != 0);
    const QString stale = QStringLiteral("/dev/shm/raceway-%1-0").arg(gone);
    {
        QFile f(stale);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("shared-value"),
                              QStringLiteral("processes=2"), QStringLiteral("increments=1000")});
    QCOMPARE(r.status, 0);
    QVERIFY(!QFile::exists(stale));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
