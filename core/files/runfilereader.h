#pragma once

#include "runfile.h"
#include "trace.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>

namespace raceway {

// Reads a saved-run file (see runfile.h) by replaying its records into a Trace with the same ingest
// and commit calls the run made, so the trace comes back identical. The file is not trusted: every
// count, index and size is checked before it is used, a block never inflates past its declared size
// (at most 1 MiB), and no more events are accepted than the run's budget or this machine's (see
// eventbudget.h). Anything wrong is one line naming the problem and the byte offset where it is.
class RunFileReader
{
public:
    static bool read(QIODevice &in, Trace *trace, runfile::SavedRun *run, QString *error);
    // True when the bytes start like a saved-run file (the magic), whatever follows.
    static bool hasMagic(const QByteArray &start);
};

} // namespace raceway
