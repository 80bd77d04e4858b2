#include "legendentries.h"

#include <algorithm>

namespace raceway {

void LegendEntries::addStates(std::uint32_t states)
{
    // Idle, Free and Held are not listed: the first two are drawn as nothing, and what Held means
    // depends on the lane (a lock's holder, the GIL's, a core's process), so those lanes explain it.
    static constexpr State listed[] = {State::Running,   State::Task,    State::WaitingGil, State::WaitingIo,
                                       State::Waiting,   State::Holding, State::Sleeping,   State::Done,
                                       State::Cancelled, State::Crashed, State::Killed,     State::TimedOut};
    for (int i = 0; i < int(std::size(listed)); ++i)
        if (states & (1u << unsigned(listed[i])))
            add(States + i, {LegendItem::Swatch, m_palette.state(listed[i]), stateName(listed[i])});
}

void LegendEntries::add(int order, LegendItem item)
{
    for (const auto &[o, existing] : m_entries)
        if (o == order && existing.text == item.text) return;
    m_entries.emplace_back(order, std::move(item));
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
