#include "pythonlaunch.h"

#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace raceway::py {

Launch prepare(const PythonJob &job, int traceFd)
{
    Launch l;
    l.argvStore.push_back(QFile::encodeName(job.python));
    l.argvStore.push_back(QFile::encodeName(job.script));
    for (const QString &a : job.args)
        l.argvStore.push_back(a.toLocal8Bit());
    QByteArray pythonPath = QFile::encodeName(job.tracerDir);
    for (char **e = environ; *e; ++e) {
        const QByteArray entry(*e);
        if (entry.startsWith("PYTHONPATH=")) {
            if (entry.size() > 11) pythonPath += ':' + entry.mid(11);
            continue;
        }
        if (entry.startsWith("RACEWAY_TRACE_FD=")) continue;
        if (job.slowStepMs > 0 && entry.startsWith("RACEWAY_SLOW_STEP_MS=")) continue;
        if (entry.startsWith("RACEWAY_TRACE_CALLS=")) continue; // the job says whether
        if (entry.startsWith("RACEWAY_WATCH=")) continue;
        l.envStore.push_back(entry);
    }
    l.envStore.push_back("PYTHONPATH=" + pythonPath);
    if (job.output) { // shown as it is written, not when a pipe's buffer fills
        std::erase_if(l.envStore, [](const QByteArray &e) { return e.startsWith("PYTHONUNBUFFERED="); });
        l.envStore.push_back("PYTHONUNBUFFERED=1");
    }
    l.envStore.push_back("RACEWAY_TRACE_FD=" + QByteArray::number(traceFd));
    if (job.slowStepMs > 0)
        l.envStore.push_back("RACEWAY_SLOW_STEP_MS=" + QByteArray::number(job.slowStepMs));
    if (job.calls) l.envStore.push_back("RACEWAY_TRACE_CALLS=1");
    if (!job.watch.isEmpty())
        l.envStore.push_back("RACEWAY_WATCH=" + job.watch.join(QLatin1Char(',')).toUtf8());
    // The tracer's C accelerator as this build made it (an installed tracer has it in its package).
    if (const QString accel = tracerAccelerator();
        !accel.isEmpty() && qEnvironmentVariableIsEmpty("RACEWAY_TRACER_ACCEL"))
        l.envStore.push_back("RACEWAY_TRACER_ACCEL=" + QFile::encodeName(accel));
    for (QByteArray &a : l.argvStore)
        l.argv.push_back(a.data());
    l.argv.push_back(nullptr);
    for (QByteArray &e : l.envStore)
        l.envp.push_back(e.data());
    l.envp.push_back(nullptr);
    l.workingDir = QFile::encodeName(job.workingDir);
    return l;
}

// Starts the interpreter in a process group of its own (so that it, and everything it starts, can
// be killed at once, and Ctrl+C in the terminal reaches Raceway rather than the script), with the
// trace pipe's write end inherited. Returns its pid, or -1 and the reason.
// With `outFds` (the write ends of two pipes) the script's stdout and stderr go into them.
pid_t launch(const Launch &l, int traceFd, bool stdoutToStderr, const int *outFds, QString *error)
{
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction dfl
        {
        };
        dfl.sa_handler = SIG_DFL;
        for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD})
            ::sigaction(s, &dfl, nullptr);
        ::fcntl(traceFd, F_SETFD, 0);
        if (outFds) {
            ::dup2(outFds[0], 1);
            ::dup2(outFds[1], 2);
        } else if (stdoutToStderr) {
            ::dup2(2, 1);
        }
        if (!l.workingDir.isEmpty() && ::chdir(l.workingDir.constData()) != 0) {
            const int e = errno;
            (void)!::write(report[1], &e, sizeof e);
            ::_exit(127);
        }
        ::execve(l.argv[0], l.argv.data(), l.envp.data());
        const int e = errno;
        (void)!::write(report[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(report[1]);
    if (pid < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(report[0]);
        return -1;
    }
    ::setpgid(pid, pid); // also here: whichever runs first, the group exists before any kill
    int childErrno = 0;
    ssize_t n;
    do
        n = ::read(report[0], &childErrno, sizeof childErrno);
    while (n < 0 && errno == EINTR);
    ::close(report[0]);
    if (n == sizeof childErrno) {
        ::waitpid(pid, nullptr, 0);
        *error = QString::fromLocal8Bit(std::strerror(childErrno));
        return -1;
    }
    return pid;
}

} // namespace raceway::py
