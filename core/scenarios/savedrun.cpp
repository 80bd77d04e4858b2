#include "savedrun.h"

#include "pythonscenario.h"
#include "registry.h"

namespace raceway {

runfile::SavedRun describeRun(const Scenario &scenario, const RunResult &result, std::uint64_t maxEvents,
                              const Trace &trace, int signal)
{
    runfile::SavedRun s;
    s.scenario = scenario.id();
    for (const ParamSpec &p : scenario.params())
        s.params << p.name + QLatin1Char('=') + p.formatValue(result.params.value(p.name));
    s.metrics = result.metrics;
    s.wallMs = result.wallMs;
    s.events = result.events;
    s.droppedEvents = result.droppedEvents;
    s.maxEvents = maxEvents;
    s.cancelled = result.cancelled;
    s.problems = result.problems;
    s.budgetReachedNs = result.budgetReachedNs;
    s.signal = signal;
    s.traceStart = trace.start();
    s.traceEnd = trace.end();
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane)
        if (trace.lane(lane).pastBudget.started())
            s.summaries.emplace_back(std::uint32_t(lane), trace.lane(lane).pastBudget.parts());
    for (std::size_t lane = 0; lane < trace.lanes().size(); ++lane)
        if (trace.lane(lane).pastSeries.started())
            s.valueSummaries.emplace_back(std::uint32_t(lane), trace.lane(lane).pastSeries.parts());
    return s;
}

bool restoreRun(const runfile::SavedRun &run, const Scenario **scenario, RunResult *result, QString *error)
{
    const Scenario *found = Registry::builtin().find(run.scenario);
    if (!found && run.scenario == py::PythonScenario::scenarioId()) // `raceway trace`: a script's run
        found = &py::PythonScenario::forSavedRuns();
    if (!found) {
        *error = QStringLiteral("the run's scenario '%1' is not one this Raceway knows").arg(run.scenario);
        return false;
    }
    QString problem;
    const auto params = ParamValues::parse(found->params(), run.params, &problem);
    if (!params) {
        *error = QStringLiteral("the run's parameters: ") + problem;
        return false;
    }
    *scenario = found;
    result->scenario = found->id();
    result->params = *params;
    result->metrics = run.metrics;
    result->wallMs = run.wallMs;
    result->events = run.events;
    result->droppedEvents = run.droppedEvents;
    result->cancelled = run.cancelled;
    result->problems = run.problems;
    result->budgetReachedNs = run.budgetReachedNs;
    return true;
}

} // namespace raceway
