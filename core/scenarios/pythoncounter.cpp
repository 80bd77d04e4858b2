// The tutorials' shared counter in real Python: `counter += 1` on N threads under a real interpreter,
// traced, with the counter and the increments made drawn live from the tracer's watch. With the GIL
// (CPython up to 3.12, and 3.13 by default) nothing is lost; on a free-threaded build most of it is.

#include "pythonjob.h"
#include "pythonscenario.h"
#include "scenario.h"

#include <QDir>

namespace raceway::scenarios {
namespace {

class PythonCounterScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("python-counter"); }
    QString title() const override { return QStringLiteral("Python counter: counter += 1 in real Python"); }
    QString description() const override
    {
        return QStringLiteral(
            "The tutorials' race in real Python: several threads each run counter += 1 on one "
            "module-level counter, under a real interpreter with Raceway's tracer. The counter lane "
            "draws the counter against the increments made, sampled as the script runs. With the GIL "
            "(CPython up to 3.12, and 3.13 by default) a thread switch never falls between reading the "
            "counter and writing it back, so nothing is lost; on a free-threaded build (3.13t, 3.14t) the "
            "threads really run at once and most increments are lost. Switch the lock on: a "
            "threading.Lock makes every build exact, and the lock's lane shows the waits it costs.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("threads"), 4, 1, 64, {},
                               QStringLiteral("How many Python threads increment the counter at once.")),
            ParamSpec::integer(QStringLiteral("iterations"), 1'000'000, 1, 100'000'000, {},
                               QStringLiteral("How many times each thread runs counter += 1."))
                .withWatchValue(qlonglong(200'000)),
            ParamSpec::boolean(QStringLiteral("lock"), false,
                               QStringLiteral("Guard every increment with one threading.Lock. Off: they race "
                                              "(on a free-threaded build)."))
                .asLockSwitch(),
            ParamSpec::text(QStringLiteral("python"), QStringLiteral("auto"), 4096, py::candidatePythons(),
                            QStringLiteral("The interpreter: a path, or auto (the first free-threaded Python "
                                           "found, else python3). `raceway pythons` lists them.")),
        };
    }
    QString validate(const ParamValues &p) const override
    {
        QString error;
        py::resolvePython(p.text(QStringLiteral("python")), &error);
        return error;
    }
    bool recordsLate() const override { return true; }

    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = raceTitle(id(), p);
        if (const QString python = metricValue(metrics, QStringLiteral("interpreter")).toString();
            !python.isEmpty())
            line += QStringLiteral(", ") + python;
        return line + raceSummary(metrics);
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        QString error;
        const py::PythonInfo info = py::resolvePython(p.text(QStringLiteral("python")), &error);
        if (info.version.isEmpty()) {
            ctx.fail(error);
            return;
        }
        py::PythonJob job;
        job.tracerDir = py::tracerDirectory(&error);
        if (job.tracerDir.isEmpty()) {
            ctx.fail(error);
            return;
        }
        job.python = info.path;
        job.script = QDir(job.tracerDir).filePath(QStringLiteral("scenarios/python_counter.py"));
        job.args = {QString::number(p.integer(QStringLiteral("threads"))),
                    QString::number(p.integer(QStringLiteral("iterations"))),
                    p.flag(QStringLiteral("lock")) ? QStringLiteral("on") : QStringLiteral("off")};
        job.stdoutToStderr = true; // its one line must not mix with Raceway's output (--json)
        job.watch = {QStringLiteral("counter/done")};
        const py::PythonScenario traced(job);
        traced.run(ctx);
        ctx.addMetric(QStringLiteral("python"), QStringLiteral("Interpreter"), info.path);
        ctx.addMetric(QStringLiteral("interpreter"), QStringLiteral("Interpreter, version and build"),
                      py::interpreterLabel(info));
        // The last reading of the counter and of the increments made: at the script's end, the final
        // values; where it was stopped, the last pair read together.
        const QVariantList watched = metricValue(ctx.metrics(), QStringLiteral("watched")).toList();
        const QVariantMap counter = watched.value(0).toMap();
        if (!counter.value(QStringLiteral("value")).isValid()) {
            if (ctx.error().isEmpty())
                ctx.reportProblem(
                    QStringLiteral("the counter was never read: the script ended before it began"));
            return;
        }
        addRaceMetrics(ctx, counter.value(QStringLiteral("expected")).toLongLong(),
                       counter.value(QStringLiteral("value")).toLongLong(), std::nullopt, std::nullopt);
    }
};

} // namespace

std::unique_ptr<Scenario> make_pythoncounter()
{
    return std::make_unique<PythonCounterScenario>();
}

} // namespace raceway::scenarios
