// `raceway run … schedule=…` and `raceway explore`: interleavings made on purpose from the command line,
// every order run and counted against models of the steps written in the tests, bad input refused with
// one line, and Ctrl+C that acts at once.

#include "../core/countermodel.h"
#include "../core/lockstepmodels.h"
#include "clitest.h"

class TestExplore : public CliTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { checkBinary(); }
    void scheduleOnTheCommandLine();
    void exploreCountsEveryOrder_data();
    void exploreCountsEveryOrder();
    void exploreRefusesWhatItCannotDo();
    void exploreStopsAtOnce();
    void exploreTheBankAndTheDeadlock();
    void processesTakeStepsToo();
};

void TestExplore::scheduleOnTheCommandLine()
{
    // The schedule that loses an update, every time, on real threads; a wrong one says where.
    for (int i = 0; i < 3; ++i) {
        const Result r = raceway({QStringLiteral("run"), QStringLiteral("counter"),
                                  QStringLiteral("threads=2"), QStringLiteral("iterations=1"),
                                  QStringLiteral("schedule=1,2,1,2"), QStringLiteral("--json")});
        QCOMPARE(r.status, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(
            json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("lost_updates")).toInt(),
            1);
        QCOMPARE(json.value(QStringLiteral("params")).toObject().value(QStringLiteral("schedule")).toArray(),
                 QJsonArray({1, 2, 1, 2}));
    }
    const Result bad = raceway({QStringLiteral("run"), QStringLiteral("counter"), QStringLiteral("threads=2"),
                                QStringLiteral("iterations=1"), QStringLiteral("schedule=1,2,1,2,2"),
                                QStringLiteral("--png"), QStringLiteral("bad.png")});
    QCOMPARE(bad.status, 2);
    QCOMPARE(bad.err.count('\n'), 1);
    QVERIFY2(bad.err.contains("schedule: position 5 moves thread 2, which has no steps left"),
             bad.err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.png"))));
}

void TestExplore::exploreCountsEveryOrder_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("iterations");
    QTest::newRow("2x1") << 2 << 1;
    QTest::newRow("2x2") << 2 << 2;
    QTest::newRow("3x1") << 3 << 1;
}

