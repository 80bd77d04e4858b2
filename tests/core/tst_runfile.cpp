// The saved-run file in process: what the Runner streams reads back into a trace identical to the
// run's, column by column, and a file cut anywhere or with any byte changed is refused (or read)
// without a crash, always with one line naming a byte offset.

#include "registry.h"
#include "runfilereader.h"
#include "runfilewriter.h"
#include "runner.h"
#include "savedrun.h"

#include <QBuffer>
#include <QTest>

#include <random>

using namespace raceway;

class TestRunFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reopenedTraceIsIdentical_data();
    void reopenedTraceIsIdentical();
    void compressingOnItsOwnThreadWritesTheSameBytes();
    void summariesOfEarlierVersionsStillOpen();
    void everyTruncationIsRefused();
    void changedBytesNeverCrash();

private:
    // Runs a scenario, saving it; returns the file and leaves the run's trace in *runner.
    static QByteArray saved(Runner &runner, std::uint64_t maxEvents,
                            RunFileWriter::Compression where = RunFileWriter::Compression::OnCaller)
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        RunFileWriter writer(buffer, maxEvents, where);
        runner.setSaver(&writer);
        runner.start();
        runner.wait();
        const runfile::SavedRun run =
            describeRun(runner.scenario(), runner.result(), maxEvents, runner.trace(), 0);
        QString error;
        if (!writer.finish(run, &error)) qFatal("%s", qPrintable(error));
        return buffer.data();
    }
    static QByteArray small()
    {
        const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
        QString error;
        const auto params = ParamValues::parse(
            s->params(), {QStringLiteral("threads=2"), QStringLiteral("iterations=300")}, &error);
        Runner runner(*s, *params, 100000);
        return saved(runner, 100000);
    }
};

void TestRunFile::reopenedTraceIsIdentical_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("params");
    QTest::addColumn<qulonglong>("budget");
    QTest::addColumn<bool>("ownThread");
    QTest::newRow("counter, lock off, compressed on its own thread")
        << "counter" << QStringList{QStringLiteral("iterations=100000")} << 10'000'000ull << true;
    QTest::newRow("deadlock, compressed on its own thread")
        << "deadlock" << QStringList{} << 10'000'000ull << true;
    QTest::newRow("counter, lock off")
        << "counter" << QStringList{QStringLiteral("iterations=100000")} << 10'000'000ull << false;
    QTest::newRow("counter, lock on")
        << "counter" << QStringList{QStringLiteral("lock=on"), QStringLiteral("iterations=20000")}
        << 10'000'000ull << false;
    QTest::newRow("budget spent") << "counter" << QStringList{QStringLiteral("iterations=100000")} << 20000ull
                                  << false;
    QTest::newRow("budget spent, lock on")
        << "counter" << QStringList{QStringLiteral("lock=on"), QStringLiteral("iterations=100000")}
        << 20000ull << false;
    QTest::newRow("gil") << "gil" << QStringList{QStringLiteral("iterations=2000")} << 10'000'000ull << false;
    QTest::newRow("deadlock") << "deadlock" << QStringList{} << 10'000'000ull << false;
}

