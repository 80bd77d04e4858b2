// Real Python scripts that go wrong under Raceway's tracer: bad input fails with one line (exit 2), a
// script's own error exits 1 with its traceback, and a timeout, SIGTERM or a closed pipe leaves nothing
// running; megabytes of output are passed on whole.

#include "pythontest.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

using namespace raceway;

class TestPythonErrors : public PythonTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { findPythonAndTracer(); }
    void badInput_data();
    void badInput();
    void syntaxErrorShowsTracebackExitsOne();
    void timeoutKillsEverything();
    void deadlockIsFoundNamedAndEnded();
    void sigtermKillsEverything();
    void closedPipeIsReported();
    void megabytesOfOutput();
    void pythonsListsWhatItFinds();
};

void TestPythonErrors::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no script") << QStringList{QStringLiteral("trace")}
                               << QStringLiteral("trace needs a Python script");
    QTest::newRow("missing") << QStringList{QStringLiteral("trace"), QStringLiteral("nowhere.py")}
                             << QStringLiteral("no such script 'nowhere.py'");
    QTest::newRow("directory") << QStringList{QStringLiteral("trace"), QStringLiteral(".")}
                               << QStringLiteral("is a directory");
    QTest::newRow("binary") << QStringList{QStringLiteral("trace"), QStringLiteral("binary.py")}
                            << QStringLiteral("not a Python script");
    QTest::newRow("no python") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                              QStringLiteral("--python"),
                                              QStringLiteral("/nonexistent/python3")}
                               << QStringLiteral("no Python interpreter at '/nonexistent/python3'");
    // Interpreters that answer (or not) as these do: asked before anything runs.
    QTest::newRow("not python") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                               QStringLiteral("--python"), QStringLiteral("./not-python")}
                                << QStringLiteral("/not-python' is not a Python interpreter");
    QTest::newRow("python 2") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                             QStringLiteral("--python"), QStringLiteral("./old-python2")}
                              << QStringLiteral("is Python 2.7.18: the tracer needs Python 3.8 or later");
    QTest::newRow("python 3.7") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                               QStringLiteral("--python"), QStringLiteral("./old-python3")}
                                << QStringLiteral("is Python 3.7.16: the tracer needs Python 3.8 or later");
    QTest::newRow("pythons, bad argument")
        << QStringList{QStringLiteral("pythons"), QStringLiteral("--all")}
        << QStringLiteral("pythons: unknown argument '--all' (allowed: --json)");
    QTest::newRow("bad timeout") << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                                                QStringLiteral("--timeout"), QStringLiteral("soon")}
                                 << QStringLiteral("option --timeout");
    QTest::newRow("bad on-deadlock")
        << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"),
                       QStringLiteral("--on-deadlock=maybe")}
        << QStringLiteral("option --on-deadlock: 'maybe' is not allowed (allowed: end, wait)");
    QTest::newRow("unknown option first")
        << QStringList{QStringLiteral("trace"), QStringLiteral("--pgn"), QStringLiteral("x.png"),
                       QStringLiteral("ok.py")}
        << QStringLiteral("unknown option '--pgn' (options: --png, --svg, --trace, "
                          "--json, --width, --scale, --max-events, --save, --quiet, "
                          "--timeout, --python, --calls, --slow-step, --watch, "
                          "--on-deadlock=end|wait)");
    QTest::newRow("only options") << QStringList{QStringLiteral("trace"), QStringLiteral("--json")}
                                  << QStringLiteral("trace needs a Python script");
    QTest::newRow("option without value")
        << QStringList{QStringLiteral("trace"), QStringLiteral("ok.py"), QStringLiteral("--png")}
        << QStringLiteral("option --png needs a value");
}

void TestPythonErrors::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    writeScript(QStringLiteral("binary.py"), QByteArray("\x7f"
                                                        "ELF\0\0\0",
                                                        7));
    writeScript(QStringLiteral("ok.py"), "print('never run')\n");
    // Stand-ins for interpreters, answering Raceway's question as each would (or not at all).
    const auto program = [&](const char *name, const char *body) {
        const QString path = writeScript(QString::fromLatin1(name), QByteArray("#!/bin/sh\n") + body);
        QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ExeOwner);
    };
    program("not-python", "echo hello\n");
    program("old-python2", "echo raceway-probe 2 7 2.7.18 0\n");
    program("old-python3", "echo raceway-probe 3 7 3.7.16 0\n");
    const Result r = raceway(args);
    QCOMPARE(r.status, 2);
    QVERIFY2(r.err.startsWith("raceway: ") && r.err.count('\n') == 1, r.err.constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY(!r.err.contains("never run"));
}

