#include "corerunslane.h"

#include <QFontMetrics>
#include <QLocale>

#include <cmath>

namespace raceway {

void CoreRunsLane::paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                              const QRect &text) const
{
    // Under its name: the share of the run the core spent on the run's own threads, and how many times
    // it went from one of them to another.
    // Past the event budget the switches are not known: the share is of the time before it.
    const std::int64_t budget = ctx.trace.budgetReached();
    const std::int64_t until = budget != 0 ? std::min(budget, ctx.trace.end()) : ctx.trace.end();
    std::int64_t held = 0, switches = 0;
    std::uint16_t last = UINT16_MAX;
    const std::size_t n = lane.times.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (lane.states[i] != State::Held || lane.times[i] >= until) continue;
        const std::int64_t end = i + 1 < n ? lane.times[i + 1] : std::max(lane.times[i], ctx.trace.end());
        held += std::min(end, until) - lane.times[i];
        if (lane.objs[i] != last && last != UINT16_MAX) ++switches;
        last = lane.objs[i];
    }
    const std::int64_t span = until - ctx.trace.start();
    const double percent = span > 0 ? 100.0 * double(held) / double(span) : 0;
    const QLocale l;
    paintNameAndScale(ctx, p, lane, text,
                      budget != 0
                          ? QStringLiteral("busy %1 % to budget").arg(l.toString(percent, 'f', 0))
                          : busyText(percent, switches, text.width(), QFontMetrics(scaleFont(p.font()))));
}

QString CoreRunsLane::busyText(double percent, std::int64_t switches, int width, const QFontMetrics &metrics)
{
    // Cut off, "busy 80 %, 356,030 sw…" said neither number whole.
    const QLocale l;
    const QString busy = QStringLiteral("busy %1 %").arg(l.toString(percent, 'f', 0));
    const QString whole = QStringLiteral("%1, %2 swaps").arg(busy, l.toString(qlonglong(switches)));
    if (metrics.horizontalAdvance(whole) <= width) return whole;
    if (switches >= 10'000) {
        const bool millions = switches >= 10'000'000;
        const QString rounded =
            QStringLiteral("%1, %2%3 swaps")
                .arg(busy, l.toString(qlonglong(std::llround(double(switches) / (millions ? 1e6 : 1e3)))),
                     millions ? QStringLiteral("M") : QStringLiteral("k"));
        if (metrics.horizontalAdvance(rounded) <= width) return rounded;
    }
    return busy;
}

void CoreRunsLane::legend(const Lane &lane, LegendEntries &entries) const
{
    ThreadLane::legend(lane, entries);
    // A thread or process on the core is drawn as running, in running's colour: one entry for both.
    entries.addStates(1u << unsigned(State::Running));
}

QString CoreRunsLane::describeState(const Trace &trace, const Lane &lane, const Interval &iv) const
{
    if (iv.state == State::Held && iv.obj < trace.lanes().size())
        return QStringLiteral("running %1").arg(trace.lane(iv.obj).name.toHtmlEscaped());
    if (iv.state == State::Free)
        // The run's worker processes are in the gaps of the threads' core lanes (Group by Core puts them on).
        return QStringLiteral("running none of the threads or processes this lane names (another process, "
                              "Raceway itself, or nothing)");
    return ThreadLane::describeState(trace, lane, iv);
}

} // namespace raceway