void TestRunFile::reopenedTraceIsIdentical()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, params);
    QFETCH(qulonglong, budget);
    QFETCH(bool, ownThread);
    const Scenario *s = Registry::builtin().find(scenario);
    QVERIFY(s);
    QString error;
    const auto values = ParamValues::parse(s->params(), params, &error);
    QVERIFY2(values, qPrintable(error));
    Runner runner(*s, *values, budget);
    const QByteArray file =
        saved(runner, budget,
              ownThread ? RunFileWriter::Compression::OnOwnThread : RunFileWriter::Compression::OnCaller);
    QBuffer in;
    in.setData(file);
    in.open(QIODevice::ReadOnly);
    Trace back;
    runfile::SavedRun run;
    QVERIFY2(RunFileReader::read(in, &back, &run, &error), qPrintable(error));
    const Trace &t = runner.trace();
    QCOMPARE(back.start(), t.start());
    QCOMPARE(back.end(), t.end());
    QCOMPARE(back.eventCount(), t.eventCount());
    QCOMPARE(back.budgetReached(), t.budgetReached());
    QCOMPARE(back.lanes().size(), t.lanes().size());
    QCOMPARE(back.objects().size(), t.objects().size());
    for (std::size_t i = 0; i < t.lanes().size(); ++i) {
        const Lane &a = t.lane(i), &b = back.lane(i);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.transitionCount(), a.transitionCount());
        for (std::size_t k = 0; k < a.transitionCount(); ++k) {
            QCOMPARE(b.times[k], a.times[k]);
            QCOMPARE(b.states[k], a.states[k]);
            QCOMPARE(b.objs[k], a.objs[k]);
        }
        QCOMPARE(b.markers.size(), a.markers.size());
        for (std::size_t k = 0; k < a.markers.size(); ++k)
            QVERIFY(b.markers[k].t == a.markers[k].t && b.markers[k].value == a.markers[k].value &&
                    b.markers[k].other == a.markers[k].other);
        QCOMPARE(b.instants.size(), a.instants.size());
        for (std::size_t k = 0; k < a.instants.size(); ++k)
            QVERIFY(b.instants[k].t == a.instants[k].t && b.instants[k].value == a.instants[k].value &&
                    b.instants[k].kind == a.instants[k].kind);
        // (Readings from where a value lane's summary begins are in the summary: a replay also keeps
        // in the series those recorded after it began, which the live run put into it.)
        const std::int64_t until = a.pastSeries.started() ? a.pastSeries.start() : INT64_MAX;
        const auto before = [&](const Lane &l) {
            return std::size_t(std::count_if(l.series.begin(), l.series.end(),
                                             [&](const SeriesPoint &p) { return p.t < until; }));
        };
        QCOMPARE(before(b), before(a));
        for (std::size_t k = 0; k < before(a); ++k)
            QVERIFY(b.series[k].t == a.series[k].t && b.series[k].a == a.series[k].a &&
                    b.series[k].b == a.series[k].b);
        QCOMPARE(b.pastSeries.started(), a.pastSeries.started());
        QCOMPARE(b.pastSeries.start(), a.pastSeries.start());
        QCOMPARE(b.pastSeries.end(), a.pastSeries.end());
        QCOMPARE(b.pastSeries.size(), a.pastSeries.size());
        for (std::size_t k = 0; k < a.pastSeries.size(); ++k) {
            const SeriesSummary::Bucket &x = a.pastSeries.bucket(k), &y = b.pastSeries.bucket(k);
            QVERIFY(x.a.low == y.a.low && x.a.high == y.a.high && x.a.last == y.a.last);
            QVERIFY(x.b.low == y.b.low && x.b.high == y.b.high && x.b.last == y.b.last);
        }
        QCOMPARE(b.buckets.size(), a.buckets.size());
        // Past the budget: the summary, bucket by bucket.
        QCOMPARE(b.pastBudget.started(), a.pastBudget.started());
        QCOMPARE(b.pastBudget.start(), a.pastBudget.start());
        QCOMPARE(b.pastBudget.end(), a.pastBudget.end());
        QCOMPARE(b.pastBudget.widthShift(), a.pastBudget.widthShift());
        QCOMPARE(b.pastBudget.size(), a.pastBudget.size());
        for (std::size_t k = 0; k < a.pastBudget.size(); ++k) {
            QCOMPARE(b.pastBudget.bucketStart(k), a.pastBudget.bucketStart(k));
            QVERIFY(b.pastBudget.bucket(k).covered == a.pastBudget.bucket(k).covered);
            QCOMPARE(b.pastBudget.bucket(k).lost, a.pastBudget.bucket(k).lost);
            QCOMPARE(b.pastBudget.bucket(k).marks, a.pastBudget.bucket(k).marks);
        }
        QCOMPARE(b.pastBudget.statesSeen(), a.pastBudget.statesSeen());
        QCOMPARE(b.statesSeen, a.statesSeen);
        QCOMPARE(b.marksSeen, a.marksSeen);
        QCOMPARE(b.coresSeen, a.coresSeen);
    }
    // A run past its budget has lanes summarised from there, and the file keeps them.
    if (t.budgetReached() != 0)
        QVERIFY(std::any_of(t.lanes().begin(), t.lanes().end(),
                            [](const Lane &l) { return l.pastBudget.started() && l.pastBudget.size() > 0; }));
    // And with the lock on, the lock's queue past it (four threads queue for it).
    if (t.budgetReached() != 0 && params.contains(QStringLiteral("lock=on")))
        QVERIFY(std::any_of(t.lanes().begin(), t.lanes().end(), [](const Lane &l) {
            return l.kind == LaneKind::Lock && l.pastSeries.started();
        }));
    QCOMPARE(run.metrics.size(), runner.result().metrics.size());
    for (qsizetype k = 0; k < run.metrics.size(); ++k) {
        QCOMPARE(run.metrics[k].key, runner.result().metrics[k].key);
        QCOMPARE(run.metrics[k].value, runner.result().metrics[k].value);
        QCOMPARE(run.metrics[k].value.metaType(), runner.result().metrics[k].value.metaType());
    }
}

