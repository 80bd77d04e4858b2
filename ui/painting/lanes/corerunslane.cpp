#include "corerunslane.h"

namespace raceway {

void CoreRunsLane::legend(const Lane &lane, LegendEntries &entries) const
{
    ThreadLane::legend(lane, entries);
    entries.add(LegendEntries::CoreRuns, {LegendItem::Swatch, entries.palette().state(State::Held),
                                          QStringLiteral("a process on this core")});
}

QString CoreRunsLane::describeState(const Trace &trace, const Lane &lane, const Interval &iv) const
{
    if (iv.state == State::Held && iv.obj < trace.lanes().size())
        return QStringLiteral("running %1").arg(trace.lane(iv.obj).name);
    return ThreadLane::describeState(trace, lane, iv);
}

} // namespace raceway
