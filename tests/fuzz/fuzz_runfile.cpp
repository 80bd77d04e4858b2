// libFuzzer: arbitrary bytes as a saved-run file, down the path `raceway show` takes: the reader's
// checks, the replay into a trace and every query the painter and exports make of it. Any crash,
// overflow, sanitizer report or out-of-memory is a bug; a refusal must name a byte offset.

#include "runfilereader.h"
#include "trace.h"

#include <QBuffer>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace raceway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QBuffer in;
    in.setData(reinterpret_cast<const char *>(data), qsizetype(size));
    in.open(QIODevice::ReadOnly);
    Trace trace;
    runfile::SavedRun run;
    QString error;
    if (!RunFileReader::read(in, &trace, &run, &error)) {
        if (!error.startsWith(QLatin1String("byte "))) std::abort();
        return 0;
    }
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &l = trace.lane(i);
        (void)trace.totalIn(i, State::Running);
        (void)trace.markerSum(i);
        (void)l.indexAt(trace.start() + (trace.end() - trace.start()) / 2);
        trace.forEachInterval(i, [](const Interval &) {});
    }
    (void)trace.bytesStored();
    return 0;
}
