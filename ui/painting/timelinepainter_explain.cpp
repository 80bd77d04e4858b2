// The parts of the picture that explain it: the legend (what the lanes inked, one entry per colour)
// and the callouts (each lane's key fact written beside the point it is about).

#include "timelinepainter.h"

#include "handoffs.h"
#include "lanes/instantspainter.h"
#include "lanes/lanedrawers.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace raceway {

std::vector<Callout> TimelinePainter::callouts(const TimelineLayout &l) const
{
    const TimelineContext ctx{m_trace, m_palette, l, mapping(l)};
    return callouts(ctx);
}

std::vector<Callout> TimelinePainter::callouts(const TimelineContext &ctx) const
{
    const TimelineLayout &l = ctx.layout;
    std::vector<Callout> out;
    for (const std::size_t i : l.order) {
        // A task in a group's lane: its marked moments are written on the group's lane (a step of one
        // of 200 workers that blocked the loop is still the picture's key fact).
        if (i < l.taskGroupOf.size() && l.taskGroupOf[i] >= 0) {
            if (!m_trace.lane(i).instants.empty())
                instantCallouts(ctx, i, l.taskGroupRects[std::size_t(l.taskGroupOf[i])], out);
            if (out.size() >= 8) break;
            continue;
        }
        if (l.squeezed[i] || l.lanes[i].isNull()) continue;
        drawerFor(m_trace.lane(i).kind).callouts(ctx, i, l.lanes[i], out);
        instantCallouts(ctx, i, l.lanes[i], out);
        if (out.size() >= 8) break; // a handful of facts, not a wall of boxes
    }
    return out;
}

static QFont calloutFont(const QFont &base)
{
    QFont f = base;
    f.setPixelSize(11);
    return f;
}

std::vector<QRect> TimelinePainter::calloutBoxes(const TimelineLayout &l) const
{
    std::vector<QRect> boxes;
    for (const PlacedCallout &placed : placeCallouts(l, callouts(l), QFont()))
        boxes.push_back(placed.box);
    return boxes;
}

