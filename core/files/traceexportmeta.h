#pragma once

// What traceexport.cpp writes about the trace as a whole (otherData) and the small pieces of JSON it
// shares with it.

#include "runfile.h"
#include "trace.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace raceway::traceexport {

// pid 1 is the run; every tid is larger, so no lane passes for the process's main thread.
inline int tidOf(std::size_t lane)
{
    return int(lane) + 2;
}

QByteArray jsonString(const QString &s); // quoted and escaped, UTF-8

// The otherData object: the generator, clock, times, grid and counter period, how the drawing was made
// (a sentence), and what `raceway show` needs to put Raceway's own run back (lane tids of named slices,
// the budget's end, the erased split, the summaries past the budget, the run's report).
QByteArray otherData(const Trace &trace, std::int64_t t0, std::int64_t resolution, std::int64_t period,
                     const runfile::SavedRun *run);

} // namespace raceway::traceexport
