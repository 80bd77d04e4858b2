// The live path turned all the way up (issue 9's figures): how long Stop takes to join 64 unpaced
// threads, what the event store costs per event at its peak, and how long the window's event-loop
// turns (collect a slice, paint a frame) take while 4 threads record as fast as they can.

#include "eventtiming.h"
#include "mainwindow.h"
#include "paramform.h"
#include "registry.h"
#include "runner.h"
#include "timelineview.h"
#include "traceexport.h"

#include <QApplication>
#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <utility>
#include <vector>

using namespace raceway;

namespace {

ParamValues paramsFor(const Scenario &s, const QStringList &args)
{
    QString error;
    const auto v = ParamValues::parse(s.params(), args, &error);
    if (!v) qFatal("bad parameters: %s", qPrintable(error));
    return *v;
}

// Resident set now and at its peak, in bytes, from /proc/self/status.
std::int64_t statusBytes(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(qsizetype(std::strlen(key))).trimmed().split(' ').value(0).toLongLong() * 1024;
    return 0;
}

void percentiles(benchmark::State &state, std::vector<double> ms, const char *name)
{
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    state.counters[std::string(name) + "_p50_ms"] = ms[ms.size() / 2];
    state.counters[std::string(name) + "_p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    state.counters[std::string(name) + "_max_ms"] = ms.back();
}

} // namespace

// From cancel() to every thread joined, for counter with 64 unpaced threads after 300 ms of running.
static void BM_StopLatency(benchmark::State &state)
{
    const Scenario &s = *Registry::builtin().find(QStringLiteral("counter"));
    const ParamValues p =
        paramsFor(s, {QStringLiteral("threads=64"), QStringLiteral("iterations=100000000"),
                      state.range(0) ? QStringLiteral("lock=on") : QStringLiteral("lock=off")});
    std::vector<double> ms;
    for (auto _ : state) {
        Runner runner(s, p);
        runner.start();
        QElapsedTimer running;
        running.start();
        while (running.elapsed() < 300)
            runner.collect(5);
        const std::int64_t t0 = nowNs();
        runner.cancel();
        while (!runner.workersJoined())
            QThread::usleep(100);
        const double latency = double(runner.joinedAtNs() - t0) / 1e6;
        ms.push_back(latency);
        state.SetIterationTime(latency / 1e3);
        runner.wait();
    }
    percentiles(state, ms, "stop");
}
BENCHMARK(BM_StopLatency)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("lock")
    ->Iterations(10)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The Chrome trace's size per recorded event for the scenarios the exporter's tests run (target: at most
// 60 bytes at full speed; a slower run spreads the same events over more grid cells and costs more).
static void BM_ChromeTraceBytes(benchmark::State &state)
{
    const bool gil = state.range(0) != 0;
    const Scenario &s = *Registry::builtin().find(gil ? QStringLiteral("gil") : QStringLiteral("counter"));
    const ParamValues p =
        paramsFor(s, gil ? QStringList{}
                         : QStringList{QStringLiteral("threads=3"), QStringLiteral("iterations=3000"),
                                       QStringLiteral("lock=on")});
    for (auto _ : state) {
        Runner runner(s, p);
        runner.start();
        runner.wait();
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QString error;
        if (!writeChromeTrace(runner.trace(), out, &error)) qFatal("export failed: %s", qPrintable(error));
        state.counters["events"] = double(runner.trace().eventCount());
        state.counters["bytes_per_event"] = double(out.size()) / double(runner.trace().eventCount());
    }
}
BENCHMARK(BM_ChromeTraceBytes)->Arg(0)->Arg(1)->ArgName("gil")->Iterations(3)->Unit(benchmark::kMillisecond);

// Peak resident memory growth over a run that records 20M events (the budget), per event. The peak
// includes raw events waiting to be collected, the trace store and the collector's scratch space.
static void BM_PeakBytesPerEvent(benchmark::State &state)
{
    const Scenario &s = *Registry::builtin().find(QStringLiteral("counter"));
    const bool lockOn = state.range(0) != 0;
    // Enough work to spend the budget: lock on records 2-3 events per increment, lock off one per lossy
    // write.
    const ParamValues p = paramsFor(
        s, lockOn ? QStringList{QStringLiteral("threads=4"), QStringLiteral("iterations=2600000"),
                                QStringLiteral("lock=on")}
                  : QStringList{QStringLiteral("threads=64"), QStringLiteral("iterations=2000000")});
    for (auto _ : state) {
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        if (clear.open(QIODevice::WriteOnly))
            clear.write("5"); // resets the peak (VmHWM) to the current resident size
        clear.close();
        const std::int64_t before = statusBytes("VmRSS:");
        std::uint64_t events = 0;
        {
            Runner runner(s, p, 20'000'000);
            runner.start();
            runner.wait();
            events = runner.result().events;
            state.counters["events"] = double(events);
            state.counters["store_bytes_per_event"] = double(runner.trace().bytesStored()) / double(events);
            state.counters["peak_bytes_per_event"] = double(statusBytes("VmHWM:") - before) / double(events);
        }
    }
}
BENCHMARK(BM_PeakBytesPerEvent)
    ->Arg(1)
    ->Arg(0)
    ->ArgName("lock")
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// The window during counter 4 x 20,000,000 unpaced (1280x800), or 64 threads (1920x1080): every event-loop
// turn (a timer's collect slice, then a frame) is timed for 4 s; then Stop, timed until the workers are
// joined. Run the binary with QT_SCALE_FACTOR=2 for a HiDPI window. A turn may hold several events (a poll,
// a repaint, another poll): event_* times each of the window's thread's events on its own (the longest is
// the longest the window could not answer input), frame_* the lanes' frames as the view measured them.
static void BM_WindowDuringHeavyRun(benchmark::State &state)
{
    QStandardPaths::setTestModeEnabled(true); // the window's settings go to a test location, not the user's
    const auto threads = state.range(1);
    for (auto _ : state) {
        MainWindow window;
        window.resize(threads > 4 ? QSize(1920, 1080) : QSize(1280, 800));
        window.show();
        window.selectScenario(QStringLiteral("counter"));
        // The window is up before Run is pressed, as a user has it: its first layout and paint are not
        // part of the run.
        QElapsedTimer settle;
        settle.start();
        while (settle.elapsed() < 300)
            QApplication::processEvents(QEventLoop::AllEvents, 20);
        const Scenario &s = *Registry::builtin().find(QStringLiteral("counter"));
        window.form()->setValues(
            paramsFor(s, {QStringLiteral("threads=%1").arg(threads), QStringLiteral("iterations=20000000"),
                          QStringLiteral("pace_us=0"), QStringLiteral("window_ns=100"),
                          state.range(0) ? QStringLiteral("lock=on") : QStringLiteral("lock=off")}));
        window.startRun();
        std::vector<double> turns, frames;
        bench::eventTiming() = {};
        bench::eventTiming().recording = true;
        std::int64_t lastFrame = 0;
        auto sched = [] {
            QFile f(QStringLiteral("/proc/thread-self/schedstat"));
            f.open(QIODevice::ReadOnly);
            const auto w = f.readAll().trimmed().split(' ');
            return std::pair{w[0].toLongLong(), w[1].toLongLong()};
        };
        const auto s0 = sched();
        QElapsedTimer run;
        run.start();
        while (run.elapsed() < 4000 && window.isRunning()) {
            const std::int64_t t0 = nowNs();
            QApplication::processEvents(QEventLoop::AllEvents, 50);
            turns.push_back(double(nowNs() - t0) / 1e6);
            // The lanes' frame, when the turn drew one (its cost as the view measured it: wall time, so a
            // frame the window's thread was taken off its core during counts that too).
            if (const std::int64_t f = window.view()->lastFrameCostNs(); f != lastFrame)
                frames.push_back(double(f) / 1e6);
            lastFrame = window.view()->lastFrameCostNs();
            QThread::usleep(200);
        }
        const auto s1 = sched();
        bench::EventTiming events = std::exchange(bench::eventTiming(), {});
        state.counters["gui_cpu_ms"] = double(s1.first - s0.first) / 1e6;
        state.counters["gui_runqueue_ms"] = double(s1.second - s0.second) / 1e6;
        const std::int64_t stop = nowNs();
        window.stopRun();
        while (window.runner() && !window.runner()->workersJoined())
            QApplication::processEvents(QEventLoop::AllEvents, 5);
        state.counters["stop_ms"] = double(window.runner()->joinedAtNs() - stop) / 1e6;
        state.counters["events"] = double(window.runner()->trace().eventCount());
        percentiles(state, turns, "turn");
        if (!frames.empty()) percentiles(state, frames, "frame");
        percentiles(state, events.ms, "event");
        state.SetLabel("longest event: type " + events.longest);
        while (window.isRunning())
            QApplication::processEvents(QEventLoop::AllEvents, 20);
        window.close();
    }
}
BENCHMARK(BM_WindowDuringHeavyRun)
    ->Args({0, 4})
    ->Args({1, 4})
    ->Args({0, 64})
    ->Args({1, 64})
    ->ArgNames({"lock", "threads"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// The observer's cost (issue 31): counter threads=2 iterations=3000000 lock=on, 12 M events. Arg 0 as the
// command line runs it (collected once the workers have joined), 1 collected live every 16 ms as the
// window does (without painting). Counters: Raceway's own threads' CPU while the workers ran, and its
// share of the workers' CPU, as the run reports them (raceway_cpu_ms, raceway_cpu_share).
static void BM_ObserverShare(benchmark::State &state)
{
    const Scenario *s = Registry::builtin().find(QStringLiteral("counter"));
    const ParamValues params = paramsFor(
        *s, {QStringLiteral("threads=2"), QStringLiteral("iterations=3000000"), QStringLiteral("lock=on")});
    std::vector<double> shares, ownMs;
    for (auto _ : state) {
        Runner runner(*s, params);
        runner.start();
        if (state.range(0) == 0) {
            while (!runner.workersJoined())
                QThread::msleep(20);
            runner.wait();
        } else {
            while (!runner.collect(8))
                QThread::msleep(16);
        }
        const QList<Metric> &m = runner.result().metrics;
        shares.push_back(metricValue(m, QStringLiteral("raceway_cpu_share")).toDouble() * 100);
        ownMs.push_back(metricValue(m, QStringLiteral("raceway_cpu_ms")).toDouble());
    }
    std::sort(shares.begin(), shares.end());
    std::sort(ownMs.begin(), ownMs.end());
    state.counters["own_share_pct_median"] = shares[shares.size() / 2];
    state.counters["own_share_pct_max"] = shares.back();
    state.counters["own_cpu_ms_median"] = ownMs[ownMs.size() / 2];
}
BENCHMARK(BM_ObserverShare)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("live")
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
