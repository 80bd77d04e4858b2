#pragma once

#include "procsampler.h"
#include "pystream.h"
#include "recorder.h"

#include <QString>

#include <cstdint>
#include <map>

namespace raceway::py {

// What a traced run adds up to, measured from the lanes as they are recorded.
struct Assembled
{
    int threads = 0;                   // thread lanes
    int tasks = 0;                     // asyncio task lanes
    int processes = 0;                 // processes that said hello
    std::int64_t cpuNs = 0;            // on-CPU time of every traced thread (schedstat)
    std::int64_t lockWaitNs = 0;       // drawn waits for traced locks and semaphores
    std::uint64_t lockWaits = 0;       // how many such waits are drawn
    std::uint64_t lockWaitsTraced = 0; // how many the tracers counted (STAT)
    std::int64_t gilHeldNs = 0;        // the script's interpreter: time some thread ran Python
    std::int64_t gilSpanNs = 0;        // ... out of this much sampled time
    std::uint64_t tracerEvents = 0;    // what the tracers say they recorded
    std::int64_t tracerCostNs = 0;     // the largest of any process's events × calibrated cost
    std::uint64_t lines = 0;           // printed lines
    std::uint64_t objectsUntraced = 0;
    std::map<std::int64_t, int> exitCodes; // by pid, as the processes reported them
};

// Turns what the tracer said and what the sampler saw into lanes, once the run is over. For each
// thread, the tracer's events are exact; where the tracer says the thread runs Python, the samples
// add what it cannot say: on which core it runs, or that it sleeps in a futex (waiting for the GIL,
// inferred) or elsewhere (waiting outside Python). Each interpreter gets a GIL lane, inferred: at
// each sampling round, the one thread of the process that is running Python and runnable holds it.
class Assembler
{
public:
    Assembler(Recorder &recorder, const StreamParser &stream, const ProcSampler &sampler)
        : m_recorder(recorder), m_stream(stream), m_sampler(sampler)
    {
    }
    // How the script's own process ended, as its parent saw it.
    struct MainProcess
    {
        std::int64_t pid = 0;
        QString name; // what its process lane is called
        ExitKind how = ExitKind::Normal;
        std::int64_t endNs = 0;
        bool killed = false; // the run killed what was left: children that said nothing were killed
    };
    // endNs: where lanes still running at the end stop.
    Assembled assemble(const MainProcess &main, std::int64_t endNs);

private:
    Recorder &m_recorder;
    const StreamParser &m_stream;
    const ProcSampler &m_sampler;
};

} // namespace raceway::py
