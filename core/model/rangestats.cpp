#include "rangestats.h"

#include <algorithm>

namespace raceway {

std::vector<LaneRangeStats> rangeStats(const Trace &trace, std::int64_t start, std::int64_t end)
{
    std::vector<LaneRangeStats> out;
    if (end <= start) return out;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &lane = trace.lane(i);
        if (lane.kind != LaneKind::Thread && lane.kind != LaneKind::Process) continue;
        LaneRangeStats s;
        s.lane = i;
        // Only the intervals that overlap the range: find the first by binary search.
        const std::size_t n = lane.times.size();
        std::size_t k = std::size_t(std::max<std::ptrdiff_t>(0, lane.indexAt(start)));
        for (; k < n && lane.times[k] < end; ++k) {
            const std::int64_t a = std::max(lane.times[k], start);
            const std::int64_t b =
                std::min(k + 1 < n ? lane.times[k + 1] : std::max(trace.end(), lane.times[k]), end);
            if (b <= a) continue;
            const State st = lane.states[k];
            s.ns[std::size_t(st)] += std::max<std::int64_t>(0, b - a);
            if ((st == State::Waiting || st == State::WaitingGil) && lane.times[k] >= start) {
                ++s.waits;
                s.longestWaitNs = std::max(s.longestWaitNs, b - a);
            }
        }
        const auto &M = lane.markers;
        auto m = std::lower_bound(M.begin(), M.end(), start,
                                  [](const Marker &x, std::int64_t t) { return x.t < t; });
        for (; m != M.end() && m->t < end; ++m)
            if (m->value != 0) {
                ++s.lossyWrites;
                s.lostUpdates += m->value;
            }
        out.push_back(s);
    }
    return out;
}

} // namespace raceway
