#pragma once

#include "pythonjob.h"
#include "scenario.h"

namespace raceway::py {

// Runs a real Python script under the system's interpreter with Raceway's tracer loaded and draws
// what it did: one lane per Python thread (named by its name), one per process, an inferred GIL lane
// per interpreter, one per traced lock, semaphore, condition, event and queue, and one per core.
// Not in the registry: `raceway trace` makes one per script. A saved run reads back through
// forSavedRuns(), which only describes (its run() does nothing).
class PythonScenario final : public Scenario
{
public:
    explicit PythonScenario(PythonJob job) : m_job(std::move(job)) {}
    static const PythonScenario &forSavedRuns();
    static QString scenarioId() { return QStringLiteral("python"); }

    QString id() const override { return scenarioId(); }
    QString title() const override { return QStringLiteral("Python script"); }
    QString description() const override;
    QList<ParamSpec> params() const override { return {}; }
    void run(RunContext &ctx) const override;
    QString headline(const ParamValues &params, const QList<Metric> &metrics) const override;
    // "python-gil_pair": runs of one script are compared with each other, not with another script's.
    QString family(const QList<Metric> &metrics) const override;
    bool recordsLate() const override { return true; }
    const PythonJob &job() const { return m_job; }

private:
    PythonJob m_job;
};

} // namespace raceway::py
