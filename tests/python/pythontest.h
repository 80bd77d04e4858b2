#pragma once

// What the Python tests share: raceway run as a command, a script traced in this process through the
// Runner (as the window runs one), scripts written to a temporary folder, and questions asked of a trace.

#include "pythonscenario.h"
#include "runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <set>

namespace raceway {

class PythonTest : public QObject
{
protected:
    // Python and the tracer are there (scripts/install-deps.sh installs python3): each test's initTestCase.
    void findPythonAndTracer();

    struct Result
    {
        int status;
        QByteArray out, err;
        QJsonObject json;
    };
    Result raceway(const QStringList &args, int timeoutMs = 60000)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(RACEWAY_BINARY), args);
        const bool finished = p.waitForFinished(timeoutMs);
        if (!finished) {
            p.kill();
            p.waitForFinished();
        }
        Result r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                 p.readAllStandardOutput(),
                 p.readAllStandardError(),
                 {}};
        // A failure that says why: a run too slow for its time (a loaded machine, a sanitizer) is not a
        // crash.
        if (!finished)
            r.err += "\n(the test stopped raceway after " + QByteArray::number(timeoutMs / 1000) + " s)";
        r.json = QJsonDocument::fromJson(r.out).object();
        return r;
    }
    // The script started in this process through the Runner, as the window would run it (`adjust`
    // may change the job first: a deadlock ended sooner, say).
    std::unique_ptr<Runner> started(const QString &script, const QStringList &args = {},
                                    const std::function<void(py::PythonJob &)> &adjust = {},
                                    std::uint64_t maxEvents = 20'000'000)
    {
        py::PythonJob job;
        job.script = script;
        job.args = args;
        job.python = m_python;
        QString error;
        job.tracerDir = py::tracerDirectory(&error);
        job.stdoutToStderr = true;
        job.timeoutMs = 60000;
        if (adjust) adjust(job);
        m_scenarios.push_back(std::make_unique<py::PythonScenario>(job));
        auto runner = std::make_unique<Runner>(*m_scenarios.back(), ParamValues(), maxEvents);
        runner->start();
        return runner;
    }
    // ... and run to its end.
    std::unique_ptr<Runner> traced(const QString &script, const QStringList &args = {},
                                   const std::function<void(py::PythonJob &)> &adjust = {},
                                   std::uint64_t maxEvents = 20'000'000)
    {
        auto runner = started(script, args, adjust, maxEvents);
        runner->wait();
        return runner;
    }
    static QString example(const char *name)
    {
        return QStringLiteral(RACEWAY_EXAMPLES_DIR "/") + QLatin1String(name);
    }
    QString writeScript(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write a test script");
        f.write(text);
        return path;
    }
    static std::vector<std::size_t> lanesOf(const Trace &trace, LaneKind kind)
    {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (trace.lane(i).kind == kind) out.push_back(i);
        return out;
    }
    // The object drawn on lane `lane` (a lock, an event, a queue), or -1.
    static int objectOfLane(const Trace &trace, std::size_t lane)
    {
        for (std::size_t o = 0; o < trace.objects().size(); ++o)
            if (trace.objects()[o].lane == int(lane)) return int(o);
        return -1;
    }
    // Python `version` ("3.8") as installed here: the system's, else pyenv's; empty when there is none
    // (*lookedIn says where it was looked for).
    static QString installedPython(const QString &version, QString *lookedIn)
    {
        QStringList candidates{QStringLiteral("/usr/bin/python") + version,
                               QStringLiteral("/usr/local/bin/python") + version};
        const QString pyenv =
            qEnvironmentVariable("PYENV_ROOT", QDir::homePath() + QStringLiteral("/.pyenv"));
        const QDir versions(pyenv + QStringLiteral("/versions"));
        for (const QString &dir :
             versions.entryList({version + QStringLiteral(".*")}, QDir::Dirs, QDir::Name))
            candidates << versions.filePath(dir + QStringLiteral("/bin/python") + version);
        *lookedIn = QStringLiteral("/usr/bin, /usr/local/bin and ") + versions.path();
        for (const QString &c : candidates)
            if (QFileInfo(c).isExecutable()) return c; // the system's first
        return {};
    }
    static std::size_t laneNamed(const Trace &trace, const QString &name)
    {
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (trace.lane(i).name == name) return i;
        return SIZE_MAX;
    }
    // Of the time two lanes both exist, the share in which both are runnable: running, or waiting for a
    // core (Ready) while the scheduler gives it to something else.
    static double bothRunnableShare(const Trace &trace, std::size_t a, std::size_t b);
    static bool processGone(qint64 pid);

    // While one lives, scripts are traced by the pure Python tracer (RACEWAY_TRACER_PURE), or else by
    // the C accelerator where it was built.
    struct PureTracer
    {
        explicit PureTracer(bool pure)
        {
            if (pure)
                qputenv("RACEWAY_TRACER_PURE", "1");
            else
                qunsetenv("RACEWAY_TRACER_PURE");
        }
        ~PureTracer() { qunsetenv("RACEWAY_TRACER_PURE"); }
        PureTracer(const PureTracer &) = delete;
        PureTracer &operator=(const PureTracer &) = delete;
    };
    static QString expectedTracer(bool pure)
    {
        return pure || py::tracerAccelerator().isEmpty() ? QStringLiteral("pure Python")
                                                         : QStringLiteral("C accelerator");
    }

    QTemporaryDir m_dir;
    QString m_python;
    std::vector<std::unique_ptr<py::PythonScenario>> m_scenarios;
};