void TestPythonErrors::syntaxErrorShowsTracebackExitsOne()
{
    writeScript(QStringLiteral("broken.py"), "print('a'\nx = = 1\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("broken.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("SyntaxError"), r.err.constData());
    QVERIFY2(r.err.contains("broken.py"), r.err.constData());
    QVERIFY2(r.err.contains("raceway: the script exited with status 1"), r.err.constData());
    QCOMPARE(r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("exit_code")).toInt(),
             1);
}

namespace {
// A script that never ends and leaves a child process and a grandchild behind it, writing their pids.
const char *const endless = R"PY(import multiprocessing as mp, os, subprocess, sys, time
def forever():
    time.sleep(1000)
if __name__ == "__main__":
    child = mp.Process(target=forever)
    child.start()
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
    with open(sys.argv[1], "w") as f:
        f.write("%d %d %d\n" % (os.getpid(), child.pid, grandchild.pid))
    while True:
        time.sleep(0.05)
)PY";
} // namespace

void TestPythonErrors::deadlockIsFoundNamedAndEnded()
{
    // Two threads taking two locks made on one line in opposite order: the cycle is found, named with
    // both threads and both locks (told apart), and the script is ended a second later (exit 1), long
    // before the timeout.
    writeScript(QStringLiteral("dl.py"), "import threading, time\n"
                                         "a = threading.Lock(); b = threading.Lock()\n"
                                         "def ab():\n"
                                         "    with a:\n"
                                         "        time.sleep(0.05)\n"
                                         "        with b: pass\n"
                                         "def ba():\n"
                                         "    with b:\n"
                                         "        time.sleep(0.05)\n"
                                         "        with a: pass\n"
                                         "t1 = threading.Thread(target=ab, name='transfer-ab')\n"
                                         "t2 = threading.Thread(target=ba, name='transfer-ba')\n"
                                         "t1.start(); t2.start(); t1.join(); t2.join()\n");
    QElapsedTimer clock;
    clock.start();
    // Options before the script, as most tools take them.
    const Result r = raceway({QStringLiteral("trace"), QStringLiteral("--timeout"), QStringLiteral("30"),
                              QStringLiteral("--json"), QStringLiteral("dl.py")});
    QCOMPARE(r.status, 1);
    QVERIFY2(clock.elapsed() < 20'000, "the deadlocked script ran on to the timeout");
    const QJsonObject metrics = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("deadlocks")).toInt(), 1);
    const QJsonArray cycle = metrics.value(QStringLiteral("cycle")).toArray();
    QCOMPARE(cycle.size(), 2);
    const QString ab = cycle[0].toString() + QLatin1Char(' ') + cycle[1].toString();
    QVERIFY2(ab.contains(QStringLiteral("transfer-ab holds")) &&
                 ab.contains(QStringLiteral("transfer-ba holds")),
             qPrintable(ab));
    // Each holds what the other waits for, and the two locks have different names; each clause says
    // where the thread asked for the lock it waits for.
    const QRegularExpression clause(
        QStringLiteral("^(\\S+) holds (.+), waits for (.+) at (dl\\.py:\\d+ in \\w+)$"));
    const auto first = clause.match(cycle[0].toString()), second = clause.match(cycle[1].toString());
    QVERIFY2(first.hasMatch() && second.hasMatch(), qPrintable(ab));
    QCOMPARE(first.captured(2), second.captured(3));
    QCOMPARE(first.captured(3), second.captured(2));
    QVERIFY(first.captured(2) != first.captured(3));
    // Named as the script names them, not by the line that made both.
    QCOMPARE((QStringList{first.captured(2), first.captured(3)}),
             (first.captured(1) == QLatin1String("transfer-ab")
                  ? QStringList{QStringLiteral("Lock a"), QStringLiteral("Lock b")}
                  : QStringList{QStringLiteral("Lock b"), QStringLiteral("Lock a")}));
    QVERIFY2(r.err.contains("raceway: deadlock: transfer-"), r.err.constData());
    QVERIFY(r.json.value(QStringLiteral("problems"))
                .toArray()
                .first()
                .toString()
                .startsWith(QStringLiteral("deadlock: ")));
}

