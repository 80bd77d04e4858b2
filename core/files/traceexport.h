#pragma once

#include "runfile.h"
#include "trace.h"

#include <QIODevice>
#include <QString>

#include <cstdint>

namespace raceway {

struct ChromeTraceOptions
{
    enum class Compression { Auto, None, Gzip };
    Compression compression = Compression::Auto; // Auto: gzip when the device is a file named *.gz
    // 0 chooses from the run's length (chromeTraceResolution). Rounded up to whole microseconds.
    std::int64_t resolutionNs = 0;
    std::int64_t counterPeriodNs = 0; // 0: chromeTraceCounterPeriod
    // The run's report, carried in otherData.run (runreportjson.h) for `raceway show` to report the run
    // as it was; none for a trace that is not a run of Raceway's.
    const runfile::SavedRun *run = nullptr;
};

// Writes the trace as Chrome Trace Event JSON for Perfetto UI, chrome://tracing and speedscope:
// pid 1 for the run, tid = lane index + 2, a thread_name per lane (its args also say the lane's kind,
// "raceway_kind"), "X" slices for states, "i" instants for lost updates (n increments erased by k
// writes), "C" samples for counter, lock, queue and core lanes.
//
// Like the painter with pixels, it draws on a grid: each cell of the resolution takes the state that
// fills most of it, and runs of cells in one state are one slice. Slice times are whole multiples of
// the resolution (integer microseconds), so a slice's ts + dur is exactly the next slice's ts in any
// viewer's arithmetic. Lost updates in one cell of a lane become one instant carrying their sum;
// counters keep the last value of each counter period at its exact time. The chosen resolution and
// period are written into the trace's otherData. Streams through a small buffer.
bool writeChromeTrace(const Trace &trace, QIODevice &out, const ChromeTraceOptions &options,
                      QString *error = nullptr);
bool writeChromeTrace(const Trace &trace, QIODevice &out, QString *error = nullptr);

// The finest of 1, 2, 5, 10, 20, 50 ... microseconds that gives each lane at most 100,000 cells.
std::int64_t chromeTraceResolution(const Trace &trace);
// About 250 counter samples over the run (the first of 1, 2, 5 x 10^k microseconds that gives at most
// 250 periods), never finer than the resolution. A sample costs ~90 bytes, and in a GIL run nearly every
// recorded event is a counter step: at the resolution the export would spend ~95 bytes per event there.
std::int64_t chromeTraceCounterPeriod(const Trace &trace, std::int64_t resolutionNs);

} // namespace raceway