inline void PythonTest::findPythonAndTracer()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_python = py::findPython({}, &error);
    QVERIFY2(!m_python.isEmpty(), qPrintable(error)); // scripts/install-deps.sh installs python3
    QVERIFY2(!py::tracerDirectory(&error).isEmpty(), qPrintable(error));
}

inline double PythonTest::bothRunnableShare(const Trace &trace, std::size_t a, std::size_t b)
{
    std::vector<Interval> ra, rb;
    std::int64_t aFrom = INT64_MAX, aTo = 0, bFrom = INT64_MAX, bTo = 0;
    trace.forEachInterval(a, [&](const Interval &iv) {
        if (iv.state == State::Running || iv.state == State::Ready) ra.push_back(iv);
        if (iv.state != State::Done && iv.state != State::Idle) {
            aFrom = std::min(aFrom, iv.start);
            aTo = std::max(aTo, iv.end);
        }
    });
    trace.forEachInterval(b, [&](const Interval &iv) {
        if (iv.state == State::Running || iv.state == State::Ready) rb.push_back(iv);
        if (iv.state != State::Done && iv.state != State::Idle) {
            bFrom = std::min(bFrom, iv.start);
            bTo = std::max(bTo, iv.end);
        }
    });
    const std::int64_t from = std::max(aFrom, bFrom), to = std::min(aTo, bTo);
    if (to <= from) return 0;
    std::int64_t both = 0;
    std::size_t j = 0;
    for (const Interval &x : ra) {
        while (j < rb.size() && rb[j].end <= x.start)
            ++j;
        for (std::size_t k = j; k < rb.size() && rb[k].start < x.end; ++k)
            both += std::max<std::int64_t>(0, std::min({x.end, rb[k].end, to}) -
                                                  std::max({x.start, rb[k].start, from}));
    }
    return double(both) / double(to - from);
}

inline bool PythonTest::processGone(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return true;
    const QByteArray s = stat.readAll();
    return s.mid(s.lastIndexOf(')') + 2, 1) == "Z";
}

// The free-threaded interpreter scripts/get-free-threaded-python.sh builds ($RACEWAY_FREE_THREADED_PYTHON
// first), or empty.
inline QString freeThreadedPython()
{
    QString path = qEnvironmentVariable("RACEWAY_FREE_THREADED_PYTHON");
    if (path.isEmpty()) path = py::cachedFreeThreadedPython();
    return QFileInfo(path).isExecutable() ? path : QString();
}

// Skips a test when there is no free-threaded interpreter, or fails it under test.sh, which provides one.
#define SKIP_WITHOUT_FREE_THREADED(python)                                                                   \
    do {                                                                                                     \
        if ((python).isEmpty()) {                                                                            \
            const QString why =                                                                              \
                QStringLiteral("no free-threaded Python: scripts/get-free-threaded-python.sh builds one");   \
            if (!qEnvironmentVariableIsEmpty("RACEWAY_REQUIRE_FREE_THREADED")) QFAIL(qPrintable(why));       \
            QSKIP(qPrintable(why));                                                                          \
        }                                                                                                    \
    } while (false)

} // namespace raceway
