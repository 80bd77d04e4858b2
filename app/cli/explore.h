#pragma once

#include <QStringList>
#include <QTextStream>

namespace raceway {

// `raceway explore SCENARIO [name=value ...] [--json] [--limit N]`: every order of the scenario's step
// points, each run on real threads, and how many orders give each outcome (lost updates 0, 1, 2...).
// Refuses up front (exit 2, with the count) more orders than the limit; Ctrl+C stops it at once (130).
int explore(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace raceway
