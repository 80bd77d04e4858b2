#pragma once

// Starting the Python interpreter for a traced script (pythonscenario.cpp): everything the child needs
// made before fork(), and the fork itself.

#include "pythonjob.h"

#include <QByteArray>
#include <QString>

#include <sys/types.h>

#include <vector>

namespace raceway::py {

// Everything the child needs, made before fork(): after it only async-signal-safe calls are made.
struct Launch
{
    std::vector<QByteArray> argvStore, envStore;
    std::vector<char *> argv, envp;
    QByteArray workingDir;
};

// What the child of `job` is given: its arguments (the interpreter, the script, the script's own), its
// environment (the tracer on PYTHONPATH, the trace pipe's descriptor `traceFd`, what the job asks of the
// tracer) and its working folder.
Launch prepare(const PythonJob &job, int traceFd);

// Starts the interpreter in a process group of its own (so that it, and everything it starts, can
// be killed at once, and Ctrl+C in the terminal reaches Raceway rather than the script), with the
// trace pipe's write end inherited. Returns its pid, or -1 and the reason.
// With `outFds` (the write ends of two pipes) the script's stdout and stderr go into them.
pid_t launch(const Launch &l, int traceFd, bool stdoutToStderr, const int *outFds, QString *error);

} // namespace raceway::py
