#include "workerjobs.h"

#include "clock.h"
#include "racywork.h"
#include "sharedcounter.h"
#include "workerprotocol.h"

#include <QByteArray>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sched.h>
#include <thread>
#include <unistd.h>

namespace raceway::worker {
namespace {

// Each process has its own copy: incrementing it here never changes the parent's.
std::int64_t g_counter = 0;

int usage(const char *what)
{
    std::fprintf(stderr, "raceway-worker: %s\n", what);
    return 2;
}

int cpuJob(const QStringList &args)
{
    bool ok = false;
    const qlonglong iterations = args.value(1).toLongLong(&ok);
    if (!ok || iterations < 1) return usage("cpu needs a positive iteration count");
    const QString fault = args.value(2, QStringLiteral("none"));
    StreamWriter out;
    out.event(EventKind::Hello, protocolVersion, std::uint32_t(getpid()));
    int cpu = sched_getcpu();
    out.event(EventKind::OnCpu, 0, std::uint32_t(cpu));
    out.event(EventKind::ThreadStart);
    out.flush();
    // A chain of multiply-xorshift steps: each depends on the last, so the compiler cannot drop or
    // vectorise it, and its result is reported.
    std::uint64_t x = 0x9E3779B97F4A7C15ULL ^ std::uint64_t(getpid());
    constexpr qlonglong chunk = 1 << 16;
    const qlonglong chunks = (iterations + chunk - 1) / chunk;
    for (qlonglong c = 0; c < chunks; ++c) {
        const qlonglong n = std::min(chunk, iterations - c * chunk);
        x = racy::churn(x, int(n));
        ++g_counter;
        if ((c & 15) == 15 || c + 1 == chunks) {
            if (const int now = sched_getcpu(); now != cpu) {
                cpu = now;
                out.event(EventKind::OnCpu, 0, std::uint32_t(cpu));
            }
            out.event(EventKind::Progress, 0, std::uint32_t(c + 1));
            if (!out.flush()) return 1; // the parent is gone
        }
        if (c == chunks / 2 && fault == QLatin1String("crash")) {
            out.flush();
            std::abort();
        }
        if (c == chunks / 2 && fault == QLatin1String("hang")) {
            out.flush();
            for (;;)
                pause();
        }
    }
    out.event(EventKind::ThreadEnd);
    out.text(QByteArray("counter=") + QByteArray::number(g_counter) + " result=" + QByteArray::number(x) +
             " cpu_ns=" + QByteArray::number(racy::processCpuNs()) + " pid=" + QByteArray::number(getpid()));
    out.event(EventKind::Bye);
    return out.flush() ? 0 : 1;
}

// Base 1e9 limbs, least significant first: enough for the seeds' 100!, 200! and 300!.
QByteArray factorial(std::int64_t n)
{
    std::vector<std::uint32_t> limbs{1};
    for (std::int64_t k = 2; k <= n; ++k) {
        std::uint64_t carry = 0;
        for (auto &limb : limbs) {
            const std::uint64_t v = std::uint64_t(limb) * std::uint64_t(k) + carry;
            limb = std::uint32_t(v % 1'000'000'000);
            carry = v / 1'000'000'000;
        }
        while (carry) {
            limbs.push_back(std::uint32_t(carry % 1'000'000'000));
            carry /= 1'000'000'000;
        }
    }
    QByteArray s = QByteArray::number(limbs.back());
    for (auto it = limbs.rbegin() + 1; it != limbs.rend(); ++it)
        s += QByteArray::number(*it).rightJustified(9, '0');
    return s;
}

int serveJob(const QStringList &args)
{
    const QByteArray function = args.value(1).toUtf8();
    bool ok = false;
    compute(function, 1, &ok);
    if (!ok) return usage("serve needs a function: square, cube or factorial");
    const int extraMs = args.value(2, QStringLiteral("0")).toInt();
    StreamWriter out;
    out.event(EventKind::Hello, protocolVersion, std::uint32_t(getpid()));
    out.event(EventKind::ThreadStart);
    out.event(EventKind::TaskEnd); // idle until the first task arrives
    out.flush();
    char line[256];
    std::uint32_t served = 0; // Progress counts the inputs this worker has answered
    while (std::fgets(line, sizeof line, stdin)) {
        const QList<QByteArray> parts = QByteArray(line).trimmed().split(' ');
        bool okIndex = false, okValue = false;
        const std::uint32_t index = parts.value(0).toUInt(&okIndex);
        const std::int64_t value = parts.value(1).toLongLong(&okValue);
        if (!okIndex || !okValue) return usage("serve expects lines of 'index value'");
        out.event(EventKind::TaskBegin, 0, index);
        const QByteArray result = compute(function, value, &ok);
        if (extraMs > 0) // a slower function, so that a person can watch the pool at work
            std::this_thread::sleep_for(std::chrono::milliseconds(extraMs));
        out.event(EventKind::TaskEnd);
        out.text(QByteArray::number(index) + ' ' + result);
        out.event(EventKind::Progress, 0, ++served);
        if (!out.flush()) return 1;
    }
    out.event(EventKind::ThreadEnd);
    out.event(EventKind::Bye);
    return out.flush() ? 0 : 1;
}

// Burns a given amount of this process's CPU time: the same job whatever else shares the core.
int burnJob(const QStringList &args)
{
    bool ok = false;
    const qlonglong ms = args.value(1).toLongLong(&ok);
    if (!ok || ms < 0) return usage("burn needs a CPU time in milliseconds");
    StreamWriter out;
    out.event(EventKind::Hello, protocolVersion, std::uint32_t(getpid()));
    int cpu = sched_getcpu();
    out.event(EventKind::OnCpu, 0, std::uint32_t(cpu));
    out.event(EventKind::ThreadStart);
    out.flush();
    const std::int64_t until = racy::processCpuNs() + ms * 1'000'000;
    std::uint64_t x = std::uint64_t(getpid());
    while (racy::processCpuNs() < until) {
        x = racy::churn(x, 4096);
        if (const int now = sched_getcpu(); now != cpu) {
            cpu = now;
            out.event(EventKind::OnCpu, 0, std::uint32_t(cpu));
            out.flush();
        }
    }
    out.event(EventKind::ThreadEnd);
    out.text(QByteArray("result=") + QByteArray::number(x) +
             " cpu_ns=" + QByteArray::number(racy::processCpuNs()));
    out.event(EventKind::Bye);
    return out.flush() ? 0 : 1;
}

int streamJob(const QStringList &args)
{
    bool ok = false;
    const qlonglong count = args.value(1).toLongLong(&ok);
    if (!ok || count < 0) return usage("stream needs an event count");
    StreamWriter out;
    out.event(EventKind::Hello, protocolVersion, std::uint32_t(getpid()));
    for (qlonglong i = 0; i < count; ++i)
        out.event(EventKind::Progress, 0, std::uint32_t(i));
    out.event(EventKind::Bye);
    return out.flush() ? 0 : 1;
}

} // namespace

QByteArray compute(const QByteArray &function, std::int64_t n, bool *ok)
{
    *ok = true;
    if (function == "square") return QByteArray::number(qlonglong(n * n));
    if (function == "cube") return QByteArray::number(qlonglong(n * n * n));
    if (function == "factorial" && n >= 0 && n <= 5000) return factorial(n);
    *ok = false;
    return {};
}

int runJob(const QStringList &args)
{
    const QString job = args.value(0);
    if (job == QLatin1String("cpu")) return cpuJob(args);
    if (job == QLatin1String("serve")) return serveJob(args);
    if (job == QLatin1String("shared")) return sharedCounterJob(args);
    if (job == QLatin1String("stream")) return streamJob(args);
    if (job == QLatin1String("burn")) return burnJob(args);
    return usage(
        "unknown job (jobs: cpu, burn, serve, shared, stream); it is started by raceway, not by hand");
}

} // namespace raceway::worker
