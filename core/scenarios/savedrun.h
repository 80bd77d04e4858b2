#pragma once

#include "runfile.h"
#include "runner.h"

namespace raceway {

// Between a run and the result record of its saved-run file (see runfile.h), for every front end that
// saves or reopens runs: the command line and the window write and read the same thing.

// What the file keeps of a finished run: its scenario and parameters (as name=value), its numbers,
// and the trace's time span. `signal` is what interrupted the run (0: nothing).
runfile::SavedRun describeRun(const Scenario &scenario, const RunResult &result, std::uint64_t maxEvents,
                              const Trace &trace, int signal = 0);
// The way back: the scenario is looked up by id among the built-in ones and the parameters parsed
// against its specs. False and one line in `error` when either does not fit.
bool restoreRun(const runfile::SavedRun &run, const Scenario **scenario, RunResult *result, QString *error);

} // namespace raceway
