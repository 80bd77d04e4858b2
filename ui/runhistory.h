#pragma once

#include "runner.h"

#include <QDateTime>
#include <QObject>

#include <deque>
#include <memory>
#include <optional>

namespace raceway {

// One run the window made: its runner (scenario, recorded parameters, trace, result) and when it started.
// Everything the window says about a run — titles, notes, chart, export names, column headings — is
// derived from here, never from the form, so it stays true after the form has moved on.
class RunRecord
{
public:
    RunRecord(int number, const Scenario &scenario, const ParamValues &params);

    int number() const { return m_number; } // 1, 2, 3… in the order the runs were started
    QDateTime startedAt() const { return m_startedAt; }
    Runner &runner() { return *m_runner; }
    const Runner &runner() const { return *m_runner; }
    const Scenario &scenario() const { return m_runner->scenario(); }
    const ParamValues &params() const { return m_runner->result().params; }
    const RunResult &result() const { return m_runner->result(); }
    const Trace &trace() const { return m_runner->trace(); }
    bool finished() const { return m_runner->isFinished(); }

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
    std::unique_ptr<Runner> m_runner;
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
    void trim();

    std::deque<std::unique_ptr<RunRecord>> m_runs;
    RunRecord *m_current = nullptr;
    RunRecord *m_compared = nullptr;
    int m_nextNumber = 1;
    std::uint64_t m_eventLimit = Runner::defaultMaxEvents();
};

} // namespace raceway
