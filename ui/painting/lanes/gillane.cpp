#include "gillane.h"

#include <QRegularExpression>

namespace raceway {

void GilLane::legend(const Lane &lane, LegendEntries &entries) const
{
    LaneDrawer::legend(lane, entries);
    // Held in holding's colour: the holding entry says what is held (the GIL among them).
    if ((lane.statesSeen | lane.pastBudget.statesSeen()) & (1u << unsigned(State::Held)))
        entries.addStates(1u << unsigned(State::Holding));
    // Where there are locks too, one entry explains the queue bars of both.
    if (!lane.series.empty())
        entries.add(LegendEntries::Waiters,
                    {LegendItem::Bar, entries.palette().waitersFill,
                     entries.summary().count(LaneKind::Lock) > 0
                         ? entries.summary().waiters() + QStringLiteral(" queued for the lock")
                         : QStringLiteral("threads queued for the GIL")});
}

void GilLane::callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                       std::vector<Callout> &out) const
{
    const Lane &lane = ctx.trace.lane(index);
    static const QRegularExpression turnedOn(QStringLiteral("GIL \\(inferred, (turned on|from (\\S+))\\)$"));
    if (lane.times.empty() || !lane.name.contains(QStringLiteral("GIL (inferred, "))) return;
    const QRegularExpressionMatch m = turnedOn.match(lane.name);
    if (!m.hasMatch()) return;
    const double x = ctx.mapping.toX(lane.times.front());
    if (x < r.left() || x > r.right()) return;
    const QString module = m.captured(2);
    out.push_back({QPointF(x, r.top() + 2),
                   module.isEmpty()
                       ? QStringLiteral("the GIL came on here")
                       : QStringLiteral("the GIL came on here: importing %1, which needs it").arg(module)});
}

} // namespace raceway
