// TimelineView's answers to the user: tooltips (kept true as the picture changes), wheel zoom, drag to
// pan or select, double-click to fit, and the keys.

#include "timelineview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace raceway {

QString TimelineView::toolTipAt(const QPoint &viewportPos) const
{
    const QPoint pos = viewportPos + QPoint(0, verticalScrollBar()->value());
    for (const Section &s : sections(viewport()->width())) {
        if (!s.area.contains(pos)) continue;
        // On a task group's label: what it is, and that a click shows each task.
        if (s.layout.labels.contains(pos))
            if (const auto group = taskGroupAt(viewportPos))
                return tr("<b>%1</b><br>asyncio tasks running the same coroutine, drawn as one lane: how "
                          "many "
                          "of them are in each state, stacked.<br>Click to show each task.")
                    .arg(group->second.label.toHtmlEscaped());
        // On a lane's label: its whole name (the label is elided in the middle when it is long).
        if (s.layout.labels.contains(pos))
            if (const auto lane = laneAt(viewportPos); lane && lane->second < lane->first->lanes().size()) {
                const Lane &l = lane->first->lane(lane->second);
                return QStringLiteral("<b>%1</b><br>%2").arg(l.name.toHtmlEscaped(), laneKindName(l.kind));
            }
        const TimelinePainter painter = painterFor(s);
        const QString text = painter.describe(s.layout, painter.hitTest(s.layout, pos));
        if (!text.isEmpty() && m_previous)
            return QStringLiteral("<i>%1</i><br>%2")
                .arg(s.trace == shown(m_current) ? tr("This run") : tr("Compared run"), text);
        return text;
    }
    return {};
}

void TimelineView::refreshToolTip()
{
    if (!m_toolTipAt) return;
    if (!QToolTip::isVisible()) {
        m_toolTipAt.reset();
        return;
    }
    const QString text = toolTipAt(*m_toolTipAt);
    if (text.isEmpty()) {
        QToolTip::hideText();
        m_toolTipAt.reset();
    } else if (text != QToolTip::text()) {
        QToolTip::showText(viewport()->mapToGlobal(*m_toolTipAt), text, viewport());
    }
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            m_toolTipAt.reset();
        } else {
            QToolTip::showText(help->globalPos(), text, viewport());
            m_toolTipAt = help->pos();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) { // Ctrl+wheel: taller or shorter lanes
        const double steps = event->angleDelta().y() / 120.0;
        if (steps != 0) setLaneScale(laneScale() * std::pow(1.15, steps));
        event->accept();
        return;
    }
    if (event->modifiers() & Qt::ShiftModifier) { // Shift+wheel scrolls the lanes
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    const QRect plot = plotRect();
    const double steps = event->angleDelta().y() / 120.0;
    if (plot.width() <= 0 || steps == 0) return;
    const double fraction = double(event->position().x() - plot.left()) / double(plot.width());
    m_zoom->zoomAround(fraction, std::pow(0.8, steps));
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) return;
    m_dragOrigin = event->position().toPoint();
    if (m_dragOrigin.x() < plotRect().left() && !(event->modifiers() & Qt::ShiftModifier)) {
        // On a task group's label: each of its tasks, lane by lane.
        if (const auto group = taskGroupAt(m_dragOrigin)) {
            LaneArrangement a = m_arrangement;
            a.expanded.append(group->second.key);
            setArrangement(a);
            return;
        }
        // On a label: drag the lane to another place.
        if (const auto lane = laneAt(m_dragOrigin); lane && lane->first == m_current) {
            m_drag = Drag::Lane;
            m_dragLane = lane->first->lane(lane->second).name;
            viewport()->setCursor(Qt::SizeVerCursor);
        }
        return;
    }
    m_dragStartTime = timeAt(m_dragOrigin.x());
    m_dragWindowStart = m_zoom->start();
    if (event->modifiers() & Qt::ShiftModifier) {
        m_drag = Drag::Select;
        m_zoom->setSelection(m_dragStartTime, m_dragStartTime);
    } else {
        m_drag = Drag::Pan;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_drag == Drag::Lane) {
        int y = -1;
        droppedOrder(pos, &y);
        if (y != m_dropLineY) {
            m_dropLineY = y;
            viewport()->update();
        }
    } else if (m_drag == Drag::Select) {
        m_zoom->setSelection(m_dragStartTime, timeAt(pos.x()));
    } else if (m_drag == Drag::Pan) {
        const QRect plot = plotRect();
        if (plot.width() <= 0) return;
        const double nsPerPixel = double(m_zoom->end() - m_zoom->start()) / double(plot.width());
        const auto delta = std::int64_t(std::llround(double(m_dragOrigin.x() - pos.x()) * nsPerPixel));
        m_zoom->setWindow(m_dragWindowStart + delta,
                          m_dragWindowStart + delta + (m_zoom->end() - m_zoom->start()));
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    const bool still = (event->position().toPoint() - m_dragOrigin).manhattanLength() < 3;
    if (m_drag == Drag::Select && still) m_zoom->clearSelection();
    // A click that did not pan: on a lane, said (step mode moves that lane's thread).
    if (m_drag == Drag::Pan && still)
        if (const auto lane = laneAt(m_dragOrigin); lane && lane->first == m_current)
            Q_EMIT laneClicked(lane->second);
    if (m_drag == Drag::Lane) {
        dropLane(event->position().toPoint());
        m_dragLane.clear();
        m_dropLineY = -1;
        viewport()->update();
    }
    m_drag = Drag::None;
    viewport()->unsetCursor();
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *)
{
    m_zoom->fit();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const std::int64_t width = m_zoom->end() - m_zoom->start();
    switch (event->key()) {
    case Qt::Key_Home:
        m_zoom->fit();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_zoom->zoomAround(0.5, 0.5);
        break;
    case Qt::Key_Minus:
        m_zoom->zoomAround(0.5, 2.0);
        break;
    case Qt::Key_Left:
        m_zoom->panBy(-width / 10);
        break;
    case Qt::Key_Right:
        m_zoom->panBy(width / 10);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace raceway
