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
    const std::int64_t begin = nowNs();
    m_thread.start(std::chrono::nanoseconds(0), [this, begin] {
        sample();
        // A thousand readings over the run so far, at most one every 50 µs and at least one every 2 ms.
        return std::chrono::nanoseconds(
            std::clamp<std::int64_t>((nowNs() - begin) / 1000, 50'000, 2'000'000));
    });
}

void CounterSampler::stop()
{
    if (!m_thread.stop()) return;
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

} // namespace raceway
