#pragma once

#include "trace.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace raceway {

// How the user arranged a scenario's lanes, by lane name so that it applies to every run of it (and to
// lanes that appear later in a live run): lanes pinned to the top in this order, lanes hidden, the
// order lanes were dragged into, and lane kinds collapsed into one thin group.
struct LaneArrangement
{
    QStringList pinned;
    QStringList hidden;
    QStringList sequence;  // names in the order they were dragged into; others keep their place after them
    QStringList collapsed; // lane kinds (laneKindName) drawn as one group of thin rows
    QStringList expanded;  // task groups (TaskGroup::key) drawn lane by lane instead of as one lane

    bool isDefault() const
    {
        return pinned.isEmpty() && hidden.isEmpty() && sequence.isEmpty() && collapsed.isEmpty() &&
               expanded.isEmpty();
    }
    bool isCollapsed(LaneKind kind) const { return collapsed.contains(laneKindName(kind)); }

    // Where a lane goes when the user has not placed it: in the order added, except Raceway's own lane
    // (last) and a core's "cpu N runs" (added when the run ends: just below its core's lane "cpu N").
    static std::size_t unnamedRank(const std::vector<Lane> &lanes, std::size_t i)
    {
        if (lanes[i].kind == LaneKind::Observer) return 2 * (lanes.size() + i);
        if (lanes[i].kind == LaneKind::CoreRuns) {
            const QString core = lanes[i].name.section(QLatin1Char(' '), 0, 1); // "cpu 3"
            for (std::size_t j = 0; j < lanes.size(); ++j)
                if (lanes[j].kind == LaneKind::Core && lanes[j].name == core) return 2 * j + 1;
        }
        return 2 * i;
    }

    // The trace's lanes to draw, top to bottom: pinned ones first, then the rest in the dragged order
    // (lanes it does not name in their own order after those it does); a collapsed kind's lanes stay
    // together where its first lane is.
    std::vector<std::size_t> order(const Trace &trace) const
    {
        std::vector<std::size_t> out;
        const auto &lanes = trace.lanes();
        for (const QString &name : pinned)
            for (std::size_t i = 0; i < lanes.size(); ++i)
                if (lanes[i].name == name && !hidden.contains(name) &&
                    std::find(out.begin(), out.end(), i) == out.end())
                    out.push_back(i);
        const std::size_t pinnedCount = out.size();
        for (std::size_t i = 0; i < lanes.size(); ++i)
            if (!pinned.contains(lanes[i].name) && !hidden.contains(lanes[i].name)) out.push_back(i);
        // Raceway's own lane goes below the run's, whenever it was added.
        std::stable_sort(
            out.begin() + std::ptrdiff_t(pinnedCount), out.end(),
            [&](std::size_t a, std::size_t b) { return unnamedRank(lanes, a) < unnamedRank(lanes, b); });
        if (!sequence.isEmpty()) {
            const auto rank = [&](std::size_t i) {
                const qsizetype at = sequence.indexOf(lanes[i].name);
                return at >= 0 ? std::size_t(at) : std::size_t(sequence.size()) + unnamedRank(lanes, i);
            };
            std::stable_sort(out.begin() + std::ptrdiff_t(pinnedCount), out.end(),
                             [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
        }
        if (!collapsed.isEmpty()) {
            std::vector<std::size_t> grouped;
            for (std::size_t k = 0; k < out.size(); ++k) {
                const LaneKind kind = lanes[out[k]].kind;
                if (std::find(grouped.begin(), grouped.end(), out[k]) != grouped.end()) continue;
                grouped.push_back(out[k]);
                if (isCollapsed(kind))
                    for (std::size_t j = k + 1; j < out.size(); ++j)
                        if (lanes[out[j]].kind == kind) grouped.push_back(out[j]);
            }
            out = std::move(grouped);
        }
        return out;
    }
};

} // namespace raceway
