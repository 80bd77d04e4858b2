// Another tool's named slices: a frame of a slice lane costs its pixels, not its slices.

#include "timelinepainter.h"
#include "trace.h"

#include <QImage>
#include <QPainter>

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

using namespace raceway;

namespace {

// Four threads of calls nested up to six deep, `count` slices in all, 40 names, over a second.
const Trace &sliceTrace(std::int64_t count)
{
    static std::map<std::int64_t, std::unique_ptr<Trace>> cache;
    auto &slot = cache[count];
    if (slot) return *slot;
    slot = std::make_unique<Trace>();
    std::vector<QString> names{QString()};
    for (int i = 0; i < 40; ++i)
        names.push_back(QStringLiteral("module.function_%1").arg(i));
    slot->setSliceTables(names, {QString()});
    std::mt19937_64 rng(7);
    constexpr int lanes = 4;
    const std::int64_t perLane = count / lanes;
    for (int lane = 0; lane < lanes; ++lane) {
        std::vector<Slice> slices;
        slices.reserve(std::size_t(perLane));
        // Top-level calls side by side, each split into three children, down six levels (364 a call).
        const std::int64_t top = std::max<std::int64_t>(1, perLane / 364);
        const std::int64_t width = 1'000'000'000 / top;
        struct Frame
        {
            std::int64_t start, end;
            int depth;
        };
        std::vector<Frame> stack;
        for (std::int64_t i = 0; i < top && std::int64_t(slices.size()) < perLane; ++i)
            stack.push_back({i * width, i * width + width - width / 10, 0});
        std::reverse(stack.begin(), stack.end());
        while (!stack.empty() && std::int64_t(slices.size()) < perLane) {
            const Frame f = stack.back();
            stack.pop_back();
            slices.push_back({f.start, f.end, std::uint32_t(1 + rng() % 40), 0, 0});
            if (f.depth == 5 || f.end - f.start < 8) continue;
            const std::int64_t part = (f.end - f.start) / 3;
            for (int c = 2; c >= 0; --c)
                stack.push_back(
                    {f.start + c * part + part / 8, f.start + (c + 1) * part - part / 8, f.depth + 1});
        }
        Lane l;
        l.name = QStringLiteral("thread %1").arg(lane + 1);
        l.kind = LaneKind::Slices;
        l.slices.build(std::move(slices));
        slot->appendLane(std::move(l));
    }
    slot->setStart(0);
    slot->setEnd(1'000'000'000);
    return *slot;
}

void renderSlices(benchmark::State &state, double visibleFraction)
{
    const Trace &trace = sliceTrace(state.range(0));
    QImage image(1920, 1080, QImage::Format_RGB32);
    TimelinePainter painter(trace);
    const std::int64_t span = trace.end() - trace.start();
    const std::int64_t start = trace.start() + std::int64_t(double(span) * (1 - visibleFraction) / 2);
    painter.setWindow(start, start + std::int64_t(double(span) * visibleFraction));
    for (auto _ : state) {
        QPainter p(&image);
        painter.paint(p, image.rect());
    }
    std::size_t slices = 0;
    for (const Lane &l : trace.lanes())
        slices += l.slices.size();
    state.counters["slices"] = double(slices);
    state.counters["bytes_per_slice"] = double(trace.bytesStored()) / double(slices);
}

} // namespace

static void BM_RenderSlicesZoomedOut(benchmark::State &state)
{
    renderSlices(state, 1.0);
}
BENCHMARK(BM_RenderSlicesZoomedOut)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_RenderSlicesZoomedIn(benchmark::State &state)
{
    renderSlices(state, 0.001);
}
BENCHMARK(BM_RenderSlicesZoomedIn)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A traced program's calls as the collector reads them (raceway trace --calls): CallBegin and CallEnd
// events, nested four deep, ingested into a slices lane. Reports the cost of an event and the bytes a
// call keeps.
static void BM_IngestCalls(benchmark::State &state)
{
    const auto calls = std::size_t(state.range(0));
    std::vector<Event> events;
    events.reserve(calls * 2);
    std::int64_t t = 1'000'000;
    std::size_t made = 0;
    while (made < calls) { // a call, with three calls under it, each with one under it
        events.push_back({t += 10, 1, 0, EventKind::CallBegin, 0});
        ++made;
        for (int c = 0; c < 3 && made < calls; ++c) {
            events.push_back({t += 10, 2 + std::uint32_t(c), 0, EventKind::CallBegin, 0});
            events.push_back({t += 10, 5, 0, EventKind::CallBegin, 0});
            events.push_back({t += 50, 0, 0, EventKind::CallEnd, 0});
            events.push_back({t += 10, 0, 0, EventKind::CallEnd, 0});
            made += 2;
        }
        events.push_back({t += 10, 0, 0, EventKind::CallEnd, 0});
    }
    std::vector<QString> sites;
    for (int i = 0; i < 8; ++i)
        sites.push_back(QStringLiteral("work.py:%1 in function_%1").arg(i + 1));
    std::size_t bytes = 0;
    for (auto _ : state) {
        Trace trace;
        trace.setRegistry({{QStringLiteral("MainThread calls"), LaneKind::Slices}}, {});
        trace.setSites(sites);
        for (std::size_t i = 0; i < events.size(); i += 4096)
            trace.ingest(events.data() + i, std::min<std::size_t>(4096, events.size() - i));
        benchmark::DoNotOptimize(trace.lane(0).slices.size());
        bytes = trace.lane(0).slices.bytesStored();
    }
    state.SetItemsProcessed(std::int64_t(state.iterations() * events.size()));
    state.counters["ns_per_event"] = benchmark::Counter(
        double(events.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["bytes_per_call"] = double(bytes) / double(calls);
}
BENCHMARK(BM_IngestCalls)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
