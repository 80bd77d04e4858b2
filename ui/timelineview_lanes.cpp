// TimelineView's lane handling: arranging lanes (hide, pin, the lane menu), finding the lane under the
// mouse, and revealing and ringing what F3 found.

#include "timelineview.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>

#include <cmath>

namespace raceway {

namespace {
QString kindTitle(LaneKind kind)
{
    QString k = laneKindName(kind);
    if (!k.isEmpty()) k[0] = k[0].toUpper();
    return k;
}
} // namespace

void TimelineView::setArrangement(const LaneArrangement &arrangement)
{
    m_sectionCache.reset();
    m_arrangement = arrangement;
    m_arrangement.hidden.removeDuplicates();
    m_arrangement.pinned.removeDuplicates();
    m_arrangement.collapsed.removeDuplicates();
    m_arrangement.expanded.removeDuplicates();
    updateScrollBar();
    invalidate();
    Q_EMIT arrangementChanged();
}

std::optional<std::pair<const Trace *, std::size_t>> TimelineView::laneAt(const QPoint &viewportPos) const
{
    const QPoint pos = viewportPos + QPoint(0, verticalScrollBar()->value());
    for (const Section &s : sections(viewport()->width())) {
        if (!s.area.contains(pos)) continue;
        const TimelineLayout &l = s.layout;
        for (std::size_t i = 0; i < l.lanes.size(); ++i)
            if (!l.lanes[i].isNull() && pos.y() >= l.lanes[i].top() - 1 && pos.y() <= l.lanes[i].bottom() + 1)
                return std::pair{s.trace, i};
    }
    return std::nullopt;
}

std::optional<std::pair<const Trace *, TaskGroup>> TimelineView::taskGroupAt(const QPoint &viewportPos) const
{
    const QPoint pos = viewportPos + QPoint(0, verticalScrollBar()->value());
    for (const Section &s : sections(viewport()->width())) {
        if (!s.area.contains(pos)) continue;
        const TimelineLayout &l = s.layout;
        for (std::size_t g = 0; g < l.taskGroupRects.size(); ++g)
            if (pos.y() >= l.taskGroupRects[g].top() - 1 && pos.y() <= l.taskGroupRects[g].bottom() + 1)
                return std::pair{s.trace, l.taskGroups[g]};
    }
    return std::nullopt;
}

QRect TimelineView::flashRect() const
{
    if (!m_flash || !m_current) return {};
    for (const Section &s : sections(viewport()->width())) {
        if (s.trace != shown(m_current) || s.trace != m_current) // not on the cores view's lanes
            continue;
        const TimelineLayout &l = s.layout;
        if (m_flash->lane >= l.lanes.size() || l.lanes[m_flash->lane].isNull()) return {};
        const coords::Mapping m = painterFor(s).mapping(l);
        const QRect lane = l.lanes[m_flash->lane];
        const int x0 = int(std::floor(m.toX(m_flash->start))), x1 = int(std::ceil(m.toX(m_flash->end)));
        return QRect(QPoint(std::max(lane.left() - 8, x0 - 8), lane.top() - 3),
                     QPoint(std::min(lane.right() + 8, x1 + 8), lane.bottom() + 3))
            .translated(0, -verticalScrollBar()->value());
    }
    return {};
}

void TimelineView::reveal(std::size_t lane, std::int64_t start, std::int64_t end)
{
    if (!m_current) return;
    m_revealCurrent = false; // what was found is shown, not the run's top
    // Centre it in time at the present zoom; from far out, zoom in to a tenth of the run first, so that
    // what was found stands apart (a long wait is shown whole)...
    std::int64_t width = m_zoom->end() - m_zoom->start();
    if (width > m_zoom->span() / 2) width = std::max<std::int64_t>(1, m_zoom->span() / 10);
    width = std::max<std::int64_t>(width, (end - start) * 3 / 2);
    const std::int64_t mid = (start + end) / 2 - m_current->start();
    m_zoom->setWindow(mid - width / 2, mid - width / 2 + width);
    m_flash = Flash{lane, start, end};
    // ...and scroll its lane into view.
    for (const Section &s : sections(viewport()->width())) {
        if (s.trace != m_current) continue;
        const TimelineLayout &l = s.layout;
        if (lane < l.lanes.size() && !l.lanes[lane].isNull()) {
            const QRect r = l.lanes[lane];
            QScrollBar *bar = verticalScrollBar();
            if (r.top() < bar->value() || r.bottom() > bar->value() + viewport()->height())
                bar->setValue(r.center().y() - viewport()->height() / 2);
        }
    }
    m_flashTimer.start();
    viewport()->update();
}

QStringList TimelineView::droppedOrder(const QPoint &pos, int *lineY) const
{
    if (lineY) *lineY = -1;
    const auto target = laneAt(QPoint(0, pos.y()));
    if (!target || target->first != m_current || m_dragLane.isEmpty()) return {};
    for (const Section &s : sections(viewport()->width())) {
        if (s.trace != m_current) continue;
        const TimelineLayout &l = s.layout;
        const QRect r = l.lanes[target->second];
        const bool after = pos.y() + verticalScrollBar()->value() > r.center().y();
        QStringList names;
        for (const std::size_t i : l.order)
            names << m_current->lane(i).name;
        const QString onto = m_current->lane(target->second).name;
        if (onto == m_dragLane) return {};
        names.removeAll(m_dragLane);
        names.insert(names.indexOf(onto) + (after ? 1 : 0), m_dragLane);
        if (lineY)
            *lineY = (after ? r.bottom() + TimelinePainter::laneGap - 1 : r.top() - 2) -
                     verticalScrollBar()->value();
        return names;
    }
    return {};
}

void TimelineView::dropLane(const QPoint &pos)
{
    const QStringList names = droppedOrder(pos);
    if (names.isEmpty()) return;
    // Pinned lanes are always the top ones: the dragged lane is pinned when it lands among them.
    const qsizetype at = names.indexOf(m_dragLane);
    const auto pinnedAt = [&](qsizetype k) {
        return k >= 0 && k < names.size() && m_arrangement.pinned.contains(names[k]);
    };
    const bool pin = at == 0 ? pinnedAt(1) : pinnedAt(at - 1);
    LaneArrangement a = m_arrangement;
    a.pinned.clear();
    for (const QString &name : names)
        if (name == m_dragLane ? pin : m_arrangement.pinned.contains(name)) a.pinned << name;
    a.sequence = names;
    setArrangement(a);
}

void TimelineView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Fit everything"), QKeySequence(Qt::Key_Home), m_zoom, &TimelineZoom::fit);
    if (m_zoom->selection()) {
        menu.addAction(tr("Zoom to selection"), this, [this] {
            const auto sel = *m_zoom->selection();
            m_zoom->setWindow(sel.first, sel.second);
        });
        menu.addAction(tr("Clear selection"), m_zoom, &TimelineZoom::clearSelection);
    }
    // A task group's lane: each of its tasks instead; a task of an expanded group: the group again.
    if (const auto group = taskGroupAt(event->pos())) {
        const QString key = group->second.key;
        menu.addSeparator();
        menu.addAction(
            tr("Show Each Task of “%1” (%2)").arg(group->second.label).arg(group->second.members.size()),
            this, [this, key] {
                LaneArrangement a = m_arrangement;
                a.expanded.append(key);
                setArrangement(a);
            });
    } else if (const auto lane = laneAt(event->pos());
               lane && m_arrangement.expanded.contains(taskGroupKey(lane->first->lane(lane->second)))) {
        const QString key = taskGroupKey(lane->first->lane(lane->second));
        menu.addSeparator();
        menu.addAction(tr("Draw the Tasks of “%1” as One Lane").arg(key), this, [this, key] {
            LaneArrangement a = m_arrangement;
            a.expanded.removeAll(key);
            setArrangement(a);
        });
    }
    // The lane under the mouse: hide it, pin it to the top; and back to every lane.
    if (const auto lane = laneAt(event->pos())) {
        const QString name = lane->first->lane(lane->second).name;
        menu.addSeparator();
        menu.addAction(tr("Hide “%1”").arg(name), this, [this, name] {
            LaneArrangement a = m_arrangement;
            a.hidden.append(name);
            setArrangement(a);
        });
        const bool pinned = m_arrangement.pinned.contains(name);
        menu.addAction(pinned ? tr("Unpin “%1”").arg(name) : tr("Pin “%1” to the Top").arg(name), this,
                       [this, name, pinned] {
                           LaneArrangement a = m_arrangement;
                           a.pinned.removeAll(name);
                           if (!pinned) a.pinned.append(name);
                           setArrangement(a);
                       });
        const LaneKind kind = lane->first->lane(lane->second).kind;
        QStringList same;
        for (const Lane &l : lane->first->lanes())
            if (l.kind == kind && !m_arrangement.hidden.contains(l.name)) same << l.name;
        if (same.size() > 1)
            menu.addAction(tr("Hide All %1 Lanes (%2)").arg(kindTitle(kind)).arg(same.size()), this,
                           [this, same] {
                               LaneArrangement a = m_arrangement;
                               a.hidden.append(same);
                               setArrangement(a);
                           });
        const QString kindName = laneKindName(kind);
        if (m_arrangement.isCollapsed(kind))
            menu.addAction(tr("Expand %1 Lanes").arg(kindTitle(kind)), this, [this, kindName] {
                LaneArrangement a = m_arrangement;
                a.collapsed.removeAll(kindName);
                setArrangement(a);
            });
        else if (same.size() > 1)
            menu.addAction(tr("Collapse %1 Lanes (%2) into Thin Rows").arg(kindTitle(kind)).arg(same.size()),
                           this, [this, kindName] {
                               LaneArrangement a = m_arrangement;
                               a.collapsed.append(kindName);
                               setArrangement(a);
                           });
    }
    if (!m_arrangement.isDefault())
        menu.addAction(tr("Show Every Lane in Its Place"), this, [this] { setArrangement({}); });
    menu.addSeparator();
    const bool have = m_current != nullptr;
    menu.addAction(tr("Export PNG…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                   [this] { Q_EMIT exportRequested(QStringLiteral("png")); })
        ->setEnabled(have);
    menu.addAction(tr("Export SVG…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this,
                   [this] { Q_EMIT exportRequested(QStringLiteral("svg")); })
        ->setEnabled(have);
    menu.addAction(tr("Export trace JSON…"), this, [this] { Q_EMIT exportRequested(QStringLiteral("json")); })
        ->setEnabled(have);
    menu.exec(event->globalPos());
}

} // namespace raceway
