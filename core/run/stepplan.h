#pragma once

// Interleavings made on purpose. Every thread of a run stops at its step points (the shared accesses
// whose order is the scenario's lesson: a counter's read and write) and moves on only when a schedule
// says it is its turn, one thread at a time: the schedule 1,2,1,2 makes thread 1 read, thread 2 read,
// thread 1 write, thread 2 write, and so loses one update, every time. A plan says which schedules a run
// can follow and counts and lists them all; StepGate (core/sync) holds the threads to one.

#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>

namespace raceway {

// The most steps a schedule holds (and so an order `explore` runs): a parameter of up to this many numbers.
constexpr int maxScheduleSteps = 10'000;

// The step points of a run whose threads each go round the same cycle of named steps, and which orders
// of them can happen.
struct StepPlan
{
    int threads = 0;
    std::int64_t cycles = 0; // how many times each thread goes round
    QStringList names;       // one cycle's steps, in order: {"read", "write"}
    // A lock is taken by a cycle's first step and let go after its last: while one thread is inside,
    // no other can take its first step.
    bool guarded = false;
    // The metric whose values tell the orders' outcomes apart ("lost_updates"), and how people call it.
    QString outcome;
    QString outcomeLabel;

    std::int64_t stepsPerThread() const { return cycles * names.size(); }
    // What is wrong with a schedule (thread numbers from 1, one a step), in one line naming its position
    // and what is allowed; empty when the run can follow it. A schedule may stop short of the run's end.
    QString problem(const QList<qlonglong> &schedule) const;
    // How many complete schedules there are, or limit + 1 when there are more than limit.
    std::uint64_t count(std::uint64_t limit) const;
    // Hands every complete schedule (thread numbers from 1) to `visit`, in lexical order, until it
    // returns false. Returns false when stopped so.
    bool enumerate(const std::function<bool(const QList<qlonglong> &)> &visit) const;
};

// The schedule as written in a parameter: "1,2,1,2"; past `most` steps, "1,2,… (10,000 steps)".
QString scheduleText(const QList<qlonglong> &schedule, qsizetype most = maxScheduleSteps);

} // namespace raceway
