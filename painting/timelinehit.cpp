// Hit testing and tooltips for TimelinePainter: what lies under the mouse, in words.

#include "timelinepainter.h"

#include <QLocale>

namespace raceway {
namespace {

QString duration(std::int64_t ns)
{
    return QString::fromStdString(coords::formatDuration(ns));
}

} // namespace

TimelineHit TimelinePainter::hitTest(const QRect &area, const QPoint &pos) const
{
    TimelineHit hit;
    const TimelineLayout l = layout(area);
    const coords::Mapping m = mapping(l);
    if (pos.x() < l.plot.left() || pos.x() > l.plot.right() + 1)
        return hit;
    for (std::size_t i = 0; i < l.lanes.size(); ++i)
        if (!l.lanes[i].isNull() && pos.y() >= l.lanes[i].top() - laneGap / 2 &&
            pos.y() <= l.lanes[i].bottom() + laneGap / 2)
            hit.lane = int(i);
    if (hit.lane < 0)
        return hit;
    hit.time = m.toTime(pos.x());
    const Lane &lane = m_trace.lane(std::size_t(hit.lane));
    if (const std::ptrdiff_t i = lane.indexAt(hit.time); i >= 0) {
        const auto k = std::size_t(i);
        const std::int64_t end = k + 1 < lane.times.size() ? lane.times[k + 1] : std::max(m_trace.end(), lane.times[k]);
        if (hit.time <= end)
            hit.interval = Interval{lane.times[k], end, lane.states[k], lane.objs[k]};
    }
    // Markers within four pixels either side.
    const auto slack = std::int64_t(4 * m.nsPerPixel());
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto from = std::lower_bound(lane.markers.begin(), lane.markers.end(), hit.time - slack, byTime);
    const auto to = std::lower_bound(from, lane.markers.end(), hit.time + slack + 1, byTime);
    for (auto it = from; it != to; ++it) {
        ++hit.markers;
        hit.erased += it->value;
        if (!hit.nearest || std::llabs(it->t - hit.time) < std::llabs(hit.nearest->t - hit.time))
            hit.nearest = *it;
    }
    if (!lane.series.empty()) {
        auto it = std::upper_bound(lane.series.begin(), lane.series.end(), hit.time,
                                   [](std::int64_t t, const SeriesPoint &p) { return t < p.t; });
        if (it != lane.series.begin())
            hit.value = *(it - 1);
    }
    return hit;
}

QString TimelinePainter::describe(const TimelineHit &hit) const
{
    if (hit.lane < 0)
        return {};
    const QLocale l;
    const Lane &lane = m_trace.lane(std::size_t(hit.lane));
    const std::int64_t t0 = m_trace.start();
    QStringList lines;
    lines << QStringLiteral("<b>%1</b> at %2").arg(lane.name.toHtmlEscaped(), duration(hit.time - t0));
    if (hit.markers > 0 && hit.nearest) {
        const Marker &mk = *hit.nearest;
        const QString whose = mk.other >= 0 && std::size_t(mk.other) < m_trace.lanes().size()
                                  ? m_trace.lane(std::size_t(mk.other)).name
                                  : QStringLiteral("nobody (the initial value)");
        if (hit.markers == 1)
            lines << (mk.value > 0 ? QStringLiteral("<b>Lost update</b> at %1: this write erased %2 increment%3; "
                                                    "the value it overwrote was written by %4")
                                         .arg(duration(mk.t - t0), l.toString(qlonglong(mk.value)),
                                              mk.value == 1 ? QString() : QStringLiteral("s"), whose)
                                   : QStringLiteral("<b>Restoring write</b> at %1: it put back %2 increment(s) "
                                                    "that an earlier stale write had erased")
                                         .arg(duration(mk.t - t0), l.toString(qlonglong(-mk.value))));
        else
            lines << QStringLiteral("<b>%1 lost-update writes</b> here, erasing %2 increments in all; the nearest "
                                    "overwrote a value written by %3")
                         .arg(hit.markers)
                         .arg(l.toString(qlonglong(hit.erased)), whose);
    }
    if (hit.interval) {
        const Interval &iv = *hit.interval;
        QString state = stateName(iv.state);
        if ((iv.state == State::Waiting || iv.state == State::Holding) && !m_trace.objectName(iv.obj).isEmpty())
            state += QStringLiteral(" “%1”").arg(m_trace.objectName(iv.obj).toHtmlEscaped());
        if (iv.state == State::Held && iv.obj < m_trace.lanes().size())
            state = (lane.kind == LaneKind::CoreRuns ? QStringLiteral("running %1") : QStringLiteral("held by %1"))
                        .arg(m_trace.lane(iv.obj).name);
        if (iv.state == State::Task)
            state = QStringLiteral("running task %1").arg(iv.obj + 1);
        if (iv.state == State::WaitingIo)
            state = QStringLiteral("waiting on I/O (#%1)").arg(iv.obj + 1);
        if (iv.state == State::Running && lane.kind == LaneKind::Process)
            state = QStringLiteral("running on cpu %1").arg(iv.obj);
        if (iv.state != State::Free && iv.state != State::Idle)
            lines << QStringLiteral("%1 from %2 for %3").arg(state, duration(iv.start - t0), duration(iv.end - iv.start));
        else if (iv.state == State::Free)
            lines << QStringLiteral("free from %1 for %2").arg(duration(iv.start - t0), duration(iv.end - iv.start));
    }
    if (hit.value) {
        if (lane.kind == LaneKind::Counter)
            lines << QStringLiteral("expected %1, actual %2, lost so far %3")
                         .arg(l.toString(qlonglong(hit.value->a)), l.toString(qlonglong(hit.value->b)),
                              l.toString(qlonglong(hit.value->a - hit.value->b)));
        else if (lane.kind == LaneKind::Lock)
            lines << QStringLiteral("%1 thread(s) queued").arg(hit.value->a);
        else if (lane.kind == LaneKind::Queue)
            lines << QStringLiteral("%1 task(s) waiting for a free thread").arg(hit.value->a);
        else if (lane.kind == LaneKind::Core)
            lines << QStringLiteral("%1% busy in this sample (/proc/stat counts in 10 ms ticks)")
                         .arg(QLocale().toString(double(hit.value->a) / 10, 'f', 1));
    }
    return lines.size() > 1 ? lines.join(QStringLiteral("<br>")) : QString();
}

} // namespace raceway
