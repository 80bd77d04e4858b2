#include "tracecommand.h"

#include "execute.h"
#include "options.h"
#include "pythonscenario.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace raceway {

int traceScript(const QStringList &args, QTextStream &out, QTextStream &err)
{
    // Raceway's own options are taken wherever they stand before "--", before the script or after it
    // (`trace --python X script.py` as `trace script.py --python X`); the first other word is the
    // script, and the rest are its arguments, as is everything after "--".
    static const QStringList valued = {
        QStringLiteral("--png"),        QStringLiteral("--svg"),     QStringLiteral("--trace"),
        QStringLiteral("--save"),       QStringLiteral("--width"),   QStringLiteral("--scale"),
        QStringLiteral("--max-events"), QStringLiteral("--timeout"), QStringLiteral("--python"),
        QStringLiteral("--slow-step"),  QStringLiteral("--watch")};
    QStringList ours, scriptArgs;
    QString script, timeout, slowStep, onDeadlock = QStringLiteral("end");
    QStringList pythons; // more than one: the script under each in turn, side by side
    QStringList watched; // the script's numbers drawn as lanes
    bool calls = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--")) {
            if (script.isEmpty() && i + 1 < args.size()) script = args[++i];
            scriptArgs << args.mid(i + 1);
            break;
        }
        if (a.startsWith(QLatin1String("--on-deadlock="))) {
            onDeadlock = a.section(QLatin1Char('='), 1);
            continue;
        }
        if (a == QLatin1String("--json")) {
            ours << a;
            continue;
        }
        if (a == QLatin1String("--calls")) {
            calls = true;
            continue;
        }
        if (!valued.contains(a)) {
            if (script.isEmpty() && a.startsWith(QLatin1Char('-')) && a.size() > 1)
                ours << a; // not an option of trace's: said so below, with the ones there are
            else if (script.isEmpty())
                script = a;
            else
                scriptArgs << a;
            continue;
        }
        if (i + 1 >= args.size() || args[i + 1].isEmpty() || args[i + 1].startsWith(QStringLiteral("--")))
            return usageError(err, QStringLiteral("option ") + a + QStringLiteral(" needs a value"));
        const QString v = args[++i];
        if (a == QLatin1String("--timeout"))
            timeout = v;
        else if (a == QLatin1String("--python"))
            pythons << v;
        else if (a == QLatin1String("--slow-step"))
            slowStep = v;
        else if (a == QLatin1String("--watch"))
            watched << v;
        else
            ours << a << v;
    }
    // An option of neither trace's nor run's: the line names them all.
    static const QStringList runOptions = {
        QStringLiteral("--png"),        QStringLiteral("--svg"),   QStringLiteral("--trace"),
        QStringLiteral("--json"),       QStringLiteral("--width"), QStringLiteral("--scale"),
        QStringLiteral("--max-events"), QStringLiteral("--save"),  QStringLiteral("--quiet")};
    for (const QString &a : ours)
        if (a.startsWith(QStringLiteral("--")) && !runOptions.contains(a))
            return usageError(err, QStringLiteral("unknown option '") + a + QStringLiteral("' (options: ") +
                                       runOptions.join(QStringLiteral(", ")) +
                                       QStringLiteral(", --timeout, --python, --calls, --slow-step, --watch, "
                                                      "--on-deadlock=end|wait)"));
    CliOptions o;
    if (int status = parseOptions(ours, true, &o, err)) return status;
    if (script.isEmpty())
        return usageError(
            err, QStringLiteral(
                     "trace needs a Python script: raceway trace [options] SCRIPT [ARGS...] [options]"));

    py::PythonJob job;
    job.script = script;
    job.args = scriptArgs;
    job.stdoutToStderr = o.json; // stdout carries exactly one JSON object
    job.calls = calls;
    if (watched.size() > py::maxWatched)
        return usageError(err, QStringLiteral("option --watch: %1 names given (allowed: at most %2)")
                                   .arg(watched.size())
                                   .arg(py::maxWatched));
    for (const QString &name : watched)
        if (!py::isWatchableName(name))
            return usageError(err, QStringLiteral("option --watch: '") + name +
                                       QStringLiteral("' is not allowed (allowed: a module-level name of the "
                                                      "script, or a dotted path such as account.balance)"));
    // None asked for: what the script names itself (# raceway: watch ...).
    job.watch = watched.isEmpty() ? py::declaredWatches(script) : watched;
    if (!timeout.isEmpty()) {
        bool ok = false;
        const double seconds = timeout.toDouble(&ok);
        if (!ok || !(seconds > 0) || seconds > 86400)
            return usageError(
                err, QStringLiteral("option --timeout: '") + timeout +
                         QStringLiteral("' is not allowed (allowed: seconds, more than 0, at most 86400)"));
        job.timeoutMs = std::max(1, int(seconds * 1000));
    }
    if (!slowStep.isEmpty()) {
        bool ok = false;
        const int ms = slowStep.toInt(&ok);
        if (!ok || ms < 1 || ms > 60000)
            return usageError(err, QStringLiteral("option --slow-step: '") + slowStep +
                                       QStringLiteral("' is not allowed (allowed: milliseconds, 1..60000)"));
        job.slowStepMs = ms;
    }
    if (onDeadlock != QLatin1String("end") && onDeadlock != QLatin1String("wait"))
        return usageError(err, QStringLiteral("option --on-deadlock: '") + onDeadlock +
                                   QStringLiteral("' is not allowed (allowed: end, wait)"));
    // A deadlocked script is ended a second after its cycle is found, unless asked to wait.
    job.endDeadlockAfterMs = onDeadlock == QLatin1String("end") ? 1000 : -1;
    if (const QString problem = py::checkScript(job.script); !problem.isEmpty())
        return usageError(err, problem);
    QString error;
    job.tracerDir = py::tracerDirectory(&error);
    if (job.tracerDir.isEmpty()) {
        err << "raceway: " << error << Qt::endl;
        return 1;
    }
    if (pythons.size() > 8)
        return usageError(
            err, QStringLiteral("option --python: %1 interpreters given (allowed: at most 8 side by side)")
                     .arg(pythons.size()));
    if (pythons.size() <= 1) {
        job.python = py::findPython(pythons.value(0), &error);
        if (job.python.isEmpty()) return usageError(err, error);
        if (py::probePython(job.python, &error).version.isEmpty()) return usageError(err, error);
        const py::PythonScenario scenario(job);
        return executeRun(scenario, ParamValues(), o, out, err);
    }
    // Each interpreter checked before any runs; each run labelled with its version and build.
    std::vector<std::unique_ptr<py::PythonScenario>> scenarios;
    std::vector<SideBySideRun> runs;
    for (const QString &requested : pythons) {
        py::PythonJob one = job;
        one.python = py::findPython(requested, &error);
        if (one.python.isEmpty()) return usageError(err, error);
        const py::PythonInfo info = py::probePython(one.python, &error);
        if (info.version.isEmpty()) return usageError(err, error);
        scenarios.push_back(std::make_unique<py::PythonScenario>(one));
        runs.push_back({scenarios.back().get(),
                        QStringLiteral("Python %1, %2")
                            .arg(info.version, info.freeThreaded ? QStringLiteral("free-threaded")
                                                                 : QStringLiteral("with the GIL"))});
    }
    return executeSideBySide(runs, o, out, err);
}

