// The Chrome Trace Event export parses back and says the same as the trace: one name per lane, wait
// spans that sum to the reported lock wait, one instant per lost-update marker, counter samples.

#include "traceexport.h"
#include "tracechecks.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace raceway;
using namespace raceway::testing;

class TestTraceExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockedRunRoundTrips();
    void unlockedRunHasMarkers();
    void failingDeviceReportsError();

private:
    static QJsonArray exportEvents(const Trace &t)
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QString error;
        if (!writeChromeTrace(t, buffer, &error))
            qFatal("export failed: %s", qPrintable(error));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(buffer.data(), &pe);
        if (pe.error != QJsonParseError::NoError)
            qFatal("not JSON: %s", qPrintable(pe.errorString()));
        return doc.object().value(QStringLiteral("traceEvents")).toArray();
    }
    // "12.345" microseconds to nanoseconds, exactly.
    static std::int64_t nanos(const QJsonValue &v) { return qRound64(v.toDouble() * 1000.0); }
};

void TestTraceExport::lockedRunRoundTrips()
{
    auto r = runScenario(QStringLiteral("counter"),
                         {QStringLiteral("threads=3"), QStringLiteral("iterations=3000"), QStringLiteral("lock=on")});
    const Trace &t = r->trace();
    const QJsonArray events = exportEvents(t);
    QStringList names;
    std::int64_t waitNs = 0, holds = 0;
    QJsonObject lastCounter;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QStringLiteral("ph")).toString();
        QVERIFY(e.contains(QStringLiteral("pid")) && e.contains(QStringLiteral("tid")));
        if (ph == QLatin1String("M") && e.value(QStringLiteral("name")).toString() == QLatin1String("thread_name"))
            names << e.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
        if (ph == QLatin1String("X")) {
            QVERIFY(e.value(QStringLiteral("dur")).toDouble() >= 0);
            const QString state = e.value(QStringLiteral("name")).toString();
            if (state == stateName(State::Waiting))
                waitNs += nanos(e.value(QStringLiteral("dur")));
            if (state == stateName(State::Holding))
                ++holds;
        }
        if (ph == QLatin1String("C") && e.value(QStringLiteral("name")).toString() == QLatin1String("counter"))
            lastCounter = e.value(QStringLiteral("args")).toObject();
    }
    QCOMPARE(names.size(), qsizetype(t.lanes().size()));
    for (const Lane &lane : t.lanes())
        QVERIFY(names.contains(lane.name));
    QCOMPARE(holds, 9000);
    // Each span is rounded to the nanosecond, so the sum matches to within one ns per span.
    const std::int64_t drawn = totalOverThreads(t, State::Waiting);
    QVERIFY2(std::llabs(waitNs - drawn) <= 9000, qPrintable(QStringLiteral("%1 vs %2").arg(waitNs).arg(drawn)));
    QCOMPARE(lastCounter.value(QStringLiteral("expected")).toInteger(), 9000);
    QCOMPARE(lastCounter.value(QStringLiteral("actual")).toInteger(), 9000);
}

void TestTraceExport::unlockedRunHasMarkers()
{
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=4"), QStringLiteral("iterations=50000")});
    const QJsonArray events = exportEvents(r->trace());
    qlonglong instants = 0, erased = 0;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("ph")).toString() == QLatin1String("i")) {
            ++instants;
            erased += e.value(QStringLiteral("args")).toObject().value(QStringLiteral("erased")).toInteger();
        }
    }
    QCOMPARE(instants, metric(*r, "lossy_writes"));
    QCOMPARE(erased, metric(*r, "lost_updates"));
}

void TestTraceExport::failingDeviceReportsError()
{
    auto r = runScenario(QStringLiteral("counter"), {QStringLiteral("threads=2"), QStringLiteral("iterations=1000")});
    QBuffer closed; // never opened: every write fails
    QString error;
    QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): device not open");
    QVERIFY(!writeChromeTrace(r->trace(), closed, &error));
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestTraceExport)
#include "tst_traceexport.moc"
