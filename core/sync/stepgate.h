#pragma once

// Interleavings made on purpose, on real threads (the schedules themselves: stepplan.h).

#include "recorder.h"

#include <QList>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace raceway {

// Holds the threads of a run at their step points and lets them through in a schedule's order. Safe to
// call from the run's threads (pass, leave) and its controller (drive) at once.
class StepGate
{
public:
    // threads: how many will pass it; schedule: thread numbers from 1, one a step (already checked with
    // StepPlan::problem); empty: the gate is open and holds nobody.
    StepGate(int threads, QList<qlonglong> schedule);

    bool holds() const { return !m_schedule.isEmpty(); }
    // Thread `thread` (from 0) is at a step point: it waits there, drawn on `lane` as waiting for `obj`,
    // until its turn comes (true), the schedule has run out (true, at once from then on) or `stop()`
    // says to give up (false).
    bool pass(int thread, ThreadBuffer &lane, std::uint8_t obj, const std::function<bool()> &stop);
    // Thread `thread` has no step points left (it ended, or stopped early).
    void leave(int thread);
    // Gives each step of the schedule to its thread in turn, each time waiting until that thread has
    // reached its next step point or left; then lets everyone run freely. False when `stop()` said to
    // give up first (it is asked every few milliseconds).
    bool drive(const std::function<bool()> &stop);

private:
    struct Seat
    {
        bool waiting = false; // at a step point, not yet let through
        bool turn = false;    // let through, not yet gone
        bool left = false;
        std::uint64_t arrivals = 0; // step points reached
    };
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Seat> m_seats;
    QList<qlonglong> m_schedule;
    std::atomic<bool> m_open{false}; // the schedule is done: every thread runs freely
};

} // namespace raceway
