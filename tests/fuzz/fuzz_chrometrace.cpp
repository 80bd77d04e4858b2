// libFuzzer: arbitrary bytes as a Chrome trace for `raceway show`: gzip, JSON, the importer's span
// pairing and nesting. A crash or sanitizer report is a bug; every lane it builds must be sorted.

#include "chrometraceimport.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace raceway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Trace trace;
    ChromeImportStats stats;
    QString error;
    if (!readChromeTrace(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), &trace, &stats,
                         &error))
        return 0;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &l = trace.lane(i);
        for (std::size_t k = 1; k < l.times.size(); ++k)
            if (l.times[k] < l.times[k - 1]) std::abort();
        trace.forEachInterval(i, [](const Interval &iv) {
            if (iv.end < iv.start) std::abort();
        });
    }
    return 0;
}
