#include "deadlockcycle.h"

namespace raceway {

namespace {

std::pair<State, std::uint16_t> stateBefore(const Trace &trace, std::size_t lane, std::int64_t t)
{
    const Lane &l = trace.lane(lane);
    const std::ptrdiff_t i = l.indexAt(t - 1);
    if (i < 0) return {State::Idle, 0};
    return {l.states[std::size_t(i)], l.objs[std::size_t(i)]};
}

} // namespace

std::vector<CycleLink> deadlockCycleAt(const Trace &trace, std::size_t lane, std::int64_t t)
{
    std::vector<CycleLink> cycle;
    std::size_t at = lane;
    for (std::size_t guard = 0; guard < trace.lanes().size(); ++guard) {
        const auto [state, obj] = stateBefore(trace, at, t);
        if (state != State::Waiting || obj >= trace.objects().size()) return {};
        const int lockLane = trace.objects()[obj].lane;
        if (lockLane < 0 || std::size_t(lockLane) >= trace.lanes().size()) return {};
        const auto [held, holder] = stateBefore(trace, std::size_t(lockLane), t);
        if (held != State::Held || holder >= trace.lanes().size()) return {};
        cycle.push_back({at, obj, std::size_t(lockLane), holder});
        if (holder == lane) return cycle;
        at = holder;
    }
    return {};
}

QString describeCycle(const Trace &trace, const std::vector<CycleLink> &cycle)
{
    QString text;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
        const CycleLink &c = cycle[i];
        text += (i == 0 ? trace.lane(c.waiter).name : QStringLiteral(", which")) +
                QStringLiteral(" waits for %1, held by %2")
                    .arg(trace.objectName(c.obj), trace.lane(c.holder).name);
    }
    return text;
}

} // namespace raceway
