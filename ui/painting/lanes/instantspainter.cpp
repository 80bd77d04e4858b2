#include "instantspainter.h"

#include "deadlockcycle.h"
#include "results.h"

#include <QLocale>
#include <QPainterPath>

#include <cmath>

namespace raceway {
namespace {

// Marks are told apart by shape; their colours are kept off every swatch's in the legend, so that a
// colour in the lanes has one meaning. Alarm red: something went wrong here.
const QColor alarm(0xCC, 0x00, 0x33); // overdraft, cut off, deadlock, out of turn

QPointF centreOf(const QRect &r)
{
    return QPointF(r.left() + r.width() / 2.0, r.top() + r.height() / 2.0);
}

void paintCycle(const TimelineContext &ctx, QPainter &p, std::size_t lane, std::int64_t t, double x)
{
    const auto cycle = deadlockCycleAt(ctx.trace, lane, t);
    if (cycle.empty()) return;
    // waiter -> the lock it wants -> that lock's holder -> ... drawn as one closed path at the moment
    // the deadlock was found, offset a little per hop so the arrows do not sit on each other.
    QPolygonF path;
    const auto rectOf = [&](std::size_t i) -> const QRect & { return ctx.layout.lanes[i]; };
    for (std::size_t k = 0; k < cycle.size(); ++k) {
        const QRect &w = rectOf(cycle[k].waiter);
        const QRect &l = rectOf(cycle[k].lockLane);
        if (w.isNull() || l.isNull()) return; // a hidden lane: the cycle cannot be drawn whole
        const double dx = x + 6 + 4 * double(k);
        path << QPointF(dx, centreOf(w).y()) << QPointF(dx, centreOf(l).y());
    }
    path << path.front();
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(alarm, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPolyline(path);
    // Dots where the cycle meets a lock's lane (wanted) and a holder's lane (held).
    p.setBrush(alarm);
    for (const QPointF &pt : path)
        p.drawEllipse(pt, 2.5, 2.5);
    p.restore();
}

} // namespace

void paintInstantGlyph(QPainter &p, MarkKind kind, std::int64_t value, double x, double y, double size,
                       const TimelinePalette &palette)
{
    const double h = std::max(6.0, size);
    const double s = h / 2;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    switch (kind) {
    case MarkKind::Tick: {
        // Where it came; paintInstants adds where it should have come (the drift).
        p.setPen(QPen(palette.text, 1.5));
        p.drawLine(QPointF(x, y - s), QPointF(x, y + s));
        p.setPen(Qt::NoPen);
        p.setBrush(palette.text);
        p.drawEllipse(QPointF(x, y - s + 2), 2.5, 2.5);
        break;
    }
    case MarkKind::Overdraft:
        p.setPen(QPen(palette.background, 1));
        p.setBrush(alarm);
        p.drawPolygon(QPolygonF(
            {QPointF(x, y - s), QPointF(x + s * 0.7, y), QPointF(x, y + s), QPointF(x - s * 0.7, y)}));
        break;
    case MarkKind::Refused:
        p.setPen(QPen(palette.mutedText, 1.5));
        p.drawLine(QPointF(x - 3, y - 3), QPointF(x + 3, y + 3));
        p.drawLine(QPointF(x - 3, y + 3), QPointF(x + 3, y - 3));
        break;
    case MarkKind::Print:
        p.setPen(Qt::NoPen);
        p.setBrush(palette.text);
        p.drawEllipse(QPointF(x, y), 3, 3);
        break;
    case MarkKind::OutOfOrder:
        p.setPen(QPen(alarm, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QPointF(x, y), 6, 6);
        break;
    case MarkKind::AliveCheck:
        p.setPen(QPen(palette.text, 1.2));
        p.setBrush(value != 0 ? QBrush(palette.text) : QBrush(Qt::NoBrush));
        p.drawEllipse(QPointF(x, y), 3.2, 3.2);
        break;
    case MarkKind::Joined:
        p.setPen(Qt::NoPen);
        p.setBrush(palette.text);
        p.drawRect(QRectF(x - 1.5, y - s, 3, h));
        break;
    case MarkKind::CutOff:
        p.setPen(QPen(alarm, 2));
        p.drawLine(QPointF(x, y - s), QPointF(x, y + s));
        p.drawLine(QPointF(x - 4, y - 4), QPointF(x + 4, y + 4));
        p.drawLine(QPointF(x - 4, y + 4), QPointF(x + 4, y - 4));
        break;
    case MarkKind::Deadlock:
        p.setPen(QPen(alarm, 2.5));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QPointF(x, y), s + 1, s + 1);
        break;
    case MarkKind::Rollback:
        p.setPen(Qt::NoPen);
        p.setBrush(palette.text); // a way out, not an alarm
        p.drawPolygon(QPolygonF({QPointF(x - 5, y), QPointF(x + 3, y - 5), QPointF(x + 3, y + 5)}));
        break;
    case MarkKind::Notify: { // a dot sending two waves up, at the lane's top: a signal sent (not an
        // arrowhead), clear of a task's label in the middle
        const double top = y - s + 7;
        p.setPen(Qt::NoPen);
        p.setBrush(palette.text);
        p.drawEllipse(QPointF(x, top), 2, 2);
        p.setPen(QPen(palette.text, 1.2));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(x - 4, top - 4, 8, 8), 40 * 16, 100 * 16);
        p.drawArc(QRectF(x - 7, top - 7, 14, 14), 40 * 16, 100 * 16);
        break;
    }
    case MarkKind::SlowStep: // a stop sign: the loop could run nothing else meanwhile
        p.setPen(QPen(palette.background, 1));
        p.setBrush(alarm);
        p.drawEllipse(QPointF(x, y), s, s);
        p.fillRect(QRectF(x - s * 0.55, y - 1.2, s * 1.1, 2.4), palette.background);
        break;
    case MarkKind::Instant: // a thin line with a small open diamond on top
        p.setPen(QPen(palette.text, 1.2));
        p.drawLine(QPointF(x, y - s + 3), QPointF(x, y + s));
        p.setBrush(palette.background);
        p.drawPolygon(QPolygonF({QPointF(x, y - s), QPointF(x + 3, y - s + 3), QPointF(x, y - s + 6),
                                 QPointF(x - 3, y - s + 3)}));
        break;
    }
    p.restore();
}

void paintInstants(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r)
{
    const Lane &lane = ctx.trace.lane(index);
    const auto &I = lane.instants;
    if (I.empty()) return;
    const coords::Mapping &m = ctx.mapping;
    auto byTime = [](const Instant &in, std::int64_t t) { return in.t < t; };
    const auto slack = std::int64_t(8 * m.nsPerPixel());
    auto it = std::lower_bound(I.begin(), I.end(), m.start - slack, byTime);
    const auto end = std::lower_bound(it, I.end(), m.end + slack, byTime);
    // Lost-update badges own the lane's top: marks on the same lane keep to its lower part, smaller.
    const bool underMarkers = !ctx.trace.lane(index).markers.empty();
    const double size = underMarkers ? std::min(8, r.height() / 2) : std::min(14, r.height() - 4);
    const double y = underMarkers ? r.bottom() - size / 2 - 1 : r.top() + r.height() / 2.0;
    // Dense runs (a refusal every microsecond) draw one glyph per kind per glyph width, not a chain
    // of overlapping ones; ticks, thin lines, keep one per pixel column.
    int lastX[markKindCount + 1];
    std::fill(std::begin(lastX), std::end(lastX), INT32_MIN / 2);
    for (; it != end; ++it) {
        const Instant in = *it;
        const int kind = std::clamp(int(in.kind), 0, markKindCount);
        const double x = m.toX(in.t);
        const int column = int(std::floor(x));
        const int spacing = in.markKind() == MarkKind::Tick ? 1 : int(size);
        if (column - lastX[kind] < spacing) continue;
        lastX[kind] = column;
        if (in.markKind() == MarkKind::Tick && in.value > 0) {
            // Where the tick should have come: a faint line and a bar over the drift.
            const double ideal = m.toX(in.t - in.value);
            p.save();
            p.setPen(QPen(ctx.palette.mutedText, 1, Qt::DotLine));
            p.drawLine(QPointF(ideal, r.top()), QPointF(ideal, r.bottom()));
            p.fillRect(QRectF(ideal, y - 1, x - ideal, 2), ctx.palette.mutedText);
            p.restore();
        }
        paintInstantGlyph(p, in.markKind(), in.value, x, y, size, ctx.palette);
        if (ctx.ink) ctx.ink->mark(int(in.markKind()));
        if (in.markKind() == MarkKind::Deadlock) paintCycle(ctx, p, index, in.t, x);
    }
}

namespace {

// The lane's first mark of this kind in the window, or null.
const Instant *firstInWindow(const Lane &lane, const coords::Mapping &m, MarkKind kind)
{
    if (!(lane.marksSeen & (1u << unsigned(kind)))) return nullptr;
    auto byTime = [](const Instant &in, std::int64_t t) { return in.t < t; };
    for (auto it = std::lower_bound(lane.instants.begin(), lane.instants.end(), m.start, byTime);
         it != lane.instants.end() && it->t <= m.end; ++it)
        if (it->markKind() == kind) return &*it;
    return nullptr;
}

} // namespace

void instantCallouts(const TimelineContext &ctx, std::size_t index, const QRect &r, std::vector<Callout> &out)
{
    const Lane &lane = ctx.trace.lane(index);
    const coords::Mapping &m = ctx.mapping;
    const double middle = r.top() + r.height() / 2.0;
    const auto said = [&](const QString &words) {
        return std::any_of(out.begin(), out.end(), [&](const Callout &c) { return c.text.contains(words); });
    };
    // The first overdraft in the window, once for all lanes: what went wrong, in words.
    const QString overdraft = QStringLiteral("overdraft: ");
    if (const Instant *in = firstInWindow(lane, m, MarkKind::Overdraft); in && !said(overdraft))
        out.push_back({QPointF(m.toX(in->t), middle),
                       overdraft + QStringLiteral("a withdrawal of %1 took the balance below zero")
                                       .arg(QLocale().toString(qlonglong(in->value))),
                       QStringLiteral("overdraft: below zero")});
    // The first step in the window that held the event loop, once for all lanes: the asyncio mistake,
    // in words, where the step ended.
    const QString blocked = QStringLiteral("blocked the event loop");
    if (const Instant *in = firstInWindow(lane, m, MarkKind::SlowStep); in && !said(blocked)) {
        const SitePoint *place = lane.siteAt(in->t, SiteOf::Step);
        out.push_back(
            {QPointF(m.toX(in->t), middle),
             QStringLiteral("%1 %2 for %3%4: no other task ran")
                 .arg(lane.name, blocked, formatDurationNs(in->value * 1000),
                      place ? QStringLiteral(" (%1)").arg(ctx.trace.siteName(place->site)) : QString()),
             QStringLiteral("%1 for %2").arg(blocked, formatDurationNs(in->value * 1000))});
    }
    // The first deadlock in the window, beside the cycle's line (drawn a few pixels right of the mark).
    if (const Instant *in = firstInWindow(lane, m, MarkKind::Deadlock)) {
        const auto cycle = deadlockCycleAt(ctx.trace, index, in->t);
        if (!cycle.empty())
            out.push_back({QPointF(m.toX(in->t) + 6, middle),
                           QStringLiteral("deadlock: ") + describeCycle(ctx.trace, cycle)});
    }
}

void legendInstants(const Lane &lane, LegendEntries &entries)
{
    static const struct
    {
        MarkKind kind;
        const char *text;
    } kinds[] = {
        {MarkKind::Tick, "tick (dotted: where it should have come)"},
        {MarkKind::Overdraft, "overdraft: the balance went below zero"},
        {MarkKind::Refused, "withdrawal refused"},
        {MarkKind::Print, "line printed"},
        {MarkKind::OutOfOrder, "line out of turn"},
        {MarkKind::AliveCheck, "is_alive() asked (filled: alive)"},
        {MarkKind::Joined, "join() returned"},
        {MarkKind::CutOff, "cut off when the program ended"},
        {MarkKind::Deadlock, "deadlock found: the cycle of waits"},
        {MarkKind::Rollback, "gave its lock back to break it"},
        {MarkKind::Notify, "notify() on a condition"},
        {MarkKind::SlowStep, "a step that blocked the event loop (at its end)"},
        {MarkKind::Instant, "instant (from the trace)"},
    };
    for (int i = 0; i < int(std::size(kinds)); ++i)
        if (lane.marksSeen & (1u << unsigned(kinds[i].kind)))
            entries.add(LegendEntries::Marks + i,
                        {LegendItem::Glyph, QColor(), QString::fromUtf8(kinds[i].text), int(kinds[i].kind)});
}

QString describeInstant(const Trace &trace, std::size_t laneIndex, const Instant &in)
{
    const QLocale l;
    const Lane &lane = trace.lane(laneIndex);
    const QString at = formatDurationNs(in.t - trace.start());
    switch (in.markKind()) {
    case MarkKind::Tick:
        return QStringLiteral("<b>Tick</b> at %1: %2 late against its place on the grid")
            .arg(at, formatDurationNs(in.value));
    case MarkKind::Overdraft:
        return QStringLiteral("<b>Overdraft</b> at %1: this withdrawal of %2 took the balance below zero; "
                              "its check had passed on a balance that was no longer there")
            .arg(at, l.toString(qlonglong(in.value)));
    case MarkKind::Refused:
        return QStringLiteral("<b>Refused</b> at %1: a withdrawal of %2 did not fit the balance")
            .arg(at, l.toString(qlonglong(in.value)));
    case MarkKind::Print:
        return QStringLiteral("<b>Line %1</b> printed at %2: “%3”")
            .arg(l.toString(qlonglong(in.value)), at, lane.name.toHtmlEscaped());
    case MarkKind::OutOfOrder:
        return QStringLiteral("<b>Out of turn</b>: line %1 repeats the word of the line before it")
            .arg(l.toString(qlonglong(in.value)));
    case MarkKind::AliveCheck:
        return QStringLiteral("<b>is_alive()</b> asked at %1: %2")
            .arg(at, in.value != 0 ? QStringLiteral("still running") : QStringLiteral("no longer running"));
    case MarkKind::Joined:
        return QStringLiteral("<b>join()</b> returned at %1: %2 has ended")
            .arg(at, in.value >= 0 && std::size_t(in.value) < trace.lanes().size()
                         ? trace.lane(std::size_t(in.value)).name.toHtmlEscaped()
                         : QStringLiteral("the thread"));
    case MarkKind::CutOff:
        return QStringLiteral("<b>Cut off</b> at %1: the program ended while this daemon thread was still "
                              "running; it did not finish")
            .arg(at);
    case MarkKind::Deadlock: {
        const auto cycle = deadlockCycleAt(trace, laneIndex, in.t);
        return QStringLiteral("<b>Deadlock %1</b> found at %2: %3")
            .arg(l.toString(qlonglong(in.value)), at,
                 cycle.empty() ? QStringLiteral("a cycle of waits")
                               : describeCycle(trace, cycle).toHtmlEscaped());
    }
    case MarkKind::Rollback:
        return QStringLiteral(
                   "<b>Rolled back</b> at %1: gave up its lock so the others could go on (deadlock %2)")
            .arg(at, l.toString(qlonglong(in.value)));
    case MarkKind::Instant:
        return QStringLiteral("<b>Instant</b> at %1, marked in the trace").arg(at);
    case MarkKind::SlowStep:
        return QStringLiteral("<b>Blocked the event loop</b> for %1, until %2: this step of %3 ran without "
                              "awaiting, and no other task or callback could run meanwhile")
            .arg(formatDurationNs(in.value * 1000), at, lane.name.toHtmlEscaped());
    case MarkKind::Notify:
        return QStringLiteral("<b>notify()</b> at %1 on %2: wakes a thread waiting on it")
            .arg(at, in.value >= 0 && in.value < 256
                         ? trace.objectName(std::uint16_t(in.value)).toHtmlEscaped()
                         : QStringLiteral("a condition"));
    }
    return {};
}

} // namespace raceway