void TestExplore::exploreCountsEveryOrder()
{
    // Every order of the reads and writes, run on real threads, against the count a model of the reads
    // and writes gives for every order (written here, not with Raceway's code).
    QFETCH(int, threads);
    QFETCH(int, iterations);
    std::vector<int> left(std::size_t(threads), 2 * iterations);
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    raceway::testing::orders(left, sofar, all);
    QJsonObject expected;
    for (const QList<qlonglong> &s : all) {
        const QString key = QString::number(raceway::testing::lostBy(s, threads));
        expected[key] = expected.value(key).toInt() + 1;
    }
    const Result r = raceway({QStringLiteral("explore"), QStringLiteral("counter"),
                              QStringLiteral("threads=%1").arg(threads),
                              QStringLiteral("iterations=%1").arg(iterations), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.out.count('\n'), 1);
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(json.value(QStringLiteral("interleavings")).toInteger(), qint64(all.size()));
    QCOMPARE(json.value(QStringLiteral("runs")).toInteger(), qint64(all.size()));
    QCOMPARE(json.value(QStringLiteral("lost_updates_histogram")).toObject(), expected);
    // Each outcome's example is an order that gives it.
    for (const QJsonValue &o : json.value(QStringLiteral("outcomes")).toArray()) {
        QList<qlonglong> example;
        for (const QString &t : o[QStringLiteral("example")].toString().split(QLatin1Char(',')))
            example << t.toLongLong();
        QCOMPARE(raceway::testing::lostBy(example, threads), o[QStringLiteral("lost_updates")].toInteger());
    }
    // With the lock only whole increments follow each other: nothing is ever lost.
    const Result locked =
        raceway({QStringLiteral("explore"), QStringLiteral("counter"),
                 QStringLiteral("threads=%1").arg(threads), QStringLiteral("iterations=%1").arg(iterations),
                 QStringLiteral("lock=on"), QStringLiteral("--json")});
    QCOMPARE(locked.status, 0);
    const QJsonObject lockedJson = QJsonDocument::fromJson(locked.out).object();
    QCOMPARE(lockedJson.value(QStringLiteral("lost_updates_histogram")).toObject().keys(),
             QStringList{QStringLiteral("0")});
}

void TestExplore::exploreRefusesWhatItCannotDo()
{
    const auto refused = [&](const QStringList &args, const char *says) {
        const Result r = raceway(QStringList{QStringLiteral("explore")} + args);
        QCOMPARE(r.status, 2);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains(says), r.err.constData());
        QVERIFY(r.out.isEmpty());
    };
    refused({QStringLiteral("counter"), QStringLiteral("threads=4"), QStringLiteral("iterations=3")},
            "explore: 2,308,743,493,056 orders of the steps, more than the limit of 100,000");
    refused({QStringLiteral("counter"), QStringLiteral("threads=2"), QStringLiteral("iterations=3"),
             QStringLiteral("--limit"), QStringLiteral("900")},
            "924 orders of the steps, more than the limit of 900");
    // One order of 200,000,000 steps: refused, never listed (it would take gigabytes, and its recursion the
    // stack).
    refused(
        {QStringLiteral("counter"), QStringLiteral("threads=1"), QStringLiteral("iterations=100000000")},
        "explore: 200,000,000 steps in each order, more than the 10,000 a schedule holds (fewer threads or "
        "iterations have fewer)\n");
    refused({QStringLiteral("pool")}, "scenario 'pool' has no step points to explore (scenarios with them: "
                                      "counter, shared-value, ping-pong, bank, deadlock)");
    refused({QStringLiteral("counter"), QStringLiteral("schedule=1,2")}, "leave out schedule=");
    refused({QStringLiteral("counter"), QStringLiteral("--limit"), QStringLiteral("0")},
            "--limit: '0' is not");
    refused({QStringLiteral("counter"), QStringLiteral("--png"), QStringLiteral("x.png")},
            "unknown option '--png' (options: --json, --limit N)");
    refused({}, "explore needs a scenario (scenarios with step points: counter, shared-value, ping-pong, "
                "bank, deadlock)");
}

void TestExplore::exploreStopsAtOnce()
{
    // 34,650 orders take minutes: Ctrl+C ends it within moments, saying how far it got.
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral(RACEWAY_BINARY), {QStringLiteral("explore"), QStringLiteral("counter"),
                                             QStringLiteral("threads=3"), QStringLiteral("iterations=2")});
    QVERIFY(p.waitForStarted());
    QTest::qWait(1500);
    QCOMPARE(p.state(), QProcess::Running);
    QElapsedTimer stopping;
    stopping.start();
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(10000));
    qInfo("stopped %lld ms after Ctrl+C", stopping.elapsed());
    QCOMPARE(p.exitCode(), 130);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("interrupted (SIGINT) after ") && err.contains(" of 34,650 orders"),
             err.constData());
    QVERIFY(p.readAllStandardOutput().contains("lost updates"));
}

