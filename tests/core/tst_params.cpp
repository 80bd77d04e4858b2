// Parameters parse against their specs: good values become typed values; bad ones give one line that
// names the parameter and the allowed values.

#include "registry.h"

#include <QTest>

using namespace raceway;

class TestParams : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsAreValid();
    void descriptionsSpeakToPeople();
    void good_data();
    void good();
    void bad_data();
    void bad();
};

static QList<ParamSpec> counterSpecs()
{
    return Registry::builtin().find(QStringLiteral("counter"))->params();
}

void TestParams::defaultsAreValid()
{
    for (const Scenario *s : Registry::builtin().all())
        for (const ParamSpec &p : s->params()) {
            QVERIFY2(p.accepts(p.defaultValue), qPrintable(s->id() + QLatin1Char('.') + p.name));
            QVERIFY2(!p.help.isEmpty(), qPrintable(p.name));
        }
}

void TestParams::descriptionsSpeakToPeople()
{
    // A description names no parameter by its identifier ("io_ms") and says no "thread(s)"; one that
    // quotes numbers quotes the values it is shown for (the window's defaults differ from the command
    // line's: the pool's are 9 tasks of 700 ms, its command line's 5 of 300).
    for (const Scenario *s : Registry::builtin().all()) {
        for (const ParamValues &values :
             {ParamValues::defaults(s->params()), ParamValues::windowDefaults(s->params())}) {
            const QString text = s->descriptionFor(values);
            for (const ParamSpec &p : s->params())
                if (p.name.contains(QLatin1Char('_')))
                    QVERIFY2(!text.contains(p.name), qPrintable(s->id() + QStringLiteral(": ") + p.name));
            QVERIFY2(!text.contains(QStringLiteral("(s)")), qPrintable(s->id()));
            // The title, too, is words: no "workers=3 inputs=1,2,3…" dump of the parameters.
            const QString title = s->headline(values, {});
            QVERIFY2(!title.contains(QLatin1Char('=')) && !title.contains(QStringLiteral("(s)")),
                     qPrintable(title));
        }
    }
    const Scenario *pool = Registry::builtin().find(QStringLiteral("pool"));
    QVERIFY(
        pool->descriptionFor(ParamValues::windowDefaults(pool->params()))
            .contains(QStringLiteral("9 tasks of 700 ms and 3 threads, 3 start at once and the other 6")));
    QVERIFY(pool->description().contains(QStringLiteral("5 tasks of 300 ms and 3 threads")));
    QVERIFY(pool->description().contains(QStringLiteral("about 600 ms")));
    const Scenario *loop = Registry::builtin().find(QStringLiteral("event-loop"));
    QVERIFY(loop->description().contains(QStringLiteral("in about 2,000 ms, not 10,000")));
}

void TestParams::good_data()
{
    QTest::addColumn<QString>("arg");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVariant>("value");
    QTest::newRow("threads min") << "threads=1"
                                 << "threads" << QVariant(qlonglong(1));
    QTest::newRow("threads max") << "threads=64"
                                 << "threads" << QVariant(qlonglong(64));
    QTest::newRow("spaces") << "threads= 8 "
                            << "threads" << QVariant(qlonglong(8));
    QTest::newRow("iterations max") << "iterations=100000000"
                                    << "iterations" << QVariant(qlonglong(100000000));
    QTest::newRow("lock on") << "lock=on"
                             << "lock" << QVariant(true);
    QTest::newRow("lock OFF") << "lock=OFF"
                              << "lock" << QVariant(false);
    QTest::newRow("lock true") << "lock=true"
                               << "lock" << QVariant(true);
    QTest::newRow("window zero") << "window_ns=0"
                                 << "window_ns" << QVariant(qlonglong(0));
}

void TestParams::good()
{
    QFETCH(QString, arg);
    QFETCH(QString, name);
    QFETCH(QVariant, value);
    QString error;
    const auto v = ParamValues::parse(counterSpecs(), {arg}, &error);
    QVERIFY2(v.has_value(), qPrintable(error));
    QCOMPARE(v->value(name), value);
    // Everything not given keeps its default.
    QCOMPARE(v->all().size(), std::size_t(counterSpecs().size()));
}

void TestParams::bad_data()
{
    QTest::addColumn<QString>("arg");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("zero threads") << "threads=0"
                                  << "'threads': 0 is out of range (allowed: 1..64)";
    QTest::newRow("too many threads") << "threads=65"
                                      << "(allowed: 1..64)";
    QTest::newRow("threads abc") << "threads=abc"
                                 << "'threads': 'abc' is not a whole number (allowed: 1..64)";
    QTest::newRow("fraction") << "iterations=1.5"
                              << "'iterations': '1.5' is not a whole number (allowed: 1..100000000)";
    QTest::newRow("negative") << "iterations=-3"
                              << "'iterations'";
    QTest::newRow("empty") << "threads="
                           << "'threads': empty value";
    QTest::newRow("lock maybe") << "lock=maybe"
                                << "'lock': 'maybe' is not on or off (allowed: on, off)";
    QTest::newRow("unknown") << "colour=red"
                             << "unknown parameter 'colour' (parameters: threads, iterations, lock";
    QTest::newRow("no equals") << "threads"
                               << "expected name=value, got 'threads'";
    QTest::newRow("overflow") << "iterations=99999999999999999999999"
                              << "'iterations'";
}

void TestParams::bad()
{
    QFETCH(QString, arg);
    QFETCH(QString, mentions);
    QString error;
    QVERIFY(!ParamValues::parse(counterSpecs(), {QStringLiteral("threads=2"), arg}, &error).has_value());
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(TestParams)
#include "tst_params.moc"
