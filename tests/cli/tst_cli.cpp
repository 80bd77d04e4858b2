// The real raceway binary on the command line: verbs, JSON, exports, bad input that exits 2 with one line
// and writes nothing, process scenarios, and a bigger picture for --scale and --width.

#include "clitest.h"

#include <QRegularExpression>
#include <QSet>
#include <QThread>

class TestCli : public CliTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { checkBinary(); }
    void helpAndVersion();
    void aFileOpensTheWindow();
    void listIsTabSeparated();
    void describeListsEveryParameter();
    void runJsonIsOneObject();
    void runWritesAllFiles();
    void badInput_data();
    void badInput();
    void processScenarioFromTheCommandLine();
    void seedVariantEndsWithOne();
    void summaryValuesLineUp();
    void scaleAndWidthGrowTheWholePicture();
    void progressOnlyOnATerminal();
};

void TestCli::progressOnlyOnATerminal()
{
    // On a terminal (a pseudo-terminal from script(1), in bsdutils, always on Debian) one line says how
    // the run goes and is erased before the summary; --quiet and --json have none, and neither has a
    // standard error that is a pipe.
    const QString binary = QStringLiteral(RACEWAY_BINARY);
    const auto onTerminal = [&](const QString &extra, int iterations = 200000) {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(
            QStringLiteral("script"),
            {QStringLiteral("-qfec"),
             binary +
                 QStringLiteral(" run counter threads=2 iterations=%1 --max-events 4096 ").arg(iterations) +
                 extra,
             QStringLiteral("/dev/null")});
        if (!p.waitForFinished(120000)) qFatal("script did not finish");
        return QString::fromUtf8(p.readAllStandardOutput());
    };
    const QString shown = onTerminal({});
    QVERIFY2(shown.contains(QStringLiteral("raceway: counter · ")) &&
                 shown.contains(QStringLiteral("of 4,096 events recorded")) &&
                 shown.contains(QStringLiteral("\r\033[K")),
             qPrintable(shown));
    // Erased before the summary: the summary's first line starts after the erasing sequence.
    QVERIFY2(shown.contains(QStringLiteral("\r\033[Kcounter: 2 threads")), qPrintable(shown));
    // A run long enough for a second update says how far the count has got (the counter's own reading,
    // never past the run's total) and that it goes on past the budget.
    const QString longer = onTerminal(QStringLiteral("lock=on"), 1000000);
    const QRegularExpression counted(QStringLiteral("· ([0-9,]+) counted, the counter at ([0-9,]+)"));
    auto match = counted.globalMatch(longer);
    int updates = 0, counting = 0;
    while (match.hasNext()) {
        const QRegularExpressionMatch m = match.next();
        const qlonglong n = QLocale().toLongLong(m.captured(1)), value = QLocale().toLongLong(m.captured(2));
        // The lock is on: nothing lost, but an increment counted just before its write may be in flight
        // in each of the two threads. (A first update may come before either thread has counted: on a
        // loaded machine, under a sanitizer, threads start late.)
        QVERIFY2(n >= 0 && n <= 2000000 && value <= n && n - value <= 2, qPrintable(m.captured(0)));
        ++updates;
        counting += n > 0;
    }
    QVERIFY2(updates >= 1 && counting >= 1, qPrintable(longer));
    QVERIFY(longer.contains(QStringLiteral("budget reached at")) &&
            longer.contains(QStringLiteral("the count goes on")));
    QVERIFY(!onTerminal(QStringLiteral("--quiet")).contains(QStringLiteral("events recorded")));
    QVERIFY(!onTerminal(QStringLiteral("--json")).contains(QStringLiteral("events recorded")));
    const Result piped = raceway({QStringLiteral("run"), QStringLiteral("counter"),
                                  QStringLiteral("threads=2"), QStringLiteral("iterations=200000")});
    QCOMPARE(piped.status, 0);
    QVERIFY(!piped.err.contains("events recorded"));
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
    // Qt's window options around it keep it (they were taken for the file once, and it was not opened).
    const QStringList sized = {QStringLiteral("raceway"), QStringLiteral("-geometry"),
                               QStringLiteral("1280x800"), file, QStringLiteral("-reverse")};
    QCOMPARE(windowFile(sized), file);
    QVERIFY(!isCliInvocation(sized));
    QCOMPARE(
        windowFile({QStringLiteral("raceway"), file, QStringLiteral("-style"), QStringLiteral("fusion")}),
        file);
    QVERIFY(windowFile({QStringLiteral("raceway"), QStringLiteral("-geometry"), QStringLiteral("1280x800")})
                .isEmpty());
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
    // Four threads, the counter, Raceway's own threads, and (where the kernel gave switch records) which
    // thread each core ran.
    const QJsonObject m = o.value(QStringLiteral("metrics")).toObject();
    const bool switches =
        m.value(QStringLiteral("scheduler_source")).toString() == QLatin1String("context switches");
    QVERIFY(switches ? lanes.size() > 6 && lanes.size() <= 6 + QThread::idealThreadCount()
                     : lanes.size() == 6);
    QCOMPARE(lanes.at(4).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("counter"));
    QCOMPARE(lanes.at(5).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("raceway"));
    for (qsizetype i = 6; i < lanes.size(); ++i)
        QCOMPARE(lanes.at(i).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("core-runs"));
    const qint64 expected = m.value(QStringLiteral("expected")).toInteger();
    const qint64 actual = m.value(QStringLiteral("actual")).toInteger();
    QCOMPARE(expected, 800000);
    QVERIFY(actual < expected);
    QCOMPARE(m.value(QStringLiteral("lost_updates")).toInteger(), expected - actual);
    QVERIFY(m.contains(QStringLiteral("lock_wait_ms")));
    QCOMPARE(m.value(QStringLiteral("lock_acquisitions")).toInteger(), 0);
    // The critical path: contiguous segments from the start that add up to its length, and the same
    // length again per lane and state.
    const QJsonObject path = o.value(QStringLiteral("critical_path")).toObject();
    const qint64 length = path.value(QStringLiteral("length_ns")).toInteger();
    QVERIFY(length > 0);
    const QJsonArray segments = path.value(QStringLiteral("segments")).toArray();
    QCOMPARE(qint64(segments.size()), path.value(QStringLiteral("segments_total")).toInteger());
    qint64 at = 0, bySum = 0;
    for (const QJsonValue s : segments) {
        QCOMPARE(s.toObject().value(QStringLiteral("start_ns")).toInteger(), at);
        at = s.toObject().value(QStringLiteral("end_ns")).toInteger();
    }
    QCOMPARE(at, length);
    for (const QJsonValue s : path.value(QStringLiteral("by_lane_state")).toArray())
        bySum += s.toObject().value(QStringLiteral("ns")).toInteger();
    QCOMPARE(bySum, length);
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
    // Slices on every lane: the 4 threads and the lock. (How many depends on how often the lock changed
    // hands, which a loaded machine changes: "more than 500" failed under AddressSanitizer with a second
    // test running.)
    QSet<qint64> lanesWithSlices;
    for (const QJsonValue &e : doc.object().value(QStringLiteral("traceEvents")).toArray())
        if (e.toObject().value(QStringLiteral("ph")).toString() == QLatin1String("X"))
            lanesWithSlices.insert(e.toObject().value(QStringLiteral("tid")).toInteger());
    // And on each core's lane where the kernel gave switch records (which thread it ran).
    QVERIFY(lanesWithSlices.size() >= 5 && lanesWithSlices.size() <= 5 + QThread::idealThreadCount());
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

void TestCli::scaleAndWidthGrowTheWholePicture()
{
    // --scale 2 is a high-DPI export: twice the pixels in both directions, text and lines included;
    // a wider image past 1600 grows its text with it instead of becoming a thin strip.
    // One run, drawn three times: two runs may differ (one thread loses its core, the other not).
    QCOMPARE(raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("iterations=2000"),
                      QStringLiteral("--save"), QStringLiteral("scale.raceway")})
                 .status,
             0);
    const QStringList run = {QStringLiteral("show"), QStringLiteral("scale.raceway"),
                             QStringLiteral("--png")};
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

