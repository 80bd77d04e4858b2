#pragma once

#include "runner.h"

#include <QDateTime>
#include <QObject>
#include <QTemporaryFile>

#include <deque>
#include <memory>
#include <optional>

namespace raceway {

class RunFileWriter;

// One run the window shows: one it made (its runner: scenario, recorded parameters, trace, result), or
// one read back from a file (a saved run, or a trace another tool wrote). Everything the window says
// about a run — titles, notes, chart, export names, column headings — is derived from here, never from
// the form, so it stays true after the form has moved on.
//
// A run the window makes is streamed to a saved-run file in the temporary folder as it is collected
// (memory stays at two compressed blocks; about one byte an event on disk), so File > Save Run copies a
// finished file instead of keeping every raw event. The file goes when the record does.
class RunRecord
{
public:
    RunRecord(int number, const Scenario &scenario, const ParamValues &params);
    // A run read back from `path`: a saved run (with its scenario) or, with `scenario` null, a trace
    // another tool wrote, called `title`.
    RunRecord(int number, const Scenario *scenario, std::unique_ptr<Trace> trace, RunResult result,
              const QString &path, const QString &title = {});
    ~RunRecord();

    int number() const { return m_number; } // 1, 2, 3… in the order the runs were started or opened
    QDateTime startedAt() const { return m_startedAt; }
    // The runner of a run the window makes; null for a run read from a file.
    Runner *runner() { return m_runner.get(); }
    const Runner *runner() const { return m_runner.get(); }
    // Null for a trace another tool wrote.
    const Scenario *scenario() const { return m_scenario; }
    // Runs of one family are compared with each other and share a lane arrangement (Scenario::family);
    // empty for a trace another tool wrote.
    QString family() const;
    // A scenario made for this run alone (a Python script's) lives as long as the run.
    void keepAlive(std::shared_ptr<const Scenario> scenario) { m_ownedScenario = std::move(scenario); }
    const ParamValues &params() const { return result().params; }
    const RunResult &result() const { return m_runner ? m_runner->result() : m_result; }
    const Trace &trace() const { return m_runner ? m_runner->trace() : *m_trace; }
    bool finished() const { return !m_runner || m_runner->isFinished(); }
    // The file it was read from (empty for a run made here).
    const QString &sourcePath() const { return m_sourcePath; }

    // Starts the run, streaming it to its temporary file.
    void start();
    // The run is over: its file gets the result record. Called once, by the history.
    void seal();
    // Whether Save Run can write this run (a run still going, or a trace from another tool, cannot).
    bool canSave(QString *why = nullptr) const;
    // Writes the run as a saved-run file to `path` (nothing half-written). False and one line on error.
    bool saveTo(const QString &path, QString *error) const;

    // "4 threads × 400 increments, lock off: 612 lost" (the numbers once finished).
    QString title() const;
    // What went differently from a normal run (failed, stopped, over budget), or empty.
    QString note() const;
    std::optional<BarChart> chart() const;
    // The value of the scenario's lock switch parameter ("lock", "gil"), if it has one.
    std::optional<bool> lockSwitch() const;
    // "counter-lock-off-20261123-141502.png"
    QString exportName(const QString &format) const;
    // What sets this run apart from `other` of the same scenario, for column headings: "lock on",
    // "threads 8, lock on"; empty when they ran with the same parameters.
    QString differenceFrom(const RunRecord &other) const;
    // "Run 4 · lock on" (or "Run 4" when nothing differs).
    QString shortLabel(const RunRecord *other) const;

private:
    int m_number;
    QDateTime m_startedAt;
    const Scenario *m_scenario;
    std::shared_ptr<const Scenario> m_ownedScenario; // declared before the runner, which runs it
    std::unique_ptr<Runner> m_runner;
    // A run read from a file.
    std::unique_ptr<Trace> m_trace;
    RunResult m_result;
    QString m_sourcePath, m_title;
    // A run made here: its saved-run file, streamed as it is collected.
    std::unique_ptr<QTemporaryFile> m_spool;
    std::unique_ptr<RunFileWriter> m_spoolWriter;
    QString m_spoolError; // why the file could not be made or completed (the run itself is not affected)
    bool m_sealed = false;
    bool m_runFile = false; // opened from a saved run's file (not a Chrome trace): Save can copy it
};

// The runs of this session, newest last: the current one (running or finished) and the earlier ones it
// can be compared with. Keeps memory bounded: the oldest runs that are neither current nor compared are
// let go once the history holds more events than one run's budget, or more than `maxRuns` runs.
class RunHistory : public QObject
{
    Q_OBJECT
public:
    static constexpr int maxRuns = 12;

    explicit RunHistory(QObject *parent = nullptr);
    ~RunHistory() override;

    // A new current run (not started yet). The comparison moves to the latest earlier run of the same
    // scenario, or to nothing if there is none: unrelated scenarios are never compared.
    RunRecord &begin(const Scenario &scenario, const ParamValues &params);
    // The same for a scenario made for this run alone, which the run keeps alive.
    RunRecord &begin(std::shared_ptr<const Scenario> scenario, const ParamValues &params);
    // A run read from a file becomes the current one, compared like a new run of its scenario.
    RunRecord &adopt(std::unique_ptr<Trace> trace, const Scenario *scenario, RunResult result,
                     const QString &path, const QString &title = {});
    RunRecord *current() const { return m_current; }
    RunRecord *compared() const { return m_compared; }
    // Earlier runs of the current run's scenario, newest first: what it can be compared with.
    std::vector<RunRecord *> comparable() const;
    // Compare with run `number` (0: with nothing). Only comparable runs are accepted.
    bool setCompared(int number);
    RunRecord *find(int number) const;
    int size() const { return int(m_runs.size()); }
    std::uint64_t eventsHeld() const;
    // How many events the history may hold before it lets old runs go (default: one run's budget).
    void setEventLimit(std::uint64_t events) { m_eventLimit = events; }
    void notifyFinished(); // the current run is over: views showing it should refresh
    void clear();          // lets every run go (each runner cancels and joins what it still runs)

Q_SIGNALS:
    void currentChanged();
    void comparedChanged();
    void currentFinished();
    void runsChanged(); // a run was added or let go

private:
    RunRecord &place(std::unique_ptr<RunRecord> record);
    void trim();

    std::deque<std::unique_ptr<RunRecord>> m_runs;
    RunRecord *m_current = nullptr;
    RunRecord *m_compared = nullptr;
    int m_nextNumber = 1;
    std::uint64_t m_eventLimit = Runner::defaultMaxEvents();
};

} // namespace raceway
