#include "countersampler.h"

#include "clock.h"

#include <algorithm>
#include <chrono>

namespace raceway {
namespace {

// Set aside for the readings past the budget: about 4,000 readings (256 KB).
constexpr std::uint64_t pastBudgetEvents = 16384;
// A reading is two events, each with the high half of its value when that is needed.
constexpr std::uint64_t eventsPerReading = 4;
constexpr std::uint64_t finalReadingEvents = 4;

} // namespace

CounterSampler::CounterSampler(Recorder &recorder, std::uint16_t counterLane, std::uint8_t counterObject,
                               Read read)
    : m_recorder(recorder), m_lane(recorder.createBuffer(counterLane)), m_object(counterObject),
      m_read(std::move(read))
{
    m_recorder.setAside(m_lane, pastBudgetEvents);
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
        // Past the budget, the last few events set aside are kept for the final reading.
        if (!m_recorder.budgetSpent() || m_lane->setAsideLeft() >= finalReadingEvents + eventsPerReading)
            sample();
        return std::chrono::nanoseconds(nextPeriodNs(nowNs() - begin));
    });
}

std::int64_t CounterSampler::nextPeriodNs(std::int64_t elapsed) const
{
    // A thousand readings over the run so far, at most one every 50 µs and at least one every 2 ms.
    const std::int64_t normal = std::clamp<std::int64_t>(elapsed / 1000, 50'000, 2'000'000);
    if (!m_recorder.budgetSpent()) return normal;
    // Past the budget: a quarter of the readings left over as long again as the run so far, so that
    // they last whatever its length (each halving of what is left takes a doubling of the run).
    const std::int64_t readingsLeft =
        std::int64_t(m_lane->setAsideLeft() > finalReadingEvents ? m_lane->setAsideLeft() - finalReadingEvents
                                                                 : 0) /
        eventsPerReading;
    if (readingsLeft == 0) return 50'000'000; // only the final reading is left: its time is stop()'s
    return std::max(normal, elapsed * 4 / readingsLeft);
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
    m_recorder.noteCount(r.expected, r.actual);
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
