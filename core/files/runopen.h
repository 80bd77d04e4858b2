#pragma once

#include "chrometraceimport.h"
#include "runfile.h"
#include "trace.h"

#include <QString>

namespace raceway {

// A file opened for looking at: a Raceway saved run, or a Chrome Trace Event JSON file another tool
// (or Raceway's own export) wrote. `raceway show` and File > Open read files the same way.
struct OpenedFile
{
    bool savedRun = false;    // a Raceway saved run (else a Chrome trace)
    runfile::SavedRun run;    // a saved run's result record, or the report a Raceway trace carries
    bool runInTrace = false;  // a Chrome trace Raceway wrote of a run, with its report (in `run`)
    ChromeImportStats chrome; // a Chrome trace's counts
    QString title;            // a Chrome trace: "name.json: 12 lanes from a Chrome trace"
};

// Reads `path` into `trace` (which must be empty). The kind is told by the first bytes (a .raceway name
// insists on a saved run, so a wrong magic is reported as such). False and one line in `error` naming
// the problem and, where it applies, the byte offset; the trace is then not to be used.
bool openRunFile(const QString &path, Trace *trace, OpenedFile *opened, QString *error);

} // namespace raceway
