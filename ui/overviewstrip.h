#pragma once

#include "trace.h"

#include <QImage>
#include <QWidget>

namespace raceway {

class TimelineZoom;

// The whole run in a thin strip above the lanes, aligned with the timeline's plot: every thread and
// process lane as a row of its states, the visible range framed and the rest dimmed. Drag the frame to
// pan, drag its edges to zoom, click elsewhere to centre the view there, double-click to see everything.
// Grows with a live run.
class OverviewStrip : public QWidget
{
    Q_OBJECT
public:
    OverviewStrip(TimelineZoom *zoom, QWidget *parent = nullptr);

    void setTrace(const Trace *trace); // nullptr: empty
    void traceChanged();               // the trace grew: redraw the miniature
    QRect plotRect() const;            // where the run is drawn, in widget coordinates
    QRect rangeRect() const;           // the visible range's frame
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    std::int64_t timeAt(double x) const; // ns since the run started
    double xOf(std::int64_t t) const;
    void renderMiniature();

    TimelineZoom *m_zoom;
    const Trace *m_trace = nullptr;
    QImage m_miniature; // the lanes at the plot's size, redrawn when the trace or the size changes
    bool m_dirty = true;
    enum class Drag { None, Pan, Start, End } m_drag = Drag::None;
    double m_pressX = 0;
    std::int64_t m_pressStart = 0, m_pressEnd = 0;
};

} // namespace raceway
