#include "trace.h"

#include "pendingmerge.h"

// Past the event budget: each thread's events read into its lane's summary (ingestPastBudget, fold),
// value lanes' changes put in order into theirs (commitPastBudget), and saved summaries put back.

namespace raceway {

using pendingmerge::takeBefore;

namespace {
// Among changes at one instant, a release comes before the next acquisition (Trace::releaseFirst).
const auto releaseTie = [](const auto &x) { return x.state != State::Free; };
const auto noTie = [](const auto &) { return false; };
} // namespace

void Trace::ingestPastBudget(const Event *events, std::size_t count)
{
    // What the trace counts of recorded events stays theirs: the summary only adds the lanes' time.
    const std::uint64_t recorded = m_events;
    const std::int64_t progress = m_progressTotal, afterWait = m_erasedAfterCoreWait,
                       otherwise = m_erasedOtherwise, writesAfterWait = m_writesAfterCoreWait;
    m_pastBudget = true;
    for (std::size_t i = 0; i < count;) {
        std::size_t j = i + 1;
        while (j < count && events[j].lane == events[i].lane)
            ++j;
        const std::size_t lane = events[i].lane;
        Lane &own = ensureLane(lane);
        if (own.kind == LaneKind::Slices) {
            // A program's calls past the budget are not kept: the ones open end where recording did.
            own.slices.cut(events[i].t);
            i = j;
            continue;
        }
        if (lane >= m_summarising.size()) m_summarising.resize(lane + 1);
        Summarising &s = m_summarising[lane];
        if (!s.started) {
            // The lane goes on from its last two transitions (a sleep's end goes back to what came before
            // it), and its summary from here. Where they have not been read yet (the command line reads
            // only these while the workers run), the lane runs: its thread wrote this event.
            s.started = true;
            s.scratch.kind = own.kind;
            const std::size_t n = own.times.size();
            for (std::size_t k = n >= 2 ? n - 2 : 0; k < n; ++k) {
                s.scratch.times.push_back(own.times[k]);
                s.scratch.states.push_back(own.states[k]);
                s.scratch.objs.push_back(own.objs[k]);
            }
            if (n == 0) {
                s.scratch.times.push_back(events[i].t);
                s.scratch.states.push_back(State::Running);
                s.scratch.objs.push_back(0);
            }
            // (Where its first events past the budget are waits for a core read late, older than its last
            // recorded one, the summary begins after that one.)
            std::int64_t first = events[i].t;
            if (events[i].kind == EventKind::ArgHigh && i + 1 < j &&
                events[i + 1].kind == EventKind::SummaryGap)
                first -= std::clamp<std::int64_t>(
                    std::int64_t((std::uint64_t(events[i].arg) << 32) | events[i + 1].arg), 0, first);
            own.pastBudget.begin(0, n != 0 ? std::max(first, own.times[n - 1]) : first);
            if (n != 0) own.pastBudget.setOpen(own.times[n - 1], std::size_t(own.states[n - 1]));
        }
        for (std::size_t k = i; k < j;) {
            // Lock events, most of what a busy run records, are read here; anything else by ingest().
            k = readLocksPast(lane, events, k, j);
            std::size_t g = k;
            while (g < j && (g == k || !readsAsLock(events[g])))
                ++g;
            if (g == k) continue;
            std::swap(m_lanes[lane], s.scratch);
            ingest(events + k, g - k);
            std::swap(m_lanes[lane], s.scratch);
            k = g;
        }
        fold(lane);
        i = j;
    }
    m_pastBudget = false;
    m_events = recorded;
    m_progressTotal = progress;
    m_erasedAfterCoreWait = afterWait;
    m_erasedOtherwise = otherwise;
    m_writesAfterCoreWait = writesAfterWait;
}

[[gnu::flatten]] std::size_t Trace::readLocksPast(std::size_t lane, const Event *events, std::size_t from,
                                                  std::size_t to)
{
    // What ingest() makes of these events in a lane read past the budget, without its lane of scratch
    // columns: the lane's last two transitions in hand, the time up to each new one put in the summary
    // at once. Stops at the first event of another kind (or after an ArgHigh, whose next is ingest()'s).
    Summarising &s = m_summarising[lane];
    Lane &sc = s.scratch;
    if (sc.times.size() != 2) return from;
    Source &src = source(std::uint16_t(lane));
    StateSummary &summary = m_lanes[lane].pastBudget;
    std::int64_t t0 = sc.times[0], t1 = sc.times[1];
    State s0 = sc.states[0], s1 = sc.states[1];
    std::uint16_t o0 = sc.objs[0], o1 = sc.objs[1];
    if (s.folded == 0) summary.add(t0, t1, std::size_t(s0));
    std::uint32_t seen = 0, cores = 0;
    std::int64_t latest = m_latestEvent;
    const auto transition = [&](std::int64_t t, State state, std::uint16_t obj) {
        summary.add(t1, t, std::size_t(s1));
        t0 = t1;
        s0 = s1;
        o0 = o1;
        t1 = t;
        s1 = state;
        o1 = obj;
        seen |= 1u << unsigned(state);
    };
    // The object an event names, looked up when it differs from the last one's (what readsAsLock() asks
    // and where the change goes: most of a run's lock events name one lock).
    int obj = -1, l = -1;
    LaneKind kind = LaneKind::Thread;
    std::size_t k = from;
    for (; k < to && !src.hasArgHigh; ++k) {
        const Event &e = events[k];
        if (e.kind != EventKind::LostUpdate) {
            if (e.kind != EventKind::LockRequested && e.kind != EventKind::LockAcquired &&
                e.kind != EventKind::LockReleased)
                break;
            if (e.obj != obj) {
                obj = e.obj;
                l = objectLane(e.obj);
                kind = objectLaneKind(e.obj);
            }
            if (kind == LaneKind::Gil) break; // (one with a lane: without, its kind is Thread)
        }
        latest = std::max(latest, e.t);
        switch (e.kind) {
        case EventKind::LockRequested:
            transition(e.t, State::Waiting, e.obj);
            if (l < 0) break;
            if (kind == LaneKind::Lock)
                queuePast(std::size_t(l), e.t, true);
            else
                pendingPoints(std::size_t(l)).push_back({e.t, 1, 0});
            break;
        case EventKind::LockAcquired: {
            const bool waited = s1 == State::Waiting || s1 == State::WaitingGil;
            transition(e.t, State::Holding, e.obj);
            if (l < 0) break;
            if (kind == LaneKind::Semaphore)
                pendingPoints(std::size_t(l)).push_back({e.t, waited ? -1 : 0, 1});
            else {
                pendingTransitions(std::size_t(l)).push_back({e.t, State::Held, std::uint16_t(lane)});
                if (!waited) break;
                if (kind == LaneKind::Lock)
                    queuePast(std::size_t(l), e.t, false);
                else
                    pendingPoints(std::size_t(l)).push_back({e.t, -1, 0});
            }
            break;
        }
        case EventKind::LockReleased:
            transition(e.t, State::Running, src.lastCpu);
            cores |= 1u << (src.lastCpu % 32);
            if (l < 0) break;
            if (kind == LaneKind::Semaphore)
                pendingPoints(std::size_t(l)).push_back({e.t, 0, -1});
            else
                pendingTransitions(std::size_t(l)).push_back({e.t, State::Free, std::uint16_t(lane)});
            break;
        default: { // a lost update (see ingest())
            constexpr std::int64_t most = (std::int64_t(1) << 47) - 1;
            const std::int64_t amount = std::clamp<std::int64_t>(e.arg, -most, most);
            Marker m{e.t, 0, 0};
            m.value = amount;
            m.other = e.obj == 0 ? -1 : int(e.obj) - 1;
            sc.markers.push_back(m);
            sc.restoringWrites |= amount < 0;
            if (src.counter >= 0) pendingPoints(std::size_t(src.counter)).push_back({e.t, 0, -amount});
            break;
        }
        }
    }
    if (k == from) return from;
    m_latestEvent = latest;
    if (m_endFollowsEvents) m_end = std::max(m_end, m_latestEvent);
    if (!m_callLanes.empty()) extendOpenCalls();
    sc.statesSeen |= seen;
    sc.coresSeen |= cores;
    sc.times.resize(0);
    sc.times.push_back(t0);
    sc.times.push_back(t1);
    sc.states[0] = s0;
    sc.states[1] = s1;
    sc.objs[0] = o0;
    sc.objs[1] = o1;
    s.folded = 1;
    return k;
}

void Trace::fold(std::size_t laneIndex)
{
    // The lane's time is in its summary already (push() and readLocksPast() put it there as they go, and
    // keep only the last two transitions): what is left is its open state, and what its events marked.
    Summarising &s = m_summarising[laneIndex];
    StateSummary &summary = m_lanes[laneIndex].pastBudget;
    Lane &sc = s.scratch;
    if (const std::size_t n = sc.times.size(); n != 0)
        summary.setOpen(sc.times[n - 1], std::size_t(sc.states[n - 1]));
    for (const Marker &m : sc.markers)
        summary.addLost(m.t, m.value);
    for (const Instant &in : sc.instants)
        summary.addMark(in.t);
    for (const auto &[from, to] : s.gaps)
        summary.addUnknown(from, to);
    s.gaps.clear();
    sc.markers.clear();
    sc.instants.clear();
    sc.series.clear();
    sc.sites.clear();
}

void Trace::extendSummaries(std::int64_t upTo)
{
    for (std::size_t lane = 0; lane < m_summarising.size() && lane < m_lanes.size(); ++lane)
        if (m_summarising[lane].started) m_lanes[lane].pastBudget.extendTo(upTo);
    for (std::size_t lane = 0; lane < m_pastTransitions.size() && lane < m_lanes.size(); ++lane)
        m_lanes[lane].pastBudget.extendTo(upTo); // (a lock's or an event's: nothing when not started)
    for (Lane &l : m_lanes)
        l.pastSeries.extendTo(upTo);
}

bool Trace::setPastBudget(std::size_t lane, StateSummary::Parts parts)
{
    if (lane >= m_lanes.size()) return false;
    return m_lanes[lane].pastBudget.restore(std::move(parts));
}

bool Trace::setPastSeries(std::size_t lane, SeriesSummary::Parts parts)
{
    if (lane >= m_lanes.size()) return false;
    Lane &l = m_lanes[lane];
    if (!l.pastSeries.restore(std::move(parts))) return false;
    l.seriesLow = std::min({l.seriesLow, l.pastSeries.lowA(), l.pastSeries.lowB()});
    l.seriesHigh = std::max({l.seriesHigh, l.pastSeries.highA(), l.pastSeries.highB()});
    return true;
}

void Trace::commitPastTransitions(std::int64_t upTo)
{
    for (std::size_t laneIndex = 0; laneIndex < m_pastTransitions.size(); ++laneIndex) {
        auto &list = m_pastTransitions[laneIndex];
        if (laneIndex < m_lanes.size() && m_lanes[laneIndex].kind == LaneKind::Lock) {
            commitPastHolds(laneIndex, upTo);
            continue;
        }
        if (list.items.empty()) continue;
        const auto order = [](const auto &x, const auto &y) { return releaseFirst(x, y); }; // inlined
        auto &pending = m_takenTransitions;
        takeBefore(list, upTo, order, releaseTie, pending);
        if (pending.empty()) continue;
        Lane &lane = ensureLane(laneIndex);
        StateSummary &sum = lane.pastBudget;
        if (!sum.started()) {
            // From its first change past the budget: until then the lane's last recorded state holds.
            // Changes recorded after it (by threads that reached the budget later) go into the summary.
            const std::int64_t from = pending.front().t;
            const auto k = std::size_t(std::upper_bound(lane.times.begin(), lane.times.end(), from) -
                                       lane.times.begin());
            const auto mid = pending.size();
            for (std::size_t i = k; i < lane.times.size(); ++i)
                pending.push_back({lane.times[i], lane.states[i], lane.objs[i]});
            std::inplace_merge(pending.begin(), pending.begin() + std::ptrdiff_t(mid), pending.end(), order);
            sum.begin(0, from);
        }
        // (The open state in hand, set once at the end.)
        bool open = sum.hasOpen();
        std::int64_t from = sum.openFrom();
        std::size_t state = sum.openState();
        for (const PendingTransition &p : pending) {
            if (open) {
                // One read late and older than the state it would end (the threads passed the budget
                // one after another): its time is in the state already there.
                if (p.t < from) continue;
                sum.add(from, p.t, state);
            }
            open = true;
            from = p.t;
            state = std::size_t(p.state);
        }
        if (open) sum.setOpen(from, state);
    }
}

[[gnu::flatten]] void Trace::commitPastHolds(std::size_t laneIndex, std::int64_t upTo)
{
    auto &items = m_pastTransitions[laneIndex].items;
    Lane &lane = m_lanes[laneIndex];
    StateSummary &sum = lane.pastBudget;
    if (laneIndex >= m_pastHolds.size()) m_pastHolds.resize(laneIndex + 1);
    PastHolds &h = m_pastHolds[laneIndex];
    // A holder's changes pair up into holds (a lock taken again by its holder is held until the last
    // release); a change older than its holder's last one taken was read late, after what followed it.
    const auto take = [&h](std::int64_t t, State state, std::uint16_t holder) {
        if (holder >= h.byHolder.size()) h.byHolder.resize(std::size_t(holder) + 1);
        PastHolds::Open &o = h.byHolder[holder];
        if (t < o.last) return;
        o.last = t;
        h.latest = std::max(h.latest, t);
        if (state == State::Held) {
            if (o.depth++ == 0) o.from = t;
        } else if (state == State::Free && o.depth != 0 && --o.depth == 0 && t > o.from)
            h.ended.push_back({o.from, t});
    };
    if (!sum.started()) {
        if (items.empty()) return;
        // From its first change past the budget: until then the lane's last recorded state holds (a hold
        // open then goes on). Changes recorded after it (by threads that reached the budget later) count.
        std::int64_t from = INT64_MAX;
        for (const PendingTransition &p : items)
            from = std::min(from, p.t);
        sum.begin(0, from);
        h = PastHolds();
        h.to = sum.start();
        const auto k =
            std::size_t(std::upper_bound(lane.times.begin(), lane.times.end(), from) - lane.times.begin());
        if (k != 0 && lane.states[k - 1] == State::Held)
            take(lane.times[k - 1], State::Held, lane.objs[k - 1]);
        for (std::size_t i = k; i < lane.times.size(); ++i)
            take(lane.times[i], lane.states[i], lane.objs[i]);
    }
    for (const PendingTransition &p : items)
        take(p.t, p.state, p.obj);
    items.clear();
    // Up to the watermark (every change before it has been read), or to the last change: after it, what
    // the lock is then goes on (the summary's open state).
    const std::int64_t to = std::min(upTo, h.latest);
    if (to <= h.to) return;
    // In each bucket of [h.to, to), the time its holds cover, the rest free. (Holds never overlap where
    // Raceway times them: a release is timed while held, an acquisition once taken. A damaged stream's
    // that do count each, up to the bucket's length.) On the grid the summary will have once it reaches
    // `to` (it widens its buckets to stay within its cap), so that a stretch of any length takes that many.
    int shift = sum.widthShift();
    const std::int64_t begins = sum.size() != 0 ? sum.bucketStart(0) : h.to;
    while (shift < 62 && ((to - 1) >> shift) - (begins >> shift) >= std::int64_t(StateSummary::cap))
        ++shift;
    const std::int64_t first = h.to >> shift, last = (to - 1) >> shift;
    const auto cellEnd = [shift](std::int64_t index) {
        return index >= (INT64_MAX >> shift) ? INT64_MAX : (index + 1) << shift;
    };
    auto &held = m_heldScratch;
    held.assign(std::size_t(last - first + 1), 0);
    const auto cover = [&](std::int64_t a, std::int64_t b) {
        a = std::max(a, h.to);
        b = std::min(b, to);
        while (a < b) {
            const std::int64_t index = a >> shift;
            const std::int64_t end = std::min(b, cellEnd(index));
            held[std::size_t(index - first)] += end - a;
            a = end;
        }
    };
    bool heldAtEnd = false;
    std::size_t keep = 0;
    for (const auto &[a, b] : h.ended) {
        cover(a, b);
        if (b > to) {
            h.ended[keep++] = {a, b};
            heldAtEnd |= a <= to;
        }
    }
    h.ended.resize(keep);
    for (const PastHolds::Open &o : h.byHolder)
        if (o.depth != 0) {
            cover(o.from, to);
            heldAtEnd |= o.from <= to;
        }
    for (std::int64_t index = first; index <= last; ++index) {
        const std::int64_t a = std::max(h.to, index << shift), b = std::min(to, cellEnd(index));
        const std::int64_t in = std::min(held[std::size_t(index - first)], b - a);
        sum.add(a, a + in, std::size_t(State::Held));
        sum.add(a + in, b, std::size_t(State::Free));
    }
    sum.setOpen(to, std::size_t(heldAtEnd ? State::Held : State::Free));
    h.to = to;
}

namespace {
// A value lane's summary begins at its first change past the budget, or at its last reading if that is
// later (everything recorded before the watermark is in its series by then), holding what it held then.
void beginSeries(Lane &lane, std::int64_t first)
{
    const auto &s = lane.series;
    lane.pastSeries.begin(0, s.empty() ? first : std::max(s.back().t, first), s.empty() ? 0 : s.back().a,
                          s.empty() ? 0 : s.back().b);
}
} // namespace

void Trace::commitPastQueues(std::int64_t upTo)
{
    for (std::size_t laneIndex = 0; laneIndex < m_pastQueues.size(); ++laneIndex) {
        auto &words = m_pastQueues[laneIndex].items;
        if (words.empty()) continue;
        if (laneIndex < m_pastPoints.size() && !m_pastPoints[laneIndex].items.empty()) {
            // Changes read by ingest() (a lane's first events past the budget, a wait given up): as words
            // where they are a thread joining or leaving the queue, else all of them put in order as points.
            auto &items = m_pastPoints[laneIndex].items;
            const bool queue = std::all_of(items.begin(), items.end(), [](const PendingPoint &p) {
                return (p.da == 1 || p.da == -1) && p.db == 0 && p.t >= 0 && p.t < (INT64_MAX >> 1);
            });
            if (queue) {
                for (const PendingPoint &p : items)
                    words.push_back({(p.t << 1) | std::int64_t(p.da > 0)});
                items.clear();
            } else {
                for (const QueueWord &w : words)
                    items.push_back({w.t >> 1, (w.t & 1) * 2 - 1, 0});
                words.clear();
                continue;
            }
        }
        // (Words before upTo's are the changes before upTo.)
        const std::int64_t before = upTo >= (INT64_MAX >> 1) ? INT64_MAX : upTo < 0 ? 0 : upTo << 1;
        auto &taken = m_takenWords;
        takeBefore(
            m_pastQueues[laneIndex], before, [](const auto &x, const auto &y) { return x.t < y.t; }, noTie,
            taken);
        if (taken.empty()) continue;
        Lane &lane = ensureLane(laneIndex);
        SeriesSummary &sum = lane.pastSeries;
        if (!sum.started()) beginSeries(lane, taken.front().t >> 1);
        // A bucket at a time: its first reading as any other, then the lowest, highest and last queue of
        // the rest of its readings (as if each were added, without a store an item).
        std::int64_t a = sum.lastA(), low = lane.seriesLow, high = lane.seriesHigh;
        const std::int64_t b = sum.lastB();
        for (std::size_t i = 0; i < taken.size();) {
            a += (taken[i].t & 1) * 2 - 1;
            sum.add(taken[i].t >> 1, a, b);
            const std::int64_t end = sum.lastBucketEnd();
            std::int64_t least = a, most = a;
            std::size_t j = i + 1;
            for (; j < taken.size() && (taken[j].t >> 1) < end; ++j) {
                a += (taken[j].t & 1) * 2 - 1;
                least = std::min(least, a);
                most = std::max(most, a);
            }
            if (j > i + 1) {
                const std::int64_t t = taken[j - 1].t >> 1;
                sum.add(t, least, b);
                sum.add(t, most, b);
                sum.add(t, a, b);
            }
            low = std::min(low, least);
            high = std::max(high, most);
            i = j;
        }
        lane.seriesLow = std::min(low, b);
        lane.seriesHigh = std::max(high, b);
    }
}

void Trace::commitPastBudget(std::int64_t upTo)
{
    commitPastTransitions(upTo);
    commitPastQueues(upTo);
    for (std::size_t laneIndex = 0; laneIndex < m_pastPoints.size(); ++laneIndex) {
        auto &list = m_pastPoints[laneIndex];
        if (list.items.empty()) continue;
        auto &pending = m_takenPoints;
        takeBefore(
            list, upTo, [](const auto &x, const auto &y) { return x.t < y.t; }, noTie, pending);
        if (pending.empty()) continue;
        Lane &lane = ensureLane(laneIndex);
        SeriesSummary &sum = lane.pastSeries;
        if (!sum.started()) beginSeries(lane, pending.front().t);
        std::int64_t a = sum.lastA(), b = sum.lastB(), low = lane.seriesLow, high = lane.seriesHigh;
        for (const PendingPoint &p : pending) {
            a = std::int64_t(std::uint64_t(a) + std::uint64_t(p.da));
            b = std::int64_t(std::uint64_t(b) + std::uint64_t(p.db));
            sum.add(p.t, a, b);
            low = std::min({low, a, b});
            high = std::max({high, a, b});
        }
        lane.seriesLow = low;
        lane.seriesHigh = high;
    }
}

} // namespace raceway
