#pragma once

#include "periodicthread.h"
#include "recorder.h"

#include <cstdint>
#include <functional>

namespace raceway {

// What a racing counter really holds at one moment, read by one thread: `expected` counts the
// increments that have reached their write (each worker adds 1 to it just before writing the counter),
// `actual` is the counter's value. Read the counter first (acquire), then the count: every write the
// value reflects was counted before it, so expected >= actual at every reading.
struct CounterReading
{
    std::int64_t expected = 0;
    std::int64_t actual = 0;
};

// Draws a counter's lane from readings of the real counter, taken on its own thread: a reading every
// 50 µs early on, easing to one every 2 ms as the run grows, recorded only when something changed.
// A little of the event budget is set aside for it: once the workers have spent the rest, the lane goes
// on to the run's end, fewer readings a second the longer the run (never running out before the end).
// Each point is a state the counter really was in, so the live lane never shows a total that did not
// happen (per-thread progress reports, which lag, would). stop() takes the last reading after the
// workers are done, which is then exactly the run's final expected and actual.
class CounterSampler
{
public:
    using Read = std::function<CounterReading()>;
    CounterSampler(Recorder &recorder, std::uint16_t counterLane, std::uint8_t counterObject, Read read);
    ~CounterSampler();
    CounterSampler(const CounterSampler &) = delete;
    CounterSampler &operator=(const CounterSampler &) = delete;

    void start();
    void stop();                                          // joins the thread, then records a final reading
    std::uint64_t readings() const { return m_readings; } // recorded so far (after stop: all)

private:
    void sample();
    std::int64_t nextPeriodNs(std::int64_t elapsed) const;

    Recorder &m_recorder;
    ThreadBuffer *m_lane;
    std::uint8_t m_object;
    Read m_read;
    bool m_any = false;
    CounterReading m_last;
    std::uint64_t m_readings = 0;
    PeriodicThread m_thread; // last: stopped before the rest goes
};

} // namespace raceway
