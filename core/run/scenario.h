#pragma once

#include "params.h"
#include "recorder.h"
#include "results.h"
#include "stepfeed.h"
#include "stepplan.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace raceway {

// What a scenario gets while it runs: the recorder, its parameters, cancellation and a place for results.
// run() is called on a controller thread; cancel() may be called from any thread.
class RunContext
{
public:
    RunContext(Recorder &recorder, ParamValues params);

    Recorder &recorder() { return m_recorder; }
    const ParamValues &params() const { return m_params; }

    bool cancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }
    void cancel();
    // Sleeps, but wakes at once when the run is cancelled. Returns false if cancelled.
    bool sleepFor(std::int64_t ns);
    // The same, drawn on `lane` as sleeping.
    bool sleepDrawn(ThreadBuffer &lane, std::int64_t ns)
    {
        lane.record(EventKind::SleepBegin);
        const bool on = sleepFor(ns);
        lane.record(EventKind::SleepEnd);
        return on;
    }

    // The moment the workload really starts (after threads are created): the time axis begins here.
    void markStart(std::int64_t t) { m_start.store(t, std::memory_order_relaxed); }
    std::int64_t startNs() const { return m_start.load(std::memory_order_relaxed); }
    // The moment the workload really ended, when work follows it before run() returns (a traced
    // script's lanes are assembled after it has exited): the wall time ends here. Set by run() only.
    void markEnd(std::int64_t t) { m_end = t; }
    std::int64_t endNs() const { return m_end; }

    void addMetric(const QString &key, const QString &label, const QVariant &value, const QString &unit = {});
    // The run could not do its work (a missing worker program, no shared memory): one line for people.
    void fail(const QString &error) { m_error = error; }
    QString error() const { return m_error; }
    // Something went wrong that the user did not ask for (a worker crashed, failed to start): the run
    // still reports what it measured, and the command line exits with status 1.
    void reportProblem(const QString &problem) { m_problems << problem; }
    QStringList problems() const { return m_problems; }
    const QList<Metric> &metrics() const { return m_metrics; }
    // Steps given while it runs (the window's step mode), for a scenario with step points.
    StepFeed &steps() { return m_steps; }
    const StepFeed &steps() const { return m_steps; }

private:
    Recorder &m_recorder;
    ParamValues m_params;
    std::atomic<bool> m_cancelled{false};
    std::atomic<std::int64_t> m_start{0};
    std::int64_t m_end = 0; // written by the controller thread before the run is released as done
    std::mutex m_sleepMutex;
    std::condition_variable m_sleepWake;
    QList<Metric> m_metrics; // written by the controller thread only
    QString m_error;
    QStringList m_problems;
    StepFeed m_steps;
};

class Scenario
{
public:
    virtual ~Scenario() = default;
    virtual QString id() const = 0;
    virtual QString title() const = 0;
    // One paragraph: what the scenario does and what to look for.
    virtual QString description() const = 0;
    // The same paragraph for these parameter values, where it quotes them ("with 9 tasks of 700 ms and 3
    // threads…"): the window shows it for its form, `describe` for the command line's defaults.
    virtual QString descriptionFor(const ParamValues &) const { return description(); }
    virtual QList<ParamSpec> params() const = 0;
    // Runs the workload. Must return only after every thread or process it started has been joined,
    // and soon after the context is cancelled.
    virtual void run(RunContext &ctx) const = 0;
    // One line for titles and exports, e.g. "4 threads × 200,000 increments, lock off: 187,655 lost".
    virtual QString headline(const ParamValues &params, const QList<Metric> &metrics) const;
    // A chart to draw under the timeline once the run is over, if the scenario has one.
    virtual std::optional<BarChart> chart(const ParamValues &, const QList<Metric> &) const
    {
        return std::nullopt;
    }
    // Checks that need several parameters at once; one line naming the problem, or empty when fine. By
    // default: a scenario with step points checks its schedule against them.
    virtual QString validate(const ParamValues &params) const;
    // How many Progress units a complete run reports (0: unknown), for progress bars.
    virtual std::int64_t totalWork(const ParamValues &) const { return 0; }
    // Which runs are alike: compared with each other, sharing a lane arrangement and an export name.
    // The id, unless one scenario stands for many (a Python run: one family per script).
    virtual QString family(const QList<Metric> &) const { return id(); }
    // The run's step points for these parameters, when its lesson is an interleaving (a counter's reads
    // and writes): a `schedule` parameter then makes the threads take them in a chosen order, and
    // `raceway explore` runs every order. None by default.
    virtual std::optional<StepPlan> steps(const ParamValues &) const { return std::nullopt; }
    // True when the run records its events some time after they happen and moves the recorder's
    // watermark on itself (Recorder::holdWatermark): the runner holds it at the start until then.
    virtual bool recordsLate() const { return false; }
};

// The lost-update accounting every racing scenario reports: expected, actual, lost (expected - actual),
// what the writes themselves counted as erased (the same number, measured the other way), and how many
// writes erased anything.
// Unknown values (a worker that died with its tally) are reported as unknown, never guessed.
void addRaceMetrics(RunContext &ctx, std::optional<std::int64_t> expected, std::int64_t actual,
                    std::optional<std::int64_t> erased, std::optional<std::int64_t> lossyWrites);
// The title of a scenario whose threads race to add 1 (params threads, iterations, lock):
// "counter: 4 threads × 200,000 increments, lock on".
QString raceTitle(const QString &id, const ParamValues &params);
// A title's ending naming the order its threads were made to take their steps in (the parameter
// `schedule`): ", schedule 1,2,1,2"; empty without one.
QString scheduleSuffix(const ParamValues &params);
// The parameter `schedule` of a scenario with step points (threads 1 to `threads`); `steps` says what one
// number lets a thread do ("its read, then its write, and so on"), `example` what a schedule makes happen.
ParamSpec scheduleParam(int threads, const QString &steps, const QString &example);

} // namespace raceway
