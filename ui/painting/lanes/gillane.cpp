#include "gillane.h"

namespace raceway {

void GilLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries); // not a lock's: holding the GIL has its own entry
    entries.add(LegendEntries::Gil, {LegendItem::Swatch, entries.palette().state(State::Held),
                                     QStringLiteral("holding the GIL")});
    // Where there are locks too, one entry explains the queue bars of both.
    if (!lane.series.empty())
        entries.add(LegendEntries::Waiters, {LegendItem::Bar, entries.palette().waitersFill,
                                             entries.summary().count(LaneKind::Lock) > 0
                                                 ? QStringLiteral("threads queued for the lock")
                                                 : QStringLiteral("threads queued for the GIL")});
}

} // namespace raceway
