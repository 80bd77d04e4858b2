#include "countersampler.h"

#include "clock.h"

#include <algorithm>
#include <chrono>

namespace raceway {

CounterSampler::CounterSampler(Recorder &recorder, std::uint16_t counterLane, std::uint8_t counterObject,
                               Read read)
    : m_lane(recorder.createBuffer(counterLane)), m_object(counterObject), m_read(std::move(read))
{
}

CounterSampler::~CounterSampler()
{
    stop();
}

void CounterSampler::start()
{
    sample(); // where the counter starts
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
}

void CounterSampler::stop()
{
    if (!m_thread.joinable()) return;
    {
        const std::lock_guard<std::mutex> hold(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
    sample(); // the workers are done: this reading is the final one
}

void CounterSampler::sample()
{
    // A worker counts its increment a few nanoseconds before it writes the counter; a reading taken
    // in between shows one increment "missing" that is about to land. Read again briefly when the
    // counter is behind: what stays behind was really lost.
    CounterReading r = m_read();
    for (int again = 0; again < 3 && r.actual < r.expected; ++again) {
        const std::int64_t until = nowNs() + 300;
        while (nowNs() < until) {
        }
        const CounterReading next = m_read();
        if (next.expected != r.expected) // more increments arrived: this one is as good
            break;
        r = next;
    }
    if (m_any && r.expected == m_last.expected && r.actual == m_last.actual) return;
    // One instant, two events: the count first, then the value that completes the point.
    const std::int64_t t = nowNs();
    m_lane->recordWide(t, EventKind::CounterExpected, m_object, r.expected);
    m_lane->recordWide(t, EventKind::CounterActual, m_object, r.actual);
    m_last = r;
    m_any = true;
    ++m_readings;
}

void CounterSampler::loop()
{
    const std::int64_t begin = nowNs();
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        sample();
        lock.lock();
        // A thousand readings over the run so far, at most one every 50 µs and at least one every 2 ms.
        const std::int64_t every = std::clamp<std::int64_t>((nowNs() - begin) / 1000, 50'000, 2'000'000);
        m_wake.wait_for(lock, std::chrono::nanoseconds(every), [this] { return m_stopping; });
    }
}

} // namespace raceway
