#pragma once

#include <QStringList>

namespace raceway::worker {

// The jobs a raceway-worker process can do, selected by its first argument. Each writes the event
// stream of workerprotocol.h on standard output and errors on standard error. Returns the exit status.
//   cpu ITERATIONS [none|crash|hang]    CPU-bound work; reports its own copy of a counter
//   burn MS                             uses MS milliseconds of its own CPU time
//   serve FUNCTION [EXTRA_MS]           reads "index value" lines on stdin, answers each in a Text record
//   shared NAME INCREMENTS LOCK WINDOW_NS WRITER   increments a counter in shared memory
//   stream COUNT                        writes COUNT events as fast as it can (benchmarks)
int runJob(const QStringList &args);

// Exact decimal results: n squared, cubed, or n! (a small big-integer, so 300! is exact).
QByteArray compute(const QByteArray &function, std::int64_t n, bool *ok);

} // namespace raceway::worker