void TestExplore::exploreTheBankAndTheDeadlock()
{
    // Three tellers withdraw 100 each from 200: every order of their checks and writes, run, against a
    // model of the account; four of five orders overdraw.
    std::vector<int> left{2, 2, 2};
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    raceway::testing::orders(left, sofar, all);
    QJsonObject overdrafts;
    for (const QList<qlonglong> &s : all) {
        const QString key = QString::number(raceway::testing::withdrawals(s, 3, 200, 100).overdrafts);
        overdrafts[key] = overdrafts.value(key).toInt() + 1;
    }
    const Result bank =
        raceway({QStringLiteral("explore"), QStringLiteral("bank"), QStringLiteral("threads=3"),
                 QStringLiteral("operations=1"), QStringLiteral("initial=200"), QStringLiteral("amount=100"),
                 QStringLiteral("withdraw_percent=100"), QStringLiteral("--json")});
    QCOMPARE(bank.status, 0);
    const QJsonObject bankJson = QJsonDocument::fromJson(bank.out).object();
    QCOMPARE(bankJson.value(QStringLiteral("interleavings")).toInteger(), qint64(all.size()));
    QCOMPARE(bankJson.value(QStringLiteral("overdrafts_histogram")).toObject(), overdrafts);
    QCOMPARE(overdrafts, (QJsonObject{{QStringLiteral("0"), 18}, {QStringLiteral("1"), 72}}));

    // Two philosophers, one round each: 6 orders, 4 deadlock; the text says how many orders and steps.
    std::vector<std::pair<QList<qlonglong>, int>> orders;
    QList<qlonglong> none;
    raceway::testing::philosopherOrders(raceway::testing::Philosophers(2, 1), none, orders);
    const Result deadlock =
        raceway({QStringLiteral("explore"), QStringLiteral("deadlock"), QStringLiteral("rounds=1")});
    QCOMPARE(deadlock.status, 0);
    QVERIFY2(deadlock.out.contains("6 orders of at least 2 steps a thread (first lock, second lock)"),
             deadlock.out.constData());
    QVERIFY2(deadlock.out.contains("\n0                   2    33 %  1,1,2,2\n") &&
                 deadlock.out.contains("\n1                   4    67 %  1,2,1,2,2,2\n"),
             deadlock.out.constData());
    QCOMPARE(orders.size(), std::size_t(6));
    // A schedule that moves a waiting thread says so, and runs nothing.
    const Result waiting =
        raceway({QStringLiteral("run"), QStringLiteral("deadlock"), QStringLiteral("rounds=1"),
                 QStringLiteral("schedule=1,2,1,1"), QStringLiteral("--json")});
    QCOMPARE(waiting.status, 2);
    QCOMPARE(waiting.err, QByteArray("raceway: schedule: position 4 moves thread 1, which waits for lock B "
                                     "(thread 2 holds it): move thread 2 first\n"));
    QVERIFY(waiting.out.isEmpty());
}

void TestExplore::processesTakeStepsToo()
{
    // The shared value's workers are processes: each waits in the shared memory at its read and its write,
    // and the schedule moves them as it moves threads. 1,2,1,2 loses one update, every time.
    for (int i = 0; i < 3; ++i) {
        const Result r = raceway({QStringLiteral("run"), QStringLiteral("shared-value"),
                                  QStringLiteral("processes=2"), QStringLiteral("increments=1"),
                                  QStringLiteral("schedule=1,2,1,2"), QStringLiteral("--json")});
        QCOMPARE(r.status, 0);
        const QJsonObject metrics =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("lost_updates")).toInt(), 1);
        QCOMPARE(metrics.value(QStringLiteral("actual")).toInt(), 1);
    }
    // Every order of two processes' two increments, against the counter's model of reads and writes.
    std::vector<int> left{4, 4};
    QList<qlonglong> sofar;
    std::vector<QList<qlonglong>> all;
    raceway::testing::orders(left, sofar, all);
    QJsonObject expected;
    for (const QList<qlonglong> &s : all) {
        const QString key = QString::number(raceway::testing::lostBy(s, 2));
        expected[key] = expected.value(key).toInt() + 1;
    }
    const Result r =
        raceway({QStringLiteral("explore"), QStringLiteral("shared-value"), QStringLiteral("processes=2"),
                 QStringLiteral("increments=2"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(json.value(QStringLiteral("runs")).toInteger(), qint64(70));
    QCOMPARE(json.value(QStringLiteral("lost_updates_histogram")).toObject(), expected);
}

QTEST_GUILESS_MAIN(TestExplore)
#include "tst_explore.moc"
