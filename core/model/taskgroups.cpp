#include "taskgroups.h"

#include <QHash>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace raceway {

QString taskGroupKey(const Lane &lane)
{
    if (lane.kind != LaneKind::Thread || !lane.name.endsWith(QLatin1Char(')'))) return {};
    // "[Process-1: ]task NAME (coroutine)" (a child process's lanes begin with its name): the coroutine is
    // in the last parentheses, the task's own name before them.
    const qsizetype colon = lane.name.indexOf(QLatin1String(": task "));
    const qsizetype task = lane.name.startsWith(QLatin1String("task ")) ? 0 : colon >= 0 ? colon + 2 : -1;
    const qsizetype open = lane.name.lastIndexOf(QLatin1String(" ("));
    if (task < 0 || open <= task + 5) return {};
    return lane.name.left(task) + lane.name.mid(open + 2, lane.name.size() - open - 3);
}

std::vector<TaskGroup> taskGroups(const Trace &trace, std::size_t minMembers)
{
    std::vector<TaskGroup> groups;
    QHash<QString, std::size_t> index;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const QString key = taskGroupKey(trace.lane(i));
        if (key.isEmpty()) continue;
        const auto it = index.constFind(key);
        if (it == index.constEnd()) {
            index.insert(key, groups.size());
            groups.push_back({key, {}, {i}});
        } else {
            groups[*it].members.push_back(i);
        }
    }
    std::erase_if(
        groups, [&](const TaskGroup &g) { return g.members.size() < std::max<std::size_t>(minMembers, 2); });
    for (TaskGroup &g : groups) {
        const qsizetype colon = g.key.lastIndexOf(QLatin1String(": "));
        const QString prefix = colon >= 0 ? g.key.left(colon + 2) : QString();
        const QString coroutine = colon >= 0 ? g.key.mid(colon + 2) : g.key;
        g.label = QStringLiteral("%1%2 tasks (%3)")
                      .arg(prefix, QLocale().toString(qulonglong(g.members.size())), coroutine);
    }
    return groups;
}

void countStates(const Trace &trace, const std::vector<std::size_t> &members, std::int64_t start,
                 std::int64_t end, int columns, std::vector<StateCounts> &out)
{
    out.assign(std::size_t(std::max(columns, 0)), StateCounts{});
    if (columns <= 0 || end <= start) return;
    const double nsPerColumn = double(end - start) / columns;
    // Whole columns a stretch covers go into a running difference (one addition per stretch, however
    // long); the columns it covers in part get their fraction directly.
    const std::array<double, stateCount> none{};
    std::vector<std::array<double, stateCount>> whole(std::size_t(columns) + 1, none);
    std::vector<std::array<double, stateCount>> part(std::size_t(columns), none);
    const auto add = [&](std::int64_t a, std::int64_t b, State state, double weight) {
        a = std::max(a, start);
        b = std::min(b, end);
        if (b <= a || weight <= 0) return;
        const auto s = std::size_t(state);
        const double xa = double(a - start) / nsPerColumn, xb = double(b - start) / nsPerColumn;
        const int ca = std::min(columns - 1, int(xa)), cb = std::min(columns, int(xb));
        if (ca >= cb) {
            part[std::size_t(ca)][s] += (xb - xa) * weight;
            return;
        }
        part[std::size_t(ca)][s] += (ca + 1 - xa) * weight;
        if (cb < columns) part[std::size_t(cb)][s] += (xb - cb) * weight;
        whole[std::size_t(ca) + 1][s] += weight;
        whole[std::size_t(cb)][s] -= weight;
    };
    for (const std::size_t i : members) {
        const Lane &lane = trace.lane(i);
        const std::int64_t kept = lane.pastBudget.started() ? lane.pastBudget.start() : trace.end();
        const std::size_t n = lane.times.size();
        std::ptrdiff_t k = lane.indexAt(start);
        if (k < 0) k = 0;
        for (std::size_t j = std::size_t(k); j < n; ++j) {
            const std::int64_t t0 = lane.times[j];
            if (t0 >= std::min(end, kept)) break;
            const std::int64_t t1 = std::min(j + 1 < n ? lane.times[j + 1] : trace.end(), kept);
            add(t0, t1, lane.states[j], 1.0);
        }
        const StateSummary &s = lane.pastBudget;
        if (!s.started() || s.end() <= start) continue;
        for (std::size_t b = 0; b < s.size(); ++b) {
            const std::int64_t b0 = std::max(s.bucketStart(b), s.start());
            const std::int64_t b1 = std::min(s.bucketStart(b) + s.width(), s.end());
            if (b1 <= start || b1 <= b0) continue;
            if (b0 >= end) break;
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
                if (const std::int64_t ns = s.coveredNs(b, st); ns > 0)
                    add(b0, b1, State(st), double(ns) / double(b1 - b0));
        }
    }
    std::array<double, stateCount> running{};
    for (std::size_t c = 0; c < std::size_t(columns); ++c)
        for (std::size_t s = 0; s < std::size_t(stateCount); ++s) {
            running[s] += whole[c][s];
            out[c][s] = float(running[s] + part[c][s]);
        }
}

StateCounts statesAt(const Trace &trace, const std::vector<std::size_t> &members, std::int64_t t)
{
    StateCounts counts{};
    for (const std::size_t i : members) {
        const Lane &lane = trace.lane(i);
        if (lane.pastBudget.started() && t >= lane.pastBudget.start()) continue; // only shares are known
        const std::ptrdiff_t k = lane.indexAt(t);
        if (k >= 0 && t < trace.end()) counts[std::size_t(lane.states[std::size_t(k)])] += 1;
    }
    return counts;
}

} // namespace raceway
