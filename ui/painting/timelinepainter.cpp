#include "timelinepainter.h"

#include "lanes/summarypainter.h"

#include "lanes/instantspainter.h"
#include "lanes/lanedrawers.h"
#include "lanes/taskgrouplane.h"

#include <cmath>
#include <limits>

namespace raceway {

TimelinePainter::TimelinePainter(const Trace &trace, TimelinePalette palette)
    : m_trace(trace), m_palette(std::move(palette)), m_start(leadInEnd(trace)),
      m_end(std::max(trace.end(), m_start + 1))
{
}

std::int64_t TimelinePainter::leadInEnd(const Trace &trace)
{
    std::int64_t first = INT64_MAX;
    for (const Lane &lane : trace.lanes())
        if (lane.kind != LaneKind::Core && lane.kind != LaneKind::Counter && lane.kind != LaneKind::Value &&
            lane.kind != LaneKind::Observer && !lane.times.empty())
            first = std::min(first, lane.times.front());
    const std::int64_t lead = first == INT64_MAX ? 0 : first - trace.start();
    const std::int64_t span = trace.end() - trace.start();
    // Only a wait worth skipping: 50 ms or more and a quarter of the run or more.
    if (lead < 50'000'000 || lead * 4 < span) return trace.start();
    return first - (trace.end() - first) / 50; // a margin, so that the first lane does not start on the edge
}

void TimelinePainter::setWindow(std::int64_t start, std::int64_t end)
{
    m_start = start;
    m_end = std::max(end, start + 1);
}

void TimelinePainter::paint(QPainter &p, const QRect &area) const
{
    paint(p, layout(area));
}

void TimelinePainter::paint(QPainter &p, const TimelineLayout &l) const
{
    const QRect &area = l.area;
    p.save();
    const coords::Mapping m = mapping(l);
    InkLog ownLog;
    InkLog &ink = m_ink ? *m_ink : ownLog;
    const TimelineContext ctx{m_trace, m_palette, l, m, p.device() ? p.device()->devicePixelRatioF() : 1.0,
                              &ink};
    QFont font = p.font();
    font.setPixelSize(12);
    p.setFont(font);

    // Alternate lane backgrounds and the time grid first, then data over them. Every other row is the
    // background: the area is filled with it once, except under the other rows (each pixel is written
    // once, not twice: at a device pixel ratio of 2 a frame is 33 MB), and of a background row only
    // what overlaps the painted row before it is filled again.
    struct Band
    {
        QRect rect;
        bool alternate;
    };
    std::vector<Band> bands;
    std::size_t row = 0;
    int alternateBottom = std::numeric_limits<int>::min();
    std::size_t group = 0;
    std::vector<bool> groupDone(l.taskGroups.size(), false);
    for (std::size_t k = 0; k < l.order.size(); ++k) {
        const std::size_t i = l.order[k];
        QRect r = l.lanes[i];
        if (const int g = l.taskGroupOf[i]; g >= 0) { // a task group's lane is one row
            if (groupDone[std::size_t(g)]) continue;
            groupDone[std::size_t(g)] = true;
            r = l.taskGroupRects[std::size_t(g)];
        } else if (l.squeezed[i]) { // a collapsed group is one row of the alternation
            if (k > 0 && l.squeezed[l.order[k - 1]] &&
                m_trace.lane(l.order[k - 1]).kind == m_trace.lane(i).kind)
                continue;
            r = QRect(r.left(), l.groups[group].rect.top(), r.width(), l.groups[group].rect.height());
            ++group;
        }
        const QRect band(area.left(), r.top() - 1, area.width(), r.height() + 2);
        if (row++ % 2 == 0) {
            bands.push_back({band, true});
            alternateBottom = band.bottom();
        } else if (band.top() <= alternateBottom) {
            bands.push_back({band.intersected(QRect(QPoint(area.left(), band.top()),
                                                    QPoint(area.right(), alternateBottom))),
                             false});
        }
    }
    QRegion plain(area);
    for (const Band &b : bands)
        if (b.alternate) plain -= b.rect;
    for (const QRect &r : plain)
        p.fillRect(r, m_palette.background);
    for (const Band &b : bands)
        p.fillRect(b.rect, b.alternate ? m_palette.laneAlternate : m_palette.background);
    paintAxis(p, l, m);

    p.setClipRect(l.plot.adjusted(0, -2, 1, 2));
    for (std::size_t i = 0; i < l.lanes.size(); ++i)
        if (!l.lanes[i].isNull()) // not hidden
            drawerFor(m_trace.lane(i).kind).paint(ctx, p, i, l.lanes[i]);
    for (std::size_t g = 0; g < l.taskGroups.size(); ++g)
        paintTaskGroup(ctx, p, l.taskGroups[g], l.taskGroupRects[g]);
    // Marked moments go over every lane's own drawing: a deadlock's cycle crosses other lanes.
    for (std::size_t i = 0; i < l.lanes.size(); ++i)
        if (!l.lanes[i].isNull() && !l.squeezed[i] && !m_trace.lane(i).instants.empty())
            paintInstants(ctx, p, i, l.lanes[i]);
        else if (l.taskGroupOf[i] >= 0 && !m_trace.lane(i).instants.empty()) // on its group's lane
            paintInstants(ctx, p, i, l.taskGroupRects[std::size_t(l.taskGroupOf[i])]);
    paintHandoffs(p, ctx);
    paintFlows(p, ctx);
    paintCriticalPath(p, ctx);
    paintCallouts(p, ctx);
    paintLeadIn(p, l, m);
    paintBudgetEnd(p, l, m);
    p.setClipping(false);
    paintLabels(p, ctx);
    paintHeader(p, l.header);
    if (m_showLegend) paintLegend(p, l.legend, inkedItems(l.legendItems, ink));
    if (m_chart) paintChart(p, l.chart);
    p.restore();
}

void TimelinePainter::paintLeadIn(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const
{
    // Zoomed out over a skipped start-up: one labelled band over it, so that it reads as a wait
    // before the program, not as part of it.
    const std::int64_t lead = leadInEnd(m_trace);
    if (lead <= m_trace.start() || m.start >= lead || l.lanes.empty()) return;
    const int x0 = std::max(l.plot.left(), int(std::lround(m.toX(m_trace.start()))));
    const int x1 = std::min(l.plot.right(), int(std::lround(m.toX(lead))));
    if (x1 <= x0) return;
    const QRect band(x0, l.plot.top(), x1 - x0, l.plot.height());
    QColor wash = m_palette.background;
    wash.setAlpha(200);
    p.fillRect(band, wash);
    QColor hatch = m_palette.mutedText;
    hatch.setAlpha(60);
    p.fillRect(band, QBrush(hatch, Qt::FDiagPattern));
    const QString text = QStringLiteral("start-up: %1 before the first thread")
                             .arg(QString::fromStdString(coords::formatDuration(lead - m_trace.start())));
    p.save();
    p.setPen(m_palette.mutedText);
    const QString shown = p.fontMetrics().elidedText(text, Qt::ElideRight, band.width() - 8);
    p.drawText(band.adjusted(4, 4, -4, 0), Qt::AlignTop | Qt::AlignLeft, shown);
    p.restore();
}

void TimelinePainter::paintBudgetEnd(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const
{
    // Past this line some events were not recorded: lanes may look idle or stopped when they were not.
    const std::int64_t t = m_trace.budgetReached();
    if (t == 0 || t > m.end || l.lanes.empty()) return;
    const int x = std::max(l.plot.left(), int(std::lround(m.toX(t))));
    const int top = l.plot.top(), bottom = l.plot.bottom();
    QColor wash = m_palette.background;
    wash.setAlpha(170); // what lanes show past here is washed out: it may not be what happened
    QColor hatch = m_palette.mutedText;
    hatch.setAlpha(90);
    // A value lane whose readings go on past here (a counter's, Raceway's own: some of the budget was set
    // aside for them) is the truth to the end, and is left as it is.
    const auto keptToTheEnd = [&](std::size_t lane) {
        const Lane &ln = m_trace.lane(lane);
        // Raceway's own lane is written whole at the end (its samples are the intervals' starts).
        if (ln.kind == LaneKind::Observer) return !ln.series.empty();
        // A lane summarised past the budget is drawn from its summary there (paintPastBudget).
        if (ln.pastBudget.started() || ln.pastSeries.started()) return true;
        // Only a sampler's lane is read on past the budget; a lock's or a queue's readings there are the
        // last of the threads' recorded events (some wrote a little past it), not the rest of the run.
        if (ln.kind != LaneKind::Counter && ln.kind != LaneKind::Value && ln.kind != LaneKind::Core)
            return false;
        return !ln.series.empty() && ln.series.back().t > t;
    };
    bool anyKept = false;
    int from = top; // the rows washed so far reach down to here
    QRect washed;   // the tallest washed stretch: the label goes there, over nothing drawn as known
    const auto washDownTo = [&](int y) {
        if (y <= from) return;
        const QRect after(x, from, l.plot.right() - x + 1, y - from);
        p.fillRect(after, wash);
        p.fillRect(after, QBrush(hatch, Qt::BDiagPattern));
        if (after.height() > washed.height()) washed = after;
    };
    for (const std::size_t lane : l.order) {
        if (lane >= l.lanes.size() || l.lanes[lane].isNull() || !keptToTheEnd(lane)) continue;
        const QRect &r = l.lanes[lane];
        washDownTo(r.top());
        from = std::max(from, r.bottom() + 1);
        anyKept = true;
    }
    washDownTo(bottom + 1);
    p.setPen(QPen(m_palette.state(State::Waiting), 2, Qt::DashLine));
    p.drawLine(x, top, x, bottom);
    const std::int64_t resolution = summaryResolution(m_trace);
    const bool ranges = std::any_of(m_trace.lanes().begin(), m_trace.lanes().end(),
                                    [](const Lane &ln) { return ln.pastSeries.started(); });
    const QString every = QString::fromStdString(coords::formatDuration(resolution));
    // The longest of these that fits right of the line (else over the plot's width, cut at its end).
    const QStringList texts =
        resolution != 0
            ? QStringList{QStringLiteral("event budget reached: past here, each state's share of every %1%2")
                              .arg(every,
                                   ranges ? QStringLiteral("; counts as their least (solid) to most (light)")
                                          : QString()),
                          QStringLiteral("event budget reached: past here, each state's share of every %1")
                              .arg(every),
                          QStringLiteral("past the budget: shares of every %1").arg(every)}
        : anyKept
            ? QStringList{QStringLiteral("event budget reached: past here only the lanes left clear were "
                                         "recorded"),
                          QStringLiteral("past the budget: only lanes left clear recorded")}
            : QStringList{QStringLiteral("event budget reached: not everything after this was recorded"),
                          QStringLiteral("past the budget: not all recorded")};
    const int room = l.plot.right() - x - 4;
    QString text = texts.back();
    for (const QString &candidate : texts)
        if (p.fontMetrics().horizontalAdvance(candidate) + 10 <= room) {
            text = candidate;
            break;
        }
    text = p.fontMetrics().elidedText(text, Qt::ElideRight, l.plot.width() - 10);
    const int w = p.fontMetrics().horizontalAdvance(text) + 10, h = p.fontMetrics().height() + 4;
    // Over the washed rows where they are tall enough, else at the top (over the first lane).
    const int y = washed.height() >= h ? washed.top() + (std::min(washed.height(), 3 * h) - h) / 2 : top + 2;
    const QRect box(std::max(l.plot.left(), std::min(x + 4, l.plot.right() - w)), y, w, h);
    p.fillRect(box, m_palette.background);
    p.setPen(m_palette.state(State::Waiting));
    p.drawText(box, Qt::AlignCenter, text);
}

int TimelinePainter::chartHeight() const
{
    return m_chart ? 34 + int(m_chart->bars.size()) * chartRowHeight + 22 : 0;
}

void TimelinePainter::paintChart(QPainter &p, const QRect &r) const
{
    const BarChart &c = *m_chart;
    p.save();
    QFont f = p.font();
    f.setPixelSize(13);
    f.setBold(true);
    p.setFont(f);
    p.setPen(m_palette.text);
    p.drawText(QRect(r.left() + 10, r.top() + 6, r.width() - 20, 22), Qt::AlignLeft | Qt::AlignVCenter,
               c.title);
    f.setBold(false);
    f.setPixelSize(12);
    p.setFont(f);
    double most = c.ideal;
    for (const ChartBar &b : c.bars)
        most = std::max(most, b.value);
    const int barLeft = r.left() + labelWidth, barWidth = std::max(50, r.width() - labelWidth - 260);
    auto xOf = [&](double v) { return barLeft + int(std::lround(v / std::max(most, 1e-9) * barWidth)); };
    int y = r.top() + 34;
    for (int i = 0; i < c.bars.size(); ++i, y += chartRowHeight) {
        const ChartBar &b = c.bars[i];
        p.setPen(m_palette.text);
        p.drawText(QRect(r.left() + 10, y, labelWidth - 16, chartRowHeight - 4),
                   Qt::AlignLeft | Qt::AlignVCenter, b.label);
        // One neutral colour: the bars have their names, and the cores' hues mean "running on cpu N"
        // in the lanes above.
        p.fillRect(QRect(barLeft, y + 3, std::max(1, xOf(b.value) - barLeft), chartRowHeight - 10),
                   m_palette.mutedText);
        p.drawText(QRect(xOf(b.value) + 8, y, 250, chartRowHeight - 4), Qt::AlignLeft | Qt::AlignVCenter,
                   b.caption);
    }
    if (c.ideal > 0) {
        const int x = xOf(c.ideal);
        QPen dashed(m_palette.text, 1.5, Qt::DashLine);
        p.setPen(dashed);
        p.drawLine(x, r.top() + 30, x, y);
        p.setPen(m_palette.mutedText);
        p.drawText(QRect(x - 150, y + 2, 300, 18), Qt::AlignHCenter | Qt::AlignTop, c.idealLabel);
    }
    p.restore();
}

QString TimelinePainter::fitTitle(const QString &title, const QFontMetrics &fm, int width)
{
    // "setup — outcome": the setup gives way first, cut at its end, so that the outcome's numbers stay
    // whole; an outcome too long on its own is cut at its end.
    if (fm.horizontalAdvance(title) <= width) return title;
    const QString dash = QStringLiteral(" — ");
    const qsizetype at = title.indexOf(dash);
    if (at < 0) return fm.elidedText(title, Qt::ElideRight, width);
    const QString outcome = title.mid(at);
    const int left = width - fm.horizontalAdvance(outcome);
    if (left < fm.horizontalAdvance(QStringLiteral("counter…")))
        return fm.elidedText(title.mid(at + dash.size()), Qt::ElideRight, width);
    return fm.elidedText(title.left(at), Qt::ElideRight, left) + outcome;
}

void TimelinePainter::paintHeader(QPainter &p, const QRect &r) const
{
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(14);
    p.save();
    p.setFont(f);
    p.setPen(m_palette.text);
    const QRect text = r.adjusted(10, 0, -10, 0);
    QFont small = f;
    small.setBold(false);
    small.setPixelSize(12);
    const std::int64_t from = m_start - m_trace.start();
    const QString span =
        QStringLiteral("showing ") +
        (from == 0 ? QStringLiteral("0") : QString::fromStdString(coords::formatDuration(from))) +
        QStringLiteral(" – ") + QString::fromStdString(coords::formatDuration(m_end - m_trace.start()));
    QString right = m_note.isEmpty() ? span : m_note + QStringLiteral("   ") + span;
    const QFontMetrics titleMetrics(f);
    // The title says the run's outcome at its end ("… 682 of 1,600 counted, 918 lost"): where it does
    // not fit beside the window's span, the span goes (the axis says it too), then the title loses the end of
    // its setup, never its outcome (fitTitle). A note stays.
    if (titleMetrics.horizontalAdvance(m_title) + QFontMetrics(small).horizontalAdvance(right) + 16 >
        text.width())
        right = m_note;
    // A long note (a run's error, which the status bar and the results say whole) keeps to two thirds of
    // the header, cut at its end, and leaves the title its start.
    right = QFontMetrics(small).elidedText(right, Qt::ElideRight, text.width() * 2 / 3);
    const int rightWidth = right.isEmpty() ? 0 : QFontMetrics(small).horizontalAdvance(right) + 16;
    p.drawText(text.adjusted(0, 0, -rightWidth, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fitTitle(m_title, titleMetrics, text.width() - rightWidth));
    p.setFont(small);
    p.setPen(m_note.isEmpty() ? m_palette.mutedText : m_palette.state(State::Waiting));
    p.drawText(text, Qt::AlignVCenter | Qt::AlignRight, right);
    p.restore();
}

void TimelinePainter::paintLabels(QPainter &p, const TimelineContext &ctx) const
{
    const TimelineLayout &l = ctx.layout;
    p.save();
    const QRect column(l.labels.left(), l.labels.top() - 4, labelWidth - 6, l.labels.height() + 4);
    p.fillRect(column, m_palette.labelBackground);
    for (std::size_t i = 0; i < l.lanes.size(); ++i) {
        const Lane &lane = m_trace.lane(i);
        const QRect &r = l.lanes[i];
        if (r.isNull() || l.squeezed[i]) continue;
        p.setPen(m_palette.text);
        drawerFor(lane.kind).paintLabel(ctx, p, lane,
                                        QRect(l.labels.left() + 10, r.top(), labelWidth - 20, r.height()));
    }
    for (std::size_t g = 0; g < l.taskGroups.size(); ++g) {
        const QRect &r = l.taskGroupRects[g];
        paintTaskGroupLabel(ctx, p, l.taskGroups[g],
                            QRect(l.labels.left() + 10, r.top(), labelWidth - 20, r.height()));
    }
    for (const TimelineLayout::Group &g : l.groups) {
        p.setPen(m_palette.text);
        const QRect text(l.labels.left() + 10, g.rect.top() - 2, labelWidth - 20,
                         std::max(g.rect.height() + 4, 16));
        p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                   QStringLiteral("%1 × %2 ▸").arg(laneKindName(g.kind)).arg(g.lanes));
    }
    if (l.hidden > 0) {
        // Under the lanes, where the axis has no labels: say that some are not shown.
        p.setPen(m_palette.mutedText);
        p.drawText(QRect(l.axis.left() + 10, l.axis.top() + 2, labelWidth - 20, axisHeight - 4),
                   Qt::AlignVCenter | Qt::AlignLeft,
                   l.hidden == 1 ? QStringLiteral("1 lane hidden")
                                 : QStringLiteral("%1 lanes hidden").arg(l.hidden));
    }
    p.restore();
}

void TimelinePainter::paintAxis(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const
{
    p.save();
    const std::int64_t t0 = m_trace.start();
    const std::int64_t step = coords::niceStep(m.nsPerPixel() * 90);
    const coords::Unit unit = coords::unitForStep(step * 10 > 1000 ? step * 10 : step);
    const coords::Unit shown = step >= unit.ns ? coords::unitForStep(step) : unit;
    const int decimals = step >= shown.ns ? 0 : int(std::ceil(std::log10(double(shown.ns) / double(step))));
    const int baseline = l.axis.top() + 1;
    p.setPen(m_palette.mutedText);
    p.drawLine(l.plot.left(), baseline, l.plot.right(), baseline);
    std::int64_t rel = (m.start - t0) / step * step;
    if (t0 + rel < m.start) rel += step;
    for (; t0 + rel <= m.end; rel += step) {
        const int x = int(std::lround(m.toX(t0 + rel)));
        p.setPen(m_palette.grid);
        p.drawLine(x, l.plot.top(), x, l.plot.bottom());
        p.setPen(m_palette.mutedText);
        p.drawLine(x, baseline, x, baseline + 5);
        const QString label = QString::number(double(rel) / double(shown.ns), 'f', decimals) +
                              QLatin1Char(' ') + QString::fromUtf8(shown.suffix);
        p.drawText(QRect(x - 50, baseline + 6, 100, 16), Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.restore();
}

} // namespace raceway
