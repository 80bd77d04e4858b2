#include "timelineview.h"

#include "clock.h"
#include "coresview.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>

#include <cmath>

namespace raceway {

TimelineView::TimelineView(QWidget *parent) : QAbstractScrollArea(parent), m_zoom(new TimelineZoom(this))
{
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(400, 260);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_zoom, &TimelineZoom::windowChanged, this, &TimelineView::invalidate);
    connect(m_zoom, &TimelineZoom::selectionChanged, this, [this] {
        invalidate();
        const auto sel = m_zoom->selection();
        Q_EMIT selectionDescribed(
            sel ? tr("Selected %1")
                      .arg(QString::fromStdString(coords::formatDuration(sel->second - sel->first)))
                : QString());
    });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &TimelineView::invalidate);
    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this, [this] { m_revealCurrent = false; });
    m_coresCatchUp.setSingleShot(true);
    m_coresCatchUp.setInterval(300);
    connect(&m_coresCatchUp, &QTimer::timeout, this, [this] {
        m_coresBuilt.invalidate();
        traceChanged();
    });
    m_flashTimer.setSingleShot(true);
    m_flashTimer.setInterval(1500);
    connect(&m_flashTimer, &QTimer::timeout, this, [this] {
        m_flash.reset();
        viewport()->update();
    });
}

void TimelineView::invalidate()
{
    m_frameDirty = true;
    viewport()->update();
}

void TimelineView::setCurrent(const Trace *trace, const QString &title)
{
    if (trace != m_current) {
        m_zoom->reset();
        m_flash.reset();
        m_path = {}; // walked on the run shown before (updateCriticalPath walks this one's)
        m_pathFor = nullptr;
        // A new run stacked under an earlier one (64 lanes each) would start out of view, and the
        // window would look frozen: its section is scrolled to the top of the view.
        m_revealCurrent = trace != nullptr;
    }
    m_current = trace;
    m_title = title;
    traceChanged();
}

void TimelineView::setPrevious(const Trace *trace, const QString &title, const QString &note)
{
    m_previous = trace;
    m_previousTitle = title;
    m_previousNote = note;
    traceChanged();
}

void TimelineView::setNote(const QString &note)
{
    m_note = note;
    invalidate();
}

void TimelineView::setChart(std::optional<BarChart> chart)
{
    m_chart = std::move(chart);
    traceChanged();
}

void TimelineView::setCoresView(bool on)
{
    if (on == m_coresView) return;
    m_coresView = on;
    traceChanged();
}

void TimelineView::rebuildCoresView()
{
    // Grouping by core copies the trace: while a run grows, at most four times a second (a timer makes
    // sure the last growth is shown); at once when the runs shown or the view change.
    const std::uint64_t events =
        (m_current ? m_current->eventCount() : 0) + (m_previous ? m_previous->eventCount() : 0);
    const bool same = m_coresView && m_coresFor == std::pair{m_current, m_previous};
    if (same && events == m_coresEvents) return;
    if (same && m_coresBuilt.isValid() && m_coresBuilt.elapsed() < 250) {
        m_coresCatchUp.start();
        return;
    }
    m_coresCurrent = m_coresView && m_current ? std::make_unique<Trace>(groupByCore(*m_current)) : nullptr;
    m_coresPrevious = m_coresView && m_previous ? std::make_unique<Trace>(groupByCore(*m_previous)) : nullptr;
    m_coresFor = m_coresView ? std::pair{m_current, m_previous} : std::pair<const Trace *, const Trace *>{};
    m_coresEvents = events;
    m_coresBuilt.start();
}

const Trace *TimelineView::shown(const Trace *t) const
{
    if (t && t == m_current && m_coresCurrent) return m_coresCurrent.get();
    if (t && t == m_previous && m_coresPrevious) return m_coresPrevious.get();
    return t;
}

