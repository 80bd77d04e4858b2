#include "coresview.h"

#include <algorithm>
#include <map>

namespace raceway {

Lane coreRunsLane(int core, std::vector<CoreStretch> stretches, std::int64_t from)
{
    Lane lane;
    lane.name = QStringLiteral("cpu %1 runs").arg(core);
    lane.kind = LaneKind::CoreRuns;
    std::sort(stretches.begin(), stretches.end(),
              [](const CoreStretch &a, const CoreStretch &b) { return a.start < b.start; });
    std::int64_t freeFrom = from;
    for (const CoreStretch &r : stretches) {
        const std::int64_t start = std::max(r.start, freeFrom);
        if (start >= r.end) continue;
        if (!lane.times.empty() && lane.times.back() == start) { // the previous stretch ended right here
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
    return lane;
}

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

    // Who ran on each core: every process lane's running intervals (which carry their core), and the
    // threads that the kernel's switch records put on a core ("cpu N runs" lanes of the run itself).
    const auto coreNamed = [&](std::size_t lane) { // "cpu 3" or "cpu 3 runs"
        return trace.lane(lane).name.section(QLatin1Char(' '), 1, 1).toInt();
    };
    std::map<int, std::vector<CoreStretch>> byCore;
    for (std::size_t p : processes)
        trace.forEachInterval(p, [&](const Interval &iv) {
            if (iv.state == State::Running && iv.end > iv.start)
                byCore[iv.obj].push_back({iv.start, iv.end, p});
        });
    for (std::size_t i : threadRuns)
        trace.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state == State::Held && iv.end > iv.start && iv.obj < trace.lanes().size())
                byCore[coreNamed(i)].push_back({iv.start, iv.end, iv.obj});
        });
    int coreCount = int(cores.size());
    for (std::size_t i : cores)
        coreCount = std::max(coreCount, coreNamed(i) + 1);
    if (!byCore.empty()) coreCount = std::max(coreCount, byCore.rbegin()->first + 1);

    // The new order: a lane per core, then the processes, the core utilisation lanes, and the rest.
    std::vector<std::size_t> newIndex(trace.lanes().size(), 0);
    std::size_t next = std::size_t(coreCount);
    for (const auto *group : {&processes, &cores, &others})
        for (std::size_t i : *group)
            newIndex[i] = next++;
    for (auto &[core, stretches] : byCore)
        for (CoreStretch &r : stretches)
            r.lane = newIndex[r.lane];

    Trace out;
    out.setStart(trace.start());
    out.setEnd(trace.end());
    for (int c = 0; c < coreCount; ++c)
        out.appendLane(coreRunsLane(c, std::move(byCore[c]), trace.start()));
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
    out.setSites(trace.sites());
    out.setSliceTables(trace.sliceNames(), trace.sliceArgTexts());
    std::vector<Trace::PermitHandoff> permits = trace.permitHandoffs();
    for (Trace::PermitHandoff &h : permits) {
        h.semaphore = std::uint32_t(moved(h.semaphore));
        h.from = std::uint32_t(moved(h.from));
        h.to = std::uint32_t(moved(h.to));
    }
    out.setPermitHandoffs(std::move(permits));
    std::vector<Trace::Flow> flows = trace.flows(); // another tool's arrows follow their lanes too
    for (Trace::Flow &f : flows) {
        f.fromLane = std::uint32_t(moved(f.fromLane));
        f.toLane = std::uint32_t(moved(f.toLane));
    }
    out.setFlows(std::move(flows));
    return out;
}

} // namespace raceway
