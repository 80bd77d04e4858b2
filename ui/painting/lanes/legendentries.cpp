#include "legendentries.h"

#include <QStringList>

#include <algorithm>

namespace raceway {

void LegendEntries::addStates(std::uint32_t states)
{
    // Idle, Free and Held are not listed: the first two are drawn as nothing, and what Held means
    // depends on the lane (a lock's holder, the GIL's, a core's process), so those lanes explain it.
    static constexpr State listed[] = {
        State::Running,   State::Task,         State::Ready,     State::LoopBusy,
        State::Blocked,   State::WaitingGil,   State::WaitingIo, State::Waiting,
        State::Holding,   State::HoldingReady, State::Sleeping,  State::Done,
        State::Cancelled, State::Crashed,      State::Killed,    State::TimedOut};
    for (int i = 0; i < int(std::size(listed)); ++i) {
        if (!(states & (1u << unsigned(listed[i])))) continue;
        QString text = stateName(listed[i]);
        if (listed[i] == State::Task) text = stateName(State::Running); // one colour, one entry
        if (listed[i] == State::Holding) text = holdingText();
        if (listed[i] == State::Ready) text = readyText();
        add(States + i, {LegendItem::Swatch, m_palette.state(listed[i]), text});
    }
}

QString LegendEntries::readyText() const
{
    // How the waits were known: the kernel's switch records are exact, a thread's CPU clock is not,
    // /proc's run-queue time sampled every millisecond is exact in sum, placed to the millisecond.
    QString text = stateName(State::Ready);
    QStringList how;
    if (m_summary.coreWaitSources & 2) how << QStringLiteral("context switches");
    if (m_summary.coreWaitSources & 4) how << QStringLiteral("sampled from /proc");
    if (m_summary.coreWaitSources & 1) how << QStringLiteral("estimated from CPU time");
    if (!how.isEmpty()) return text + QStringLiteral(" (%1)").arg(how.join(QStringLiteral(", or ")));
    return text;
}

QString LegendEntries::holdingText() const
{
    // What the trace's threads can hold, as its lanes show: "holding a lock or the GIL".
    QStringList what;
    if (m_summary.count(LaneKind::Lock) > 0) what << QStringLiteral("a lock");
    if (m_summary.count(LaneKind::Semaphore) > 0) what << QStringLiteral("a permit");
    if (m_summary.count(LaneKind::Gil) > 0) what << QStringLiteral("the GIL");
    if (what.isEmpty()) return stateName(State::Holding);
    const QString last = what.takeLast();
    return QStringLiteral("holding ") +
           (what.isEmpty() ? last : what.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last);
}

static bool isFill(LegendItem::Kind kind)
{
    return kind == LegendItem::Swatch || kind == LegendItem::Bar;
}

void LegendEntries::add(int order, LegendItem item)
{
    for (auto &[o, existing] : m_entries) {
        if (o == order && existing.text == item.text) return;
        // One entry per colour: a second meaning for a fill colour already listed joins its entry
        // ("threads queued for the lock / tasks waiting in the queue") instead of a twin swatch.
        if (isFill(item.kind) && isFill(existing.kind) && existing.colour.rgb() == item.colour.rgb()) {
            if (!existing.text.split(QStringLiteral(" / ")).contains(item.text))
                existing.text += QStringLiteral(" / ") + item.text;
            return;
        }
    }
    m_entries.emplace_back(order, std::move(item));
}

void LegendEntries::addAll(const LegendEntries &other)
{
    for (const auto &[order, item] : other.m_entries)
        add(order, item);
}

std::vector<LegendItem> LegendEntries::items() const
{
    auto sorted = m_entries;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<LegendItem> out;
    out.reserve(sorted.size());
    for (auto &entry : sorted)
        out.push_back(std::move(entry.second));
    return out;
}

} // namespace raceway
