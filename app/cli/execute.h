#pragma once

#include "options.h"
#include "scenario.h"

#include <QTextStream>

namespace raceway {

// Runs a scenario whose parameters are already checked, as `run` and `trace` do: outputs prepared
// first, Ctrl+C and SIGTERM stop it, the files written, the summary or --json printed. Returns the
// exit status.
int executeRun(const Scenario &scenario, const ParamValues &params, const CliOptions &o, QTextStream &out,
               QTextStream &err);

} // namespace raceway
