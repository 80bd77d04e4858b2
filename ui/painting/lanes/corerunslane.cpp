#include "corerunslane.h"

namespace raceway {

void CoreRunsLane::legend(const Lane &lane, LegendEntries &entries) const
{
    ThreadLane::legend(lane, entries);
    // A process on the core is drawn as running, in running's colour: one entry for both.
    entries.addStates(1u << unsigned(State::Running));
}

QString CoreRunsLane::describeState(const Trace &trace, const Lane &lane, const Interval &iv) const
{
    if (iv.state == State::Held && iv.obj < trace.lanes().size())
        return QStringLiteral("running %1").arg(trace.lane(iv.obj).name);
    return ThreadLane::describeState(trace, lane, iv);
}

} // namespace raceway
