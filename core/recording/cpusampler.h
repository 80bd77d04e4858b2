#pragma once

#include "periodicthread.h"
#include "recorder.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace raceway {

// Per-core jiffies from /proc/stat. Ticks are 10 ms: a sample is only as precise as that.
struct CpuTimes
{
    std::vector<std::uint64_t> busy;  // user + nice + system + irq + softirq + steal
    std::vector<std::uint64_t> total; // busy + idle + iowait
};

std::optional<CpuTimes> readCpuTimes(const QString &path = QStringLiteral("/proc/stat"));
// Percent busy of each core between two readings (cores missing from either count as idle).
std::vector<double> utilisationBetween(const CpuTimes &a, const CpuTimes &b);
// CPU time a process has used so far, in ns, from /proc/<pid>/schedstat; nullopt once it is gone.
std::optional<std::int64_t> processCpuNs(qint64 pid);

// Samples /proc/stat on its own thread at a fixed interval and records each core's utilisation as
// CoreSample events on one lane per core ("cpu 0", ...). Its means cover exactly [start, stop].
class CpuSampler
{
public:
    explicit CpuSampler(Recorder &recorder, int intervalMs = 50);
    ~CpuSampler();
    CpuSampler(const CpuSampler &) = delete;
    CpuSampler &operator=(const CpuSampler &) = delete;

    void start();
    void stop();
    int intervalMs() const { return m_intervalMs; }
    std::vector<double> meanUtilisation() const { return m_mean; } // after stop()

private:
    void sample();

    Recorder &m_recorder;
    int m_intervalMs;
    std::vector<ThreadBuffer *> m_lanes;
    std::optional<CpuTimes> m_first;
    std::optional<CpuTimes> m_previous; // the sampling thread's: the last reading, and when it was taken
    std::int64_t m_previousT = 0;
    std::vector<double> m_mean;
    PeriodicThread m_thread; // last: stopped before the rest goes
};

} // namespace raceway
