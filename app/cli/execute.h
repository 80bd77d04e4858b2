#pragma once

#include "options.h"
#include "scenario.h"

#include <QTextStream>

#include <vector>

namespace raceway {

// Runs a scenario whose parameters are already checked, as `run` and `trace` do: outputs prepared
// first, Ctrl+C and SIGTERM stop it, the files written, the summary or --json printed. Returns the
// exit status.
int executeRun(const Scenario &scenario, const ParamValues &params, const CliOptions &o, QTextStream &out,
               QTextStream &err);

// One scenario after another (a script under each of several interpreters), drawn stacked on one time
// scale in the PNG, their reports in one JSON object's "runs" (each labelled), or one summary each.
struct SideBySideRun
{
    const Scenario *scenario = nullptr;
    QString label; // "Python 3.13.5, free-threaded"
};
int executeSideBySide(const std::vector<SideBySideRun> &runs, const CliOptions &o, QTextStream &out,
                      QTextStream &err);

} // namespace raceway
