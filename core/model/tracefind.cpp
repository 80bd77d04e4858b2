#include "tracefind.h"

#include "deadlockcycle.h"
#include "results.h"

#include <QLocale>

#include <algorithm>

namespace raceway {

TraceFinder::TraceFinder(const Trace &trace, FindKind kind, std::int64_t minWaitNs, const QString &text)
    : m_trace(trace), m_kind(kind)
{
    std::vector<bool> matching; // by slice name: each name is compared once, not once per slice
    if (kind == FindKind::Slice)
        for (const QString &name : trace.sliceNames())
            matching.push_back(!text.isEmpty() && name.contains(text, Qt::CaseInsensitive));
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &lane = trace.lane(i);
        if (kind == FindKind::Slice) {
            for (std::size_t d = 0; d < lane.slices.depth(); ++d)
                for (const Slice &s : lane.slices.row(d))
                    if (s.name < matching.size() && matching[s.name]) {
                        Finding f{i, s.start, s.end, 0, -1, State::Idle};
                        f.name = s.name;
                        f.depth = d;
                        m_found.push_back(f);
                    }
            continue;
        }
        if (kind == FindKind::LostUpdate) {
            for (const Marker &m : lane.markers)
                if (m.value != 0) m_found.push_back({i, m.t, m.t, m.value, int(m.other), State::Idle});
            continue;
        }
        if (kind == FindKind::Deadlock || kind == FindKind::Marked) {
            for (const Instant &in : lane.instants) {
                const MarkKind k = in.markKind();
                const bool wanted =
                    kind == FindKind::Deadlock
                        ? k == MarkKind::Deadlock
                        : k == MarkKind::Overdraft || k == MarkKind::OutOfOrder || k == MarkKind::CutOff;
                if (wanted) {
                    Finding f{i, in.t, in.t, in.value, -1, State::Idle};
                    f.mark = k;
                    m_found.push_back(f);
                }
            }
            continue;
        }
        trace.forEachInterval(i, [&](const Interval &iv) {
            const bool wait = (iv.state == State::Waiting || iv.state == State::WaitingGil) &&
                              iv.end - iv.start >= minWaitNs;
            const bool failure =
                iv.state == State::Crashed || iv.state == State::Killed || iv.state == State::TimedOut;
            if ((kind == FindKind::LongWait && wait) || (kind == FindKind::Failure && failure))
                m_found.push_back(
                    {i, iv.start, failure ? iv.start : iv.end, failure ? iv.obj : 0, -1, iv.state});
        });
    }
    std::stable_sort(m_found.begin(), m_found.end(), [](const Finding &a, const Finding &b) {
        return a.start < b.start || (a.start == b.start && a.lane < b.lane);
    });
}

QString TraceFinder::what(std::size_t index) const
{
    if (index >= m_found.size()) return {};
    const Finding &f = m_found[index];
    const QLocale l;
    const QString name = m_trace.lane(f.lane).name;
    switch (m_kind) {
    case FindKind::LostUpdate: {
        const QString whose = f.other >= 0 && std::size_t(f.other) < m_trace.lanes().size()
                                  ? m_trace.lane(std::size_t(f.other)).name
                                  : QStringLiteral("the starting value");
        if (f.amount < 0)
            return QStringLiteral("%1 gave back %2 increments over %3")
                .arg(name, l.toString(qlonglong(-f.amount)), whose);
        const QString coreWait = m_trace.lane(f.lane).coreWaitBeforeWrite(f.start);
        if (!coreWait.isEmpty()) // "counter-3 was off its core 4.1 ms between …: 250,358 increments erased"
            return QStringLiteral("%1 %2: %3 %4 of %5 erased")
                .arg(name, coreWait, l.toString(qlonglong(f.amount)),
                     f.amount == 1 ? QStringLiteral("increment") : QStringLiteral("increments"), whose);
        return QStringLiteral("%1 erased %2 %3 of %4")
            .arg(name, l.toString(qlonglong(f.amount)),
                 f.amount == 1 ? QStringLiteral("increment") : QStringLiteral("increments"), whose);
    }
    case FindKind::LongWait: {
        const std::uint16_t obj =
            m_trace.lane(f.lane).objs[std::size_t(m_trace.lane(f.lane).indexAt(f.start))];
        const QString what = f.state == State::WaitingGil        ? QStringLiteral("the GIL")
                             : m_trace.objectName(obj).isEmpty() ? QStringLiteral("the lock")
                                                                 : m_trace.objectName(obj);
        return QStringLiteral("%1 waited %2 for %3").arg(name, formatDurationNs(f.end - f.start), what);
    }
    case FindKind::Deadlock: {
        const auto cycle = deadlockCycleAt(m_trace, f.lane, f.start);
        return cycle.empty() ? QStringLiteral("%1 found a deadlock").arg(name)
                             : describeCycle(m_trace, cycle);
    }
    case FindKind::Marked:
        if (f.mark == MarkKind::Overdraft)
            return QStringLiteral("%1 paid %2 on a balance that was no longer there")
                .arg(name, l.toString(qlonglong(f.amount)));
        if (f.mark == MarkKind::OutOfOrder)
            return QStringLiteral("%1 printed line %2 out of turn")
                .arg(name, l.toString(qlonglong(f.amount)));
        return QStringLiteral("%1 was cut off when the program ended").arg(name);
    case FindKind::Slice:
        return QStringLiteral("%1 in %2, %3 long, depth %4")
            .arg(m_trace.sliceName(f.name), name, formatDurationNs(f.end - f.start))
            .arg(f.depth + 1);
    case FindKind::Failure:
        break;
    }
    return QStringLiteral("%1 %2").arg(name, f.state == State::Crashed ? QStringLiteral("crashed")
                                             : f.state == State::Killed
                                                 ? QStringLiteral("was ") +
                                                       stateName(f.state, std::uint16_t(f.amount))
                                                 : QStringLiteral("ran out of time"));
}

std::ptrdiff_t TraceFinder::nextAfter(std::int64_t t) const
{
    const auto it = std::upper_bound(m_found.begin(), m_found.end(), t,
                                     [](std::int64_t v, const Finding &f) { return v < f.start; });
    return it == m_found.end() ? -1 : it - m_found.begin();
}

std::ptrdiff_t TraceFinder::previousBefore(std::int64_t t) const
{
    const auto it = std::lower_bound(m_found.begin(), m_found.end(), t,
                                     [](const Finding &f, std::int64_t v) { return f.start < v; });
    return it == m_found.begin() ? -1 : (it - m_found.begin()) - 1;
}

QString TraceFinder::kindName(FindKind kind)
{
    switch (kind) {
    case FindKind::LostUpdate:
        return QStringLiteral("lost update");
    case FindKind::LongWait:
        return QStringLiteral("long wait");
    case FindKind::Deadlock:
        return QStringLiteral("deadlock");
    case FindKind::Marked:
        return QStringLiteral("marked moment");
    case FindKind::Slice:
        return QStringLiteral("slice");
    case FindKind::Failure:
        break;
    }
    return QStringLiteral("failure");
}

QString TraceFinder::describe(std::size_t index) const
{
    if (index >= m_found.size()) return {};
    const QLocale l;
    return QStringLiteral("%1 %2 of %3: %4")
        .arg(kindName(m_kind), l.toString(qulonglong(index + 1)), l.toString(qulonglong(m_found.size())),
             what(index));
}

} // namespace raceway
