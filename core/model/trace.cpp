#include "trace.h"

#include "coresview.h"
#include "handoffs.h"
#include "results.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <utility>

namespace raceway {

QString stateName(State state, std::uint16_t obj)
{
    if (state == State::Killed && obj > 0 && obj < 65) {
        const char *abbrev = sigabbrev_np(obj);
        return QStringLiteral("killed (%1)")
            .arg(abbrev ? QStringLiteral("SIG") + QString::fromLatin1(abbrev)
                        : QStringLiteral("signal %1").arg(obj));
    }
    return stateName(state);
}

QString stateName(State state)
{
    switch (state) {
    case State::Idle:
        return QStringLiteral("idle");
    case State::Running:
        return QStringLiteral("running");
    case State::Waiting:
        return QStringLiteral("waiting");
    case State::Holding:
        return QStringLiteral("holding");
    case State::Sleeping:
        return QStringLiteral("sleeping");
    case State::Done:
        return QStringLiteral("done");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    case State::Free:
        return QStringLiteral("free");
    case State::Held:
        return QStringLiteral("held");
    case State::Task:
        return QStringLiteral("running a task");
    case State::Crashed:
        return QStringLiteral("crashed");
    case State::Killed:
        return QStringLiteral("killed");
    case State::TimedOut:
        return QStringLiteral("timed out");
    case State::WaitingGil:
        return QStringLiteral("waiting for the GIL");
    case State::WaitingIo:
        return QStringLiteral("waiting on I/O");
    case State::Set:
        return QStringLiteral("set");
    case State::Ready:
        return QStringLiteral("waiting for a core");
    case State::Blocked:
        return QStringLiteral("blocked, not traced");
    case State::HoldingReady:
        return QStringLiteral("holding, waiting for a core");
    case State::LoopBusy:
        return QStringLiteral("ready, loop busy");
    }
    return QStringLiteral("idle");
}

QString markKindName(MarkKind kind)
{
    switch (kind) {
    case MarkKind::Tick:
        return QStringLiteral("tick");
    case MarkKind::Overdraft:
        return QStringLiteral("overdraft");
    case MarkKind::Refused:
        return QStringLiteral("refused withdrawal");
    case MarkKind::Print:
        return QStringLiteral("printed line");
    case MarkKind::OutOfOrder:
        return QStringLiteral("line out of turn");
    case MarkKind::AliveCheck:
        return QStringLiteral("is_alive() asked");
    case MarkKind::CutOff:
        return QStringLiteral("cut off at exit");
    case MarkKind::Deadlock:
        return QStringLiteral("deadlock");
    case MarkKind::Rollback:
        return QStringLiteral("rolled back");
    case MarkKind::Joined:
        return QStringLiteral("joined");
    case MarkKind::Instant:
        return QStringLiteral("instant");
    case MarkKind::Notify:
        return QStringLiteral("notified");
    case MarkKind::SlowStep:
        return QStringLiteral("blocked the event loop");
    }
    return QStringLiteral("mark");
}

std::ptrdiff_t Lane::indexAt(std::int64_t t) const
{
    auto it = std::upper_bound(times.begin(), times.end(), t);
    return (it - times.begin()) - 1;
}

std::int64_t Lane::readyEndingAt(std::int64_t t) const
{
    const std::ptrdiff_t i = indexAt(t);
    if (i < 1 || times[std::size_t(i)] != t || states[std::size_t(i - 1)] != State::Ready) return 0;
    return times[std::size_t(i)] - times[std::size_t(i - 1)];
}

const SitePoint *Lane::siteAt(std::int64_t t, SiteOf what) const
{
    auto it = std::lower_bound(sites.begin(), sites.end(), t,
                               [](const SitePoint &s, std::int64_t at) { return s.t < at; });
    for (; it != sites.end() && (*it).t == t; ++it)
        if ((*it).what == what) return &*it;
    return nullptr;
}

QString Lane::coreWaitBeforeWrite(std::int64_t t) const
{
    const std::int64_t ns = readyEndingAt(t);
    if (ns <= 0) return {};
    if (coreWaitSources == 2)
        return QStringLiteral("was off its core %1 between reading and writing back")
            .arg(formatDurationNs(ns));
    return QStringLiteral("waited %1 for a core just before writing").arg(formatDurationNs(ns));
}

void Trace::setRegistry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects)
{
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        Lane &lane = ensureLane(i);
        lane.name = lanes[i].name;
        lane.kind = lanes[i].kind;
    }
    m_objects = objects;
}

QString Trace::objectName(std::uint16_t obj) const
{
    return obj < m_objects.size() ? m_objects[obj].name : QString();
}

