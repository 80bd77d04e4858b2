#include "trace.h"

#include <algorithm>
#include <array>
#include <climits>

namespace raceway {

QString stateName(State state)
{
    switch (state) {
    case State::Idle: return QStringLiteral("idle");
    case State::Running: return QStringLiteral("running");
    case State::Waiting: return QStringLiteral("waiting for lock");
    case State::Holding: return QStringLiteral("holding lock");
    case State::Sleeping: return QStringLiteral("sleeping");
    case State::Done: return QStringLiteral("done");
    case State::Cancelled: return QStringLiteral("cancelled");
    case State::Free: return QStringLiteral("free");
    case State::Held: return QStringLiteral("held");
    case State::Task: return QStringLiteral("running a task");
    case State::Crashed: return QStringLiteral("crashed");
    case State::Killed: return QStringLiteral("killed");
    case State::TimedOut: return QStringLiteral("timed out");
    case State::WaitingGil: return QStringLiteral("waiting for the GIL");
    case State::WaitingIo: return QStringLiteral("waiting on I/O");
    }
    return QStringLiteral("idle");
}

std::ptrdiff_t Lane::indexAt(std::int64_t t) const
{
    auto it = std::upper_bound(times.begin(), times.end(), t);
    return (it - times.begin()) - 1;
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

Lane &Trace::ensureLane(std::size_t index)
{
    if (index >= m_lanes.size())
        m_lanes.resize(index + 1);
    return m_lanes[index];
}

QString Trace::objectName(std::uint16_t obj) const
{
    return obj < m_objects.size() ? m_objects[obj].name : QString();
}

std::uint16_t Trace::lastCpu(std::uint16_t lane) const
{
    const auto it = m_lastCpu.find(lane);
    return it == m_lastCpu.end() ? 0 : it->second;
}

bool Trace::isGil(std::uint8_t obj) const
{
    const int l = objectLane(obj);
    return l >= 0 && std::size_t(l) < m_lanes.size() && m_lanes[std::size_t(l)].kind == LaneKind::Gil;
}

int Trace::objectLane(std::uint8_t obj) const
{
    return obj < m_objects.size() ? m_objects[obj].lane : -1;
}

void Trace::push(std::size_t lane, std::int64_t t, State s, std::uint16_t obj)
{
    Lane &l = ensureLane(lane);
    l.times.push_back(t);
    l.states.push_back(s);
    l.objs.push_back(obj);
    l.statesSeen |= 1u << unsigned(s);
    if (s == State::Running)
        l.coresSeen |= 1u << (obj % 32);
    if (l.times.size() > (l.buckets.size() + 1) * Lane::bucketSize)
        summarise(l);
}

void Trace::summarise(Lane &l)
{
    // Bucket b is complete once the transition after its last one exists: that one ends it.
    const std::size_t b = l.buckets.size();
    const std::size_t from = b * Lane::bucketSize, to = from + Lane::bucketSize;
    std::array<std::int64_t, stateCount> share{};
    for (std::size_t k = from; k < to; ++k)
        share[std::size_t(l.states[k])] += l.times[k + 1] - l.times[k];
    const auto best = std::size_t(std::max_element(share.begin(), share.end()) - share.begin());
    std::uint16_t obj = 0;
    for (std::size_t k = from; k < to; ++k)
        if (l.states[k] == State(best)) {
            obj = l.objs[k];
            break;
        }
    l.buckets.push_back({l.times[from], std::uint32_t(std::min<std::int64_t>(share[best], UINT32_MAX)), State(best), obj});
}

void Trace::truncate(Lane &l, std::size_t size)
{
    l.times.resize(size);
    l.states.resize(size);
    l.objs.resize(size);
    // A bucket stays valid only while the transition that ends it is still there.
    const std::size_t complete = size == 0 ? 0 : (size - 1) / Lane::bucketSize;
    if (l.buckets.size() > complete)
        l.buckets.resize(complete);
}

void Trace::appendLane(Lane lane)
{
    lane.buckets.clear();
    lane.statesSeen = 0;
    lane.coresSeen = 0;
    for (std::size_t k = 0; k < lane.states.size(); ++k) {
        lane.statesSeen |= 1u << unsigned(lane.states[k]);
        if (lane.states[k] == State::Running)
            lane.coresSeen |= 1u << (lane.objs[k] % 32);
    }
    while (lane.times.size() > (lane.buckets.size() + 1) * Lane::bucketSize)
        summarise(lane);
    if (!lane.times.empty())
        m_end = std::max(m_end, lane.times.back());
    m_lanes.push_back(std::move(lane));
}

void Trace::compact()
{
    for (Lane &l : m_lanes) {
        l.times.shrink_to_fit();
        l.states.shrink_to_fit();
        l.objs.shrink_to_fit();
        l.markers.shrink_to_fit();
        l.series.shrink_to_fit();
        l.buckets.shrink_to_fit();
    }
}

void Trace::ingest(const Event *events, std::size_t count)
{
    m_events += count;
    for (std::size_t i = 0; i < count; ++i) {
        const Event &e = events[i];
        const std::size_t lane = e.lane;
        m_end = std::max(m_end, e.t);
        std::int64_t wide = e.arg;
        if (auto it = m_argHigh.find(e.lane); it != m_argHigh.end()) {
            wide = static_cast<std::int64_t>((std::uint64_t(it->second) << 32) | e.arg);
            m_argHigh.erase(it);
        }
        switch (e.kind) {
        case EventKind::ThreadStart: push(lane, e.t, State::Running, lastCpu(e.lane)); break;
        case EventKind::ThreadEnd: push(lane, e.t, State::Done, 0); break;
        case EventKind::Cancelled: push(lane, e.t, State::Cancelled, 0); break;
        case EventKind::SleepBegin: push(lane, e.t, State::Sleeping, 0); break;
        case EventKind::SleepEnd: {
            // Back to whatever the lane was doing before it slept (running, or holding a lock).
            const Lane &l = ensureLane(lane);
            const std::size_t n = l.states.size();
            if (n >= 2 && l.states[n - 1] == State::Sleeping)
                push(lane, e.t, l.states[n - 2], l.objs[n - 2]);
            else
                push(lane, e.t, State::Running, 0);
            break;
        }
        case EventKind::LockRequested:
            push(lane, e.t, isGil(e.obj) ? State::WaitingGil : State::Waiting, e.obj);
            if (int l = objectLane(e.obj); l >= 0)
                m_pendingPoints[std::size_t(l)].push_back({e.t, 1, 0});
            break;
        case EventKind::LockAcquired: {
            // Only a contended acquisition records a request first; the waiter count drops only then.
            const Lane &self = ensureLane(lane);
            const bool waited = !self.states.empty() &&
                                (self.states.back() == State::Waiting || self.states.back() == State::WaitingGil);
            // Holding the GIL is what running Python code means.
            if (isGil(e.obj))
                push(lane, e.t, State::Running, lastCpu(e.lane));
            else
                push(lane, e.t, State::Holding, e.obj);
            if (int l = objectLane(e.obj); l >= 0) {
                m_pendingTransitions[std::size_t(l)].push_back({e.t, State::Held, e.lane});
                if (waited)
                    m_pendingPoints[std::size_t(l)].push_back({e.t, -1, 0});
            }
            break;
        }
        case EventKind::LockReleased:
            // Without the GIL a Python-like thread runs no code: it is about to wait, sleep or end.
            push(lane, e.t, isGil(e.obj) ? State::Idle : State::Running, lastCpu(e.lane));
            if (int l = objectLane(e.obj); l >= 0)
                m_pendingTransitions[std::size_t(l)].push_back({e.t, State::Free, e.lane});
            break;
        case EventKind::LostUpdate: {
            const Marker m{e.t, wide, e.obj == 0 ? -1 : int(e.obj) - 1};
            ensureLane(lane).markers.push_back(m);
            m_lanes[lane].restoringWrites |= wide < 0;
            if (auto it = m_counterOf.find(e.lane); it != m_counterOf.end())
                m_pendingPoints[std::size_t(it->second)].push_back({e.t, 0, -wide});
            break;
        }
        case EventKind::Progress: {
            std::int64_t &last = m_progress[e.lane];
            const std::int64_t delta = wide - last;
            last = wide;
            m_progressTotal += delta;
            const int l = objectLane(e.obj);
            if (l < 0)
                break;
            m_counterOf[e.lane] = l;
            if (delta != 0)
                m_pendingPoints[std::size_t(l)].push_back({e.t, delta, delta});
            break;
        }
        case EventKind::ArgHigh: m_argHigh[e.lane] = e.arg; break;
        case EventKind::TaskBegin:
            push(lane, e.t, State::Task, std::uint16_t(e.arg));
            if (int l = objectLane(e.obj); l >= 0)
                m_pendingPoints[std::size_t(l)].push_back({e.t, -1, 0});
            break;
        case EventKind::TaskEnd: push(lane, e.t, State::Idle, 0); break;
        case EventKind::IoBegin: push(lane, e.t, State::WaitingIo, std::uint16_t(e.arg)); break;
        case EventKind::IoEnd: push(lane, e.t, State::Running, lastCpu(e.lane)); break;
        case EventKind::IdleBegin: push(lane, e.t, State::Idle, 0); break;
        case EventKind::TaskQueued: m_pendingPoints[lane].push_back({e.t, 1, 0}); break;
        case EventKind::OnCpu: {
            // A running lane changes colour with its core; other states keep theirs.
            const Lane &l = ensureLane(lane);
            if (!l.states.empty() && l.states.back() == State::Running)
                push(lane, e.t, State::Running, std::uint16_t(e.arg));
            m_lastCpu[e.lane] = std::uint16_t(e.arg);
            break;
        }
        case EventKind::CoreSample: {
            // Series hold deltas: turn the absolute sample into one.
            std::int64_t &last = m_lastSample[e.lane];
            m_pendingPoints[lane].push_back({e.t, std::int64_t(e.arg) - last, 0});
            last = e.arg;
            break;
        }
        case EventKind::ProcessExit: {
            static constexpr State ends[] = {State::Done, State::Crashed, State::Killed, State::TimedOut, State::Crashed};
            push(lane, e.t, e.arg < 5 ? ends[e.arg] : State::Crashed, 0);
            break;
        }
        case EventKind::Hello:
        case EventKind::Bye:
        case EventKind::Text: break;
        }
    }
}

void Trace::commit()
{
    // Lanes fed by several threads receive each thread's events in order, but threads are drained one
    // after another: sort the batch and merge it into the tail that it overlaps.
    for (auto &[laneIndex, pending] : m_pendingTransitions) {
        if (pending.empty())
            continue;
        Lane &lane = ensureLane(laneIndex);
        // At one instant a release comes before the next acquisition.
        std::stable_sort(pending.begin(), pending.end(), [](const auto &x, const auto &y) {
            return x.t < y.t || (x.t == y.t && x.state == State::Free && y.state != State::Free);
        });
        const auto from = std::upper_bound(lane.times.begin(), lane.times.end(), pending.front().t) -
                          lane.times.begin();
        std::vector<PendingTransition> merged;
        merged.reserve(lane.times.size() - std::size_t(from) + pending.size());
        for (std::size_t i = std::size_t(from); i < lane.times.size(); ++i)
            merged.push_back({lane.times[i], lane.states[i], lane.objs[i]});
        const auto mid = merged.size();
        merged.insert(merged.end(), pending.begin(), pending.end());
        std::inplace_merge(merged.begin(), merged.begin() + std::ptrdiff_t(mid), merged.end(),
                           [](const auto &x, const auto &y) { return x.t < y.t; });
        truncate(lane, std::size_t(from));
        for (const auto &p : merged)
            push(laneIndex, p.t, p.state, p.obj);
        pending.clear();
    }
    for (auto &[laneIndex, pending] : m_pendingPoints) {
        if (pending.empty())
            continue;
        Lane &lane = ensureLane(laneIndex);
        std::stable_sort(pending.begin(), pending.end(), [](const auto &x, const auto &y) { return x.t < y.t; });
        auto &s = lane.series;
        auto from = std::size_t(std::upper_bound(s.begin(), s.end(), pending.front().t,
                                                 [](std::int64_t t, const SeriesPoint &p) { return t < p.t; }) -
                                s.begin());
        std::vector<SeriesPoint> tail(s.begin() + std::ptrdiff_t(from), s.end());
        s.resize(from);
        const auto mid = tail.size();
        for (const auto &p : pending)
            tail.push_back({p.t, p.da, p.db, 0, 0});
        std::inplace_merge(tail.begin(), tail.begin() + std::ptrdiff_t(mid), tail.end(),
                           [](const auto &x, const auto &y) { return x.t < y.t; });
        std::int64_t a = s.empty() ? 0 : s.back().a;
        std::int64_t b = s.empty() ? 0 : s.back().b;
        for (auto &p : tail) {
            a += p.da;
            b += p.db;
            p.a = a;
            p.b = b;
            s.push_back(p);
        }
        pending.clear();
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
        if (iv.state == state)
            total += iv.end - iv.start;
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
        bytes += l.times.capacity() * sizeof(std::int64_t) + l.states.capacity() * sizeof(State) +
                 l.objs.capacity() * sizeof(std::uint16_t) + l.markers.capacity() * sizeof(Marker) +
                 l.series.capacity() * sizeof(SeriesPoint) + l.buckets.capacity() * sizeof(Bucket);
    }
    return bytes;
}

} // namespace raceway
