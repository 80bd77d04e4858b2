#include "pythonscenario.h"

#include "clock.h"
#include "cpusampler.h"
#include "pipedrain.h"
#include "procsampler.h"
#include "pyassembler.h"
#include "pystream.h"
#include "pythonlaunch.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace raceway::py {
namespace {

QString percent(double share)
{
    return QLocale().toString(share * 100, 'f', 0) + QLatin1Char('%');
}

} // namespace

const PythonScenario &PythonScenario::forSavedRuns()
{
    static const PythonScenario viewer{PythonJob{}};
    return viewer;
}

QString PythonScenario::description() const
{
    return QStringLiteral(
        "A real Python script run by the system's python3 with Raceway's tracer loaded: each thread's "
        "lane shows what the tracer reports exactly (locks waited for and held, sleeps, waits on events, "
        "conditions and queues, joins, printed lines) and what /proc shows from outside, about once a "
        "millisecond: the core it runs on, and waits the interpreter does not report. The GIL lanes are "
        "inferred: at each sample, the one runnable thread running Python holds it.");
}

QString PythonScenario::family(const QList<Metric> &metrics) const
{
    const QString script =
        m_job.script.isEmpty() ? metricValue(metrics, QStringLiteral("script")).toString() : m_job.script;
    const QString stem = QFileInfo(script).completeBaseName();
    return stem.isEmpty() ? id() : id() + QLatin1Char('-') + stem;
}

QString PythonScenario::headline(const ParamValues &, const QList<Metric> &metrics) const
{
    QString script = metricValue(metrics, QStringLiteral("script")).toString();
    if (script.isEmpty() && !m_job.script.isEmpty()) script = QFileInfo(m_job.script).fileName(); // running
    const QVariant code = metricValue(metrics, QStringLiteral("exit_code"));
    const QVariant threads = metricValue(metrics, QStringLiteral("threads"));
    const QVariant processes = metricValue(metrics, QStringLiteral("processes"));
    const QVariant gil = metricValue(metrics, QStringLiteral("gil_held_share"));
    QString line = QStringLiteral("python ") + (script.isEmpty() ? QStringLiteral("script") : script);
    if (!code.isValid()) return line;
    // A deadlock first: it is why the script never finished.
    if (const QStringList cycle = metricValue(metrics, QStringLiteral("cycle")).toStringList();
        !cycle.isEmpty())
        line += QStringLiteral(" — deadlock: %1 threads wait for each other's locks;").arg(cycle.size());
    else
        line += QStringLiteral(" —");
    line += QStringLiteral(" exit %1, %2 in %3")
                .arg(QString::number(code.toLongLong()),
                     countOf(threads.toLongLong(), QStringLiteral("thread"), QStringLiteral("threads")),
                     countOf(processes.toLongLong(), QStringLiteral("process"), QStringLiteral("processes")));
    if (const QVariant on = metricValue(metrics, QStringLiteral("gil_enabled_at_ms")); on.isValid()) {
        const QString by = metricValue(metrics, QStringLiteral("gil_enabled_by")).toString();
        line += QStringLiteral(", free-threaded until its GIL came on at %1 ms%2")
                    .arg(QLocale().toString(on.toDouble(), 'f', 0),
                         by.isEmpty() ? QString() : QStringLiteral(" (%1 imported)").arg(by));
    }
    if (gil.isValid())
        line += QStringLiteral(", GIL held ") + percent(gil.toDouble()) + QStringLiteral(" (inferred)");
    else if (metricValue(metrics, QStringLiteral("free_threaded")).toBool() &&
             !metricValue(metrics, QStringLiteral("gil_enabled")).toBool())
        line += QStringLiteral(", free-threaded (no GIL)");
    return line;
}