void Trace::push(std::size_t lane, std::int64_t t, State s, std::uint16_t obj)
{
    Lane &l = ensureLane(lane);
    l.statesSeen |= 1u << unsigned(s);
    if (s == State::Running) l.coresSeen |= 1u << (obj % 32);
    if (m_pastBudget) {
        // Read past the budget (l is the lane's scratch, the lane itself is aside with its summary): what
        // the lane did up to t goes into the summary now, and only the last two transitions stay (what
        // ingest() reads back: the state before a sleep, whether a write follows a wait for a core).
        Summarising &past = m_summarising[lane];
        StateSummary &summary = past.scratch.pastBudget;
        const std::size_t n = l.times.size();
        for (std::size_t k = past.folded; k < n; ++k)
            summary.add(l.times[k], k + 1 < n ? l.times[k + 1] : t, std::size_t(l.states[k]));
        if (n < 2) {
            l.times.push_back(t);
            l.states.push_back(s);
            l.objs.push_back(obj);
        } else {
            const std::int64_t last = l.times[1];
            l.times.resize(0); // (times are kept as offsets from their block's first)
            l.times.push_back(last);
            l.times.push_back(t);
            l.states[0] = l.states[1];
            l.objs[0] = l.objs[1];
            l.states[1] = s;
            l.objs[1] = obj;
        }
        past.folded = l.times.size() - 1;
        return;
    }
    l.times.push_back(t);
    l.states.push_back(s);
    l.objs.push_back(obj);
    if (l.times.size() > (l.buckets.size() + 1) * Lane::bucketSize) summarise(l);
}

void Trace::summarise(Lane &l)
{
    // Bucket b is complete once the transition after its last one exists: that one ends it.
    const std::size_t b = l.buckets.size();
    const std::size_t from = b * Lane::bucketSize, to = from + Lane::bucketSize;
    std::array<std::int64_t, stateCount> share{};
    bool active = false; // anything but Idle in it
    for (std::size_t k = from; k < to; ++k) {
        share[std::size_t(l.states[k])] += l.times[k + 1] - l.times[k];
        active |= l.states[k] != State::Idle;
    }
    // As a column: Idle only where nothing else happened (a loop with nothing to do 90 % of the time and
    // waiting the rest is drawn waiting, as its transitions are).
    if (active) share[std::size_t(State::Idle)] = -1;
    const auto best = std::size_t(std::max_element(share.begin(), share.end()) - share.begin());
    std::uint16_t obj = 0;
    for (std::size_t k = from; k < to; ++k)
        if (l.states[k] == State(best)) {
            obj = l.objs[k];
            break;
        }
    l.buckets.push_back(
        {l.times[from], std::uint32_t(std::min<std::int64_t>(share[best], UINT32_MAX)), State(best), obj});
    if (l.buckets.size() % Lane::midSize == 0)
        l.mid.push_back(tallied(l.buckets, l.buckets.size() - Lane::midSize, Lane::midSize));
    if (l.buckets.size() % Lane::bucketSize == 0)
        l.coarse.push_back(tallied(l.buckets, l.buckets.size() - Lane::bucketSize, Lane::bucketSize));
}

Bucket Trace::tallied(const Column<Bucket> &buckets, std::size_t from, std::size_t count)
{
    const std::size_t to = from + count;
    std::array<std::int64_t, stateCount> votes{};
    for (std::size_t k = from; k < to; ++k)
        votes[std::size_t(buckets[k].dominant)] += std::int64_t(buckets[k].dominantNs) + 1;
    // As a column: Idle only where every bucket is idle.
    const std::int64_t idle = std::exchange(votes[std::size_t(State::Idle)], -1);
    auto best = std::size_t(std::max_element(votes.begin(), votes.end()) - votes.begin());
    if (votes[best] <= 0) {
        best = std::size_t(State::Idle);
        votes[best] = idle;
    }
    std::uint16_t obj = 0;
    for (std::size_t k = from; k < to; ++k)
        if (buckets[k].dominant == State(best)) {
            obj = buckets[k].obj;
            break;
        }
    return {buckets[from].start, std::uint32_t(std::clamp<std::int64_t>(votes[best], 0, UINT32_MAX)),
            State(best), obj};
}

void Trace::truncate(Lane &l, std::size_t size)
{
    l.times.resize(size);
    l.states.resize(size);
    l.objs.resize(size);
    // A bucket stays valid only while the transition that ends it is still there.
    const std::size_t complete = size == 0 ? 0 : (size - 1) / Lane::bucketSize;
    if (l.buckets.size() > complete) l.buckets.resize(complete);
    if (l.coarse.size() > l.buckets.size() / Lane::bucketSize)
        l.coarse.resize(l.buckets.size() / Lane::bucketSize);
    if (l.mid.size() > l.buckets.size() / Lane::midSize) l.mid.resize(l.buckets.size() / Lane::midSize);
}

