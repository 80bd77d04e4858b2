#pragma once

#include "legenditem.h"
#include "palette.h"
#include "tracesummary.h"

#include <cstdint>
#include <vector>

namespace raceway {

// The legend as lane drawers build it: every lane adds what it draws, and the same entry added by many
// lanes shows once. Entries go left to right by their group, then in the order they were first added.
class LegendEntries
{
public:
    // The groups, left to right. A new lane kind picks a number between those it should sit between.
    enum Order : int {
        States = 0,
        Cores = 100, // + the core's number
        Gil = 200,
        CoreRuns = 300,
        CoreBusy = 400,
        Queue = 500,
        LostUpdates = 600,
        Marks = 650, // + the mark's place in instantspainter's list
        RestoringWrites = 700,
        Handoffs = 750,
        CriticalPath = 760,
        Waiters = 800,
        Counter = 900,
    };

    LegendEntries(const TimelinePalette &palette, const TraceSummary &summary)
        : m_palette(palette), m_summary(summary)
    {
    }
    const TimelinePalette &palette() const { return m_palette; }
    const TraceSummary &summary() const { return m_summary; }

    void addStates(std::uint32_t states);    // a swatch per state bit that the legend explains
    void add(int order, LegendItem item);    // nothing when an entry of this order and text is there
    void addAll(const LegendEntries &other); // another run's entries, each added as above
    std::vector<LegendItem> items() const;

private:
    QString holdingText() const;
    QString readyText() const;

    const TimelinePalette &m_palette;
    const TraceSummary &m_summary;
    std::vector<std::pair<int, LegendItem>> m_entries;
};

} // namespace raceway