void TimelineView::traceChanged()
{
    m_sectionCache.reset();
    rebuildCoresView();
    std::int64_t span = 0;
    for (const Trace *t : {m_current, m_previous})
        if (t) span = std::max(span, t->end() - t->start());
    // A lone run skips a long start-up (an interpreter's); runs stacked on one axis show it all.
    m_zoom->setLeadIn(m_current && !m_previous ? TimelinePainter::leadInEnd(*m_current) - m_current->start()
                                               : 0);
    m_zoom->setSpan(span);
    updateScrollBar();
    refreshToolTip();
    if (m_revealCurrent && m_current) // until the run has grown enough to be scrolled to, or the user scrolls
        for (const Section &s : sections(viewport()->width()))
            if (s.trace == shown(m_current)) {
                verticalScrollBar()->setValue(s.area.top());
                m_revealCurrent = verticalScrollBar()->value() != s.area.top();
            }
    invalidate();
}

double TimelineView::laneScale() const
{
    if (m_userLaneScale > 0) return m_userLaneScale;
    // Fit: the lanes of every run shown share the height the viewport leaves, within legible bounds.
    const int width = viewport()->width();
    int fixed = 0;
    std::vector<TimelinePainter> shownRuns;
    for (const auto &[t, legend] : {std::pair{shown(m_previous), false}, std::pair{shown(m_current), true}}) {
        if (!t) continue;
        TimelinePainter p(*t);
        p.setArrangement(m_arrangement);
        p.setShowLegend(legend);
        if (legend) p.setChart(m_chart);
        if (legend && m_previous) p.setLegendAlso({shown(m_previous)});
        fixed += p.fixedHeight(width);
        shownRuns.push_back(p);
    }
    const int available = viewport()->height() - fixed;
    auto lanes = [&](double scale) {
        int h = 0;
        for (const TimelinePainter &p : shownRuns)
            h += p.lanesHeight(scale);
        return h;
    };
    const int atOne = lanes(1.0);
    if (shownRuns.empty() || atOne <= 0) return 1.0;
    double scale = std::clamp(double(available) / double(atOne), minLaneScale, maxFitLaneScale);
    for (int i = 0; i < 20 && scale > minLaneScale && lanes(scale) > available; ++i) // rounding and minimums
        scale = std::max(minLaneScale, scale * 0.97);
    return scale;
}

void TimelineView::setLaneScale(double scale)
{
    m_userLaneScale = scale <= 0 ? 0 : std::clamp(scale, minLaneScale, maxLaneScale);
    m_sectionCache.reset();
    updateScrollBar();
    invalidate();
}

const std::vector<TimelineView::Section> &TimelineView::sections(int width) const
{
    // Computed once per change (trace, size, arrangement, lane scale, palette), not per paint, hover or
    // drag step. The reference stays valid until a call with another width or the next change.
    if (m_sectionCache && m_sectionCache->width == width && m_sectionCache->height == viewport()->height())
        return m_sectionCache->sections;
    std::vector<Section> out;
    int y = 0;
    const double scale = laneScale();
    auto add = [&](const Trace *t, const QString &title, bool legend) {
        Section s{t, title, QRect(), legend, scale, {}};
        const TimelinePainter p = painterFor(s);
        s.area = QRect(0, y, width, p.preferredHeight(width));
        s.layout = p.layout(s.area); // its legend in the palette shown: a palette change resets the cache
        y += s.area.height();
        out.push_back(std::move(s));
    };
    if (m_previous) add(shown(m_previous), m_previousTitle, false);
    if (m_current) add(shown(m_current), m_title, true);
    m_sectionCache = SectionCache{width, viewport()->height(), std::move(out)};
    return m_sectionCache->sections;
}

void TimelineView::setCriticalPathShown(bool on)
{
    if (on == m_showPath) return;
    m_showPath = on;
    traceChanged(); // the legend gains or loses its entry: lay out again
}

void TimelineView::updateCriticalPath(bool walk)
{
    // Walked once when asked (a run that has ended, or another run shown), never per frame: a live run's
    // path would be walked again at every frame as it grows, over millions of segments.
    const Trace *t = shown(m_current);
    m_path = walk && m_showPath && t ? criticalPath(*t, std::nullopt, maxPathSegments) : CriticalPath{};
    m_pathFor = m_path.total > 0 ? t : nullptr;
    traceChanged();
}