void TestRunFile::summariesOfEarlierVersionsStillOpen()
{
    // A run saved before "ready, loop busy" was a state (counter, 4 threads with a lock, past a 200,000
    // event budget): its lanes' summaries have 19 shares a bucket (record 7). They open into the same
    // states, every bucket's shares within its width, the new state's share none.
    QFile in(QStringLiteral(RACEWAY_TEST_DATA "/runs/summaries-19-states.raceway"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    Trace back;
    runfile::SavedRun run;
    QString error;
    QVERIFY2(RunFileReader::read(in, &back, &run, &error), qPrintable(error));
    int summarised = 0;
    std::int64_t holding = 0, waiting = 0;
    for (const Lane &lane : back.lanes()) {
        const StateSummary &s = lane.pastBudget;
        if (!s.started()) continue;
        ++summarised;
        for (std::size_t b = 0; b < s.size(); ++b) {
            std::int64_t covered = 0;
            for (std::size_t st = 0; st < StateSummary::states; ++st)
                covered += s.coveredNs(b, st);
            QVERIFY2(covered >= 0 && covered <= s.width() + (std::int64_t(1) << s.unitShift()) * 20,
                     qPrintable(QStringLiteral("%1, bucket %2: %3 ns in a %4 ns bucket")
                                    .arg(lane.name)
                                    .arg(b)
                                    .arg(covered)
                                    .arg(s.width())));
            QCOMPARE(s.coveredNs(b, std::size_t(State::LoopBusy)), std::int64_t(0));
            holding += s.coveredNs(b, std::size_t(State::Holding));
            waiting += s.coveredNs(b, std::size_t(State::Waiting));
        }
    }
    QVERIFY2(summarised >= 4, qPrintable(QString::number(summarised)));
    QVERIFY(holding > 0 && waiting > 0);
}

void TestRunFile::compressingOnItsOwnThreadWritesTheSameBytes()
{
    // The same calls, about 40 blocks' worth (more than the queue holds, so the caller waits for room),
    // written by both kinds of writer: the same bytes, in the same order.
    std::vector<Event> batch(50000);
    std::vector<LaneInfo> lanes;
    for (int i = 0; i < 8; ++i)
        lanes.push_back({QStringLiteral("lane %1").arg(i), LaneKind::Thread});
    QByteArray out[2];
    for (int mode = 0; mode < 2; ++mode) {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        {
            RunFileWriter writer(buffer, 100'000'000,
                                 mode ? RunFileWriter::Compression::OnOwnThread
                                      : RunFileWriter::Compression::OnCaller);
            writer.registry(lanes, {});
            std::mt19937 random(7);
            std::int64_t t = 1'000'000;
            for (int round = 0; round < 60; ++round) {
                for (Event &e : batch) {
                    t += std::int64_t(random() % 5000);
                    e = {t, std::uint32_t(random()), std::uint16_t(random() % 8), EventKind::Progress, 0};
                }
                writer.events(batch.data(), batch.size());
                writer.commit(t);
            }
            runfile::SavedRun run;
            run.scenario = QStringLiteral("counter");
            run.events = 60 * batch.size();
            QString error;
            QVERIFY2(writer.finish(run, &error), qPrintable(error));
            QCOMPARE(writer.bytesWritten(), std::uint64_t(buffer.data().size()));
        }
        out[mode] = buffer.data();
    }
    QVERIFY(out[0].size() > 20 * 1024 * 1024 / 8); // several blocks, compressed
    QVERIFY(out[0] == out[1]);
}

void TestRunFile::everyTruncationIsRefused()
{
    const QByteArray file = small();
    QVERIFY(file.size() > 40);
    for (qsizetype cut = 0; cut < file.size(); ++cut) {
        QBuffer in;
        in.setData(file.left(cut));
        in.open(QIODevice::ReadOnly);
        Trace trace;
        runfile::SavedRun run;
        QString error;
        QVERIFY2(!RunFileReader::read(in, &trace, &run, &error), qPrintable(QString::number(cut)));
        QVERIFY2(error.startsWith(QLatin1String("byte ")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }
}

void TestRunFile::changedBytesNeverCrash()
{
    const QByteArray file = small();
    std::mt19937 random(7); // fixed: the same files every time
    for (int round = 0; round < 2000; ++round) {
        QByteArray bad = file;
        const int changes = 1 + int(random() % 4);
        for (int c = 0; c < changes; ++c)
            bad[qsizetype(random() % std::uint32_t(bad.size()))] = char(random());
        QBuffer in;
        in.setData(bad);
        in.open(QIODevice::ReadOnly);
        Trace trace;
        runfile::SavedRun run;
        QString error;
        if (!RunFileReader::read(in, &trace, &run, &error))
            QVERIFY2(error.startsWith(QLatin1String("byte ")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestRunFile)
#include "tst_runfile.moc"
