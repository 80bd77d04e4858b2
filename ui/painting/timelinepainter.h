#pragma once

#include "callout.h"
#include "criticalpath.h"
#include "inklog.h"
#include "lanearrangement.h"
#include "legenditem.h"
#include "palette.h"
#include "results.h"
#include "timelinecoordinates.h"
#include "timelinehit.h"
#include "timelinelayout.h"
#include "trace.h"

#include <QFontMetrics>
#include <QPainter>
#include <QRect>
#include <QString>

#include <optional>
#include <vector>

namespace raceway {

struct TimelineContext;

// Draws a trace: lane names, state intervals, lost-update markers, counter and lock lanes, a time axis
// with units and a legend. Qt Gui only, so the window, PNG and SVG exports all share it. Only what is
// visible is touched: binary searches find the range and runs narrower than a pixel are merged. What
// differs between lane kinds is each kind's LaneDrawer (lanes/); this class arranges them, and hands
// each the layout (computed once per change) and the visible window in one TimelineContext.
class TimelinePainter
{
public:
    static constexpr int labelWidth = 150;
    static constexpr int headerHeight = 30;
    static constexpr int axisHeight = 26;
    static constexpr int legendHeight = 28;
    static constexpr int laneGap = 3;
    static constexpr int squeezedLaneHeight = 5; // a lane of a collapsed group
    static constexpr int taskGroupHeight = 60;   // a task group's lane at lane scale 1

    explicit TimelinePainter(const Trace &trace, TimelinePalette palette = TimelinePalette::light());

    // Absolute ns; default: the whole trace after its lead-in.
    void setWindow(std::int64_t start, std::int64_t end);
    // Where the trace's activity starts, when a long wait comes before it (an interpreter starting up:
    // half a second before a 0.1 s script): the first transition of a thread, process, lock or queue
    // lane, a little before it. The trace's start when there is no such wait. Absolute ns.
    static std::int64_t leadInEnd(const Trace &trace);
    void setTitle(const QString &title) { m_title = title; }
    void setNote(const QString &note) { m_note = note; }
    void setShowLegend(bool on) { m_showLegend = on; }
    // Other runs drawn beside this one (stacked above it) whose lanes this legend explains too.
    void setLegendAlso(std::vector<const Trace *> traces) { m_legendAlso = std::move(traces); }
    // The critical path to draw over the lanes (criticalpath.h), owned by the caller; nullptr: none.
    void setCriticalPath(const std::vector<PathSegment> *path) { m_path = path; }
    // Where paint notes what the lanes lay down; runs stacked in one picture share one, painted in order,
    // so that the legend under the last lists what any of them drew. Default: each paint its own.
    void setInkLog(InkLog *log) { m_ink = log; }
    void setChart(std::optional<BarChart> chart) { m_chart = std::move(chart); }
    static constexpr int chartRowHeight = 26;
    std::int64_t windowStart() const { return m_start; }
    std::int64_t windowEnd() const { return m_end; }

