#pragma once

// Runs scenarios to completion and measures their traces independently of the scenarios' own tallies.

#include "registry.h"
#include "runner.h"

#include <QTest>

#include <memory>

namespace raceway::testing {

inline std::unique_ptr<Runner> runScenario(const QString &id, const QStringList &args,
                                           std::uint64_t maxEvents = Runner::defaultMaxEvents)
{
    const Scenario *scenario = Registry::builtin().find(id);
    if (!scenario)
        qFatal("no scenario %s", qPrintable(id));
    QString error;
    const auto params = ParamValues::parse(scenario->params(), args, &error);
    if (!params)
        qFatal("bad parameters: %s", qPrintable(error));
    auto runner = std::make_unique<Runner>(*scenario, *params, maxEvents);
    runner->start();
    runner->wait();
    return runner;
}

inline qlonglong metric(const Runner &r, const char *key)
{
    return metricValue(r.result().metrics, QString::fromLatin1(key)).toLongLong();
}

inline double metricDouble(const Runner &r, const char *key)
{
    return metricValue(r.result().metrics, QString::fromLatin1(key)).toDouble();
}

inline std::vector<std::size_t> lanesOfKind(const Trace &t, LaneKind kind)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        if (t.lane(i).kind == kind)
            out.push_back(i);
    return out;
}

// Summed over every thread lane: the drawn intervals in `state`, in nanoseconds.
inline std::int64_t totalOverThreads(const Trace &t, State state)
{
    std::int64_t total = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread))
        total += t.totalIn(lane, state);
    return total;
}

inline std::int64_t markerTotal(const Trace &t)
{
    std::int64_t total = 0;
    for (std::size_t i = 0; i < t.lanes().size(); ++i)
        total += t.markerSum(i);
    return total;
}

inline std::int64_t countTransitions(const Trace &t, State state)
{
    std::int64_t n = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread))
        for (State s : t.lane(lane).states)
            n += s == state;
    return n;
}

} // namespace raceway::testing