std::vector<TimelinePainter::PlacedCallout>
TimelinePainter::placeCallouts(const TimelineLayout &l, const std::vector<Callout> &callouts,
                               const QFont &base) const
{
    const QFontMetrics fm(calloutFont(base));
    const QRect plot = l.plot.adjusted(2, 2, -2, -2);
    // A long fact (a deadlock's cycle) wraps onto lines no wider than about half the plot, so that it
    // fits beside its point whole instead of being cut.
    const int widest = std::max(120, std::min(460, plot.width() / 2));
    std::vector<PlacedCallout> placed;
    const auto place = [&](const Callout &c, const QString &text) {
        QRect textRect = fm.boundingRect(QRect(0, 0, widest, 10'000), Qt::TextWordWrap | Qt::AlignLeft, text);
        int w = textRect.width() + 12, h = textRect.height() + 4;
        // Right of the point (what it is about lies before it: a step that blocked the loop ends there),
        // on narrower lines where the plot ends sooner; left of it only where there is no room at all.
        int x = int(c.at.x()) + 10;
        if (const int room = plot.right() - x; x + w > plot.right() && room >= 150) {
            textRect =
                fm.boundingRect(QRect(0, 0, room - 12, 10'000), Qt::TextWordWrap | Qt::AlignLeft, text);
            w = textRect.width() + 12;
            h = textRect.height() + 4;
        }
        if (x + w > plot.right() && int(c.at.x()) - 10 - w >= plot.left()) x = int(c.at.x()) - 10 - w;
        x = std::clamp(x, plot.left(), std::max(plot.left(), plot.right() - w));
        int y = std::clamp(int(c.at.y()) - h / 2, plot.top(), std::max(plot.top(), plot.bottom() - h));
        QRect box(x, y, w, h);
        for (int tries = 0; tries < 8; ++tries) { // step clear of the boxes placed before
            const auto hit = std::find_if(placed.begin(), placed.end(), [&](const PlacedCallout &b) {
                return !b.box.isNull() && b.box.adjusted(-2, -2, 2, 2).intersects(box);
            });
            if (hit == placed.end()) break;
            box.moveTop(hit->box.bottom() + 4 + h > plot.bottom() ? hit->box.top() - 4 - h
                                                                  : hit->box.bottom() + 4);
        }
        placed.push_back({box, text});
    };
    // The boxes may cover a fifth of the plot: past that (a small window, most of all at a large scale)
    // each says only the fact itself (its brief, or its first line: "lost 917,500 of 917,700"), and those
    // that still do not fit, last first, are left out: the lanes under them are what the picture is of.
    const double room = double(plot.width()) * double(plot.height()) / 5;
    const auto covered = [&] {
        double area = 0;
        for (const PlacedCallout &b : placed)
            area += double(b.box.width()) * double(b.box.height());
        return area;
    };
    for (const Callout &c : callouts)
        place(c, c.text);
    if (covered() <= room) return placed;
    placed.clear();
    for (const Callout &c : callouts)
        place(c, c.brief.isEmpty() ? c.text.section(QLatin1Char('\n'), 0, 0) : c.brief);
    for (std::size_t i = placed.size(); i > 1 && covered() > room; --i)
        placed[i - 1] = {};
    return placed;
}

void TimelinePainter::paintCallouts(QPainter &p, const TimelineContext &ctx) const
{
    const std::vector<Callout> callouts = this->callouts(ctx);
    if (callouts.empty()) return;
    const std::vector<PlacedCallout> placed = placeCallouts(ctx.layout, callouts, p.font());
    p.save();
    p.setFont(calloutFont(p.font()));
    for (std::size_t i = 0; i < callouts.size(); ++i) {
        const Callout &c = callouts[i];
        const QRect &box = placed[i].box;
        if (box.isNull()) continue;
        p.setRenderHint(QPainter::Antialiasing, true);
        const QPointF edge(std::clamp(c.at.x(), double(box.left()), double(box.right())),
                           std::clamp(c.at.y(), double(box.top()), double(box.bottom())));
        p.setPen(QPen(m_palette.text, 1));
        p.drawLine(c.at, edge);
        p.setPen(Qt::NoPen);
        p.setBrush(m_palette.text);
        p.drawEllipse(c.at, 2.5, 2.5);
        QColor fill = m_palette.background;
        fill.setAlpha(235);
        p.setBrush(fill);
        p.setPen(QPen(m_palette.mutedText, 1));
        p.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        p.setPen(m_palette.text);
        p.drawText(box.adjusted(6, 2, -6, -2), Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignVCenter,
                   placed[i].text);
    }
    p.restore();
}

namespace {

// A line from a to b with its head at b, along the line, in the painter's pen and brush.
void drawArrow(QPainter &p, const QPointF &a, const QPointF &b)
{
    p.drawLine(a, b);
    const QPointF d = b - a;
    const double len = std::max(1.0, std::hypot(d.x(), d.y()));
    const QPointF u = d / len, n(-u.y(), u.x());
    const QPointF head[] = {b, b - u * 6 + n * 3, b - u * 6 - n * 3};
    p.drawPolygon(head, 3);
}

} // namespace

void TimelinePainter::paintHandoffs(QPainter &p, const TimelineContext &ctx) const
{
    // Zoomed in far enough to tell them apart (a few pixels each on average): an arrow from where a
    // thread let a lock go to where the thread waiting for it took it.
    const TimelineLayout &l = ctx.layout;
    const coords::Mapping &m = ctx.mapping;
    std::vector<Handoff> handoffs;
    const std::size_t most = std::size_t(std::max(1, l.plot.width() / 6));
    if (!handoffsIn(m_trace, m.start, m.end, most, handoffs) || handoffs.empty()) return;
    const auto middle = [&](std::size_t lane) {
        return lane < l.lanes.size() && !l.lanes[lane].isNull() && !l.squeezed[lane]
                   ? l.lanes[lane].center().y() + 0.5
                   : -1.0;
    };
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(m_palette.handoff, 1.2));
    p.setBrush(m_palette.handoff);
    bool drawn = false;
    for (const Handoff &h : handoffs) {
        const double y0 = middle(h.from), y1 = middle(h.to);
        if (y0 < 0 || y1 < 0) continue;
        drawArrow(p, QPointF(m.toX(h.released), y0), QPointF(m.toX(h.woke), y1));
        drawn = true;
    }
    p.restore();
    if (drawn) ctx.inked(m_palette.handoff);
}

void TimelinePainter::paintFlows(QPainter &p, const TimelineContext &ctx) const
{
    // Another tool's flow arrows, as its viewer draws them: from one step to the next, those that touch
    // the window, while there are few enough to tell apart (a few pixels each on average).
    const std::vector<Trace::Flow> &flows = m_trace.flows();
    if (flows.empty()) return;
    const TimelineLayout &l = ctx.layout;
    const coords::Mapping &m = ctx.mapping;
    const auto last = std::upper_bound(flows.begin(), flows.end(), m.end,
                                       [](std::int64_t t, const Trace::Flow &f) { return t < f.from; });
    std::vector<const Trace::Flow *> shown;
    const std::size_t most = std::size_t(std::max(1, l.plot.width() / 6));
    for (auto it = flows.begin(); it != last; ++it)
        if (it->to >= m.start && (shown.push_back(&*it), shown.size() > most)) return;
    const auto middle = [&](std::size_t lane) {
        return lane < l.lanes.size() && !l.lanes[lane].isNull() && !l.squeezed[lane]
                   ? double(l.lanes[lane].top()) + 8.5 // the top row, where a slice lane's outer calls are
                   : -1.0;
    };
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(m_palette.flow, 1.2));
    p.setBrush(m_palette.flow);
    bool drawn = false;
    for (const Trace::Flow *f : shown) {
        const double y0 = middle(f->fromLane), y1 = middle(f->toLane);
        if (y0 < 0 || y1 < 0) continue;
        drawArrow(p, QPointF(m.toX(f->from), y0), QPointF(m.toX(f->to), y1));
        drawn = true;
    }
    p.restore();
    if (drawn) ctx.inked(m_palette.flow);
}

void TimelinePainter::paintCriticalPath(QPainter &p, const TimelineContext &ctx) const
{
    // A thick line along the bottom of each lane while it is on the path, and a step between lanes
    // where the path crosses from a waiter to the thread whose release woke it.
    if (!m_path || m_path->empty()) return;
    const TimelineLayout &l = ctx.layout;
    const coords::Mapping &m = ctx.mapping;
    const auto first = std::lower_bound(m_path->begin(), m_path->end(), m.start,
                                        [](const PathSegment &s, std::int64_t t) { return s.end < t; });
    const auto last = std::upper_bound(first, m_path->end(), m.end,
                                       [](std::int64_t t, const PathSegment &s) { return t < s.start; });
    // More crossings than pixel columns: steps between lanes would be a solid smear over every lane in
    // between, so only each lane's stretches are drawn (zoom in to see the steps).
    const bool steps = (last - first) * 2 <= l.plot.width();
    const auto yOf = [&](std::size_t lane) {
        return lane < l.lanes.size() && !l.lanes[lane].isNull() && !l.squeezed[lane]
                   ? l.lanes[lane].bottom() - 1.5
                   : -1.0;
    };
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(m_palette.criticalPath, 3, Qt::SolidLine, Qt::FlatCap));
    bool drawn = false;
    double lastX = -1, lastY = -1;
    int lastColumn = INT_MIN;
    for (auto it = first; it != last; ++it) {
        // Zoomed out, many segments share a pixel column: one of them draws it.
        const int column = int(m.toX(it->start));
        if (column == lastColumn && int(m.toX(it->end)) == column) continue;
        lastColumn = column;
        const double y = yOf(it->lane);
        if (y < 0) {
            lastY = -1;
            continue;
        }
        const double x0 = std::max(double(l.plot.left()), m.toX(it->start));
        const double x1 = std::min(double(l.plot.right()), m.toX(it->end));
        if (steps && lastY >= 0 && lastY != y && std::abs(lastX - x0) < 1.5)
            p.drawLine(QPointF(x0, lastY), QPointF(x0, y));
        if (x1 - x0 >= 0.5 || lastY != y) { // runs narrower than a pixel on one lane are one line
            p.drawLine(QPointF(x0, y), QPointF(std::max(x1, x0 + 1), y));
            drawn = true;
        }
        lastX = x1;
        lastY = y;
    }
    p.restore();
    if (drawn) ctx.inked(m_palette.criticalPath);
}

std::vector<LegendItem> TimelinePainter::legendItems() const
{
    return legendItems(TraceSummary::of(m_trace));
}

std::vector<LegendItem> TimelinePainter::legendItems(const TraceSummary &summary) const
{
    LegendEntries entries(m_palette, summary);
    for (const Lane &lane : m_trace.lanes()) {
        drawerFor(lane.kind).legend(lane, entries);
        legendInstants(lane, entries);
    }
    // Hand-offs: in the words of the kinds the run can have (this run's and those stacked above it), kept
    // only where an arrow was drawn. Where that leaves more than one kind, or only an inferred GIL's,
    // the window is looked at (as far as paintHandoffs looks at any width up to 10,000 pixels) for the
    // kinds really there; one kind of lock lane alone costs a frame nothing more.
    bool locks = false, permits = false, sets = false, notifies = false, gilOnly = true;
    const auto kindsOf = [&](const Trace &t) {
        for (const Lane &lane : t.lanes()) {
            locks = locks || lane.kind == LaneKind::Lock || lane.kind == LaneKind::Gil;
            gilOnly = gilOnly && lane.kind != LaneKind::Lock;
            permits = permits || lane.kind == LaneKind::Semaphore;
            sets = sets || lane.kind == LaneKind::Signal;
            notifies = notifies || (lane.marksSeen & (1u << unsigned(MarkKind::Notify)));
        }
    };
    kindsOf(m_trace);
    for (const Trace *t : m_legendAlso)
        kindsOf(*t);
    if (int(locks) + int(permits) + int(sets) + int(notifies) > 1 || (locks && gilOnly)) {
        locks = permits = sets = notifies = false;
        const auto found = [&](const Trace &t) {
            std::vector<Handoff> handoffs;
            handoffsIn(t, m_start, m_end, 1700, handoffs);
            for (const Handoff &h : handoffs) {
                locks = locks || h.kind == HandoffKind::Lock;
                permits = permits || h.kind == HandoffKind::Permit;
                sets = sets || h.kind == HandoffKind::Set;
                notifies = notifies || h.kind == HandoffKind::Notify;
            }
        };
        found(m_trace);
        for (const Trace *t : m_legendAlso)
            found(*t);
    }
    QStringList ends;
    if (locks) ends << QStringLiteral("a release wakes the next waiter");
    if (permits) ends << QStringLiteral("a permit given back wakes a waiter");
    if (sets) ends << QStringLiteral("a set wakes the event's waiters");
    if (notifies) ends << QStringLiteral("a notify() wakes a thread waiting on the condition");
    if (!ends.isEmpty())
        entries.add(LegendEntries::Handoffs,
                    {LegendItem::Line, m_palette.handoff,
                     QStringLiteral("hand-off: ") + ends.join(QStringLiteral("; "))});
    if (!m_trace.flows().empty())
        entries.add(LegendEntries::Handoffs,
                    {LegendItem::Line, m_palette.flow,
                     QStringLiteral("flow (from the trace): one step of the work led to the next")});
    if (m_path)
        entries.add(
            LegendEntries::CriticalPath,
            {LegendItem::Line, m_palette.criticalPath,
             QStringLiteral("critical path: what the last thread's end waited on, back to the start")});
    // Runs stacked above this one share its legend: what they draw is explained here too.
    for (const Trace *other : m_legendAlso) {
        const TraceSummary otherSummary = TraceSummary::of(*other);
        LegendEntries theirs(m_palette, otherSummary);
        for (const Lane &lane : other->lanes()) {
            drawerFor(lane.kind).legend(lane, theirs);
            legendInstants(lane, theirs);
        }
        entries.addAll(theirs);
    }
    return entries.items();
}

int TimelinePainter::legendItemWidth(const QFontMetrics &fm, const LegendItem &item)
{
    return (item.kind == LegendItem::Line ? 21 : 19) + fm.horizontalAdvance(item.text) + 18;
}

static QFont legendFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

int TimelinePainter::legendHeightFor(int width) const
{
    return legendHeightFor(width, legendItems());
}

int TimelinePainter::legendHeightFor(int width, const std::vector<LegendItem> &items) const
{
    // As many rows as paintLegend wraps the entries onto (one placement for both).
    const std::vector<QRect> samples = legendSampleRects(QRect(0, 0, width, legendHeight), items);
    return samples.empty() ? legendHeight : legendHeight + (samples.back().top() - samples.front().top());
}

std::vector<LegendItem> TimelinePainter::inkedItems(const std::vector<LegendItem> &items, const InkLog &log)
{
    std::vector<LegendItem> out;
    for (const LegendItem &item : items)
        if (item.kind == LegendItem::Glyph    ? (log.marks & (1u << unsigned(item.mark))) != 0
            : item.kind == LegendItem::Slices ? log.slices
                                              : log.has(item.colour))
            out.push_back(item);
    return out;
}

std::vector<QRect> TimelinePainter::legendSampleRects(const QRect &r, const std::vector<LegendItem> &items)
{
    // Where each entry's sample goes, left to right, wrapping onto rows of 20 px: paintLegend draws
    // there, and a test finds there what each entry inked.
    const QFontMetrics fm(legendFont());
    std::vector<QRect> out;
    out.reserve(items.size());
    int x = r.left() + 10;
    int cy = r.top() + legendHeight / 2;
    for (const LegendItem &item : items) {
        if (x + legendItemWidth(fm, item) > r.right() - 10 && x > r.left() + 10) {
            x = r.left() + 10;
            cy += 20;
        }
        out.emplace_back(x, cy - 7, item.kind == LegendItem::Line ? 18 : 15, 14);
        x += legendItemWidth(fm, item);
    }
    return out;
}

void TimelinePainter::paintLegend(QPainter &p, const QRect &r, const std::vector<LegendItem> &items) const
{
    p.save();
    p.setFont(legendFont());
    p.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics fm(p.font());
    const std::vector<QRect> samples = legendSampleRects(r, items);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const LegendItem &item = items[i];
        int x = samples[i].left();
        const int cy = samples[i].top() + 7;
        switch (item.kind) {
        case LegendItem::Swatch:
            p.fillRect(QRect(x, cy - 6, 14, 12), item.colour);
            break;
        case LegendItem::Marker:
            p.setPen(QPen(m_palette.lostOutline, 1));
            p.setBrush(item.colour);
            p.drawPolygon(
                QPolygonF({QPointF(x + 1, cy - 6), QPointF(x + 13, cy - 6), QPointF(x + 7, cy + 6)}));
            break;
        case LegendItem::Bar:
            p.fillRect(QRect(x, cy - 2, 14, 8), item.colour);
            break;
        case LegendItem::Restoring:
            p.setPen(Qt::NoPen);
            p.setBrush(item.colour);
            p.drawPolygon(
                QPolygonF({QPointF(x + 3, cy + 5), QPointF(x + 11, cy + 5), QPointF(x + 7, cy - 3)}));
            break;
        case LegendItem::Line:
            p.setPen(QPen(item.colour, 2));
            p.drawLine(x, cy, x + 16, cy);
            x += 2;
            break;
        case LegendItem::Glyph:
            paintInstantGlyph(p, MarkKind(item.mark), 1, x + 7, cy, 12, m_palette);
            break;
        case LegendItem::Slices: // a call and two calls inside it, each in its name's colour
            p.fillRect(QRect(x, cy - 6, 15, 6), item.colour);
            p.fillRect(QRect(x, cy + 1, 6, 5), m_palette.slice(30));
            p.fillRect(QRect(x + 8, cy + 1, 7, 5), m_palette.slice(120));
            break;
        }
        x += 19;
        p.setPen(m_palette.text);
        const int w = fm.horizontalAdvance(item.text);
        p.drawText(QRect(x, cy - 10, w + 2, 20), Qt::AlignVCenter | Qt::AlignLeft, item.text);
    }
    p.restore();
}

} // namespace raceway
