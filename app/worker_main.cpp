// raceway-worker: the child process raceway starts for process scenarios. Not meant to be run by hand.

#include "workerjobs.h"
#include "workerpriority.h"

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    // If raceway dies without reaping us (killed, crashed), we die too: no orphans, even when a job hangs.
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) // the parent was already gone before the line above took effect
        return 1;
    // Like the recording threads, workers yield to raceway's collector and window.
    raceway::workerpriority::lower();
    std::signal(SIGPIPE, SIG_IGN); // a parent that went away shows up as a failed write, not a signal
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    return raceway::worker::runJob(args);
}
