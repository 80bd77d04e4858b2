#include "coresview.h"

#include <algorithm>
#include <map>

namespace raceway {

Trace groupByCore(const Trace &trace)
{
    std::vector<std::size_t> processes, cores, others;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const LaneKind k = trace.lane(i).kind;
        (k == LaneKind::Process ? processes : k == LaneKind::Core ? cores : others).push_back(i);
    }
    if (processes.empty()) return trace;

    // Who ran on each core, from every process lane's running intervals.
    struct Run
    {
        std::int64_t start, end;
        std::size_t process; // index among `processes`
    };
    std::map<int, std::vector<Run>> byCore;
    for (std::size_t p = 0; p < processes.size(); ++p)
        trace.forEachInterval(processes[p], [&](const Interval &iv) {
            if (iv.state == State::Running && iv.end > iv.start)
                byCore[iv.obj].push_back({iv.start, iv.end, p});
        });
    int coreCount = int(cores.size());
    if (!byCore.empty()) coreCount = std::max(coreCount, byCore.rbegin()->first + 1);

    Trace out;
    out.setStart(trace.start());
    out.setEnd(trace.end());
    const std::size_t firstProcess = std::size_t(coreCount); // the process lanes follow the core lanes
    for (int c = 0; c < coreCount; ++c) {
        Lane lane;
        lane.name = QStringLiteral("cpu %1 runs").arg(c);
        lane.kind = LaneKind::CoreRuns;
        auto &runs = byCore[c];
        std::sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.start < b.start; });
        std::int64_t freeFrom = trace.start();
        for (const Run &r : runs) {
            // Core changes are seen at sample points, so two runs can overlap by a hair: clip them.
            const std::int64_t start = std::max(r.start, freeFrom);
            if (start >= r.end) continue;
            if (!lane.times.empty() && lane.times.back() == start) { // the previous run ended right here
                lane.states.back() = State::Held;
                lane.objs.back() = std::uint16_t(firstProcess + r.process);
            } else {
                lane.times.push_back(start);
                lane.states.push_back(State::Held);
                lane.objs.push_back(std::uint16_t(firstProcess + r.process));
            }
            lane.times.push_back(r.end);
            lane.states.push_back(State::Free);
            lane.objs.push_back(0);
            freeFrom = r.end;
        }
        out.appendLane(std::move(lane));
    }
    for (std::size_t i : processes)
        out.appendLane(trace.lane(i));
    for (std::size_t i : cores)
        out.appendLane(trace.lane(i));
    for (std::size_t i : others)
        out.appendLane(trace.lane(i));
    return out;
}

} // namespace raceway
