#pragma once

// Interleavings made on purpose, on real threads (which schedules there are: stepplan.h; steps given
// live, by the window: stepfeed.h).

#include "recorder.h"
#include "stepfeed.h"
#include "stepplan.h"

#include <QList>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace raceway {

// Holds the threads of a run at their step points and lets them through in a schedule's order, then in
// the order steps are pushed to a live feed. Safe to call from the run's threads (pass, leave) and its
// controller (drive) at once.
class StepGate
{
public:
    // schedule: thread numbers from 1, one a step (already checked with plan.problem); feed: where steps
    // come from after it when live (may be null). Neither: the gate is open and holds nobody.
    StepGate(StepPlan plan, QList<qlonglong> schedule, StepFeed *feed = nullptr);

    bool holds() const { return m_holds; }
    // Thread `thread` (from 0) is at a step point: it waits there, drawn on `lane` as waiting for `obj`,
    // until its turn comes (true), the gate opens (true, at once from then on) or `stop()` says to give
    // up (false).
    bool pass(int thread, ThreadBuffer &lane, std::uint8_t obj, const std::function<bool()> &stop);
    // The same, drawing nothing: for a thread that stands in for a step point somewhere else (a worker
    // process's, which draws its own wait).
    bool pass(int thread, const std::function<bool()> &stop);
    // Thread `thread` has no step points left (it ended, or stopped early).
    void leave(int thread);
    // What thread `thread` now holds that its next step uses, said beside it while it is held ("read 0":
    // the value a counter thread read and will write back plus one). Nothing once the gate is open.
    void note(int thread, const QString &text);
    // What the step just taken did, in a sentence ("thread 2 wrote 1 over thread 1's 1: one increment
    // lost"), said beside the threads until the next step; what else it set off is added after it.
    // Nothing once the gate is open.
    void say(const QString &text);
    // Thread `thread`, let through, now waits for a lock another thread holds (said beside it: "waits
    // for lock B"): its step is taken, and it stands still until it has the lock; then unblock().
    void block(int thread, const QString &waits);
    void unblock(int thread);
    // Gives each step of the schedule, then of the live feed, to its thread in turn, each time waiting
    // until that thread has reached its next step point or left; then lets everyone run freely. A step
    // the run cannot take (a thread that has none left, a read while another holds the lock) is refused
    // and said in the feed's state. False when `stop()` said to give up first (asked every few ms).
    bool drive(const std::function<bool()> &stop);

private:
    struct Seat
    {
        bool waiting = false; // at a step point, not yet let through
        bool turn = false;    // let through, not yet gone
        bool left = false;
        bool blocked = false;       // waiting for a lock, past its step point
        std::uint64_t arrivals = 0; // step points reached
        QString note;
        QString waits;
    };
    bool hold(int thread, ThreadBuffer *lane, std::uint8_t obj, const std::function<bool()> &stop);
    // Moves thread `number` (from 1) one step, then waits until every thread stands where the plan's model
    // says; false when stopped first. Holds m_mutex through `lock`.
    bool move(qlonglong number, std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop);
    // Every thread stands where the model says: at its step point (reached as often as it should be), waiting
    // for a lock, or gone.
    bool matched() const;
    // Waits until `ready()` holds (polled: nothing signals some of it); false when stopped first.
    bool until(std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop,
               const std::function<bool()> &ready);
    void publish(const QString &refused);

    StepPlan m_plan;
    StepModel m_model{m_plan}; // where the threads should stand after the steps taken
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Seat> m_seats;
    QList<qlonglong> m_schedule;
    QList<qlonglong> m_taken;
    QString m_said;
    StepFeed *m_feed;
    bool m_holds;
    std::atomic<bool> m_open{false}; // the schedule is done: every thread runs freely
};

} // namespace raceway
