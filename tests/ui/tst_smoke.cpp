// The real binary in a real X server: the window appears with its title, a run starts with F5, and
// Ctrl+Q during the run exits cleanly with status 0. Needs Xvfb and xdotool (CI installs them).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestSmoke : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windowAppearsRunsAndQuits();

private:
    static QString run(const QString &program, const QStringList &args, const QProcessEnvironment &env)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(program, args);
        p.waitForFinished(10000);
        return QString::fromUtf8(p.readAllStandardOutput());
    }
};

void TestSmoke::windowAppearsRunsAndQuits()
{
    const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("Xvfb"));
    const QString xdotool = QStandardPaths::findExecutable(QStringLiteral("xdotool"));
    if (xvfb.isEmpty() || xdotool.isEmpty())
        QSKIP("Xvfb or xdotool is not installed (apt install xvfb xdotool): the real-window smoke test cannot run");

    int display = 0;
    for (int d = 140; d < 200; ++d)
        if (!QFile::exists(QStringLiteral("/tmp/.X11-unix/X%1").arg(d)) && !QFile::exists(QStringLiteral("/tmp/.X%1-lock").arg(d))) {
            display = d;
            break;
        }
    QVERIFY(display != 0);
    QProcess server;
    server.start(xvfb, {QStringLiteral(":%1").arg(display), QStringLiteral("-screen"), QStringLiteral("0"),
                        QStringLiteral("1600x1000x24"), QStringLiteral("-nolisten"), QStringLiteral("tcp")});
    QVERIFY(server.waitForStarted());
    auto cleanup = qScopeGuard([&] {
        server.terminate();
        server.waitForFinished(5000);
    });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(QStringLiteral("/tmp/.X11-unix/X%1").arg(display)), 10000);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.insert(QStringLiteral("DISPLAY"), QStringLiteral(":%1").arg(display));
    QTemporaryDir home; // a fresh configuration: first start
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());

    QProcess app;
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(RACEWAY_BINARY), {});
    QVERIFY(app.waitForStarted());
    QString window;
    QTRY_VERIFY_WITH_TIMEOUT(!(window = run(xdotool, {QStringLiteral("search"), QStringLiteral("--onlyvisible"),
                                                      QStringLiteral("--name"), QStringLiteral("^Raceway$")},
                                            env)
                                           .trimmed())
                                  .isEmpty(),
                             20000);
    window = window.section(QLatin1Char('\n'), 0, 0);
    const QString geometry = run(xdotool, {QStringLiteral("getwindowgeometry"), window}, env);
    qInfo("window %s: %s", qPrintable(window), qPrintable(geometry.simplified()));
    QVERIFY2(geometry.contains(QStringLiteral("Geometry:")), qPrintable(geometry));
    const QStringList size = geometry.section(QStringLiteral("Geometry: "), 1).trimmed().split(QLatin1Char('x'));
    QVERIFY(size.value(0).toInt() >= 1200 && size.value(1).toInt() >= 760);

    run(xdotool, {QStringLiteral("windowfocus"), QStringLiteral("--sync"), window}, env);
    run(xdotool, {QStringLiteral("key"), QStringLiteral("F5")}, env);
    QTest::qWait(700); // the run is going (the window default lasts seconds)
    QCOMPARE(app.state(), QProcess::Running);
    QElapsedTimer timer;
    timer.start();
    run(xdotool, {QStringLiteral("key"), QStringLiteral("ctrl+q")}, env);
    QVERIFY2(app.waitForFinished(15000), "Ctrl+Q did not end the app");
    qInfo("quit during a run took %lld ms", timer.elapsed());
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestSmoke)
#include "tst_smoke.moc"