TimelinePainter TimelineView::painterFor(const Section &s) const
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    TimelinePainter p(*s.trace, dark ? TimelinePalette::dark() : TimelinePalette::light());
    p.setLaneScale(s.laneScale);
    p.setArrangement(m_arrangement);
    p.setTitle(s.title);
    p.setShowLegend(s.legend);
    if (s.trace == shown(m_current))
        p.setNote(m_note);
    else if (s.trace == shown(m_previous))
        p.setNote(m_previousNote);
    if (s.legend) p.setChart(m_chart);
    if (m_showPath && m_pathFor && s.trace == m_pathFor && m_pathFor == shown(m_current))
        p.setCriticalPath(&m_path.segments);
    if (s.legend && m_previous) p.setLegendAlso({shown(m_previous)}); // the legend is the current run's
    p.setWindow(s.trace->start() + m_zoom->start(), s.trace->start() + m_zoom->end());
    return p;
}

int TimelineView::contentHeight() const
{
    const auto &s = sections(viewport()->width());
    return s.empty() ? 0 : s.back().area.bottom() + 1;
}

void TimelineView::updateScrollBar()
{
    const int overflow = std::max(0, contentHeight() - viewport()->height());
    verticalScrollBar()->setRange(0, overflow);
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(24);
}

QRect TimelineView::plotRect() const
{
    const auto &s = sections(viewport()->width());
    if (s.empty()) return {};
    const QRect &plot = s.front().layout.plot;
    return QRect(plot.left(), 0, plot.width(), viewport()->height());
}

std::int64_t TimelineView::timeAt(int x) const
{
    const QRect plot = plotRect();
    if (plot.width() <= 0) return 0;
    const double f = double(x - plot.left()) / double(plot.width());
    return m_zoom->start() + std::int64_t(std::llround(f * double(m_zoom->end() - m_zoom->start())));
}

void TimelineView::paintAll(QPainter &p, int width) const
{
    InkLog ink; // the legend under the last run lists what any run drew
    for (const Section &s : sections(width)) {
        TimelinePainter painter = painterFor(s);
        painter.setInkLog(&ink);
        painter.paint(p, s.layout);
    }
    // The selection spans every stacked run, since they share the time axis.
    if (const auto sel = m_zoom->selection(); sel && m_current) {
        const auto &secs = sections(width);
        const TimelineLayout &l = secs.front().layout;
        const coords::Mapping m{m_zoom->start(), m_zoom->end(), double(l.plot.left()),
                                double(l.plot.width())};
        const int x0 = int(std::max(double(l.plot.left()), m.toX(sel->first)));
        const int x1 = int(std::min(double(l.plot.right()), m.toX(sel->second)));
        const QRect band(x0, 0, std::max(1, x1 - x0), secs.back().area.bottom());
        p.fillRect(band, QColor(0x56, 0xB4, 0xE9, 60));
        p.setPen(QColor(0x00, 0x72, 0xB2));
        p.drawLine(band.topLeft(), band.bottomLeft());
        p.drawLine(band.topRight(), band.bottomRight());
        const QString text = QString::fromStdString(coords::formatDuration(sel->second - sel->first));
        QFont f = p.font();
        f.setBold(true);
        p.setFont(f);
        // At the top of the lanes, under the title it once covered.
        const QRect label(band.center().x() - 60, l.plot.top() + 2, 120, 20);
        p.fillRect(label, QColor(0x00, 0x72, 0xB2));
        p.setPen(Qt::white);
        p.drawText(label, Qt::AlignCenter, text);
    }
}

QImage TimelineView::renderImage(int minWidth, int scale) const
{
    const int width = std::max(minWidth, viewport()->width());
    const auto &secs = sections(width);
    const int height = secs.empty() ? 200 : secs.back().area.bottom() + 1;
    scale = std::clamp(scale, 1, 4);
    QImage image(width * scale, height * scale, QImage::Format_RGB32);
    image.setDevicePixelRatio(scale); // the same layout, every line and letter drawn `scale` times finer
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    paintAll(p, width);
    p.end();
    image.setDevicePixelRatio(1); // a file has no device pixel ratio
    return image;
}

