#pragma once

#include "lanearrangement.h"
#include "palette.h"
#include "scenario.h"
#include "timelinecoordinates.h"
#include "trace.h"

#include <QFontMetrics>
#include <QPainter>
#include <QRect>
#include <QString>

#include <optional>
#include <vector>

namespace raceway {

// Where everything goes inside the painted area. Lane rectangles span the plot's x range.
struct TimelineLayout
{
    QRect header, labels, plot, axis, legend, chart;
    std::vector<QRect> lanes; // one per trace lane, in plot coordinates (x = plot.left()..plot.right());
                              // null for a lane the arrangement hides
};

// What is under a point of the painted timeline.
struct TimelineHit
{
    int lane = -1;
    std::int64_t time = 0; // absolute ns
    std::optional<Interval> interval;
    int markers = 0;           // lost-update markers within a few pixels
    std::int64_t erased = 0;   // their summed counts
    std::optional<Marker> nearest;
    std::optional<SeriesPoint> value; // counter and lock lanes: the series value at `time`
};

// Draws a trace: lane names, state intervals, lost-update markers, counter and lock lanes, a time axis
// with units and a legend. Qt Gui only, so the window, PNG and SVG exports all share it. Only what is
// visible is touched: binary searches find the range and runs narrower than a pixel are merged.
class TimelinePainter
{
public:
    static constexpr int labelWidth = 150;
    static constexpr int headerHeight = 30;
    static constexpr int axisHeight = 26;
    static constexpr int legendHeight = 28;
    static constexpr int laneGap = 3;

    explicit TimelinePainter(const Trace &trace, TimelinePalette palette = TimelinePalette::light());

    void setWindow(std::int64_t start, std::int64_t end); // absolute ns; default: the whole trace
    void setTitle(const QString &title) { m_title = title; }
    void setNote(const QString &note) { m_note = note; }
    void setShowLegend(bool on) { m_showLegend = on; }
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
    int scaledLaneHeight(LaneKind kind) const;
    static int minimumLaneHeight(LaneKind kind);
    int lanesHeight(double scale) const; // every lane and gap at `scale`
    int fixedHeight(int width) const;    // everything but the lanes
    struct LegendItem
    {
        enum Kind { Swatch, Marker, Restoring, Bar, Line } kind;
        QColor colour;
        QString text;
    };
    std::vector<LegendItem> legendItems() const;
    int legendHeightFor(int width) const; // the legend wraps onto as many rows as it needs
    int preferredHeight(int width = 1600) const;
    TimelineLayout layout(const QRect &area) const;
    coords::Mapping mapping(const TimelineLayout &layout) const;
    void paint(QPainter &p, const QRect &area) const;
    TimelineHit hitTest(const QRect &area, const QPoint &pos) const;
    QString describe(const TimelineHit &hit) const; // tooltip text, empty when nothing is there

private:
    void paintHeader(QPainter &p, const QRect &r) const;
    void paintLabels(QPainter &p, const TimelineLayout &l) const;
    void paintAxis(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const;
    void paintLegend(QPainter &p, const QRect &r) const;
    void paintBudgetEnd(QPainter &p, const TimelineLayout &l, const coords::Mapping &m) const;
    void paintChart(QPainter &p, const QRect &r) const;
    int chartHeight() const;
    static int legendItemWidth(const QFontMetrics &fm, const LegendItem &item);
    void paintStates(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const;
    void paintMarkers(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const;
    void paintCounter(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const;
    // A lane's series as one bar per pixel column, `fullScale` reaching maxHeight.
    void paintBars(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m, std::int64_t fullScale,
                   const QColor &colour, int maxHeight) const;

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
};

} // namespace raceway
