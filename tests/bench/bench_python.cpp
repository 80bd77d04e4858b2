// What Raceway's Python tracer costs a traced script: one traced Lock acquire/release cycle against a
// raw one, in the real python3 with the tracer loaded and its stream read by Raceway's parser.

#include "clock.h"
#include "procsampler.h"
#include "pyassembler.h"
#include "pystream.h"
#include "pythonjob.h"
#include "recorder.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace {

const char *const cycleScript = R"PY(import threading, time
N = 100000
raw = threading._allocate_lock()
traced = threading.Lock()
def cycle(lock):
    t0 = time.perf_counter_ns()
    for _ in range(N):
        lock.acquire()
        lock.release()
    return time.perf_counter_ns() - t0
raw_ns = min(cycle(raw) for _ in range(3))
traced_ns = min(cycle(traced) for _ in range(3))
print((traced_ns - raw_ns) / (2 * N))
)PY";

// The per-event overhead (ns) python3 measured, and the cost its tracer calibrated at start (ns); by
// the C accelerator where it was built, else (or with `pure`) by the pure Python tracer.
std::pair<double, double> measureOnce(const QString &python, const QString &tracerDir, bool pure)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return {-1, -1};
    raceway::py::StreamParser parser;
    std::thread drain([&] {
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
            parser.feed(buf, std::size_t(n));
    });
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PYTHONPATH"), tracerDir);
    env.insert(QStringLiteral("RACEWAY_TRACE_FD"), QString::number(fds[1]));
    env.remove(QStringLiteral("RACEWAY_TRACER_PURE"));
    if (pure)
        env.insert(QStringLiteral("RACEWAY_TRACER_PURE"), QStringLiteral("1"));
    else if (const QString accel = raceway::py::tracerAccelerator(); !accel.isEmpty())
        env.insert(QStringLiteral("RACEWAY_TRACER_ACCEL"), accel);
    p.setProcessEnvironment(env);
    const int writeEnd = fds[1];
    p.setChildProcessModifier([writeEnd] { ::fcntl(writeEnd, F_SETFD, 0); });
    p.start(python, {QStringLiteral("-c"), QString::fromLatin1(cycleScript)});
    p.waitForFinished(120000);
    ::close(fds[1]);
    drain.join();
    ::close(fds[0]);
    const double perEvent = p.readAllStandardOutput().trimmed().toDouble();
    double calibrated = -1;
    for (const auto &[pid, process] : parser.processes())
        calibrated = process.stat(raceway::py::Stat::CostPs) / 1000.0;
    return {perEvent, calibrated};
}

} // namespace

static void BM_PythonTracerEvent(benchmark::State &state)
{
    QString error;
    const QString python = raceway::py::findPython({}, &error);
    const QString tracer = raceway::py::tracerDirectory(&error);
    if (python.isEmpty() || tracer.isEmpty()) {
        state.SkipWithError(error.toUtf8().constData());
        return;
    }
    double calibrated = 0;
    for (auto _ : state) {
        const auto [perEvent, cost] = measureOnce(python, tracer, state.range(0) != 0);
        if (perEvent <= 0) {
            state.SkipWithError("python3 did not report a measurement");
            return;
        }
        calibrated = cost;
        state.SetIterationTime(perEvent / 1e9); // the time column reads: nanoseconds per traced event
    }
    state.counters["calibrated_ns"] = calibrated;
}
// Arg 0: the C accelerator (where built); 1: the pure Python tracer.
BENCHMARK(BM_PythonTracerEvent)->Arg(0)->Arg(1)->UseManualTime()->Iterations(3)->Unit(benchmark::kNanosecond);

namespace {

const char *const withLockScript = R"PY(import threading, time
counter = 0
lock = threading.Lock()
def work():
    global counter
    for _ in range(25000):
        with lock:
            counter += 1
ts = [threading.Thread(target=work) for _ in range(4)]
t0 = time.perf_counter()
for t in ts: t.start()
for t in ts: t.join()
print("took_ms", (time.perf_counter() - t0) * 1000)
)PY";

// The milliseconds the script says it took, run by `program` (-1: it did not say).
double scriptMs(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    for (const QByteArray &line : p.readAllStandardOutput().split('\n'))
        if (line.startsWith("took_ms ")) return line.mid(8).toDouble();
    return -1;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

// Four threads x 25,000 `with lock: counter += 1`, timed by the script's own clock: untraced, then under
// `raceway trace`, in turns (11 of each); the time column is the traced median, `ratio` traced / untraced
// (the goal: at most 2). Arg 0: the python3 Raceway finds; 1: the free-threaded one
// scripts/get-free-threaded-python.sh builds ($RACEWAY_FREE_THREADED_PYTHON first).
static void BM_TracedWithLock(benchmark::State &state)
{
    QString error, python;
    if (state.range(0) == 0) {
        python = raceway::py::findPython({}, &error);
    } else {
        python = qEnvironmentVariable("RACEWAY_FREE_THREADED_PYTHON");
        if (python.isEmpty()) python = raceway::py::cachedFreeThreadedPython();
        if (!QFileInfo(python).isExecutable()) error = QStringLiteral("no free-threaded Python");
    }
    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("with_lock.py"));
    QFile f(script);
    if (python.isEmpty() || !error.isEmpty() || !f.open(QIODevice::WriteOnly) ||
        f.write(withLockScript) < 0) {
        state.SkipWithError(error.isEmpty() ? "cannot write the script" : error.toUtf8().constData());
        return;
    }
    f.close();
    for (auto _ : state) {
        std::vector<double> untraced, traced;
        for (int i = 0; i < 11; ++i) {
            untraced.push_back(scriptMs(python, {script}));
            traced.push_back(scriptMs(QStringLiteral(RACEWAY_BINARY),
                                      {QStringLiteral("trace"), script, QStringLiteral("--python"), python}));
        }
        if (*std::min_element(untraced.begin(), untraced.end()) <= 0 ||
            *std::min_element(traced.begin(), traced.end()) <= 0) {
            state.SkipWithError("the script did not say how long it took");
            return;
        }
        state.SetIterationTime(median(traced) / 1e3);
        state.counters["untraced_ms"] = median(untraced);
        state.counters["ratio"] = median(traced) / median(untraced);
    }
}
BENCHMARK(BM_TracedWithLock)->Arg(0)->Arg(1)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

