// The command line's files and stops: an unwritable path, a FIFO, a device or a full disk fails with one
// line and leaves no file; Ctrl+C writes what was recorded; a killed parent or a failed worker leaves no
// worker and no shared memory behind.

#include "clitest.h"

class TestCliFiles : public CliTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { checkBinary(); }
    void unwritablePathFailsWithoutFile();
    void killedParentLeavesNoWorkers();
    void interruptWritesWhatWasRecorded_data();
    void interruptWritesWhatWasRecorded();
    void fifoIsWrittenIntoNotReplaced();
    void deviceIsWrittenIntoNotReplaced();
    void fullDiskFailsWithoutLeavingAFile();
    void unaskedWorkerFailureExitsOne();
    void sharedMemoryNeverOutlivesARun();
};

void TestCliFiles::unwritablePathFailsWithoutFile()
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

void TestCliFiles::killedParentLeavesNoWorkers()
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

void TestCliFiles::interruptWritesWhatWasRecorded_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("Ctrl+C") << int(SIGINT) << 130 << QStringLiteral("SIGINT");
    QTest::newRow("SIGTERM") << int(SIGTERM) << 143 << QStringLiteral("SIGTERM");
}

void TestCliFiles::interruptWritesWhatWasRecorded()
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

void TestCliFiles::fifoIsWrittenIntoNotReplaced()
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

void TestCliFiles::deviceIsWrittenIntoNotReplaced()
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

void TestCliFiles::fullDiskFailsWithoutLeavingAFile()
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

void TestCliFiles::unaskedWorkerFailureExitsOne()
{
    // Workers killed from outside mid-run: the run is reported, its unknowable numbers as unknown
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
    // Attached and racing: the shared memory's name is gone once both have attached (well before their
    // 100M increments end), so even a SIGKILL leaves nothing. (A fixed 300 ms was too short once, with
    // the other suites running beside it.)
    QTRY_COMPARE_WITH_TIMEOUT(segmentsOf(app.processId()), QStringList(), 10000);
    // Both killed: the run need not wait for a survivor's 100M increments (13 s) to say what it knows.
    for (const qint64 worker : workers)
        ::kill(pid_t(worker), SIGKILL);
    QVERIFY(app.waitForFinished(120000));
    QCOMPARE(app.exitCode(), 1);
    const QJsonObject o = QJsonDocument::fromJson(app.readAllStandardOutput()).object();
    const QJsonObject m = o.value(QStringLiteral("metrics")).toObject();
    QVERIFY(m.value(QStringLiteral("lost_updates")).isNull());
    // The shared value is still there to read (killed before their first increment, on a loaded machine,
    // the workers leave it at 0: that happened once, beside another suite).
    QVERIFY(m.value(QStringLiteral("actual")).isDouble() &&
            m.value(QStringLiteral("actual")).toInteger() >= 0);
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

void TestCliFiles::sharedMemoryNeverOutlivesARun()
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

QTEST_GUILESS_MAIN(TestCliFiles)
#include "tst_clifiles.moc"
