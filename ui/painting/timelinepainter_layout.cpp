// TimelinePainter's layout: how tall each lane is at a scale, which lanes are squeezed or grouped, and
// where the header, lanes, axis, legend and chart go in an area (the drawing is in timelinepainter.cpp).

#include "timelinepainter.h"

#include "lanes/lanedrawers.h"
#include "lanes/taskgrouplane.h"

#include <cmath>

namespace raceway {

int TimelinePainter::laneHeight(LaneKind kind)
{
    return drawerFor(kind).baseHeight();
}

int TimelinePainter::minimumLaneHeight(LaneKind kind)
{
    return drawerFor(kind).minimumHeight();
}

int TimelinePainter::scaledLaneHeight(const Lane &lane) const
{
    return drawerFor(lane.kind).heightOf(lane, m_laneScale);
}

std::vector<bool> TimelinePainter::squeezedLanes(const std::vector<std::size_t> &order) const
{
    std::vector<bool> out(m_trace.lanes().size(), false);
    if (m_arrangement.collapsed.isEmpty()) return out;
    std::vector<int> shownOfKind(16, 0);
    for (const std::size_t i : order)
        ++shownOfKind[std::size_t(m_trace.lane(i).kind) % 16];
    for (const std::size_t i : order) {
        const LaneKind kind = m_trace.lane(i).kind;
        out[i] = m_arrangement.isCollapsed(kind) && shownOfKind[std::size_t(kind) % 16] > 1;
    }
    return out;
}

std::vector<TaskGroup> TimelinePainter::groupedTasks(const std::vector<std::size_t> &order) const
{
    std::vector<TaskGroup> groups = taskGroups(m_trace);
    std::vector<bool> shown(m_trace.lanes().size(), false);
    for (const std::size_t i : order)
        shown[i] = true;
    std::erase_if(groups, [&](TaskGroup &g) {
        if (m_arrangement.expanded.contains(g.key)) return true;
        std::erase_if(g.members, [&](std::size_t i) { return !shown[i]; });
        return g.members.size() < minGroupedTasks;
    });
    return groups;
}

int TimelinePainter::scaledTaskGroupHeight(double scale) const
{
    // Never shorter than its label: its name on two lines, and under it what it draws and its scale.
    return scale == 1.0 ? taskGroupHeight : std::max(54, int(std::lround(taskGroupHeight * scale)));
}

int TimelinePainter::lanesHeight(double scale) const
{
    int h = 0;
    const auto order = shownLanes();
    const auto squeezed = squeezedLanes(order);
    std::vector<bool> grouped(m_trace.lanes().size(), false);
    const std::vector<TaskGroup> groups = groupedTasks(order);
    for (const TaskGroup &g : groups)
        for (const std::size_t i : g.members)
            grouped[i] = true;
    h += int(groups.size()) * (scaledTaskGroupHeight(scale) + laneGap);
    for (const std::size_t i : order)
        if (!grouped[i])
            h += squeezed[i] ? squeezedLaneHeight
                             : drawerFor(m_trace.lane(i).kind).heightOf(m_trace.lane(i), scale) + laneGap;
    return h;
}

int TimelinePainter::fixedHeight(int width) const
{
    return headerHeight + axisHeight + (m_showLegend ? legendHeightFor(width) : 0) + 8 + chartHeight();
}

int TimelinePainter::preferredHeight(int width) const
{
    return fixedHeight(width) + lanesHeight(m_laneScale);
}

TimelineLayout TimelinePainter::layout(const QRect &area) const
{
    TimelineLayout l;
    l.area = area;
    l.summary = TraceSummary::of(m_trace);
    if (m_showLegend) l.legendItems = legendItems(l.summary);
    l.order = shownLanes();
    int y = area.top();
    l.header = QRect(area.left(), y, area.width(), headerHeight);
    y += headerHeight;
    const int legendH = m_showLegend ? legendHeightFor(area.width(), l.legendItems) : 0;
    const int lanesTop = y + 4;
    const int plotLeft = area.left() + labelWidth;
    const int plotWidth = std::max(10, area.width() - labelWidth - 12);
    int ly = lanesTop;
    l.lanes.assign(m_trace.lanes().size(), QRect());
    l.squeezed = squeezedLanes(l.order);
    l.hidden = int(m_trace.lanes().size() - l.order.size());
    l.taskGroups = groupedTasks(l.order);
    l.taskGroupRects.assign(l.taskGroups.size(), QRect());
    l.taskGroupOf.assign(m_trace.lanes().size(), -1);
    for (std::size_t g = 0; g < l.taskGroups.size(); ++g)
        for (const std::size_t i : l.taskGroups[g].members)
            l.taskGroupOf[i] = int(g);
    for (std::size_t k = 0; k < l.order.size(); ++k) {
        const std::size_t i = l.order[k];
        const LaneKind kind = m_trace.lane(i).kind;
        if (const int g = l.taskGroupOf[i]; g >= 0) { // its group's lane, where its first member goes
            QRect &rect = l.taskGroupRects[std::size_t(g)];
            if (rect.isNull()) {
                const int h = scaledTaskGroupHeight(m_laneScale);
                rect = QRect(plotLeft, ly, plotWidth, h);
                ly += h + laneGap;
            }
            continue;
        }
        if (l.squeezed[i]) {
            // Thin rows side by side, one label for the group; a gap only after its last row.
            if (k == 0 || !l.squeezed[l.order[k - 1]] || m_trace.lane(l.order[k - 1]).kind != kind)
                l.groups.push_back({QRect(area.left(), ly, labelWidth, 0), kind, 0});
            l.lanes[i] = QRect(plotLeft, ly, plotWidth, squeezedLaneHeight - 1);
            ly += squeezedLaneHeight;
            l.groups.back().rect.setBottom(ly - 1);
            ++l.groups.back().lanes;
            const bool last = k + 1 == l.order.size() || !l.squeezed[l.order[k + 1]] ||
                              m_trace.lane(l.order[k + 1]).kind != kind;
            if (last) ly += laneGap;
            continue;
        }
        const int h = scaledLaneHeight(m_trace.lane(i));
        l.lanes[i] = QRect(plotLeft, ly, plotWidth, h);
        ly += h + laneGap;
    }
    l.plot = QRect(plotLeft, lanesTop, plotWidth, std::max(0, ly - lanesTop));
    l.labels = QRect(area.left(), lanesTop, labelWidth, l.plot.height());
    l.axis = QRect(area.left(), ly, area.width(), axisHeight);
    if (m_showLegend) l.legend = QRect(area.left(), ly + axisHeight, area.width(), legendH);
    if (m_chart) l.chart = QRect(area.left(), ly + axisHeight + legendH, area.width(), chartHeight());
    return l;
}

coords::Mapping TimelinePainter::mapping(const TimelineLayout &l) const
{
    return coords::Mapping{m_start, m_end, double(l.plot.left()), double(l.plot.width())};
}

} // namespace raceway