void PythonScenario::run(RunContext &ctx) const
{
    Recorder &rec = ctx.recorder();
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
        ctx.fail(QStringLiteral("cannot make the trace pipe: ") +
                 QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    // The script's output, when the window shows it: stdout and stderr read here, apart.
    int outPipe[2] = {-1, -1}, errPipe[2] = {-1, -1};
    if (m_job.output && (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)) {
        ctx.fail(QStringLiteral("cannot make the output pipes: ") +
                 QString::fromLocal8Bit(std::strerror(errno)));
        for (int fd : {pipeFds[0], pipeFds[1], outPipe[0], outPipe[1]})
            if (fd >= 0) ::close(fd);
        return;
    }
    // Room for 1 MiB of events (65,536 records; the default is 64 KiB): a script that records fast is not
    // held up while Raceway draws.
    ::fcntl(pipeFds[0], F_SETPIPE_SZ, 1 << 20);
    // Only Raceway's ends are non-blocking: the script writes as it would to a terminal, waiting when
    // the pipe is full rather than failing.
    for (int fd : {outPipe[0], errPipe[0]})
        if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const Launch launchData = prepare(m_job, pipeFds[1]);
    CpuSampler cores(rec);
    ProcSampler sampler;
    sampler.setTracerFd(pipeFds[1]); // the same number in every traced process
    // The events parsed and not drawn yet are bounded (a few hundred milliseconds of a busy script are
    // waiting for its slowest thread at any moment), by the budget or 4 Mi events (64 MiB) when that is
    // less: past the budget they still go on, into the lanes' summaries.
    StreamParser stream(std::max<std::uint64_t>(rec.maxEvents(), std::uint64_t(1) << 22));
    stream.onThread = [&sampler](std::int64_t pid, std::int64_t tid) { sampler.watchThread(pid, tid); };

    // The lanes are put together from the stream and the samples a little after the fact: the live
    // edge waits for them (see Assembler; the runner holds it from the start, as recordsLate() asks),
    // and is let go however the run ends.
    struct Release
    {
        Recorder &rec;
        ~Release() { rec.holdWatermark(INT64_MAX); }
    } release{rec};
    cores.start();
    const std::int64_t started = nowNs();
    ctx.markStart(started);
    QString error;
    const int childOut[2] = {outPipe[1], errPipe[1]};
    const pid_t pid =
        launch(launchData, pipeFds[1], m_job.stdoutToStderr, m_job.output ? childOut : nullptr, &error);
    const std::int64_t launched = nowNs(); // an interpreter started by a shell would not wait for this
    ::close(pipeFds[1]);
    for (int *fd : {&outPipe[1], &errPipe[1]})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    // Reads what the script wrote so far (all of it with `toEnd`); a closed pipe is let go.
    const auto drainOutput = [&](bool toEnd) {
        char chunk[16 * 1024];
        for (auto [fd, which] : {std::pair{&outPipe[0], ScriptOutput::Stream::Out},
                                 std::pair{&errPipe[0], ScriptOutput::Stream::Err}}) {
            for (int reads = 0; *fd >= 0 && reads < (toEnd ? 4096 : 16); ++reads) {
                const ssize_t n = ::read(*fd, chunk, sizeof chunk);
                if (n > 0) {
                    m_job.output->append(which, chunk, std::size_t(n));
                    continue;
                }
                if (n < 0 && errno == EINTR) continue;
                if (n == 0 || errno != EAGAIN) {
                    ::close(*fd);
                    *fd = -1;
                }
                break;
            }
        }
    };
    if (pid < 0) {
        for (int fd : {outPipe[0], errPipe[0]})
            if (fd >= 0) ::close(fd);
        ::close(pipeFds[0]);
        cores.stop();
        ctx.fail(QStringLiteral("cannot start %1: %2").arg(m_job.python, error));
        return;
    }
    ProcessSwitches switches; // where the kernel allows it: the script's threads' context switches
    switches.open(pid);
    sampler.watchProcess(pid);
    sampler.start();
    // From here this thread (the run's own, gone when the run ends) and the pipe's reader it starts give
    // way to the script: woken every millisecond or two, at the script's priority each wake-up took the
    // script's core from it (4 x 25,000 `with lock:` traced 1.77x as long as untraced; 1.66x so, medians
    // of 11). What they read waits in the pipe meanwhile. The sampler keeps its priority: its readings
    // are on time.
    ::setpriority(PRIO_PROCESS, id_t(::gettid()), 10);
    Assembler assembler(rec, stream, sampler, pid, QFileInfo(m_job.script).fileName(), started);
    assembler.watchSwitches(&switches);
    std::int64_t advanced = 0;

    // Read the stream until every process holding the pipe has closed it. The script's exit ends the
    // run: children it left behind get a moment to finish, then the whole group is killed.
    bool eof = false, exited = false, killed = false, timedOut = false, deadlocked = false;
    int status = 0;
    std::int64_t exitedAt = 0, killedAt = 0;
    const auto killAll = [&] {
        ::kill(-pid, SIGKILL);
        if (!killed) killedAt = nowNs();
        killed = true;
    };
    // The events are read as they come, here and, while this thread is busy drawing, by the drain.
    PipeDrain drain(pipeFds[0], std::size_t(16) << 20);
    std::string bytes;
    while (!eof || !exited) {
        // The trace pipe is looked at every 2 ms, not waited on: a reader waiting on a pipe is woken by
        // every write, and waking it cost the script's writes ten times what they cost otherwise (a
        // quarter of what tracing a `with lock:` loop added). The pipe holds 1 MiB: 8 ms of the busiest.
        pollfd p[2];
        nfds_t count = 0;
        for (int fd : {outPipe[0], errPipe[0]})
            if (fd >= 0) p[count++] = {fd, POLLIN, 0};
        const int ready = count > 0 ? ::poll(p, count, eof ? 5 : 2) : 0;
        if (count == 0) QThread::msleep(eof ? 5 : 2);
        if (!eof) {
            eof = drain.take(bytes);
            if (!bytes.empty()) stream.feed(bytes.data(), bytes.size());
        }
        if (m_job.output && ready > 0) drainOutput(false);
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            exitedAt = nowNs();
        }
        const std::int64_t now = nowNs();
        if (!killed && ctx.cancelled()) killAll();
        if (!killed && !exited && m_job.timeoutMs > 0 &&
            now - started > std::int64_t(m_job.timeoutMs) * 1'000'000) {
            timedOut = true;
            killAll();
        }
        if (!killed && !exited && m_job.endDeadlockAfterMs >= 0 && assembler.firstDeadlockNs() != 0 &&
            now - assembler.firstDeadlockNs() > std::int64_t(m_job.endDeadlockAfterMs) * 1'000'000) {
            deadlocked = true;
            killAll();
        }
        if (exited && !eof && !killed && now - exitedAt > 1'000'000'000) killAll(); // orphans hold the pipe
        if (killed && now - killedAt > 3'000'000'000) break; // something outside the group holds the pipe
        if (now - advanced >= 15'000'000) {
            rec.holdWatermark(assembler.advance(now));
            advanced = now;
        }
    }
    const std::int64_t endNs = exited ? exitedAt : nowNs();
    ::kill(-pid, SIGKILL); // nothing of the script's outlives the run
    if (!exited) ::waitpid(pid, &status, 0);
    drain.stop();
    ::close(pipeFds[0]);
    if (m_job.output) { // what is left in the pipes; whatever still holds them was killed above
        drainOutput(true);
        for (int fd : {outPipe[0], errPipe[0]})
            if (fd >= 0) ::close(fd);
    }
    sampler.stop();
    cores.stop();
    ctx.markEnd(endNs);

    const int exitCode = WIFEXITED(status)     ? WEXITSTATUS(status)
                         : WIFSIGNALED(status) ? -WTERMSIG(status)
                                               : -1;
    Assembler::MainProcess main;
    main.endNs = endNs;
    main.killed = killed;
    main.how = timedOut                 ? ExitKind::TimedOut
               : killed || exitCode < 0 ? ExitKind::Killed
               : exitCode == 0          ? ExitKind::Normal
                                        : ExitKind::Crashed;
    if (!timedOut && !killed && exitCode < 0) main.signal = -exitCode; // killed from outside
    const Assembled a = assembler.finish(main, endNs);

    const double wallNs = double(endNs - started);
    // What tracing cost the run: starting the interpreter from here (a fork of a large process with
    // a pipe to pass), loading the tracer, and its events (each process's, calibrated).
    const double tracing = double(a.tracerCostNs) + double(pid > 0 ? launched - started : 0);
    const double untraced = std::max(wallNs - tracing, wallNs * 0.01);
    const auto costPs = stream.processes().count(pid) ? stream.processes().at(pid).stat(Stat::CostPs) : 0u;
    const double samplerSpan = double(sampler.lastRoundNs() - sampler.firstRoundNs());
    ctx.addMetric(QStringLiteral("script"), QStringLiteral("Script"), QFileInfo(m_job.script).fileName());
    ctx.addMetric(QStringLiteral("exit_code"), QStringLiteral("Exit code"), exitCode);
    ctx.addMetric(QStringLiteral("threads"), QStringLiteral("Python threads"), a.threads);
    ctx.addMetric(QStringLiteral("processes"), QStringLiteral("Python processes"), a.processes);
    ctx.addMetric(QStringLiteral("asyncio_tasks"), QStringLiteral("asyncio tasks"), a.tasks);
    ctx.addMetric(QStringLiteral("cpu_ms"), QStringLiteral("On CPU, all threads"), double(a.cpuNs) / 1e6,
                  QStringLiteral("ms"));
    ctx.addMetric(QStringLiteral("free_threaded"),
                  QStringLiteral("Free-threaded Python (built without the GIL)"), a.freeThreaded);
    ctx.addMetric(QStringLiteral("gil_enabled"), QStringLiteral("GIL on (at the end)"), a.gilEnabled);
    if (a.gilOnNs != 0) { // a free-threaded build turned it on during the run
        ctx.addMetric(QStringLiteral("gil_enabled_at_ms"), QStringLiteral("GIL turned on at"),
                      double(a.gilOnNs - started) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("gil_enabled_by"), QStringLiteral("GIL turned on by importing"),
                      a.gilOnBy.isEmpty() ? QVariant() : QVariant(a.gilOnBy));
    }
    ctx.addMetric(QStringLiteral("gil_held_share"), QStringLiteral("GIL held (inferred), share of time"),
                  a.gilSpanNs > 0 ? QVariant(double(a.gilHeldNs) / double(a.gilSpanNs)) : QVariant(),
                  QStringLiteral("share"));
    ctx.addMetric(QStringLiteral("lock_wait_ms"), QStringLiteral("Waiting for locks"),
                  double(a.lockWaitNs) / 1e6, QStringLiteral("ms"));
    ctx.addMetric(QStringLiteral("lock_waits"), QStringLiteral("Lock waits drawn"), qulonglong(a.lockWaits));
    // A killed process never said its tallies: unknown, not zero.
    const auto tally = [&](auto value) { return a.talliesComplete ? QVariant(value) : QVariant(); };
    ctx.addMetric(QStringLiteral("lock_waits_traced"), QStringLiteral("Lock waits counted by the tracer"),
                  tally(qulonglong(a.lockWaitsTraced)));
    ctx.addMetric(QStringLiteral("printed_lines"), QStringLiteral("Lines printed"), qulonglong(a.lines));
    ctx.addMetric(QStringLiteral("tracer_events"), QStringLiteral("Events traced"),
                  tally(qulonglong(a.tracerEvents)));
    ctx.addMetric(QStringLiteral("event_cost_ns"), QStringLiteral("Cost of one event (calibrated)"),
                  double(costPs) / 1000, QStringLiteral("ns"));
    if (m_job.calls) {
        ctx.addMetric(QStringLiteral("calls_traced"), QStringLiteral("Function calls recorded by the tracer"),
                      tally(qulonglong(a.callsTraced)));
        const auto callPs =
            stream.processes().count(pid) ? stream.processes().at(pid).stat(Stat::CallCostPs) : 0u;
        ctx.addMetric(QStringLiteral("call_cost_ns"),
                      QStringLiteral("Cost of one recorded call (calibrated)"), double(callPs) / 1000,
                      QStringLiteral("ns"));
    }
    const bool accelerated =
        stream.processes().count(pid) && stream.processes().at(pid).stat(Stat::Accelerated) != 0;
    ctx.addMetric(QStringLiteral("tracer"), QStringLiteral("Locks and events recorded by"),
                  accelerated ? QStringLiteral("C accelerator") : QStringLiteral("pure Python"));
    ctx.addMetric(QStringLiteral("overhead_ratio"), QStringLiteral("Overhead, traced ÷ untraced (est.)"),
                  tally(wallNs / untraced));
    ctx.addMetric(QStringLiteral("sample_rate_hz"), QStringLiteral("/proc samples per second"),
                  samplerSpan > 0 ? QVariant(double(sampler.rounds() - 1) * 1e9 / samplerSpan) : QVariant(),
                  QStringLiteral("Hz"));

    ctx.addMetric(QStringLiteral("late_events"),
                  QStringLiteral("Events that came after their moment was drawn"), qulonglong(a.lateEvents));
    ctx.addMetric(QStringLiteral("sampler_cpu_ms"), QStringLiteral("CPU time the sampler took"),
                  double(sampler.cpuNs()) / 1e6, QStringLiteral("ms"));

    ctx.addMetric(QStringLiteral("deadlocks"), QStringLiteral("Deadlocks found (lock wait-for cycles)"),
                  qulonglong(a.deadlocks));
    // asyncio steps that held their loop: how many for people, each one for programs.
    if (a.tasks > 0 || !a.slowSteps.empty()) {
        ctx.addMetric(QStringLiteral("slow_step_count"),
                      QStringLiteral("asyncio steps that blocked the event loop"),
                      qulonglong(a.slowSteps.size()));
        const auto lanes = rec.lanes();
        QVariantList steps;
        for (const Assembled::SlowStep &s : a.slowSteps)
            steps << QVariantMap{
                {QStringLiteral("task"), s.lane < lanes.size() ? lanes[s.lane].name : QString()},
                {QStringLiteral("duration_ms"), double(s.ns) / 1e6},
                {QStringLiteral("place"), s.place.isEmpty() ? QVariant() : QVariant(s.place)},
                {QStringLiteral("end_ms"), double(s.endNs - started) / 1e6}};
        ctx.addMetric(QStringLiteral("slow_steps"), QStringLiteral("Steps that blocked the event loop"),
                      steps);
    }
    // The script's numbers watched: the last reading of each (none: it never held a number).
    if (!m_job.watch.isEmpty()) {
        QVariantList watched;
        for (const Assembled::Watched &w : a.watched) {
            QVariantMap one{{QStringLiteral("name"), w.name},
                            {QStringLiteral("value"), w.read ? QVariant(qlonglong(w.value)) : QVariant()},
                            {QStringLiteral("readings"), qulonglong(w.readings)}};
            if (w.hasExpected)
                one.insert(QStringLiteral("expected"), w.read ? QVariant(qlonglong(w.expected)) : QVariant());
            watched << one;
        }
        ctx.addMetric(QStringLiteral("watched"), QStringLiteral("Watched numbers, last reading"), watched);
    }
    if (!a.firstCycle.isEmpty())
        ctx.addMetric(QStringLiteral("cycle"), QStringLiteral("First cycle (who holds and waits for what)"),
                      a.firstCycle);
    if (a.deadlocks > 0)
        ctx.reportProblem(QStringLiteral("deadlock: ") + a.firstCycle.join(QStringLiteral("; ")) +
                          (deadlocked ? QStringLiteral(" (ended %1 s after it was found)")
                                            .arg(QLocale().toString(m_job.endDeadlockAfterMs / 1000.0))
                                      : QString()));
    if (timedOut)
        ctx.reportProblem(
            QStringLiteral("the script ran past the timeout (%1 s) and was killed with its children")
                .arg(QLocale().toString(m_job.timeoutMs / 1000.0)));
    else if (!killed && exitCode != 0)
        ctx.reportProblem(exitCode > 0 ? QStringLiteral("the script exited with status %1").arg(exitCode)
                                       : QStringLiteral("the script was killed by signal %1").arg(-exitCode));
    if (stream.corrupt()) ctx.reportProblem(stream.error());
    const auto mainProcess = stream.processes().find(pid);
    if (mainProcess == stream.processes().end())
        ctx.reportProblem(QStringLiteral("the tracer never reported (the script ran without it)"));
    else if (!killed && exitCode == 0 && !mainProcess->second.stats.count(Stat::Events))
        ctx.reportProblem(
            QStringLiteral("the script closed Raceway's pipe: its lanes end where the tracer stopped"));
    if (stream.lanesRefused() > 0)
        ctx.reportProblem(
            QStringLiteral("%1 threads or asyncio tasks past the first %2 of a process were not drawn")
                .arg(QLocale().toString(qulonglong(stream.lanesRefused())),
                     QLocale().toString(qulonglong(StreamParser::maxThreads))));
    if (stream.dropped() > 0)
        ctx.reportProblem(
            QStringLiteral("%1 traced events beyond the event budget were not drawn").arg(stream.dropped()));
}

} // namespace raceway::py
