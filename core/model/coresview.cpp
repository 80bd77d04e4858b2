#include "coresview.h"

#include <algorithm>
#include <map>

namespace raceway {

Trace groupByCore(const Trace &trace)
{
    std::vector<std::size_t> processes, cores, threadRuns, others;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const LaneKind k = trace.lane(i).kind;
        (k == LaneKind::Process    ? processes
         : k == LaneKind::Core     ? cores
         : k == LaneKind::CoreRuns ? threadRuns
                                   : others)
            .push_back(i);
    }
    if (processes.empty()) return trace; // a thread run's own core lanes (if any) are in place already

    // The new order: a lane per core, then the processes, the core utilisation lanes, and the rest.
    struct Run
    {
        std::int64_t start, end;
        std::size_t lane; // its index in the new trace
    };
    std::map<int, std::vector<Run>> byCore;
    // Who ran on each core: every process lane's running intervals (which carry their core), and the
    // threads that the kernel's switch records put on a core ("cpu N runs" lanes of the run itself).
    int coreCount = 0;
    for (std::size_t i : cores)
        coreCount = std::max(coreCount, trace.lane(i).name.section(QLatin1Char(' '), 1, 1).toInt() + 1);
    for (std::size_t p = 0; p < processes.size(); ++p)
        trace.forEachInterval(processes[p], [&](const Interval &iv) {
            if (iv.state == State::Running && iv.end > iv.start) coreCount = std::max(coreCount, iv.obj + 1);
        });
    for (std::size_t i : threadRuns)
        coreCount = std::max(coreCount, trace.lane(i).name.section(QLatin1Char(' '), 1, 1).toInt() + 1);
    coreCount = std::max(coreCount, int(cores.size()));
    std::vector<std::size_t> newIndex(trace.lanes().size(), 0);
    std::size_t next = std::size_t(coreCount);
    for (const auto *group : {&processes, &cores, &others})
        for (std::size_t i : *group)
            newIndex[i] = next++;
    for (std::size_t p : processes)
        trace.forEachInterval(p, [&](const Interval &iv) {
            if (iv.state == State::Running && iv.end > iv.start)
                byCore[iv.obj].push_back({iv.start, iv.end, newIndex[p]});
        });
    for (std::size_t i : threadRuns) {
        const int c = trace.lane(i).name.section(QLatin1Char(' '), 1, 1).toInt();
        trace.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state == State::Held && iv.end > iv.start && iv.obj < newIndex.size())
                byCore[c].push_back({iv.start, iv.end, newIndex[iv.obj]});
        });
    }

    Trace out;
    out.setStart(trace.start());
    out.setEnd(trace.end());
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
                lane.objs.back() = std::uint16_t(r.lane);
            } else {
                lane.times.push_back(start);
                lane.states.push_back(State::Held);
                lane.objs.push_back(std::uint16_t(r.lane));
            }
            lane.times.push_back(r.end);
            lane.states.push_back(State::Free);
            lane.objs.push_back(0);
            freeFrom = r.end;
        }
        out.appendLane(std::move(lane));
    }
    // The lanes moved: what points at a lane (a lock's holder, who set an event, whose value a lost update
    // overwrote, an object's lane) follows it.
    const auto moved = [&](std::int64_t lane) {
        return lane >= 0 && std::size_t(lane) < newIndex.size() ? std::int64_t(newIndex[std::size_t(lane)])
                                                                : lane;
    };
    for (const auto *group : {&processes, &cores, &others})
        for (std::size_t i : *group) {
            Lane lane = trace.lane(i);
            for (std::size_t k = 0; k < lane.states.size(); ++k)
                if (lane.states[k] == State::Held || lane.states[k] == State::Set)
                    lane.objs[k] = std::uint16_t(moved(lane.objs[k]));
            for (Marker &m : lane.markers)
                m.other = moved(m.other);
            out.appendLane(std::move(lane));
        }
    std::vector<LaneInfo> lanes;
    for (const Lane &l : out.lanes())
        lanes.push_back({l.name, l.kind});
    std::vector<ObjectInfo> objects = trace.objects();
    for (ObjectInfo &o : objects)
        o.lane = int(moved(o.lane));
    out.setRegistry(lanes, objects);
    return out;
}

} // namespace raceway