void TestCli::summaryValuesLineUp()
{
    // The deadlock scenario's labels are the longest ("Slowest detection after the cycle closed"): a
    // fixed column once ran them into their values.
    const Result r = raceway({QStringLiteral("run"), QStringLiteral("deadlock")});
    QCOMPARE(r.status, 0);
    const QRegularExpression row(QStringLiteral("^  (\\S(?:.*\\S)?)( {2,})(\\S.*)$"));
    QSet<qsizetype> columns;
    int rows = 0;
    for (const QString &line : QString::fromUtf8(r.out).split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1String("  ")) || line.startsWith(QLatin1String("  note"))) continue;
        const QRegularExpressionMatch m = row.match(line);
        QVERIFY2(m.hasMatch(), qPrintable(line)); // a label, two spaces or more, a value
        columns.insert(m.capturedStart(3));
        ++rows;
    }
    QVERIFY(rows >= 5);
    QCOMPARE(columns.size(), 1); // every value starts in the same column
    QVERIFY(r.out.contains("Slowest detection after the cycle closed  "));
    // Compare's list of modes is for --json: people read each mode's own rows, never a dump of records.
    const Result compare =
        raceway({QStringLiteral("run"), QStringLiteral("compare"), QStringLiteral("work_ms=20")});
    QCOMPARE(compare.status, 0);
    QVERIFY2(!compare.out.contains("(mode ") && compare.out.contains("speed-up"), compare.out.constData());
    // One row per mode, a column per measure: "  threads + GIL   102 ms   0.985 ×".
    const QRegularExpression modeRow(QStringLiteral("^  threads \\+ GIL +[0-9.,]+ ms +[0-9.,]+ ×$"),
                                     QRegularExpression::MultilineOption);
    QVERIFY2(modeRow.match(QString::fromUtf8(compare.out)).hasMatch(), compare.out.constData());
    const Result json = raceway({QStringLiteral("run"), QStringLiteral("compare"),
                                 QStringLiteral("work_ms=20"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(json.out)
                 .object()
                 .value(QStringLiteral("metrics"))
                 .toObject()
                 .value(QStringLiteral("modes"))
                 .toArray()
                 .size(),
             4);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
