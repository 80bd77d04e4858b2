#include "sitestats.h"

#include <algorithm>
#include <map>

namespace raceway {
namespace {

bool interruptsAWait(State s)
{
    return s == State::Waiting || s == State::WaitingGil || s == State::WaitingIo || s == State::Ready ||
           s == State::Blocked;
}

std::int64_t endOf(const Trace &trace, const Lane &lane, std::size_t k)
{
    return k + 1 < lane.times.size() ? lane.times[k + 1] : trace.end();
}

} // namespace

Span waitFrom(const Trace &trace, std::size_t laneIndex, std::int64_t at)
{
    const Lane &lane = trace.lane(laneIndex);
    std::ptrdiff_t k = lane.indexAt(at);
    if (k < 0 || lane.states[std::size_t(k)] != State::Waiting) return {at, at};
    auto j = std::size_t(k);
    while (j + 1 < lane.times.size() && interruptsAWait(lane.states[j + 1]))
        ++j;
    return {at, std::max(at, endOf(trace, lane, j))};
}

Span holdUntil(const Trace &trace, std::size_t laneIndex, std::int64_t at)
{
    const Lane &lane = trace.lane(laneIndex);
    const std::ptrdiff_t k = lane.indexAt(at - 1);
    if (k < 0 || lane.states[std::size_t(k)] != State::Holding) return {at, at};
    const std::uint16_t lock = lane.objs[std::size_t(k)];
    auto j = std::size_t(k);
    // Back to where it was taken: through what a hold may contain (a sleep, a wait for a core or the GIL)
    // but not into an outer hold of another lock.
    const auto within = [&](std::size_t x) {
        const State s = lane.states[x];
        return ((s == State::Holding || s == State::HoldingReady) && lane.objs[x] == lock) ||
               s == State::Sleeping || s == State::WaitingGil || s == State::WaitingIo || s == State::Ready ||
               s == State::Blocked;
    };
    while (j > 0 && within(j - 1))
        --j;
    return {lane.times[j], at};
}

std::vector<SiteTotals> siteTotals(const Trace &trace, std::int64_t start, std::int64_t end)
{
    std::map<std::uint32_t, SiteTotals> by;
    const auto inside = [&](Span s) {
        return std::max<std::int64_t>(0, std::min(s.to, end) - std::max(s.from, start));
    };
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &lane = trace.lane(i);
        for (const SitePoint &p : lane.sites) {
            if (p.what == SiteOf::Step) continue; // a place, not a wait or a hold
            if (p.what == SiteOf::Wait) {
                const Span s = waitFrom(trace, i, p.t);
                if (s.to <= start || s.from >= end) continue;
                SiteTotals &t = by[p.site];
                t.waits += p.t >= start && p.t < end;
                t.waitNs += inside(s);
            } else {
                const Span s = holdUntil(trace, i, p.t);
                if (s.to <= start || s.from >= end) continue;
                SiteTotals &t = by[p.site];
                t.releases += p.t >= start && p.t < end;
                t.heldNs += inside(s);
            }
        }
    }
    std::vector<SiteTotals> out;
    for (auto &[site, t] : by) {
        t.site = site;
        t.place = trace.siteName(site);
        out.push_back(std::move(t));
    }
    std::stable_sort(out.begin(), out.end(), [](const SiteTotals &a, const SiteTotals &b) {
        return a.waitNs + a.heldNs > b.waitNs + b.heldNs;
    });
    return out;
}

} // namespace raceway