void TestPythonErrors::timeoutKillsEverything()
{
    writeScript(QStringLiteral("endless.py"), endless);
    const QString pids = m_dir.filePath(QStringLiteral("pids-timeout"));
    const Result r = raceway({QStringLiteral("trace"), QStringLiteral("endless.py"), pids,
                              QStringLiteral("--timeout"), QStringLiteral("3"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("ran past the timeout"), r.err.constData());
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> list = f.readAll().trimmed().split(' ');
    QCOMPARE(list.size(), 3);
    for (const QByteArray &pid : list)
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.toLongLong()), 5000);
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("exit_code")).toInt(), -SIGKILL);
    // Killed processes never said their tallies: unknown, not zero (the lanes still count theirs).
    for (const char *unknown : {"tracer_events", "lock_waits_traced", "overhead_ratio"})
        QVERIFY2(m.value(QLatin1String(unknown)).isNull(), unknown);
    QVERIFY(m.value(QStringLiteral("lock_waits")).isDouble());
}

void TestPythonErrors::sigtermKillsEverything()
{
    writeScript(QStringLiteral("endless.py"), endless);
    const QString pids = m_dir.filePath(QStringLiteral("pids-term"));
    QProcess app;
    app.setWorkingDirectory(m_dir.path());
    app.start(QStringLiteral(RACEWAY_BINARY), {QStringLiteral("trace"), QStringLiteral("endless.py"), pids});
    QVERIFY(app.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFile(pids).size() > 0, 30000);
    QTest::qWait(200);
    ::kill(pid_t(app.processId()), SIGTERM);
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 143);
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    for (const QByteArray &pid : f.readAll().trimmed().split(' '))
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.toLongLong()), 5000);
}

void TestPythonErrors::closedPipeIsReported()
{
    writeScript(QStringLiteral("closer.py"),
                "import os, threading\nos.close(int(os.environ['RACEWAY_TRACE_FD']))\n"
                "t = threading.Thread(target=print, args=('still here',))\nt.start()\nt.join()\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("closer.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 1);
    QVERIFY2(r.err.contains("still here"), r.err.constData());
    QVERIFY2(r.err.contains("closed Raceway's pipe"), r.err.constData());
    QCOMPARE(r.json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("exit_code")).toInt(),
             0);
}

void TestPythonErrors::megabytesOfOutput()
{
    writeScript(QStringLiteral("chatty.py"),
                "import sys\nline = 'x' * 1023\nfor i in range(4096):\n    print(line)\n");
    const Result r =
        raceway({QStringLiteral("trace"), QStringLiteral("chatty.py"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    QCOMPARE(r.err.size(), 4096 * 1024); // every byte reached the terminal's stand-in, none was held back
    const QJsonObject m = r.json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(m.value(QStringLiteral("printed_lines")).toInt(), 4096);
}

void TestPythonErrors::pythonsListsWhatItFinds()
{
    // `raceway pythons --json`: the interpreter these tests use is there with its version, and one named
    // in RACEWAY_PYTHON too; the free-threaded build (where test.sh made one) says so.
    const Result r = raceway({QStringLiteral("pythons"), QStringLiteral("--json")});
    QCOMPARE(r.status, 0);
    const QJsonArray list = r.json.value(QStringLiteral("pythons")).toArray();
    QVERIFY2(!list.isEmpty(), r.out.constData());
    const auto entry = [&](const QString &path) {
        for (const QJsonValue &v : list)
            if (QFileInfo(v[QStringLiteral("path")].toString()).canonicalFilePath() ==
                QFileInfo(path).canonicalFilePath())
                return v.toObject();
        return QJsonObject();
    };
    QString version;
    {
        QProcess p;
        p.start(m_python,
                {QStringLiteral("-c"), QStringLiteral("import platform; print(platform.python_version())")});
        QVERIFY(p.waitForFinished(10000));
        version = QString::fromLatin1(p.readAllStandardOutput().trimmed());
    }
    const QJsonObject mine = entry(m_python);
    QVERIFY2(!mine.isEmpty(), qPrintable(m_python + QStringLiteral(" is not listed")));
    QCOMPARE(mine.value(QStringLiteral("version")).toString(), version);
    QCOMPARE(mine.value(QStringLiteral("build")).toString(), QStringLiteral("gil"));
    const QString free = qEnvironmentVariable("RACEWAY_FREE_THREADED_PYTHON");
    if (!free.isEmpty()) {
        const QJsonObject ft = entry(free);
        QVERIFY2(!ft.isEmpty(), qPrintable(free + QStringLiteral(" is not listed")));
        QCOMPARE(ft.value(QStringLiteral("build")).toString(), QStringLiteral("free-threaded"));
    }
    // The plain form: one line each, the path first.
    const Result plain = raceway({QStringLiteral("pythons")});
    QCOMPARE(plain.status, 0);
    QCOMPARE(plain.out.count('\n'), qsizetype(list.size()));
}

QTEST_GUILESS_MAIN(TestPythonErrors)
#include "tst_pythonerrors.moc"
