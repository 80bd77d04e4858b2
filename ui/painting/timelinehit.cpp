// Hit testing and tooltips for TimelinePainter: what lies under the mouse, in words.

#include "timelinepainter.h"

#include "lanes/lanedrawers.h"
#include "lanes/markerspainter.h"
#include "lanes/slicelane.h"
#include "lanes/taskgrouplane.h"

namespace raceway {

TimelineHit TimelinePainter::hitTest(const QRect &area, const QPoint &pos) const
{
    return hitTest(layout(area), pos);
}

TimelineHit TimelinePainter::hitTest(const TimelineLayout &l, const QPoint &pos) const
{
    TimelineHit hit;
    const coords::Mapping m = mapping(l);
    if (pos.x() < l.plot.left() || pos.x() > l.plot.right() + 1) return hit;
    for (std::size_t i = 0; i < l.lanes.size(); ++i)
        if (!l.lanes[i].isNull() && pos.y() >= l.lanes[i].top() - laneGap / 2 &&
            pos.y() <= l.lanes[i].bottom() + laneGap / 2)
            hit.lane = int(i);
    if (hit.lane < 0) {
        for (std::size_t g = 0; g < l.taskGroupRects.size(); ++g)
            if (pos.y() >= l.taskGroupRects[g].top() - laneGap / 2 &&
                pos.y() <= l.taskGroupRects[g].bottom() + laneGap / 2) {
                hit.taskGroup = int(g);
                hit.time = m.toTime(pos.x());
            }
        return hit;
    }
    hit.time = m.toTime(pos.x());
    const Lane &lane = m_trace.lane(std::size_t(hit.lane));
    // Past the budget the lane is its summary: what its last own transition would say there is not it.
    const StateSummary &sum = lane.pastBudget;
    if (sum.started() && hit.time >= sum.start()) {
        for (std::size_t b = 0; b < sum.size(); ++b)
            if (hit.time >= sum.bucketStart(b) && hit.time < sum.bucketStart(b) + sum.width() &&
                hit.time < sum.end())
                hit.summaryBucket = int(b);
        hit.summaryOpen =
            hit.summaryBucket < 0 && sum.hasOpen() && hit.time >= sum.end() && hit.time <= m_trace.end();
    } else if (const std::ptrdiff_t i = lane.indexAt(hit.time); i >= 0) {
        const auto k = std::size_t(i);
        const std::int64_t end =
            k + 1 < lane.times.size() ? lane.times[k + 1] : std::max(m_trace.end(), lane.times[k]);
        if (hit.time <= end) hit.interval = Interval{lane.times[k], end, lane.states[k], lane.objs[k]};
    }
    if (!lane.slices.empty()) {
        hit.sliceRow = SliceLane::rowAt(lane, l.lanes[std::size_t(hit.lane)], pos.y());
        if (hit.sliceRow >= 0) hit.sliceIndex = lane.slices.at(std::size_t(hit.sliceRow), hit.time);
    }
    // The marker glyph or badge under the mouse, clustered exactly as painted (markerspainter); else
    // markers within four pixels either side.
    const auto slack = std::int64_t(4 * m.nsPerPixel());
    const QRect &laneRect = l.lanes[std::size_t(hit.lane)];
    if (!lane.markers.empty() && laneRect.height() >= 8) {
        const int digitWidth = markerDigitWidth(QFont());
        for (const MarkerCluster &c :
             markerClusters(m, lane, laneRect.left(), laneRect.right(), digitWidth)) {
            const double left = c.left, right = left + markerBadgeWidth(c.writes, digitWidth);
            if (c.writes < 2 || pos.x() < left - 1 || pos.x() > right + 1 || pos.y() > laneRect.top() + 12)
                continue;
            for (std::size_t k = c.first; k < c.last; ++k) {
                const Marker &mk = lane.markers[k];
                hit.count(mk);
                if (!hit.nearest || std::llabs(mk.t - hit.time) < std::llabs(hit.nearest->t - hit.time))
                    hit.nearest = mk;
            }
            break;
        }
    }
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto from = std::lower_bound(lane.markers.begin(), lane.markers.end(), hit.time - slack, byTime);
    auto to = std::lower_bound(from, lane.markers.end(), hit.time + slack + 1, byTime);
    if (hit.markers > 0) to = from; // the badge said it all
    for (auto it = from; it != to; ++it) {
        hit.count(*it);
        if (!hit.nearest || std::llabs(it->t - hit.time) < std::llabs(hit.nearest->t - hit.time))
            hit.nearest = *it;
    }
    auto instantByTime = [](const Instant &in, std::int64_t t) { return in.t < t; };
    auto fromI =
        std::lower_bound(lane.instants.begin(), lane.instants.end(), hit.time - slack, instantByTime);
    const auto toI = std::lower_bound(fromI, lane.instants.end(), hit.time + slack + 1, instantByTime);
    for (auto it = fromI; it != toI; ++it)
        if (!hit.instant || std::llabs(it->t - hit.time) < std::llabs(hit.instant->t - hit.time))
            hit.instant = *it;
    if (const SeriesSummary &vs = lane.pastSeries; vs.started() && hit.time >= vs.start()) {
        // Past the budget its readings are ranges per bucket: no one value is known at a moment.
        for (std::size_t b = 0; b < vs.size(); ++b)
            if (hit.time >= vs.bucketStart(b) && hit.time < vs.bucketStart(b) + vs.width() &&
                hit.time < vs.end())
                hit.valueBucket = int(b);
    } else if (!lane.series.empty()) {
        auto it = std::upper_bound(lane.series.begin(), lane.series.end(), hit.time,
                                   [](std::int64_t t, const SeriesPoint &p) { return t < p.t; });
        if (it != lane.series.begin()) hit.value = *(it - 1);
    }
    return hit;
}

QString TimelinePainter::describe(const TimelineLayout &l, const TimelineHit &hit) const
{
    if (hit.taskGroup >= 0 && std::size_t(hit.taskGroup) < l.taskGroups.size())
        return describeTaskGroupAt(m_trace, l.taskGroups[std::size_t(hit.taskGroup)], hit.time);
    if (hit.lane < 0) return {};
    const TimelineContext ctx{m_trace, m_palette, l, mapping(l)};
    return drawerFor(m_trace.lane(std::size_t(hit.lane)).kind).describe(ctx, hit);
}

} // namespace raceway