    static int laneHeight(LaneKind kind); // at lane scale 1, as exports draw them
    // Lane heights times `scale` (the window fits lanes to its height, Ctrl+wheel changes it), never
    // below what a lane needs to stay legible.
    void setLaneScale(double scale) { m_laneScale = scale; }
    // Which lanes to draw and in what order (pinned first, hidden ones left out); default: all, in order.
    void setArrangement(const LaneArrangement &arrangement) { m_arrangement = arrangement; }
    std::vector<std::size_t> shownLanes() const { return m_arrangement.order(m_trace); }
    double laneScale() const { return m_laneScale; }
    int scaledLaneHeight(const Lane &lane) const;
    static int minimumLaneHeight(LaneKind kind);
    int lanesHeight(double scale) const; // every lane and gap at `scale`
    int fixedHeight(int width) const;    // everything but the lanes
    using LegendItem = raceway::LegendItem;
    // The entries of `items` whose colour or mark the log holds: the legend as paint draws it.
    static std::vector<LegendItem> inkedItems(const std::vector<LegendItem> &items, const InkLog &log);
    std::vector<LegendItem> legendItems() const;
    int legendHeightFor(int width) const; // the legend wraps onto as many rows as it needs
    // Where paintLegend draws each entry's sample in the legend's rectangle.
    static std::vector<QRect> legendSampleRects(const QRect &legend, const std::vector<LegendItem> &items);
    int preferredHeight(int width = 1600) const;
    // Computing the layout walks every lane and measures the legend: compute it once per change and
    // pass it to paint, hitTest and describe (the area overloads compute it each time).
    TimelineLayout layout(const QRect &area) const;
    coords::Mapping mapping(const TimelineLayout &layout) const;
    void paint(QPainter &p, const QRect &area) const;
    void paint(QPainter &p, const TimelineLayout &layout) const;
    TimelineHit hitTest(const QRect &area, const QPoint &pos) const;
    TimelineHit hitTest(const TimelineLayout &layout, const QPoint &pos) const;
    // The key facts written on the picture, each beside the point it is about (lanedrawer.h).
    std::vector<Callout> callouts(const TimelineLayout &layout) const;
    // Where each callout's box goes (in the same order): beside its point, clear of the boxes before it;
    // an empty rectangle for one left out (a small plot has room for fewer).
    std::vector<QRect> calloutBoxes(const TimelineLayout &layout) const;
    // Tooltip text, empty when nothing is there.
    QString describe(const TimelineLayout &layout, const TimelineHit &hit) const;

private:
    void paintHeader(QPainter &p, const QRect &r) const;
    static QString fitTitle(const QString &title, const QFontMetrics &fm, int width);
    void paintLabels(QPainter &p, const TimelineContext &ctx) const;
    void paintAxis(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const;
    void paintLegend(QPainter &p, const QRect &r, const std::vector<LegendItem> &items) const;
    void paintBudgetEnd(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const;
    void paintCallouts(QPainter &p, const TimelineContext &ctx) const;
    void paintHandoffs(QPainter &p, const TimelineContext &ctx) const;
    void paintFlows(QPainter &p, const TimelineContext &ctx) const;
    void paintCriticalPath(QPainter &p, const TimelineContext &ctx) const;
    void paintLeadIn(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const;
    std::vector<Callout> callouts(const TimelineContext &ctx) const;
    // Each callout's box and the text written in it (its first line only where the whole texts would
    // cover too much of the plot; no box at all for those that still do not fit).
    struct PlacedCallout
    {
        QRect box;
        QString text;
    };
    std::vector<PlacedCallout> placeCallouts(const TimelineLayout &layout,
                                             const std::vector<Callout> &callouts, const QFont &base) const;
    void paintChart(QPainter &p, const QRect &r) const;
    int chartHeight() const;
    // The task groups drawn as one lane each: not expanded, of the lanes shown (taskgroups.h).
    std::vector<TaskGroup> groupedTasks(const std::vector<std::size_t> &order) const;
    int scaledTaskGroupHeight(double scale) const;
    // Lanes of a collapsed kind with more than one lane shown are squeezed into thin rows.
    std::vector<bool> squeezedLanes(const std::vector<std::size_t> &order) const;
    std::vector<LegendItem> legendItems(const TraceSummary &summary) const;
    int legendHeightFor(int width, const std::vector<LegendItem> &items) const;
    static int legendItemWidth(const QFontMetrics &fm, const LegendItem &item);

    const Trace &m_trace;
    TimelinePalette m_palette;
    std::int64_t m_start;
    std::int64_t m_end;
    QString m_title;
    QString m_note;
    bool m_showLegend = true;
    std::optional<BarChart> m_chart;
    double m_laneScale = 1.0;
    LaneArrangement m_arrangement;
    std::vector<const Trace *> m_legendAlso;
    const std::vector<PathSegment> *m_path = nullptr;
    InkLog *m_ink = nullptr;
};

} // namespace raceway
