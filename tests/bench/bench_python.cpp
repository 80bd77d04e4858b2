// What Raceway's Python tracer costs a traced script: one traced Lock acquire/release cycle against a
// raw one, in the real python3 with the tracer loaded and its stream read by Raceway's parser.

#include "pystream.h"
#include "pythonjob.h"

#include <QProcess>
#include <QProcessEnvironment>

#include <benchmark/benchmark.h>

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

// The per-event overhead (ns) python3 measured, and the cost its tracer calibrated at start (ns).
std::pair<double, double> measureOnce(const QString &python, const QString &tracerDir)
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
        const auto [perEvent, cost] = measureOnce(python, tracer);
        if (perEvent <= 0) {
            state.SkipWithError("python3 did not report a measurement");
            return;
        }
        calibrated = cost;
        state.SetIterationTime(perEvent / 1e9); // the time column reads: nanoseconds per traced event
    }
    state.counters["calibrated_ns"] = calibrated;
}
BENCHMARK(BM_PythonTracerEvent)->UseManualTime()->Iterations(3)->Unit(benchmark::kNanosecond);
