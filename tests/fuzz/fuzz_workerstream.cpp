// libFuzzer: arbitrary bytes as a worker's standard output, down the same path a real worker's take:
// the stream reader, the time clamp, the worker's lane buffer, the collector's bounded drain, the
// trace model and every query the painter and exports make of it. Any crash, overflow or sanitizer
// report is a bug; the trace must stay sorted per lane.

#include "recorder.h"
#include "trace.h"
#include "workerprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace raceway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Recorder rec(1 << 20);
    // The lanes a process scenario has: processes, a lock, a counter, a GIL, a queue, a core.
    const std::uint16_t workerLane = rec.addLane(QStringLiteral("worker"), LaneKind::Process);
    const std::uint16_t other = rec.addLane(QStringLiteral("other"), LaneKind::Thread);
    const std::uint8_t lock =
        rec.addObject(QStringLiteral("lock"), rec.addLane(QStringLiteral("lock"), LaneKind::Lock));
    const std::uint8_t counter =
        rec.addObject(QStringLiteral("counter"), rec.addLane(QStringLiteral("counter"), LaneKind::Counter));
    const std::uint8_t gil =
        rec.addObject(QStringLiteral("GIL"), rec.addLane(QStringLiteral("GIL"), LaneKind::Gil));
    const std::uint8_t queue =
        rec.addObject(QStringLiteral("queue"), rec.addLane(QStringLiteral("queue"), LaneKind::Queue));
    rec.addLane(QStringLiteral("cpu 0"), LaneKind::Core);
    ThreadBuffer *lane = rec.createBuffer(workerLane);
    ThreadBuffer *second = rec.createBuffer(other);
    const std::uint8_t objects[] = {0, lock, counter, gil, queue};

    worker::StreamReader reader;
    std::int64_t last = 0;
    std::size_t n = 0;
    reader.onEvent = [&](const Event &e) {
        // Object ids as a scenario's mapper would pass them; every other event goes to a second lane.
        const std::uint8_t obj = objects[e.obj % 5];
        ThreadBuffer *b = (n++ % 7 == 3) ? second : lane;
        b->recordAt(worker::saneTime(e.t, last, INT64_MAX / 2), e.kind, obj, e.arg);
    };
    reader.onText = [](const QByteArray &) {};
    // Fed in uneven pieces, as pipes deliver.
    std::size_t pos = 0, piece = 1;
    while (pos < size) {
        const std::size_t take = std::min(size - pos, piece);
        reader.feed(reinterpret_cast<const char *>(data) + pos, take);
        pos += take;
        piece = piece * 3 % 61 + 1;
    }

    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    while (rec.drain([&](const Event *e, std::size_t count) { trace.ingest(e, count); }, 100))
        trace.commit(rec.watermark());
    trace.commit();
    trace.setEnd(last);
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &l = trace.lane(i);
        for (std::size_t k = 1; k < l.times.size(); ++k)
            if (l.times[k] < l.times[k - 1]) std::abort();
        (void)trace.totalIn(i, State::Running);
        (void)trace.markerSum(i);
        (void)l.indexAt(last / 2);
        trace.forEachInterval(i, [](const Interval &iv) {
            if (iv.end < iv.start) std::abort();
        });
    }
    (void)trace.bytesStored();
    return 0;
}
