#pragma once

#include "periodicthread.h"
#include "recorder.h"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace raceway {

// The observer in the picture: Raceway's own threads (the collector, the samplers, the window) take
// cores from the workload they draw. Every interval this reads /proc/self/task/*/schedstat, tells the
// workload's threads (those that record events) from Raceway's own, and records on one lane, "Raceway
// itself", the share of all cores its own threads used (CoreSample, per mille). It counts its own
// reading too. The lane is added when it stops, after every lane of the run: it is the last one, and
// the run's own lanes keep their numbers.
class SelfSampler
{
public:
    explicit SelfSampler(Recorder &recorder, int intervalMs = 100);
    ~SelfSampler();
    SelfSampler(const SelfSampler &) = delete;
    SelfSampler &operator=(const SelfSampler &) = delete;

    void start();
    // Takes a last reading and records the lane, up to `until` (the run's end): a collector that fell
    // behind stops it late, and its readings after the run would draw every lane on past its end.
    void stop(std::int64_t until = INT64_MAX);

    // After stop(): CPU time over [start, stop] of Raceway's own threads and of the workload's threads
    // in this process (child processes are not in it), from the kernel's per-thread counts.
    std::int64_t ownCpuNs() const { return m_own; }
    std::int64_t workloadCpuNs() const { return m_workload; }

private:
    void sample(); // reads, and records the interval since the last reading
    void read();   // updates m_first / m_last, then the sums
    void record(std::int64_t from, std::int64_t to, std::int64_t ownNs);

    Recorder &m_recorder;
    int m_intervalMs;
    std::vector<std::pair<std::int64_t, std::uint32_t>> m_samples; // (interval start, per mille)
    struct Seen
    {
        std::int64_t first = 0, last = 0;
        bool workload = false;
    };
    std::map<int, Seen> m_tasks; // by thread id; a thread that ended keeps what it used
    std::int64_t m_own = 0, m_workload = 0;
    int m_cores = 1;
    std::int64_t m_processStart = 0;
    bool m_sawWorkload = false;
    std::int64_t m_startNs = 0, m_lastNs = 0;
    std::uint64_t m_heldBack = 0; // of the event budget, for the lane written at the end
    PeriodicThread m_thread;      // last: stopped before the rest goes
};

} // namespace raceway
