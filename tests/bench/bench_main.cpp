// Raceway's speed targets, measured (never asserted in unit tests):
//   BM_RecordEvent <= 1.3 x BM_ClockNow; BM_RenderZoomedOut/10000000 <= 8 ms;
//   BM_SummariseEvent per event <= 0.5 x BM_RecordEvent.

#include "clock.h"
#include "eventtiming.h"
#include "imageexport.h"
#include "recorder.h"
#include "simulatedgil.h"
#include "synthetic.h"
#include "timelinepainter.h"
#include "tracedmutex.h"
#include "workerprotocol.h"

#include <QProcess>

#include "overviewstrip.h"
#include "timelineview.h"
#include "timelinezoom.h"
#include <QApplication>
#include <QImage>
#include <QMutex>
#include <QThread>
#include <QWheelEvent>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

using namespace raceway;

static void BM_ClockNow(benchmark::State &state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(nowNs());
}
BENCHMARK(BM_ClockNow);

// One event recorded, timestamp included, while a collector thread drains concurrently as in a real run.
static void BM_RecordEvent(benchmark::State &state)
{
    Recorder rec(std::uint64_t(1) << 40);
    ThreadBuffer *buffer = rec.createBuffer(rec.addLane(QStringLiteral("bench"), LaneKind::Thread));
    std::atomic<bool> stop{false};
    std::thread collector([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            rec.drain([](const Event *, std::size_t) {});
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    std::uint32_t i = 0;
    for (auto _ : state)
        buffer->record(EventKind::Progress, 0, i++);
    stop.store(true);
    collector.join();
    rec.drain([](const Event *, std::size_t) {});
    state.counters["bytes_per_event"] = double(sizeof(Event));
}
BENCHMARK(BM_RecordEvent);

static void BM_TracedMutexCycle(benchmark::State &state)
{
    Recorder rec(std::uint64_t(1) << 40);
    TracedMutex mutex(rec, QStringLiteral("m"));
    ThreadBuffer *buffer = rec.createBuffer(rec.addLane(QStringLiteral("bench"), LaneKind::Thread));
    std::int64_t n = 0;
    for (auto _ : state) {
        mutex.lock(*buffer);
        mutex.unlock(*buffer);
        if ((++n & 0xFFFF) == 0) // keep memory flat: a collector would have drained by now
            rec.drain([](const Event *, std::size_t) {});
    }
}
BENCHMARK(BM_TracedMutexCycle);

// One hand-over of the simulated GIL between two threads that both want it: the holder drops it (as
// at a forced switch) and the waiter, woken through a condition variable, takes it. Time per hand-over.
static void BM_GilHandover(benchmark::State &state)
{
    Recorder rec(std::uint64_t(1) << 40);
    SimulatedGil gil(rec, 1'000'000'000); // switches happen only when asked, not by the interval
    ThreadBuffer *a = rec.createBuffer(rec.addLane(QStringLiteral("a"), LaneKind::Thread));
    ThreadBuffer *b = rec.createBuffer(rec.addLane(QStringLiteral("b"), LaneKind::Thread));
    std::atomic<bool> stop{false};
    gil.acquire(*a, 0);
    std::thread other([&] {
        while (!stop.load()) {
            gil.acquire(*b, 1);
            gil.release(*b);
        }
    });
    std::int64_t n = 0;
    for (auto _ : state) {
        gil.release(*a);    // hand it to the waiting thread if there is one
        gil.acquire(*a, 0); // and queue for it again: two hand-overs per iteration when contended
        if ((++n & 0xFFFF) == 0) rec.drain([](const Event *, std::size_t) {});
    }
    stop.store(true);
    gil.release(*a);
    other.join();
    state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_GilHandover)->UseRealTime();

static void BM_QMutexCycle(benchmark::State &state)
{
    QMutex mutex;
    for (auto _ : state) {
        mutex.lock();
        mutex.unlock();
    }
}
BENCHMARK(BM_QMutexCycle);

static const Trace &syntheticTrace(std::int64_t events)
{
    static std::map<std::int64_t, std::unique_ptr<Trace>> cache;
    auto &slot = cache[events];
    if (!slot) {
        slot = bench::makeSyntheticTrace(events);
        slot->compact();
    }
    return *slot;
}

static void renderFrame(benchmark::State &state, double visibleFraction)
{
    const Trace &trace = syntheticTrace(state.range(0));
    QImage image(1920, 1080, QImage::Format_RGB32);
    TimelinePainter painter(trace);
    const std::int64_t span = trace.end() - trace.start();
    const std::int64_t start = trace.start() + std::int64_t(double(span) * (1 - visibleFraction) / 2);
    painter.setWindow(start, start + std::int64_t(double(span) * visibleFraction));
    for (auto _ : state) {
        QPainter p(&image);
        painter.paint(p, image.rect());
    }
    state.counters["events"] = double(trace.eventCount());
    state.counters["stored_bytes_per_event"] = double(trace.bytesStored()) / double(trace.eventCount());
}

static void BM_RenderZoomedOut(benchmark::State &state)
{
    renderFrame(state, 1.0);
}
BENCHMARK(BM_RenderZoomedOut)
    ->Arg(16000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Arg(100'000'000)
    ->Unit(benchmark::kMillisecond);

static void BM_RenderZoomedIn(benchmark::State &state)
{
    renderFrame(state, 0.01);
}
BENCHMARK(BM_RenderZoomedIn)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

// 10,000 asyncio tasks of one coroutine (each started, waiting for a lock, holding it, sleeping, done:
// 70,000 events) drawn as one task group's lane (taskgroups.h) at 1920x1080: the frame, whole run
// (range 100) or 1 % of it (range 1); the layout, made once per change, as a counter.
static void BM_RenderTaskGroup(benchmark::State &state)
{
    static std::unique_ptr<Trace> trace;
    const int tasks = 10'000;
    if (!trace) {
        std::vector<LaneInfo> lanes;
        for (int i = 0; i < tasks; ++i)
            lanes.push_back({QStringLiteral("task Task-%1 (worker)").arg(i + 2), LaneKind::Thread});
        trace = std::make_unique<Trace>();
        trace->setRegistry(lanes, {});
        trace->setStart(0);
        std::vector<Event> ev;
        std::mt19937 rng(3);
        for (std::uint16_t i = 0; i < tasks; ++i) {
            const std::int64_t t = std::int64_t(rng() % 400'000) * 1000;
            const std::int64_t got = t + std::int64_t(rng() % 300'000) * 1000;
            for (const auto &[at, kind] : {std::pair{t, EventKind::ThreadStart},
                                           {t + 1000, EventKind::LockRequested},
                                           {got, EventKind::LockAcquired},
                                           {got + 20'000, EventKind::LockReleased},
                                           {got + 30'000, EventKind::SleepBegin},
                                           {got + 200'000'000, EventKind::SleepEnd},
                                           {got + 201'000'000, EventKind::ThreadEnd}})
                ev.push_back({at, 0, i, kind, 0});
        }
        std::stable_sort(ev.begin(), ev.end(), [](const Event &a, const Event &b) { return a.t < b.t; });
        trace->ingest(ev.data(), ev.size());
        trace->commit();
        trace->setEnd(1'000'000'000);
    }
    QImage image(1920, 1080, QImage::Format_RGB32);
    TimelinePainter painter(*trace);
    const std::int64_t span = trace->end() - trace->start();
    const std::int64_t visible = span * state.range(0) / 100;
    painter.setWindow(trace->start() + (span - visible) / 2, trace->start() + (span + visible) / 2);
    const auto a = std::chrono::steady_clock::now();
    const TimelineLayout layout = painter.layout(image.rect());
    const double layoutMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
    for (auto _ : state) {
        QPainter p(&image);
        painter.paint(p, layout);
    }
    state.counters["layout_ms"] = layoutMs;
    state.counters["groups"] = double(layout.taskGroups.size());
}
BENCHMARK(BM_RenderTaskGroup)->Arg(100)->Arg(1)->Unit(benchmark::kMillisecond);

// A frame on a HiDPI screen: the same 1920×1080 layout painted at device pixel ratio 1, 1.5 and 2
// (3840×2160 pixels), a million events, the whole run visible.
static void BM_RenderAtDpr(benchmark::State &state)
{
    const Trace &trace = syntheticTrace(1'000'000);
    const double dpr = double(state.range(0)) / 10.0;
    QImage image(int(1920 * dpr), int(1080 * dpr), QImage::Format_RGB32);
    image.setDevicePixelRatio(dpr);
    TimelinePainter painter(trace);
    for (auto _ : state) {
        QPainter p(&image);
        painter.paint(p, QRect(0, 0, 1920, 1080));
    }
    state.counters["dpr"] = dpr;
}
BENCHMARK(BM_RenderAtDpr)->Arg(10)->Arg(15)->Arg(20)->ArgName("dpr_x10")->Unit(benchmark::kMillisecond);

// The live view's frame: the widget path (scroll area, both runs stacked when comparing) on top of the
// painter, with a million events of this run and a million of the previous one.
static void BM_ViewPaint(benchmark::State &state)
{
    const Trace &current = syntheticTrace(state.range(0));
    TimelineView view;
    view.resize(1920, 1080);
    view.setCurrent(&current, QStringLiteral("this run"));
    if (state.range(1)) view.setPrevious(&current, QStringLiteral("previous run"));
    QImage image(view.viewport()->size(), QImage::Format_RGB32);
    for (auto _ : state) {
        view.traceChanged(); // what every live poll does: the frame is drawn anew, not blitted from cache
        view.viewport()->render(&image);
    }
}
BENCHMARK(BM_ViewPaint)->Args({1'000'000, 0})->Args({1'000'000, 1})->Unit(benchmark::kMillisecond);

// The window's timeline frame with the overview strip on, at 10M events: the strip's miniature is
// redrawn (what every live poll asks for) and the lanes repainted, at 1920 wide.
static void BM_TimelineWithOverview(benchmark::State &state)
{
    const Trace &trace = syntheticTrace(state.range(0));
    TimelineView view;
    view.resize(1920, 1000);
    view.setCurrent(&trace, QStringLiteral("this run"));
    OverviewStrip strip(view.zoom());
    strip.resize(1920, strip.sizeHint().height());
    strip.setTrace(&trace);
    QImage lanes(view.viewport()->size(), QImage::Format_RGB32);
    QImage overview(strip.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        view.traceChanged();
        strip.traceChanged();
        view.viewport()->render(&lanes);
        strip.render(&overview);
    }
    state.counters["stored_bytes_per_event"] = double(trace.bytesStored()) / double(trace.eventCount());
}
BENCHMARK(BM_TimelineWithOverview)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

static void BM_OverviewOnly(benchmark::State &state)
{
    const Trace &trace = syntheticTrace(state.range(0));
    TimelineZoom zoom;
    zoom.setSpan(trace.end() - trace.start());
    OverviewStrip strip(&zoom);
    strip.resize(1920, strip.sizeHint().height());
    strip.setTrace(&trace);
    QImage overview(strip.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        strip.traceChanged();
        strip.render(&overview);
    }
}
BENCHMARK(BM_OverviewOnly)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

// Input to frame: real wheel events sent to the window's view holding a 10M-event run (1920x1000, shown),
// each followed by the paint it asks for; the time from the event's delivery to the end of that paint.
// Three steps in, three out, over and over, around the middle. Median and p99 as counters.
static void BM_InputToFrame(benchmark::State &state)
{
    const Trace &trace = syntheticTrace(state.range(0));
    TimelineView view;
    view.resize(1920, 1000);
    view.setCurrent(&trace, QStringLiteral("this run"));
    view.show();
    QApplication::processEvents();
    QWidget *target = view.viewport();
    const QPointF at(target->width() * 0.6, target->height() / 2.0);
    std::vector<double> ms;
    int step = 0;
    for (auto _ : state) {
        const int delta = (step++ / 3) % 2 == 0 ? 120 : -120;
        QWheelEvent wheel(at, target->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        const std::int64_t before = view.zoom()->end() - view.zoom()->start();
        const auto a = std::chrono::steady_clock::now();
        QApplication::sendEvent(target, &wheel);
        target->repaint();
        if (view.zoom()->end() - view.zoom()->start() == before)
            state.SkipWithError("the wheel did not zoom");
        const double took =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
        state.SetIterationTime(took / 1000);
        ms.push_back(took);
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty()) {
        state.counters["median_ms"] = ms[ms.size() / 2];
        state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    }
}
BENCHMARK(BM_InputToFrame)->Arg(10'000'000)->UseManualTime()->Iterations(120)->Unit(benchmark::kMillisecond);

// A worker process streaming events as fast as it can, into the parent's recorder: the same path as a
// process scenario (read the pipe, parse 16-byte records, record them on the worker's lane).
static void BM_WorkerStream(benchmark::State &state)
{
    const std::int64_t events = state.range(0);
    for (auto _ : state) {
        Recorder rec(std::uint64_t(1) << 40);
        ThreadBuffer *lane = rec.createBuffer(rec.addLane(QStringLiteral("worker"), LaneKind::Process));
        worker::StreamReader reader;
        reader.onEvent = [lane](const Event &e) { lane->recordAt(e.t, e.kind, e.obj, e.arg); };
        QProcess p;
        p.start(QStringLiteral(RACEWAY_WORKER_BINARY), {QStringLiteral("stream"), QString::number(events)});
        p.waitForStarted();
        std::uint64_t drained = 0;
        while (p.state() != QProcess::NotRunning || p.bytesAvailable() > 0) {
            if (p.bytesAvailable() == 0 && !p.waitForReadyRead(1000)) continue;
            const QByteArray data = p.readAll();
            reader.feed(data.constData(), std::size_t(data.size()));
            drained += rec.drain([](const Event *, std::size_t) {});
        }
        p.waitForFinished();
        drained += rec.drain([](const Event *, std::size_t) {});
        if (drained != std::uint64_t(events)) state.SkipWithError("events went missing");
    }
    state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_WorkerStream)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Draining and ingesting: how fast the collector turns raw events into the trace model.
static void BM_TraceIngest(benchmark::State &state)
{
    const std::int64_t events = state.range(0);
    for (auto _ : state) {
        auto trace = bench::makeSyntheticTrace(events);
        benchmark::DoNotOptimize(trace->eventCount());
    }
    state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_TraceIngest)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Past the event budget: the collector's cost to fold one event into its lane's summary (what memory a
// run keeps no longer grows), in the drain's portions of 1024, against BM_TraceIngest's full cost and
// BM_RecordEvent's writer cost. Lock waits and holds on 16 lanes, a lost update every 50 events.
static void BM_SummariseEvent(benchmark::State &state)
{
    constexpr int lanes = 16;
    const std::int64_t perLane = state.range(0) / lanes;
    std::vector<std::vector<Event>> streams(lanes);
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> step(20, 400);
    const EventKind cycle[] = {EventKind::LockRequested, EventKind::LockAcquired, EventKind::LockReleased};
    for (int lane = 0; lane < lanes; ++lane) {
        std::int64_t t = 0;
        auto &events = streams[std::size_t(lane)];
        events.push_back({t, 0, std::uint16_t(lane), EventKind::ThreadStart, 0});
        for (std::int64_t i = 0; i < perLane; ++i) {
            t += step(rng);
            events.push_back(i % 50 == 49 ? Event{t, 3, std::uint16_t(lane), EventKind::LostUpdate, 0}
                                          : Event{t, 0, std::uint16_t(lane), cycle[i % 3], 1});
        }
    }
    std::vector<LaneInfo> infos;
    for (int i = 0; i < lanes; ++i)
        infos.push_back({QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread});
    infos.push_back({QStringLiteral("lock"), LaneKind::Lock});
    std::size_t bytes = 0;
    for (auto _ : state) {
        Trace trace;
        trace.setRegistry(infos, {{}, {QStringLiteral("lock"), lanes}});
        trace.setStart(0);
        for (const auto &events : streams)
            trace.ingest(events.data(), 1); // each lane's start, recorded
        for (std::size_t from = 1; from < streams.front().size(); from += 1024) {
            // As the collector does: every thread's next events, then what all of them have passed.
            std::int64_t watermark = INT64_MAX;
            for (const auto &events : streams) {
                const std::size_t n = std::min<std::size_t>(1024, events.size() - from);
                trace.ingestPastBudget(events.data() + from, n);
                if (from + n < events.size()) watermark = std::min(watermark, events[from + n].t);
            }
            trace.commitPastBudget(watermark);
        }
        trace.compact();
        bytes = trace.bytesStored();
        benchmark::DoNotOptimize(trace.lane(0).pastBudget.size());
    }
    state.SetItemsProcessed(state.iterations() * lanes * perLane);
    state.counters["bytes_kept"] = double(bytes);
}
BENCHMARK(BM_SummariseEvent)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

namespace raceway::bench {
EventTiming &eventTiming()
{
    static EventTiming timing;
    return timing;
}
} // namespace raceway::bench

namespace {
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        // Only the window's thread (the others' events pass untouched).
        if (QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
        bench::EventTiming &timing = bench::eventTiming();
        if (!timing.recording || m_depth > 0) {
            ++m_depth;
            const bool r = QApplication::notify(receiver, event);
            --m_depth;
            return r;
        }
        ++m_depth;
        const std::int64_t t0 = nowNs();
        const bool r = QApplication::notify(receiver, event);
        const double ms = double(nowNs() - t0) / 1e6;
        if (ms > timing.longestMs) {
            timing.longestMs = ms;
            timing.longest =
                std::to_string(int(event->type())) + " to " + receiver->metaObject()->className();
        }
        timing.ms.push_back(ms);
        --m_depth;
        return r;
    }

private:
    int m_depth = 0;
};
} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
