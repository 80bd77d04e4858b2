// How the results table writes what a run measured: differences with their sign and share, numbers to
// three significant digits, and a negative number with the minus sign the pictures use.

#include "windowtest.h"

using namespace raceway;
using namespace raceway::windowtest;

class TestResultsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // not the user's settings
    void init() { QSettings().clear(); }                              // nor another test's
    void differenceFormatting();
    void negativeNumbersWithTheMinusSign();
};

void TestResultsPanel::differenceFormatting()
{
    const QLocale l;
    const Metric before{QStringLiteral("lost_updates"), QStringLiteral("Lost"), qlonglong(1000), {}};
    const Metric after{QStringLiteral("lost_updates"), QStringLiteral("Lost"), qlonglong(0), {}};
    QCOMPARE(metricDifference(after, before),
             QStringLiteral("\u2212") + l.toString(1000) + QStringLiteral(" (\u2212100 %)"));
    QCOMPARE(metricDifference(before, after),
             QStringLiteral("+") + l.toString(1000)); // no percentage of zero
    const Metric slow{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 30.0, QStringLiteral("ms")};
    const Metric fast{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 20.0, QStringLiteral("ms")};
    QCOMPARE(metricDifference(slow, fast),
             QStringLiteral("+") + l.toString(10.0, 'f', 1) + QStringLiteral(" ms (+50 %)"));
    QCOMPARE(metricDifference(fast, fast), QStringLiteral("0 ms"));
    // Three significant digits, never fewer than the whole part: a difference of seconds fits its column.
    const Metric long1{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 5911.234, QStringLiteral("ms")};
    const Metric long2{QStringLiteral("wall_ms"), QStringLiteral("Wall"), 3536.9, QStringLiteral("ms")};
    QCOMPARE(metricDifference(long1, long2),
             QStringLiteral("+") + l.toString(2374) + QStringLiteral(" ms (+67 %)"));
    QCOMPARE(formatMetric(long1), l.toString(5911) + QStringLiteral(" ms"));
    QCOMPARE(formatMetric({QStringLiteral("speedup"), {}, 1.0, QStringLiteral("×")}),
             l.toString(1.0, 'f', 2) + QStringLiteral(" ×"));
    QCOMPARE(formatMetric({QStringLiteral("share"), {}, 100.0, QStringLiteral("%")}),
             QStringLiteral("100 %"));
    QCOMPARE(formatNumber(0.12345), l.toString(0.123, 'f', 3));
    // A fraction kept for programs reads as a percentage ("GIL held 99.6 %", was "0.996").
    QCOMPARE(formatMetric({QStringLiteral("gil_held_share"), {}, 0.996, QStringLiteral("share")}),
             l.toString(99.6, 'f', 1) + QStringLiteral(" %"));
    QVERIFY(metricDifference({QStringLiteral("x"), {}, QStringLiteral("yes"), {}}, before).isEmpty());
    QVERIFY(metricDifference({QStringLiteral("x"), {}, QVariant(), {}}, before)
                .isEmpty()); // unknown stays unknown
}

void TestResultsPanel::negativeNumbersWithTheMinusSign()
{
    // The bank's two threads both check 100 before either pays (the schedule makes it so every time):
    // the balance ends at -100, written in the table with the minus sign the picture's title uses.
    MainWindow w;
    QVERIFY(w.selectScenario(QStringLiteral("bank")));
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("threads"), qlonglong(2));
    v.set(QStringLiteral("operations"), qlonglong(1));
    v.set(QStringLiteral("initial"), qlonglong(100));
    v.set(QStringLiteral("withdraw_percent"), qlonglong(100));
    v.set(QStringLiteral("window_ns"), qlonglong(0));
    v.setIntegers(QStringLiteral("schedule"), {1, 2, 1, 2});
    w.form()->setValues(v);
    runToEnd(w);
    QCOMPARE(metricValue(w.runner()->result().metrics, QStringLiteral("final_balance")).toLongLong(), -100);
    QCOMPARE(w.results()->valueText(QStringLiteral("final_balance"), ResultsPanel::Current),
             QStringLiteral("\u2212") + QLocale().toString(100));
    QVERIFY(w.view()->currentTitle().contains(QStringLiteral("balance \u2212") + QLocale().toString(100)));
}

QTEST_MAIN(TestResultsPanel)
#include "tst_resultspanel.moc"
