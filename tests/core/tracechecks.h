#pragma once

// Runs scenarios to completion and measures their traces independently of the scenarios' own tallies.

#include "registry.h"
#include "runner.h"

#include <QTest>
#include <QThread>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <vector>

namespace raceway::testing {

// collectEveryMs: a collector that reads only that often (one that falls behind), else as the CLI's.
inline std::unique_ptr<Runner> runScenario(const QString &id, const QStringList &args,
                                           std::uint64_t maxEvents = Runner::defaultMaxEvents(),
                                           unsigned collectEveryMs = 0)
{
    const Scenario *scenario = Registry::builtin().find(id);
    if (!scenario) qFatal("no scenario %s", qPrintable(id));
    QString error;
    const auto params = ParamValues::parse(scenario->params(), args, &error);
    if (!params) qFatal("bad parameters: %s", qPrintable(error));
    auto runner = std::make_unique<Runner>(*scenario, *params, maxEvents);
    runner->start();
    if (collectEveryMs == 0)
        runner->wait();
    else
        while (!runner->collect(50))
            QThread::msleep(collectEveryMs);
    return runner;
}

// Everything a recorder holds, as a trace spanning [start, end] (for traces built event by event).
inline std::unique_ptr<Trace> traceOf(Recorder &rec, std::int64_t start, std::int64_t end)
{
    auto t = std::make_unique<Trace>();
    t->setRegistry(rec.lanes(), rec.objects());
    t->setSites(rec.sites());
    rec.drain([&](const Event *e, std::size_t n) { t->ingest(e, n); });
    t->commit();
    t->setStart(start);
    t->setEnd(end);
    return t;
}

// Parameters as a command line writes them: args({"threads=4", "lock=on"}).
inline QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *a : list)
        out << QString::fromLatin1(a);
    return out;
}

// A sanitizer's runtime blocks threads on locks of its own, inside stretches the trace draws as
// running: comparisons of drawn on-core time with the kernel's counts hold in optimised builds only.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

// A schedule as a list (thread numbers from 1), and as the argument that gives it to a run.
inline QList<qlonglong> list(std::initializer_list<qlonglong> v)
{
    return QList<qlonglong>(v);
}

inline QString scheduleArg(const QList<qlonglong> &s)
{
    QStringList parts;
    for (const qlonglong t : s)
        parts << QString::number(t);
    return QStringLiteral("schedule=") + parts.join(QLatin1Char(','));
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
        if (t.lane(i).kind == kind) out.push_back(i);
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

// Every interval in `state` on the given lanes.
inline std::vector<Interval> intervalsIn(const Trace &t, const std::vector<std::size_t> &lanes, State state)
{
    std::vector<Interval> out;
    for (std::size_t lane : lanes)
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == state) out.push_back(iv);
        });
    return out;
}

// Intervals in `state`, where a stretch its thread spent waiting for a core in the middle does not
// split one: a task whose thread lost its core for a while is still one task.
inline std::vector<Interval> runsIn(const Trace &t, const std::vector<std::size_t> &lanes, State state)
{
    std::vector<Interval> out;
    for (std::size_t lane : lanes) {
        bool open = false; // the last interval pushed may go on after a wait for a core
        State before = State::Idle;
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == state && open && before == State::Ready && out.back().state == state)
                out.back().end = iv.end;
            else if (iv.state == state)
                out.push_back(iv);
            else if (iv.state != State::Ready)
                open = false;
            if (iv.state == state) open = true;
            before = iv.state;
        });
    }
    return out;
}

// The most intervals that overlap at one instant (touching ends do not overlap; empty ones never count).
inline int mostAtOnce(const std::vector<Interval> &intervals)
{
    std::vector<std::pair<std::int64_t, int>> edges;
    for (const Interval &iv : intervals)
        if (iv.end > iv.start) {
            edges.push_back({iv.start, +1});
            edges.push_back({iv.end, -1});
        }
    std::sort(edges.begin(), edges.end()); // at equal times, ends (-1) come before starts (+1)
    int now = 0, most = 0;
    for (const auto &e : edges)
        most = std::max(most, now += e.second);
    return most;
}

inline int mostAtOnce(const Trace &t, const std::vector<std::size_t> &lanes, State state)
{
    return mostAtOnce(intervalsIn(t, lanes, state));
}

inline std::int64_t countTransitions(const Trace &t, State state)
{
    // A hold that its thread spent partly off its core (HoldingReady) is one hold: its return to Holding
    // is not counted again.
    std::int64_t n = 0;
    for (std::size_t lane : lanesOfKind(t, LaneKind::Thread)) {
        const auto &states = t.lane(lane).states;
        for (std::size_t k = 0; k < states.size(); ++k)
            n += states[k] == state &&
                 !(state == State::Holding && k > 0 && states[k - 1] == State::HoldingReady);
    }
    return n;
}

} // namespace raceway::testing