int listPythons(const QStringList &args, QTextStream &out, QTextStream &err)
{
    bool json = false;
    for (const QString &a : args) {
        if (a == QLatin1String("--json"))
            json = true;
        else
            return usageError(err, QStringLiteral("pythons: unknown argument '%1' (allowed: --json)").arg(a));
    }
    QJsonArray list;
    int width = 0;
    std::vector<std::pair<QString, QString>> lines; // path, what it is
    for (const QString &path : py::candidatePythons()) {
        QString problem;
        const py::PythonInfo info = py::probePython(path, &problem);
        QJsonObject o{{QStringLiteral("path"), path}};
        if (!info.version.isEmpty()) {
            const QString build = info.freeThreaded ? QStringLiteral("free-threaded") : QStringLiteral("gil");
            o.insert(QStringLiteral("version"), info.version);
            o.insert(QStringLiteral("build"), build);
            lines.emplace_back(path, info.version + QLatin1Char(' ') + build);
        } else {
            o.insert(QStringLiteral("problem"), info.problem);
            lines.emplace_back(path, QStringLiteral("cannot trace: ") + info.problem);
        }
        list.append(o);
        width = std::max(width, int(path.size()));
    }
    if (json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("pythons"), list}}).toJson(QJsonDocument::Compact)
            << '\n';
    } else {
        for (const auto &[path, what] : lines)
            out << path.leftJustified(width + 2) << what << '\n';
        if (lines.empty()) out << "no Python interpreter found (PATH, pyenv, RACEWAY_PYTHON)\n";
    }
    out.flush();
    return 0;
}

} // namespace raceway