void TimelineView::paintEvent(QPaintEvent *)
{
    const qreal dpr = viewport()->devicePixelRatioF();
    const QSize pixels = viewport()->size() * dpr;
    // The lanes, drawn on `p` (translated by the scroll position inside).
    const auto paintFrame = [&](QPainter &p) {
        const std::int64_t began = nowNs();
        QRegion bare(QRect(QPoint(0, 0), viewport()->size()));
        // Each run's section fills its own area with the timeline's background: only what lies outside
        // them gets the widget's (once, not under them too: at scale 2 the frame is 33 MB).
        if (m_current)
            for (const Section &s : sections(viewport()->width()))
                bare -= s.layout.area.translated(0, -verticalScrollBar()->value());
        for (const QRect &r : bare)
            p.fillRect(r, palette().color(QPalette::Base));
        if (!m_current) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(QRect(QPoint(0, 0), viewport()->size()), Qt::AlignCenter | Qt::TextWordWrap,
                       tr("Pick a scenario, set its parameters, and press Run (F5).\n"
                          "Threads appear here as swimlanes while they run."));
        } else {
            p.save();
            p.translate(0, -verticalScrollBar()->value());
            paintAll(p, viewport()->width());
            p.restore();
        }
        m_frameDirty = false;
        m_frameCostNs = nowNs() - began;
    };
    QPainter screen(viewport());
    if (m_frameDirty && dpr >= 2 && dpr == std::floor(dpr)) {
        // A new frame at scale 2, 3 ... goes straight to the window: drawn into the image below and then
        // copied, it was copied 33 MB a frame at scale 2, each poll of a live run. The image keeps the
        // other frames as they were: at a fractional scale the window's offset can be half a pixel, where
        // the direct fills round otherwise, and at scale 1 QPainter blends glyphs into the window's
        // pixels with a rounding of its own. The image is drawn again when a frame is shown once more.
        // As a painter on the image starts: the application's font, a black pen, no brush.
        screen.setFont(QFont());
        screen.setPen(QPen());
        screen.setBrush(Qt::NoBrush);
        paintFrame(screen);
        m_framePixels = QSize();
    } else {
        if (m_frameDirty || m_framePixels != pixels || m_frame.devicePixelRatio() != dpr) {
            // The same image again while it is large enough: a fresh one each frame was a fresh mapping to
            // fault in and clear (33 MB at 1920x1080 and scale 2: a third of a live frame's time), and so
            // was one a few pixels narrower when the scroll bar came with a run's 64 lanes (60-80 ms, the
            // slowest frame of such a run). Only the viewport's part of it is drawn and shown.
            if (m_frame.width() < pixels.width() || m_frame.height() < pixels.height())
                m_frame = QImage(pixels.expandedTo(m_frame.size()), QImage::Format_RGB32);
            m_framePixels = pixels;
            m_frame.setDevicePixelRatio(dpr);
            QPainter p(&m_frame);
            paintFrame(p);
        }
        screen.drawImage(QPointF(0, 0), m_frame, QRectF(QPointF(0, 0), QSizeF(pixels)));
    }
    if (const QRect box = flashRect(); !box.isNull()) {
        // What F3 found, ringed for a moment over the frame.
        screen.setRenderHint(QPainter::Antialiasing);
        QColor ring = palette().color(QPalette::Highlight);
        screen.setPen(QPen(ring, 3));
        ring.setAlpha(40);
        screen.setBrush(ring);
        screen.drawRoundedRect(box, 5, 5);
    }
    if (m_drag == Drag::Lane && m_dropLineY >= 0) { // where the dragged lane would land
        screen.fillRect(QRect(0, m_dropLineY - 1, viewport()->width(), 3),
                        palette().color(QPalette::Highlight));
    }
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
    invalidate();
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::FontChange) {
        m_sectionCache.reset();
        invalidate();
    }
    QAbstractScrollArea::changeEvent(event);
}

} // namespace raceway
