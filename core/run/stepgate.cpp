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
    return hold(thread, &lane, obj, stop);
}

bool StepGate::pass(int thread, const std::function<bool()> &stop)
{
    return hold(thread, nullptr, 0, stop);
}

bool StepGate::hold(int thread, ThreadBuffer *lane, std::uint8_t obj, const std::function<bool()> &stop)
{
    if (m_open.load(std::memory_order_acquire)) return !stop(); // past the schedule: no lock taken
    std::unique_lock lock(m_mutex);
    if (m_open.load(std::memory_order_relaxed)) return !stop();
    Seat &seat = m_seats[std::size_t(thread)];
    seat.waiting = true;
    seat.blocked = false;
    ++seat.arrivals;
    m_changed.notify_all();
    if (lane) lane->record(EventKind::WaitBegin, obj);
    // The controller opens the gate at once when the run is cancelled; the timeout is a backstop.
    while (!seat.turn && !m_open.load(std::memory_order_relaxed) && !stop())
        m_changed.wait_for(lock, std::chrono::milliseconds(20));
    seat.waiting = false;
    seat.turn = false;
    if (lane) lane->record(EventKind::WaitEnd, obj);
    return !stop();
}

void StepGate::leave(int thread)
{
    const std::lock_guard lock(m_mutex);
    m_seats[std::size_t(thread)].left = true;
    m_changed.notify_all();
}

void StepGate::say(const QString &text)
{
    if (m_open.load(std::memory_order_acquire)) return;
    const std::lock_guard lock(m_mutex);
    // A step can set off more than one thing (a deadlock broken, then the lock given to its waiter).
    m_said = m_said.isEmpty() ? text : m_said + QStringLiteral("; ") + text;
}

void StepGate::block(int thread, const QString &waits)
{
    if (m_open.load(std::memory_order_acquire)) return;
    const std::lock_guard lock(m_mutex);
    Seat &seat = m_seats[std::size_t(thread)];
    if (seat.blocked) return;
    seat.blocked = true;
    seat.waits = waits;
    m_changed.notify_all();
}

void StepGate::unblock(int thread)
{
    const std::lock_guard lock(m_mutex);
    Seat &seat = m_seats[std::size_t(thread)];
    if (!seat.blocked) return;
    seat.blocked = false;
    seat.waits.clear();
    m_changed.notify_all();
}

void StepGate::note(int thread, const QString &text)
{
    if (m_open.load(std::memory_order_acquire)) return;
    const std::lock_guard lock(m_mutex);
    m_seats[std::size_t(thread)].note = text;
}

bool StepGate::until(std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop,
                     const std::function<bool()> &ready)
{
    while (!ready()) {
        if (stop()) return false;
        m_changed.wait_for(lock, std::chrono::milliseconds(5));
    }
    return true;
}

bool StepGate::matched() const
{
    for (std::size_t i = 0; i < m_seats.size(); ++i) {
        const Seat &seat = m_seats[i];
        const auto number = qlonglong(i + 1);
        if (seat.left) continue; // gone: it stands nowhere (done, or stopped)
        if (m_model.finished(number)) return false;
        const bool waits = m_model.waitsFor(number) >= 0;
        // A step point is reached once a step taken, and once before the first.
        const auto arrivals = std::uint64_t(m_model.taken(number)) + (waits ? 0 : 1);
        if (seat.arrivals != arrivals || (waits ? !seat.blocked : !seat.waiting)) return false;
    }
    return true;
}

bool StepGate::move(qlonglong number, std::unique_lock<std::mutex> &lock, const std::function<bool()> &stop)
{
    Seat &seat = m_seats[std::size_t(number - 1)];
    if (!until(lock, stop, [&] { return seat.waiting || seat.left; })) return false;
    if (seat.left) return true; // a checked schedule never gets here; nothing to move
    seat.turn = true;
    m_changed.notify_all();
    m_model.step(number);
    m_taken << number;
    m_said.clear(); // said again by the step, if it has something to say
    // One step at a time: the next waits until this one has been taken and all it set off has happened
    // (a thread that got the lock it waited for has gone on to its next step point).
    return until(lock, stop, [&] { return matched(); });
}

void StepGate::publish(const QString &refused)
{
    if (!m_feed) return;
    StepFeed::State state;
    state.taken = m_taken;
    state.refused = refused;
    state.said = m_said;
    state.holding = !m_open.load(std::memory_order_relaxed);
    const qsizetype n = m_plan.names.size();
    for (const Seat &seat : m_seats) {
        state.next << (seat.left || seat.arrivals == 0 || n == 0
                           ? QString()
                           : m_plan.names[qsizetype((seat.arrivals - 1) % n)]);
        state.notes << (seat.left ? QString() : seat.note);
        state.waits << (seat.left ? QString() : seat.waits);
    }
    m_feed->publish(state);
}

bool StepGate::drive(const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    bool followed = until(lock, stop, [&] { return matched(); }); // every thread at its first step point
    for (const qlonglong number : std::as_const(m_schedule)) {
        if (!followed) break;
        followed = move(number, lock, stop);
    }
    // Live: the window's steps, one at a time, each checked as a schedule would be.
    QString refused;
    while (followed && m_feed) {
        const bool anyLeft =
            std::any_of(m_seats.begin(), m_seats.end(), [](const Seat &seat) { return !seat.left; });
        if (!anyLeft) break;
        publish(refused);
        lock.unlock();
        const int number = m_feed->take(stop);
        lock.lock();
        if (number == 0) break; // released, or stopped
        refused = m_model.refusal(number);
        if (!refused.isEmpty())
            refused = QStringLiteral("schedule: position %1 ").arg(m_taken.size() + 1) + refused;
        if (refused.isEmpty()) followed = move(number, lock, stop);
    }
    m_open.store(true, std::memory_order_release);
    m_changed.notify_all();
    publish({});
    return followed && !stop();
}

} // namespace raceway