void Trace::appendLane(Lane lane)
{
    lane.buckets.clear();
    lane.coarse.clear();
    lane.mid.clear();
    lane.statesSeen = 0;
    lane.coresSeen = 0;
    lane.seriesLow = lane.seriesHigh = 0;
    for (const SeriesPoint &p : lane.series) {
        lane.seriesLow = std::min({lane.seriesLow, p.a, p.b});
        lane.seriesHigh = std::max({lane.seriesHigh, p.a, p.b});
    }
    for (std::size_t k = 0; k < lane.states.size(); ++k) {
        lane.statesSeen |= 1u << unsigned(lane.states[k]);
        if (lane.states[k] == State::Running) lane.coresSeen |= 1u << (lane.objs[k] % 32);
    }
    while (lane.times.size() > (lane.buckets.size() + 1) * Lane::bucketSize)
        summarise(lane);
    if (!lane.times.empty()) m_end = std::max(m_end, lane.times.back());
    m_lanes.push_back(std::move(lane));
}

void Trace::addCoreRunLanes()
{
    // Each thread's stretch that was still going on ends where its lane ends (a thread never switched
    // out has only that one).
    for (std::size_t lane = 0; lane < m_sources.size() && lane < m_lanes.size(); ++lane) {
        Source &src = m_sources[lane];
        if (src.onCore >= 0) m_coreRuns[src.onCore].push_back({src.onCoreSince, m_end, lane});
        src.onCore = -1;
    }
    if (m_coreRuns.empty()) return;
    // Within its lane's life: a thread that goes on after its lane is done (a scenario's own thread that
    // drew one part and then directs the rest) is not drawn running that lane after it.
    for (auto &[core, stretches] : m_coreRuns) {
        for (CoreStretch &r : stretches) {
            const Lane &l = m_lanes[r.lane];
            if (l.times.empty()) continue;
            r.start = std::max(r.start, l.times.front());
            if (hasEnded(l.states.back())) r.end = std::min(r.end, l.times.back());
            // Past the budget its stretches are not known: the last one known ends where its events do.
            if (l.pastBudget.started()) r.end = std::min(r.end, l.pastBudget.start());
        }
        std::erase_if(stretches, [](const CoreStretch &r) { return r.end <= r.start; });
        appendLane(coreRunsLane(core, std::move(stretches), m_start));
    }
    m_coreRuns.clear();
}

void Trace::compact()
{
    addCoreRunLanes(); // before the sources that hold each thread's last stretch are let go
    if (!m_callLanes.empty()) extendOpenCalls(); // calls still open when the program ended: to the end
    commitPastBudget(INT64_MAX);
    extendSummaries(m_end);
    m_summarising.clear();
    m_pastPoints.clear();
    m_pastPoints.shrink_to_fit();
    m_pastTransitions.clear();
    m_pastTransitions.shrink_to_fit();
    m_pastQueues.clear();
    m_pastQueues.shrink_to_fit();
    m_takenWords = {};
    m_pastHolds.clear();
    m_pastHolds.shrink_to_fit();
    m_heldScratch = {};
    m_summarising.shrink_to_fit();
    m_permitHandoffs = matchPermits(*this);
    m_sources.clear();
    m_sources.shrink_to_fit();
    m_pendingTransitions.clear();
    m_pendingTransitions.shrink_to_fit();
    m_pendingPoints.clear();
    m_pendingPoints.shrink_to_fit();
    for (Lane &l : m_lanes) {
        l.times.shrink_to_fit();
        l.states.shrink_to_fit();
        l.objs.shrink_to_fit();
        l.markers.shrink_to_fit();
        l.instants.shrink_to_fit();
        l.series.shrink_to_fit();
        l.buckets.shrink_to_fit();
        l.coarse.shrink_to_fit();
        l.mid.shrink_to_fit();
    }
}

void Trace::forEachInterval(std::size_t laneIndex, const std::function<void(const Interval &)> &fn) const
{
    const Lane &lane = m_lanes[laneIndex];
    const std::size_t n = lane.times.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t end = i + 1 < n ? lane.times[i + 1] : std::max(m_end, lane.times[i]);
        fn({lane.times[i], end, lane.states[i], lane.objs[i]});
    }
}

std::int64_t Trace::totalIn(std::size_t lane, State state) const
{
    std::int64_t total = 0;
    forEachInterval(lane, [&](const Interval &iv) {
        if (iv.state == state) total += iv.end - iv.start;
    });
    return total;
}

std::int64_t Trace::markerSum(std::size_t lane) const
{
    std::int64_t total = 0;
    for (const Marker &m : m_lanes[lane].markers)
        total += m.value;
    return total;
}

std::size_t Trace::bytesStored() const
{
    std::size_t bytes = 0;
    for (const Lane &l : m_lanes) {
        bytes += l.times.bytes() + l.states.bytes() + l.objs.bytes() + l.markers.bytes() +
                 l.instants.bytes() + l.series.bytes() + l.buckets.bytes() + l.coarse.bytes() +
                 l.mid.bytes() + l.pastBudget.bytes() + l.pastSeries.bytes() + l.slices.bytesStored();
    }
    for (const QString &text : m_sliceArgs)
        bytes += std::size_t(text.size()) * 2;
    return bytes;
}

} // namespace raceway