namespace {

void put(std::string &out, std::int64_t t, std::uint32_t arg, std::uint16_t lane, std::uint8_t kind,
         std::uint8_t obj)
{
    const raceway::Event e{t, arg, lane, raceway::EventKind(kind), obj};
    out.append(reinterpret_cast<const char *>(&e), sizeof e);
}

// One process's stream as the tracer writes it: `threads` threads taking one lock in turn, an event
// every `gapNs`, a heartbeat every 50 ms; in 4096-byte units.
std::vector<std::string> lockStream(std::int64_t t0, int threads, std::int64_t events, std::int64_t gapNs)
{
    using raceway::EventKind;
    namespace py = raceway::py;
    std::vector<std::string> records; // each one record, or a record with its string
    const auto rec = [&](std::int64_t t, std::uint32_t arg, std::uint16_t lane, std::uint8_t kind,
                         std::uint8_t obj, const char *text = nullptr) {
        std::string r;
        put(r, t, arg, lane, kind, obj);
        if (text) {
            const std::size_t n = std::strlen(text);
            put(r, 0, std::uint32_t(n), 0, std::uint8_t(py::Meta::String), 0);
            std::string padded(text);
            padded.resize((n + 15) / 16 * 16, '\0');
            r += padded;
        }
        records.push_back(r);
    };
    rec(t0, 1, 0, std::uint8_t(py::Meta::Hello), 0);
    rec(t0, 1, 0, std::uint8_t(py::Meta::Object), 1, "Lock bench.py:1");
    for (int k = 0; k < threads; ++k) {
        rec(t0, 100000 + std::uint32_t(k), std::uint16_t(k), std::uint8_t(py::Meta::ThreadName), 0, "worker");
        rec(t0 + 1, 100000 + std::uint32_t(k), std::uint16_t(k), std::uint8_t(EventKind::ThreadStart), 0);
    }
    std::int64_t t = t0 + 2, nextTick = t0 + 50'000'000;
    for (std::int64_t i = 0; i < events; i += 3) {
        const auto lane = std::uint16_t((i / 3) % threads);
        rec(t, 0, lane, std::uint8_t(EventKind::LockRequested), 1);
        rec(t + gapNs, 0, lane, std::uint8_t(EventKind::LockAcquired), 1);
        rec(t + 2 * gapNs, 0, lane, std::uint8_t(EventKind::LockReleased), 1);
        t += 3 * gapNs;
        if (t >= nextTick) {
            rec(t, 0, 0, std::uint8_t(py::Meta::Tick), 0);
            nextTick += 50'000'000;
        }
    }
    std::vector<std::string> units;
    std::string unit;
    const auto close = [&] {
        std::string head;
        put(head, 0, 4242, std::uint16_t(unit.size() / 16), std::uint8_t(py::Meta::Frame),
            py::protocolVersion);
        units.push_back(head + unit);
        unit.clear();
    };
    for (const std::string &r : records) {
        if (unit.size() + r.size() > 4096 - 16) close();
        unit += r;
    }
    if (!unit.empty()) close();
    return units;
}

} // namespace

// Drawing a traced script's lanes as it runs: 64 threads and a lock, 1.2M events over a second of
// the script's time, drawn at every heartbeat. Reports events drawn per second and the longest single
// advance (it runs on the run's own thread, between reads of the pipe).
static void BM_AssemblerLive(benchmark::State &state)
{
    namespace py = raceway::py;
    const std::int64_t events = 1'200'000;
    const std::int64_t t0 = raceway::nowNs() - 10'000'000'000;
    const std::vector<std::string> units = lockStream(t0, 64, events, 1000000000 / events);
    double longest = 0;
    for (auto _ : state) {
        raceway::Recorder rec(50'000'000);
        py::StreamParser parser;
        py::ProcSampler sampler;
        sampler.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
        py::Assembler assembler(rec, parser, sampler, 4242, QStringLiteral("bench.py"), t0);
        std::size_t n = 0;
        for (const std::string &u : units) {
            parser.feed(u.data(), u.size());
            if (++n % 100 == 0) { // about as often as the run's loop does, for this rate of events
                const auto a = std::chrono::steady_clock::now();
                assembler.advance(raceway::nowNs());
                longest = std::max(
                    longest,
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
            }
        }
        sampler.stop();
        py::Assembler::MainProcess main;
        main.endNs = raceway::nowNs();
        const py::Assembled a = assembler.finish(main, main.endNs);
        benchmark::DoNotOptimize(a.lockWaits);
    }
    state.SetItemsProcessed(state.iterations() * events);
    state.counters["longest_advance_ms"] = longest;
}
BENCHMARK(BM_AssemblerLive)->Iterations(3)->Unit(benchmark::kMillisecond);
