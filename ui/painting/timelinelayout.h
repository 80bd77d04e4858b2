#pragma once

#include "legenditem.h"
#include "taskgroups.h"
#include "tracesummary.h"

#include <QRect>

#include <vector>

namespace raceway {

// Where everything goes inside the painted area, and what the lanes need to know about the trace as a
// whole. It changes only when the trace, the size, the arrangement, the lane scale, the chart or the
// palette (the legend's colours) do: computed once per change, then reused by every paint, hover and
// drag step. A trace only grows, so a layout stays valid for it: lanes added since are left out until
// the next one. Lane rectangles span the plot's x range.
struct TimelineLayout
{
    QRect area, header, labels, plot, axis, legend, chart;
    std::vector<QRect> lanes; // one per trace lane, in plot coordinates (x = plot.left()..plot.right());
                              // null for a lane the arrangement hides
    std::vector<std::size_t> order; // the lanes drawn, top to bottom
    // A collapsed lane kind: its lanes drawn as thin rows under one label spanning `rect` (label column).
    struct Group
    {
        QRect rect;
        LaneKind kind;
        int lanes;
    };
    std::vector<Group> groups;
    std::vector<bool> squeezed; // per trace lane: a thin row of a collapsed group (no label, no marks)
    // asyncio tasks drawn as one lane of counts each (the groups the arrangement does not expand), where
    // their first member would be; their members' own rectangles are null.
    std::vector<TaskGroup> taskGroups;
    std::vector<QRect> taskGroupRects; // one per group, in plot coordinates like lanes
    std::vector<int> taskGroupOf;      // per trace lane: the group it is drawn in, or -1
    int hidden = 0;                    // lanes the arrangement leaves out
    TraceSummary summary;
    std::vector<LegendItem> legendItems;
};

} // namespace raceway
