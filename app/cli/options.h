#pragma once

#include "outputfile.h"
#include "runner.h"

#include <QStringList>
#include <QTextStream>

#include <memory>
#include <vector>

namespace raceway {

// The options of `run` and `show`: what to write and how.
struct CliOptions
{
    QString target;     // run: the scenario id; show: the file
    QStringList params; // run only: name=value
    QString png, svg, trace, save;
    bool json = false;
    bool quiet = false; // run and trace: no progress line on a terminal
    int width = 1600;
    int scale = 1;
    std::uint64_t maxEvents = Runner::defaultMaxEvents();
};

// Prints "raceway: LINE" and returns 2, the exit status of bad usage.
int usageError(QTextStream &err, const QString &line);

// Fills options from the arguments after the target (`run` also takes name=value, --max-events and
// --save). Returns 0 or the exit status of a usage error (one line already on err).
int parseOptions(const QStringList &args, bool run, CliOptions *o, QTextStream &err);

// Checks every picture and trace output the options ask for before any work, so a bad path fails fast
// and nothing is created yet. Returns 0, or 1 with one line on err.
int prepareOutputs(const CliOptions &o, std::vector<std::unique_ptr<OutputFile>> *outputs, QTextStream &err);

} // namespace raceway
