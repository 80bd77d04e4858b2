#include "stepgate.h"

#include <algorithm>
#include <chrono>

namespace raceway {

StepGate::StepGate(StepPlan plan, QList<qlonglong> schedule, StepFeed *feed)
    : m_plan(std::move(plan)), m_seats(std::size_t(std::max(m_plan.threads, 0))),
      m_schedule(std::move(schedule)), m_feed(feed && feed->live() ? feed : nullptr),
      m_holds(!m_schedule.isEmpty() || m_feed)
{
    m_open.store(!m_holds, std::memory_order_relaxed);
}

bool StepGate::pass(int thread, ThreadBuffer &lane, std::uint8_t obj, const std::function<bool()> &stop)
{
    if (m_open.load(std::memory_order_acquire)) return !stop(); // past the schedule: no lock taken
    std::unique_lock lock(m_mutex);
    if (m_open.load(std::memory_order_relaxed)) return !stop();
    Seat &seat = m_seats[std::size_t(thread)];
    seat.waiting = true;
    ++seat.arrivals;
    m_changed.notify_all();
    lane.record(EventKind::WaitBegin, obj);
    // The controller opens the gate at once when the run is cancelled; the timeout is a backstop.
    while (!seat.turn && !m_open.load(std::memory_order_relaxed) && !stop())
        m_changed.wait_for(lock, std::chrono::milliseconds(20));
    seat.waiting = false;
    seat.turn = false;
    lane.record(EventKind::WaitEnd, obj);
    return !stop();
}

void StepGate::leave(int thread)
{
    const std::lock_guard lock(m_mutex);
    m_seats[std::size_t(thread)].left = true;
    m_changed.notify_all();
}

void StepGate::note(int thread, const QString &text)
{
    if (m_open.load(std::memory_order_acquire)) return;
    const std::lock_guard lock(m_mutex);
    m_seats[std::size_t(thread)].note = text;
}

bool StepGate::move(qlonglong number, std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop)
{
    // Waits until `ready` holds; false when stopped first (polled: nothing signals it here).
    const auto until = [&](const auto &ready) {
        while (!ready()) {
            if (stop()) return false;
            m_changed.wait_for(lock, std::chrono::milliseconds(5));
        }
        return true;
    };
    Seat &seat = m_seats[std::size_t(number - 1)];
    if (!until([&] { return seat.waiting || seat.left; })) return false;
    if (seat.left) return true; // a checked schedule never gets here; nothing to move
    const std::uint64_t before = seat.arrivals;
    seat.turn = true;
    m_changed.notify_all();
    // One thread moves at a time: the next step waits until this one has been taken.
    if (!until([&] { return seat.left || seat.arrivals > before; })) return false;
    m_taken << number;
    return true;
}

bool StepGate::settle(std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop)
{
    for (;;) {
        bool moving = false;
        for (const Seat &seat : m_seats)
            moving |= !seat.waiting && !seat.left;
        if (!moving) return true;
        if (stop()) return false;
        m_changed.wait_for(lock, std::chrono::milliseconds(5));
    }
}

void StepGate::publish(const QString &refused)
{
    if (!m_feed) return;
    StepFeed::State state;
    state.taken = m_taken;
    state.refused = refused;
    state.holding = !m_open.load(std::memory_order_relaxed);
    const qsizetype n = m_plan.names.size();
    for (const Seat &seat : m_seats) {
        state.next << (seat.left || seat.arrivals == 0 || n == 0
                           ? QString()
                           : m_plan.names[qsizetype((seat.arrivals - 1) % n)]);
        state.notes << (seat.left ? QString() : seat.note);
    }
    m_feed->publish(state);
}

bool StepGate::drive(const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    bool followed = true;
    for (const qlonglong number : std::as_const(m_schedule))
        if (!(followed = move(number, lock, stop))) break;
    // Live: the window's steps, one at a time, each checked as a schedule would be.
    QString refused;
    while (followed && m_feed) {
        if (!(followed = settle(lock, stop))) break;
        const bool anyLeft =
            std::any_of(m_seats.begin(), m_seats.end(), [](const Seat &seat) { return !seat.left; });
        if (!anyLeft) break;
        publish(refused);
        lock.unlock();
        const int number = m_feed->take(stop);
        lock.lock();
        if (number == 0) break; // released, or stopped
        refused = m_plan.problem(m_taken + QList<qlonglong>{number});
        if (refused.isEmpty()) followed = move(number, lock, stop);
    }
    m_open.store(true, std::memory_order_release);
    m_changed.notify_all();
    publish({});
    return followed && !stop();
}

} // namespace raceway
