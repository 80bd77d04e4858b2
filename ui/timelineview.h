#pragma once

#include "timelinepainter.h"
#include "timelinezoom.h"
#include "trace.h"

#include <QAbstractScrollArea>
#include <QElapsedTimer>
#include <QImage>
#include <QTimer>

#include <memory>

namespace raceway {

// The live timeline: the current run, and optionally an earlier one stacked above it on the same
// time axis. Wheel zooms around the cursor, drag pans, Shift+drag measures a range, double-click or
// Home fits, hovering explains what is under the mouse. Paints with the same TimelinePainter as the
// exports, so an exported picture looks like the screen.
class TimelineView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setCurrent(const Trace *trace, const QString &title);
    void setPrevious(const Trace *trace, const QString &title,
                     const QString &note = {}); // nullptr: no comparison
    void setNote(const QString &note);
    void setChart(std::optional<BarChart> chart); // drawn under the current run
    // Group process lanes by the core they ran on, as profilers' cores views do.
    void setCoresView(bool on);
    // Draw the current run's critical path (criticalpath.h) over its lanes.
    void setCriticalPathShown(bool on);
    bool criticalPathShown() const { return m_showPath; }
    // Walks the current run's path now (none when not shown, or not `walk`: a run still going has no
    // end to walk back from yet); it is drawn until the next call or another run is shown.
    void updateCriticalPath(bool walk = true);
    // As drawn: its last maxPathSegments segments, nearest its end.
    const CriticalPath &criticalPathOfCurrent() const { return m_path; }
    static constexpr std::size_t maxPathSegments = 1'000'000;
    bool coresView() const { return m_coresView; }
    void traceChanged(); // the current trace grew: follow it and repaint
    // What drawing the last frame took (ns of wall time, the copy to the screen not included).
    std::int64_t lastFrameCostNs() const { return m_frameCostNs; }
    TimelineZoom *zoom() const { return m_zoom; }
    // Lane heights: by default they fit the runs' lanes to the view's height (64 thread lanes get the
    // legible minimum and a scroll bar); Ctrl+wheel or setLaneScale picks a scale, 0 goes back to fitting.
    // Fitting goes as far as Ctrl+wheel can: a few lanes fill a tall window instead of leaving half of it
    // blank.
    static constexpr double minLaneScale = 0.64, maxFitLaneScale = 4.0, maxLaneScale = 4.0;
    double laneScale() const;
    void setLaneScale(double scale);
    bool lanesFitted() const { return m_userLaneScale <= 0; }
    // Lanes pinned to the top or hidden (the lane's right-click menu); applies to both runs shown.
    void setArrangement(const LaneArrangement &arrangement);
    const LaneArrangement &arrangement() const { return m_arrangement; }
    // The lane at a viewport position (in the label column too): its trace and index.
    std::optional<std::pair<const Trace *, std::size_t>> laneAt(const QPoint &viewportPos) const;
    // The task group drawn as one lane at that point (its label or its lane), if any.
    std::optional<std::pair<const Trace *, TaskGroup>> taskGroupAt(const QPoint &viewportPos) const;
    // Centres [start, end] (absolute ns) of the current run's `lane` and rings it for a moment (F3).
    void reveal(std::size_t lane, std::int64_t start, std::int64_t end);
    QRect flashRect() const; // where the ring is, in viewport coordinates (null when none)
    const Trace *current() const { return m_current; }
    const Trace *compared() const { return m_previous; }
    QString currentTitle() const { return m_title; }
    QString comparedTitle() const { return m_previousTitle; }
    QString note() const { return m_note; }

    // The picture as on screen (same window, both runs when comparing), at least minWidth wide, in
    // `scale` output pixels per layout pixel (2: twice as wide and tall, text included, for HiDPI and print).
    QImage renderImage(int minWidth = 1600, int scale = 1) const;
    void paintAll(QPainter &p, int width) const; // what renderImage and SVG export draw
    int contentHeight() const;
    QRect plotRect() const; // where time is drawn, in viewport coordinates
    QString toolTipAt(const QPoint &viewportPos) const;

Q_SIGNALS:
    void exportRequested(const QString &format); // "png", "svg" or "json", from the context menu
    void selectionDescribed(const QString &text);
    void arrangementChanged();          // by the user, from the lane menu
    void laneClicked(std::size_t lane); // a click (no drag) on the current run's lane, by its index

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    struct Section
    {
        const Trace *trace;
        QString title;
        QRect area;
        bool legend;
        double laneScale;
        TimelineLayout layout; // of `area`, for every paint, hover and drag step until the next change
    };
    const std::vector<Section> &sections(int width) const;
    TimelinePainter painterFor(const Section &s) const;
    std::int64_t timeAt(int x) const; // ns since the run started
    void updateScrollBar();
    void invalidate();                        // the frame must be drawn again
    const Trace *shown(const Trace *t) const; // the trace as displayed: itself, or its cores view
    void rebuildCoresView();

    // The frame is drawn into an image and blitted: the painter's fast scanline fills apply on screen too,
    // and repaints that change nothing (tooltips, expose) cost one copy.
    QImage m_frame;
    QSize m_framePixels; // the part of m_frame drawn: the viewport's size in device pixels
    bool m_frameDirty = true;
    std::int64_t m_frameCostNs = 0;

    TimelineZoom *m_zoom;
    const Trace *m_current = nullptr;
    const Trace *m_previous = nullptr;
    bool m_coresView = false;
    bool m_revealCurrent = false; // a new run is shown: scroll its section into view once laid out
    // Where the shown tooltip was asked for (viewport coordinates): when the picture changes under it,
    // it is said again for what is there now, or closed, never left stale over a live run.
    std::optional<QPoint> m_toolTipAt;
    void refreshToolTip();
    double m_userLaneScale = 0; // 0: fit to the height
    LaneArrangement m_arrangement;
    struct SectionCache
    {
        int width, height;
        std::vector<Section> sections;
    };
    mutable std::optional<SectionCache> m_sectionCache;
    std::pair<const Trace *, const Trace *> m_coresFor{};
    std::uint64_t m_coresEvents = 0;
    QElapsedTimer m_coresBuilt;
    QTimer m_coresCatchUp;
    struct Flash
    {
        std::size_t lane;
        std::int64_t start, end;
    };
    std::optional<Flash> m_flash;
    QTimer m_flashTimer;
    std::unique_ptr<Trace> m_coresCurrent, m_coresPrevious;
    QString m_title, m_previousTitle, m_note, m_previousNote;
    std::optional<BarChart> m_chart;
    bool m_showPath = false;
    // The path of the trace shown as the current run, made again when that trace grows or changes.
    CriticalPath m_path;
    const Trace *m_pathFor = nullptr; // the trace it was walked on
    enum class Drag { None, Pan, Select, Lane } m_drag = Drag::None;
    // Dragging a lane by its label: which one, and where it would land (viewport y of the line drawn).
    QString m_dragLane;
    int m_dropLineY = -1;
    // The current run's drawn order, by name, with the dragged lane moved before or after the lane
    // under `pos`; empty when it would not move.
    QStringList droppedOrder(const QPoint &pos, int *lineY = nullptr) const;
    void dropLane(const QPoint &pos);
    QPoint m_dragOrigin;
    std::int64_t m_dragStartTime = 0;
    std::int64_t m_dragWindowStart = 0;
};

} // namespace raceway
