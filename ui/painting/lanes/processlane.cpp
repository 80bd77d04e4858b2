#include "processlane.h"

namespace raceway {

void ProcessLane::legend(const Lane &lane, LegendEntries &entries) const
{
    // Running is drawn in its core's colour, so the plain running swatch is left to other lanes.
    entries.addStates((lane.statesSeen | lane.pastBudget.statesSeen()) & ~(1u << unsigned(State::Running)));
    for (int c = 0; c < 32; ++c)
        if (lane.coresSeen & (1u << c))
            entries.add(LegendEntries::Cores + c % 8, {LegendItem::Swatch, TimelinePalette::core(c % 8),
                                                       QStringLiteral("running on cpu %1").arg(c % 8)});
    legendMarkers(lane, entries);
}

QString ProcessLane::describeState(const Trace &trace, const Lane &lane, const Interval &iv) const
{
    if (iv.state == State::Running) return QStringLiteral("running on cpu %1").arg(iv.obj);
    return ThreadLane::describeState(trace, lane, iv);
}

} // namespace raceway
