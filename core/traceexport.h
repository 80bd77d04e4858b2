#pragma once

#include "trace.h"

#include <QIODevice>
#include <QString>

namespace raceway {

// Writes the trace as Chrome Trace Event JSON (opens in Perfetto UI, chrome://tracing and speedscope):
// one "M" thread name per lane, "X" spans for states, "i" instants for markers, "C" counter samples.
// Streams through a small buffer, so a run of millions of events never exists as one document.
bool writeChromeTrace(const Trace &trace, QIODevice &out, QString *error = nullptr);

} // namespace raceway
