#pragma once

#include <QStringList>
#include <QTextStream>

namespace raceway {

// `raceway trace SCRIPT [ARGS...] [options]`: runs a Python script under the tracer and reports it
// as `run` reports a scenario. Returns the exit status.
int traceScript(const QStringList &args, QTextStream &out, QTextStream &err);
// `raceway pythons [--json]`: the Python interpreters Raceway finds, each with its version and build
// (gil or free-threaded), or why it cannot be traced.
int listPythons(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace raceway
