#pragma once

#include "trace.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace raceway {

// How the user arranged a scenario's lanes, by lane name so that it applies to every run of it (and to
// lanes that appear later in a live run): lanes pinned to the top in this order, and lanes hidden.
struct LaneArrangement
{
    QStringList pinned;
    QStringList hidden;

    bool isDefault() const { return pinned.isEmpty() && hidden.isEmpty(); }
    // The trace's lanes to draw, top to bottom: pinned ones first, then the rest in their own order.
    std::vector<std::size_t> order(const Trace &trace) const
    {
        std::vector<std::size_t> out;
        const auto &lanes = trace.lanes();
        for (const QString &name : pinned)
            for (std::size_t i = 0; i < lanes.size(); ++i)
                if (lanes[i].name == name && !hidden.contains(name) &&
                    std::find(out.begin(), out.end(), i) == out.end())
                    out.push_back(i);
        for (std::size_t i = 0; i < lanes.size(); ++i)
            if (!pinned.contains(lanes[i].name) && !hidden.contains(lanes[i].name)) out.push_back(i);
        return out;
    }
};

} // namespace raceway
