#pragma once

#include <QStringList>
#include <QTextStream>

namespace raceway {

// `raceway show FILE [--png F] [--svg F] [--trace F] [--json]`: a saved run (--save) or a Chrome Trace
// Event JSON file (.json or .json.gz) drawn and reported without running anything. Returns the exit
// status: 0 done, 1 an output could not be written, 2 bad usage or a file refused (one line on err).
int show(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace raceway
