#include "tracecommand.h"

#include "execute.h"
#include "options.h"
#include "pythonscenario.h"

namespace raceway {

int traceScript(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        return usageError(
            err, QStringLiteral("trace needs a Python script: raceway trace SCRIPT [ARGS...] [options]"));
    // Raceway's own options are taken wherever they stand; everything else is the script's, and so
    // is everything after "--".
    static const QStringList valued = {
        QStringLiteral("--png"),        QStringLiteral("--svg"),     QStringLiteral("--trace"),
        QStringLiteral("--save"),       QStringLiteral("--width"),   QStringLiteral("--scale"),
        QStringLiteral("--max-events"), QStringLiteral("--timeout"), QStringLiteral("--python")};
    QStringList ours, scriptArgs;
    QString timeout, python;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--")) {
            scriptArgs << args.mid(i + 1);
            break;
        }
        if (a == QLatin1String("--json")) {
            ours << a;
            continue;
        }
        if (!valued.contains(a)) {
            scriptArgs << a;
            continue;
        }
        if (i + 1 >= args.size() || args[i + 1].isEmpty() || args[i + 1].startsWith(QStringLiteral("--")))
            return usageError(err, QStringLiteral("option ") + a + QStringLiteral(" needs a value"));
        const QString v = args[++i];
        if (a == QLatin1String("--timeout"))
            timeout = v;
        else if (a == QLatin1String("--python"))
            python = v;
        else
            ours << a << v;
    }
    CliOptions o;
    if (int status = parseOptions(ours, true, &o, err)) return status;

    py::PythonJob job;
    job.script = args.first();
    job.args = scriptArgs;
    job.stdoutToStderr = o.json; // stdout carries exactly one JSON object
    if (!timeout.isEmpty()) {
        bool ok = false;
        const double seconds = timeout.toDouble(&ok);
        if (!ok || !(seconds > 0) || seconds > 86400)
            return usageError(
                err, QStringLiteral("option --timeout: '") + timeout +
                         QStringLiteral("' is not allowed (allowed: seconds, more than 0, at most 86400)"));
        job.timeoutMs = std::max(1, int(seconds * 1000));
    }
    if (const QString problem = py::checkScript(job.script); !problem.isEmpty())
        return usageError(err, problem);
    QString error;
    job.python = py::findPython(python, &error);
    if (job.python.isEmpty()) return usageError(err, error);
    job.tracerDir = py::tracerDirectory(&error);
    if (job.tracerDir.isEmpty()) {
        err << "raceway: " << error << Qt::endl;
        return 1;
    }
    const py::PythonScenario scenario(job);
    return executeRun(scenario, ParamValues(), o, out, err);
}

} // namespace raceway
