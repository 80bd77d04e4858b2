#include "gillane.h"

namespace raceway {

void GilLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    // Held in holding's colour: the holding entry says what is held (the GIL among them).
    if (lane.statesSeen & (1u << unsigned(State::Held))) entries.addStates(1u << unsigned(State::Holding));
    // Where there are locks too, one entry explains the queue bars of both.
    if (!lane.series.empty())
        entries.add(LegendEntries::Waiters, {LegendItem::Bar, entries.palette().waitersFill,
                                             entries.summary().count(LaneKind::Lock) > 0
                                                 ? QStringLiteral("threads queued for the lock")
                                                 : QStringLiteral("threads queued for the GIL")});
}

} // namespace raceway
