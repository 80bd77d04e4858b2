#pragma once

#include <QStringList>
#include <QTextStream>

namespace raceway {

// The command-line verbs: list, describe, run, --help, --version. Returns the exit status:
// 0 done, 2 bad usage or input (one line on err, nothing written), 1 failure while running or writing.
int runCli(const QStringList &args, QTextStream &out, QTextStream &err);

// True when the arguments ask for a CLI verb rather than the window.
bool isCliInvocation(const QStringList &args);
// `raceway FILE` (as a file manager or the desktop entry starts it): the file to open in the window, or
// empty. Only an existing file that is not named like a verb.
QString windowFile(const QStringList &args);

QString usageText();

} // namespace raceway
