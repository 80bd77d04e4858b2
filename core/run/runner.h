#pragma once

#include "recorder.h"
#include "scenario.h"
#include "selfsampler.h"
#include "trace.h"

#include <QThread>

#include <atomic>
#include <memory>

namespace raceway {

class RunFileWriter;

struct RunResult
{
    QString scenario;
    ParamValues params;
    QList<Metric> metrics;
    double wallMs = 0;
    std::uint64_t events = 0;
    std::uint64_t droppedEvents = 0;
    bool cancelled = false;
    QString error;                    // set when the run failed to do its work
    QStringList problems;             // things that went wrong that nobody asked for (a worker that crashed)
    std::int64_t budgetReachedNs = 0; // when recording stopped at the event budget (0: it never did)
};

// Runs one scenario on a controller thread and collects its events into a trace on the thread that
// owns the runner (the GUI thread or the CLI's main thread). The owner never blocks on workers unless it
// asks to with wait(), and each collect() does a bounded amount of work, so however fast the workers
// record, the owner's event loop keeps turning.
class Runner
{
public:
    // The default event budget: what fits comfortably in this machine's memory (see eventbudget.h).
    static std::uint64_t defaultMaxEvents();

    Runner(const Scenario &scenario, ParamValues params, std::uint64_t maxEvents = defaultMaxEvents());
    ~Runner(); // cancels and joins a run still going
    Runner(const Runner &) = delete;
    Runner &operator=(const Runner &) = delete;

    // Streams what the collector does to a saved-run file as it goes (see runfilewriter.h); set before
    // start(). The writer must outlive the run's collection.
    void setSaver(RunFileWriter *saver) { m_saver = saver; }
    void start();
    void cancel();
    // Drains new events into the trace for about `budgetMs` at most. Returns true once the run is over
    // and fully collected.
    bool collect(double budgetMs = 8);
    // Collects until the run is over (for the CLI and tests).
    void wait();

    bool isFinished() const { return m_finished; }
    // Every thread and process of the run has been joined or reaped; events may still wait to be collected.
    bool workersJoined() const { return m_done.load(std::memory_order_acquire); }
    std::int64_t joinedAtNs() const { return workersJoined() ? m_endNs : 0; }
    std::uint64_t eventsWaiting() const; // recorded, not collected yet (approximate, in whole chunks)
    const Recorder &recorder() const { return m_recorder; }
    // Only the events past the event budget, into the lanes' summaries: while the workers run, for a
    // caller that leaves the rest until they are joined (the recorder keeps little of these waiting).
    void collectPastBudget();
    const Trace &trace() const { return m_trace; }
    const RunResult &result() const { return m_result; }
    const Scenario &scenario() const { return m_scenario; }
    // The window's steps for a run in step mode (set live before start()).
    StepFeed &steps() { return m_context.steps(); }
    const StepFeed &steps() const { return m_context.steps(); }

private:
    void finish();
    void addSchedulerMetrics();
    void addObserverMetrics();
    void addCoreWaitMetrics();

    const Scenario &m_scenario;
    Recorder m_recorder;
    RunContext m_context;
    Trace m_trace;
    RunResult m_result;
    RunFileWriter *m_saver = nullptr;
    std::unique_ptr<QThread> m_controller;
    std::unique_ptr<SelfSampler> m_self; // Raceway's own threads, drawn on a lane of their own
    std::atomic<bool> m_done{false};
    std::int64_t m_startNs = 0;
    std::int64_t m_endNs = 0; // written by the controller before m_done is released
    bool m_finished = false;
};

} // namespace raceway
