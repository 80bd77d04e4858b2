#include "tracesummary.h"

namespace raceway {

TraceSummary TraceSummary::of(const Trace &trace)
{
    TraceSummary s;
    s.ordinals.reserve(trace.lanes().size());
    for (const Lane &lane : trace.lanes()) {
        const auto kind = std::size_t(lane.kind);
        if (kind >= s.kindCounts.size()) s.kindCounts.resize(kind + 1);
        s.ordinals.push_back(s.kindCounts[kind]++);
        s.statesSeen |= lane.statesSeen | lane.pastBudget.statesSeen();
        s.coreWaitSources |= lane.coreWaitSources;
        s.tasks += lane.kind == LaneKind::Thread && lane.name.startsWith(QLatin1String("task "));
    }
    return s;
}

} // namespace raceway
