#pragma once

#include <QStringList>
#include <QTextStream>

namespace raceway {

// `raceway trace SCRIPT [ARGS...] [options]`: runs a Python script under the tracer and reports it
// as `run` reports a scenario. Returns the exit status.
int traceScript(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace raceway
