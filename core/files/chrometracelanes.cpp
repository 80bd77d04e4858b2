// The Chrome trace reader's second half: per-thread lists into lanes (B/E paired, spans into state
// transitions or rows of named slices, names told apart, Raceway's own run put back as it was).

#include "chrometraceimporter.h"
#include "summaryjson.h"

#include <algorithm>
#include <set>

namespace raceway::chrometrace {
namespace {

// A count a file says, kept where sums of a few of them cannot overflow (as markers' values are).
std::int64_t bounded(const QJsonValue &v)
{
    return std::clamp<std::int64_t>(v.toInteger(), -(std::int64_t(1) << 46), std::int64_t(1) << 46);
}

} // namespace

void ChromeImporter::transitions(const std::vector<Span> &spans, Lane *out)
{
    struct Inner
    {
        bool operator()(const Span *x, const Span *y) const
        {
            if (x->start != y->start) return x->start < y->start;
            if (x->end != y->end) return x->end > y->end;
            return x->order < y->order;
        }
    };
    std::vector<std::pair<std::int64_t, const Span *>> ends, starts;
    for (const Span &s : spans) {
        starts.push_back({s.start, &s});
        ends.push_back({s.end, &s});
    }
    const auto byTime = [](const auto &x, const auto &y) { return x.first < y.first; };
    std::stable_sort(starts.begin(), starts.end(), byTime);
    std::stable_sort(ends.begin(), ends.end(), byTime);
    std::set<const Span *, Inner> active;
    std::size_t si = 0, ei = 0;
    while (si < starts.size() || ei < ends.size()) {
        const std::int64_t t = std::min(si < starts.size() ? starts[si].first : INT64_MAX,
                                        ei < ends.size() ? ends[ei].first : INT64_MAX);
        for (; ei < ends.size() && ends[ei].first == t; ++ei)
            active.erase(ends[ei].second);
        for (; si < starts.size() && starts[si].first == t; ++si)
            active.insert(starts[si].second);
        const State s = active.empty() ? State::Idle : (*active.rbegin())->state;
        const std::uint16_t obj = active.empty() ? 0 : (*active.rbegin())->obj;
        const std::size_t n = out->times.size();
        if (n > 0 && out->states[n - 1] == s && out->objs[n - 1] == obj) continue;
        if (n > 0 && out->times[n - 1] == t) { // nothing was drawn in between
            out->states.resize(n - 1);
            out->objs.resize(n - 1);
            out->times.resize(n - 1);
            if (n >= 2 && out->states[n - 2] == s && out->objs[n - 2] == obj) continue;
        }
        out->times.push_back(t);
        out->states.push_back(s);
        out->objs.push_back(obj);
    }
}

bool ChromeImporter::build(Trace *trace, ChromeImportStats *stats)
{
    // Raceway's own run: from its start (ts 0) to its end; its slices' last cells may reach past it.
    bool clipped = false;
    if (m_own && m_other.contains(QLatin1String("end_ns")) && m_other.contains(QLatin1String("start_ns"))) {
        // Both on the clock (from 0 to 2^62 ns, ~146 years): their difference cannot overflow.
        constexpr std::int64_t clockLimit = std::int64_t(1) << 62;
        const std::int64_t endNs =
            std::clamp<std::int64_t>(m_other.value(QLatin1String("end_ns")).toInteger(), 0, clockLimit);
        const std::int64_t startNs =
            std::clamp<std::int64_t>(m_other.value(QLatin1String("start_ns")).toInteger(), 0, clockLimit);
        const std::int64_t length = endNs - startNs;
        if (length > 0 && length < std::int64_t(timeLimitUs) * 1000) {
            m_start = m_clockStart;
            m_end = m_clockStart + length;
            clipped = true;
        }
    }
    // Pair B with E in time order per lane (the format allows any order in the file); an
    // unclosed B runs to the end of the trace.
    for (LaneData &l : m_lanes) {
        std::stable_sort(l.edges.begin(), l.edges.end(),
                         [](const Edge &x, const Edge &y) { return x.t < y.t; });
        std::vector<const Edge *> open;
        const auto add = [&](const Edge &b, std::int64_t end) {
            if (end <= b.t) return;
            if (m_own && !m_namedTids.contains(l.tid))
                l.spans.push_back(span(b.t, end, b.name, qsizetype(b.order)));
            else
                l.named.push_back({b.t, end, b.nameId, b.args, b.category});
        };
        for (const Edge &e : l.edges) {
            if (e.begin)
                open.push_back(&e);
            else if (!open.empty()) {
                add(*open.back(), e.t);
                open.pop_back();
            }
        }
        for (const Edge *e : open)
            add(*e, m_end);
        l.edges.clear();
    }
    std::vector<std::size_t> order(m_lanes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const LaneData &a = m_lanes[x], &b = m_lanes[y];
        if (a.hasSortIndex != b.hasSortIndex) return a.hasSortIndex;
        return a.hasSortIndex && a.sortIndex < b.sortIndex;
    });
    std::set<QString> pids;
    for (const LaneData &l : m_lanes)
        pids.insert(l.pid);
    QHash<QString, std::uint16_t> laneByName;
    std::vector<QString> names(m_lanes.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const LaneData &l = m_lanes[order[k]];
        // A tid that is a word ("CrBrowserMain") names its thread; a number is "tid N".
        bool numeric = false;
        l.tid.toLongLong(&numeric);
        QString name = !l.threadName.isEmpty() ? l.threadName
                       : numeric               ? QStringLiteral("tid ") + l.tid
                                               : l.tid;
        if (pids.size() > 1) {
            const QString process = m_processNames.value(l.pid);
            name =
                (process.isEmpty() ? QStringLiteral("pid ") + l.pid : process) + QStringLiteral(" / ") + name;
        }
        names[k] = name;
        if (k < 65536) laneByName.insert(l.threadName.isEmpty() ? name : l.threadName, std::uint16_t(k));
    }
    // Names that repeat ("Browser / ThreadPoolForegroundWorker" fifteen times) say their tid, and
    // their pid too where that is not enough.
    for (const bool withPid : {false, true}) {
        QHash<QString, int> seen;
        for (const QString &n : names)
            ++seen[n];
        for (std::size_t k = 0; k < order.size(); ++k) {
            if (seen.value(names[k]) < 2) continue;
            const LaneData &l = m_lanes[order[k]];
            names[k] +=
                withPid ? QStringLiteral(" (pid %1)").arg(l.pid) : QStringLiteral(" (tid %1)").arg(l.tid);
        }
    }
    // Raceway's own lost updates name the lane overwritten by its tid (one process).
    QHash<QString, int> laneOfTid;
    for (std::size_t k = 0; k < order.size() && k < 32768; ++k)
        laneOfTid.insert(m_lanes[order[k]].tid, int(k));
    trace->setRegistry({}, m_objects);
    trace->setSites(m_sites);
    trace->setSliceTables(std::move(m_sliceNames), std::move(m_sliceArgs));
    std::vector<std::uint32_t> laneIndex(m_lanes.size()); // by m_lanes index: the trace's lane
    for (std::size_t k = 0; k < order.size(); ++k) {
        LaneData &l = m_lanes[order[k]];
        laneIndex[order[k]] = std::uint32_t(trace->lanes().size());
        Lane lane;
        lane.name = names[k];
        const bool seriesOnly = l.spans.empty() && l.named.empty() && !l.series.empty();
        lane.kind = seriesOnly ? LaneKind::Counter : LaneKind::Thread;
        if (!l.named.empty()) {
            lane.kind = LaneKind::Slices;
            stats->tooDeep += lane.slices.build(std::move(l.named));
            stats->slices += lane.slices.size();
        }
        for (Span &s : l.spans)
            if (s.state == State::Held)
                s.obj = s.obj < m_holders.size() ? laneByName.value(m_holders[s.obj], 0) : 0;
        // A core's slices are named after the lane it ran ("thread 2"): held by that lane.
        if (l.kind == LaneKind::CoreRuns)
            for (Span &s : l.spans)
                if (s.state == State::Task && s.obj < m_objects.size())
                    if (const auto it = laneByName.constFind(m_objects[s.obj].name);
                        it != laneByName.cend()) {
                        s.state = State::Held;
                        s.obj = *it;
                    }
        transitions(l.spans, &lane);
        while (clipped && lane.times.size() > 1 && lane.times[lane.times.size() - 1] >= m_end) {
            lane.times.resize(lane.times.size() - 1); // what begins at the run's end is not drawn
            lane.states.resize(lane.states.size() - 1);
            lane.objs.resize(lane.objs.size() - 1);
        }
        if (l.kind && lane.kind != LaneKind::Slices) lane.kind = *l.kind; // Raceway's own lanes
        lane.coreWaitSources = l.coreWaitSources;
        for (std::size_t m = 0; m < l.markers.size() && m < l.markerOf.size(); ++m)
            if (const auto it = laneOfTid.constFind(l.markerOf[m]); it != laneOfTid.cend())
                l.markers[m].other = *it;
        const auto byT = [](const auto &x, const auto &y) { return x.t < y.t; };
        std::stable_sort(l.markers.begin(), l.markers.end(), byT);
        std::stable_sort(l.instants.begin(), l.instants.end(), byT);
        std::stable_sort(l.series.begin(), l.series.end(), byT);
        for (const Marker &m : l.markers) {
            lane.markers.push_back(m);
            lane.restoringWrites |= m.value < 0;
        }
        for (const Instant &in : l.instants) {
            lane.instants.push_back(in);
            lane.marksSeen |= 1u << (std::uint32_t(in.kind) % 32);
        }
        // A thread's counters beside its slices get a lane of their own: a slice lane draws no values.
        Lane counters;
        Lane &values = lane.kind == LaneKind::Slices && !l.series.empty() ? counters : lane;
        for (const SeriesPoint &p : l.series)
            values.series.push_back(p);
        std::stable_sort(l.sites.begin(), l.sites.end(), byT);
        for (const SitePoint &p : l.sites)
            lane.sites.push_back(p);
        trace->appendLane(std::move(lane));
        if (!counters.series.empty()) {
            const QString process = m_processNames.value(l.pid);
            counters.name = !l.processCounters  ? names[k] + QStringLiteral(" counters")
                            : process.isEmpty() ? QStringLiteral("pid %1 counters").arg(l.pid)
                                                : process + QStringLiteral(" counters");
            counters.kind = LaneKind::Counter;
            trace->appendLane(std::move(counters));
        }
    }
    // Where Raceway's own run's budget ran out.
    if (m_own && m_other.contains(QLatin1String("end_ns")) && m_other.contains(QLatin1String("start_ns"))) {
        if (const std::int64_t budget = m_other.value(QLatin1String("budget_reached_ns")).toInteger();
            budget > 0 && budget < std::int64_t(timeLimitUs) * 1000)
            trace->setBudgetReached(m_clockStart + budget);
        // Its lost updates split by whether the write came right after a wait for a core.
        const QJsonArray split = m_other.value(QLatin1String("erased_split")).toArray();
        if (split.size() == 3) trace->setErasedSplit(bounded(split[0]), bounded(split[1]), bounded(split[2]));
    }
    std::vector<Trace::PermitHandoff> permits;
    for (const auto &entry : m_flows) {
        const Flow &f = entry.second; // not a structured binding: clang will not capture one in a lambda
        const auto from = laneOfTid.constFind(f.fromTid), to = laneOfTid.constFind(f.toTid);
        const auto sem = std::find_if(trace->lanes().begin(), trace->lanes().end(), [&](const Lane &l) {
            return l.kind == LaneKind::Semaphore && l.name == f.object;
        });
        if (from == laneOfTid.cend() || to == laneOfTid.cend() || sem == trace->lanes().end()) continue;
        permits.push_back({f.released, f.woke, std::uint32_t(sem - trace->lanes().begin()),
                           std::uint32_t(*from), std::uint32_t(*to)});
    }
    std::sort(permits.begin(), permits.end(), [](const auto &a, const auto &b) { return a.woke < b.woke; });
    trace->setPermitHandoffs(std::move(permits));
    // Another tool's flows: an arrow from each step to the next of the same id.
    std::vector<Trace::Flow> flows;
    for (const auto &[key, steps] : m_foreignFlows)
        for (std::size_t k = 0; k + 1 < steps.size(); ++k)
            if (steps[k + 1].t >= steps[k].t)
                flows.push_back({steps[k].t, steps[k + 1].t, laneIndex[steps[k].lane],
                                 laneIndex[steps[k + 1].lane], steps[k].name});
    std::stable_sort(flows.begin(), flows.end(),
                     [](const auto &a, const auto &b) { return a.from < b.from; });
    stats->flows = flows.size();
    trace->setFlows(std::move(flows));
    trace->setStart(m_start);
    trace->setEnd(m_end);
    if (m_own && !summaryjson::restore(m_other, laneOfTid, trace))
        return fail(
            QStringLiteral("otherData: a lane's summary past the event budget does not fit the trace"));
    return true;
}

} // namespace raceway::chrometrace
