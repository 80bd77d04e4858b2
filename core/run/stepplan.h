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
    // Steps that take locks of their own (the deadlock's circle): per thread, per step of a cycle, the
    // lock that step takes (an index into lockNames), or -1. Empty: no step takes a lock but the guard.
    // A step whose lock another thread holds leaves its thread waiting for it, unable to move until it
    // has it; a cycle's end gives back every lock the thread holds. A wait that closes a circle is a
    // deadlock, broken as the traced locks break it: the highest-numbered thread in the circle puts
    // back what it holds and goes round that cycle again (so its steps are more than stepsPerThread).
    QList<QList<int>> takes;
    QStringList lockNames;
    // The threads take turns, 1, 2, …, 1, 2, … (ping-pong handing the turn over with events): a thread
    // whose turn it is not waits for it (lockNames names each thread's turn), past its last step.
    bool alternating = false;

    // Where a model of the steps is followed one order at a time (there is no formula for the count).
    bool modelled() const { return !takes.isEmpty() || alternating; }

    // Threads that add 1 to a shared value `cycles` times each, a read then a write, under one lock or
    // none: the orders' outcome is how many updates they lose.
    static StepPlan increments(int threads, std::int64_t cycles, bool guarded);

    // Each thread's steps (the fewest, where steps take locks).
    std::int64_t stepsPerThread() const { return cycles * names.size(); }
    // Said so: "4", or "at least 2" where a thread that gives its lock back goes round again.
    QString stepsPerThreadText() const;
    // What is wrong with a schedule (thread numbers from 1, one a step), in one line naming its position
    // and what is allowed; empty when the run can follow it. A schedule may stop short of the run's end.
    QString problem(const QList<qlonglong> &schedule) const;
    // How many complete schedules there are, or limit + 1 when there are more than limit.
    std::uint64_t count(std::uint64_t limit) const;
    // Hands every complete schedule (thread numbers from 1) to `visit`, in lexical order, until it
    // returns false. Returns false when stopped so.
    bool enumerate(const std::function<bool(const QList<qlonglong> &)> &visit) const;
};

// Where every thread of a plan stands after each step of a schedule: at a step point, waiting for a lock
// (past its step point), or done. problem(), count() and enumerate() follow it, and so does StepGate,
// which waits after each step until the real threads stand where it says.
class StepModel
{
public:
    explicit StepModel(const StepPlan &plan);

    // Why thread `thread` (from 1) cannot take its next step now, naming what is allowed ("moves thread 1,
    // which has no steps left (…)"); empty when it can.
    QString refusal(qlonglong thread) const;
    void step(qlonglong thread); // thread `thread` (from 1), which can, takes its next step
    // Per thread from 1: steps taken so far, the lock it waits for (-1: none), and whether it is done.
    std::int64_t taken(qlonglong thread) const { return m_taken[std::size_t(thread - 1)]; }
    int waitsFor(qlonglong thread) const;
    bool finished(qlonglong thread) const;
    bool finished() const;
    int deadlocks() const { return m_deadlocks; }

private:
    void advance(int t);  // from 0: one step further; a cycle's end gives back its locks
    void giveBack(int t); // from 0: every lock it holds, to whoever waits for one

    const StepPlan *m_plan;
    std::vector<int> m_holder;          // per lock: who holds it (from 0), or -1
    std::vector<int> m_waitsFor;        // per thread: the lock it waits for, or -1
    std::vector<qsizetype> m_at;        // per thread: its next step in the cycle
    std::vector<std::int64_t> m_cycles; // per thread: cycles done
    std::vector<std::int64_t> m_taken;  // per thread: steps taken
    int m_inside = -1;                  // guarded plans: the thread inside a cycle (from 0), or -1
    int m_turn = 0;                     // alternating plans: whose turn it is (from 0)
    int m_deadlocks = 0;
};

// The schedule as written in a parameter: "1,2,1,2"; past `most` steps, "1,2,… (10,000 steps)".
QString scheduleText(const QList<qlonglong> &schedule, qsizetype most = maxScheduleSteps);

} // namespace raceway
