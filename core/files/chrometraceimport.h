#pragma once

#include "trace.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>

namespace raceway {

struct ChromeImportStats
{
    std::uint64_t events = 0;  // trace events in the file
    std::uint64_t ignored = 0; // of kinds Raceway does not draw (async, samples, objects)
    std::uint64_t slices = 0;  // another tool's named slices kept
    std::uint64_t tooDeep = 0; // slices nested deeper than a lane keeps (256 rows)
    std::uint64_t argsCut = 0; // slices whose arguments were too long, or past the total kept
    std::uint64_t flows = 0;   // another tool's flow arrows (consecutive steps of one id)
    QJsonObject run;           // Raceway's own export: the run's report (otherData.run), else empty
};

// Reads Chrome Trace Event JSON (a bare array or an object with "traceEvents"; gzip-compressed when
// it starts with gzip's magic), as Raceway's own --trace writes it and as other tools do:
// - each pid/tid is a lane of kind thread, named by its thread_name (with its process_name in front
//   when the file has several processes), in the order they first appear or by thread_sort_index;
// - "X" slices and "B"/"E" pairs are spans. A "B" never closed runs until the trace's end; an "E"
//   without a "B" is ignored. In Raceway's own export (otherData.generator "Raceway ...") slice names
//   ("run", "wait lock", "sleep" ...) come back as their states, the innermost of nested ones drawn;
//   any other tool's spans are named slices, one row per depth (a lane of kind Slices), with their
//   category and arguments (each at most 2 KiB of JSON, 64 MiB in all); a thread's counters beside
//   them get a lane of their own; their flows ("s", "t", "f": the steps of one category and id) are
//   arrows from each step to the next (Trace::flows);
// - "i"/"I" instants are marks ("lost" with n is a lost-update marker); "C" counters become the
//   lane's series (a lane with nothing else is a counter lane);
// - timestamps are microseconds with fractions, kept to the nanosecond.
// Malformed input is false and one line naming the problem and where (byte offset or event index).
// At most 1 GiB of JSON is inflated from a gzip file.
bool readChromeTrace(const QByteArray &data, Trace *trace, ChromeImportStats *stats, QString *error);

// True when the bytes look like gzip or JSON text (after blanks): '[' or '{'.
bool looksLikeChromeTrace(const QByteArray &start);

} // namespace raceway
