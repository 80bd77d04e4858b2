#pragma once

#include "scriptoutput.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace raceway::py {

// What to trace and how: the script, its arguments and the interpreter, all checked up front.
struct PythonJob
{
    QString script; // as given
    QStringList args;
    QString python;     // the interpreter's absolute path
    QString tracerDir;  // the directory holding sitecustomize.py and raceway_tracer/
    QString workingDir; // empty: Raceway's own
    int timeoutMs = 0;  // 0: none
    // A script whose threads wait for each other's locks in a cycle never ends by itself: ended this
    // long after the cycle was found (the command line's default, 1 s), or left to run (-1: until the
    // timeout or Stop, as the window does, the cycle drawn live).
    int endDeadlockAfterMs = -1;
    bool stdoutToStderr = false; // the script's output must not mix with Raceway's (--json)
    // An asyncio step at least this long is marked as blocking its event loop (0: the tracer's 100 ms).
    int slowStepMs = 0;
    // Record the script's function calls as nested slices, a lane under each thread's (--calls).
    bool calls = false;
    // Module-level numbers of the script drawn as lanes as they change (--watch): "counter", or a dotted
    // path ("account.balance"); "counter/done" draws counter against done as its expected value.
    QStringList watch;
    // When set, the script's stdout and stderr go here (unbuffered) instead of Raceway's own.
    std::shared_ptr<ScriptOutput> output;
};

// How many numbers one run watches, and whether `name` is one the tracer can watch: a Python
// identifier, or identifiers joined by dots (at most 200 characters).
constexpr int maxWatched = 8;
bool isWatchableName(const QString &name);
// The numbers a script names for watching in a comment of its own, "# raceway: watch total/made" (in
// its first 100 lines; names that cannot be watched are left out), for when none are asked for.
QStringList declaredWatches(const QString &path);
// One line saying why `path` cannot be traced (missing, a directory, unreadable, binary data), or
// empty when it looks like a Python script. Syntax errors are Python's to report.
QString checkScript(const QString &path);
// The interpreter: `requested` when given (a path, or a name looked up on PATH), else python3 on
// PATH. Empty with one line in *error when there is none.
QString findPython(const QString &requested, QString *error);
// What an interpreter is, asked of it.
struct PythonInfo
{
    QString path;
    QString version; // "3.11.2"; empty when it cannot be traced
    int major = 0, minor = 0;
    bool freeThreaded = false; // built without the GIL (Py_GIL_DISABLED)
    QString problem;           // why it cannot be traced ("Python 2.7.18: the tracer needs ...")
};
// Runs the interpreter once (`-E -S -c ...`: a few milliseconds, 5 s at most). When it is not a Python
// Raceway can trace (not Python at all, Python 2, older than 3.8) the version is empty and *error says
// so in one line naming the path.
PythonInfo probePython(const QString &path, QString *error);
// "Python 3.13.5, free-threaded" or "Python 3.11.2, with the GIL": how runs are labelled.
QString interpreterLabel(const PythonInfo &info);
// The interpreter a run asks for: a path or a name on PATH, or "auto" (the first free-threaded one of
// candidatePythons(), else python3). Its version empty with one line in *error when there is none.
PythonInfo resolvePython(const QString &requested, QString *error);
// The interpreters on this machine, each once: $RACEWAY_PYTHON, python3 and python3.N (python3.13t too) on
// PATH, pyenv's versions, and the free-threaded build of scripts/get-free-threaded-python.sh.
QStringList candidatePythons();
// Where the tracer is: $RACEWAY_TRACER_DIR, beside the program (../share/raceway/python), or the
// source tree it was built from. Empty with one line in *error when none holds it.
QString tracerDirectory(QString *error);
// Where scripts/get-free-threaded-python.sh puts the free-threaded CPython it builds (it may not be there).
QString cachedFreeThreadedPython();
// The tracer's C accelerator built beside this program (the build tree's), or empty: an installed
// tracer finds its own in its package, and without one the tracer is pure Python.
QString tracerAccelerator();
// Where the example scripts are: $RACEWAY_EXAMPLES_DIR, beside the program
// (../share/raceway/examples), or the source tree. Empty when none holds them.
QString examplesDirectory();
// The example scripts, sorted by file name (absolute paths).
QStringList exampleScripts();
// Arguments typed on one line, split as a POSIX shell would (no expansions): blanks separate them,
// '…' keeps everything, "…" keeps everything but \\ \" \$ \` escapes, a backslash outside quotes
// keeps the next character. Empty with one line in *error for an unclosed quote or a trailing backslash.
std::optional<QStringList> splitArguments(const QString &line, QString *error);
// The script's docstring (its first string, before any code), whitespace-joined; empty when none.
QString scriptSummary(const QString &path);

} // namespace raceway::py
