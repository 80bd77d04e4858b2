#include "stepgate.h"

#include <chrono>

namespace raceway {

StepGate::StepGate(int threads, QList<qlonglong> schedule)
    : m_seats(std::size_t(std::max(threads, 0))), m_schedule(std::move(schedule))
{
    m_open.store(m_schedule.isEmpty(), std::memory_order_relaxed);
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

bool StepGate::drive(const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    // Waits until `ready` holds; false when the run is cancelled first (polled: nothing signals it here).
    const auto until = [&](const auto &ready) {
        while (!ready()) {
            if (stop()) return false;
            m_changed.wait_for(lock, std::chrono::milliseconds(5));
        }
        return true;
    };
    bool followed = true;
    for (const qlonglong number : std::as_const(m_schedule)) {
        Seat &seat = m_seats[std::size_t(number - 1)];
        if (!until([&] { return seat.waiting || seat.left; })) {
            followed = false;
            break;
        }
        if (seat.left) continue; // a checked schedule never gets here; nothing to move
        const std::uint64_t before = seat.arrivals;
        seat.turn = true;
        m_changed.notify_all();
        // One thread moves at a time: the next step waits until this one has been taken.
        if (!until([&] { return seat.left || seat.arrivals > before; })) {
            followed = false;
            break;
        }
    }
    m_open.store(true, std::memory_order_release);
    m_changed.notify_all();
    return followed;
}

} // namespace raceway
