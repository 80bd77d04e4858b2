// raceway-worker: the child process raceway starts for process scenarios. Not meant to be run by hand.

#include "workerjobs.h"

#include <csignal>

int main(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN); // a parent that went away shows up as a failed write, not a signal
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    return raceway::worker::runJob(args);
}
