#include "overviewstrip.h"

#include "lanes/columnsearch.h"

#include "palette.h"
#include "timelinepainter.h"
#include "timelinezoom.h"

#include <QMouseEvent>
#include <QPainter>

#include <array>
#include <cmath>

namespace raceway {

namespace {
constexpr int stripHeight = 34;
constexpr int edgeGrab = 5; // pixels either side of a frame edge that grab it
} // namespace

OverviewStrip::OverviewStrip(TimelineZoom *zoom, QWidget *parent) : QWidget(parent), m_zoom(zoom)
{
    setObjectName(QStringLiteral("overview"));
    setMouseTracking(true);
    setToolTip(tr("The whole run: drag the frame to pan, drag its edges to zoom, click to centre there, "
                  "double-click to see everything"));
    connect(m_zoom, &TimelineZoom::windowChanged, this, qOverload<>(&QWidget::update));
}

QSize OverviewStrip::sizeHint() const
{
    return {400, stripHeight};
}

QSize OverviewStrip::minimumSizeHint() const
{
    return {200, stripHeight};
}

void OverviewStrip::setTrace(const Trace *trace)
{
    m_trace = trace;
    traceChanged();
}

void OverviewStrip::traceChanged()
{
    m_dirty = true;
    update();
}

QRect OverviewStrip::plotRect() const
{
    // The timeline's plot columns: the same label column on the left and margin on the right.
    return QRect(TimelinePainter::labelWidth, 3, std::max(10, width() - TimelinePainter::labelWidth - 12),
                 height() - 6);
}

double OverviewStrip::xOf(std::int64_t t) const
{
    const QRect r = plotRect();
    const double span = double(std::max<std::int64_t>(1, m_zoom->span()));
    return r.left() + double(t) / span * r.width();
}

std::int64_t OverviewStrip::timeAt(double x) const
{
    const QRect r = plotRect();
    return std::int64_t(std::llround((x - r.left()) / r.width() * double(m_zoom->span())));
}

QRect OverviewStrip::rangeRect() const
{
    const QRect r = plotRect();
    const int x0 = int(std::floor(xOf(m_zoom->start())));
    const int x1 = std::max(x0 + 2, int(std::ceil(xOf(m_zoom->end()))));
    return QRect(QPoint(x0, r.top()), QPoint(x1, r.bottom()));
}

void OverviewStrip::renderMiniature()
{
    const QRect r = plotRect();
    const qreal dpr = devicePixelRatioF();
    if (m_miniature.size() != r.size() * dpr) m_miniature = QImage(r.size() * dpr, QImage::Format_RGB32);
    m_miniature.setDevicePixelRatio(dpr);
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const TimelinePalette pal = dark ? TimelinePalette::dark() : TimelinePalette::light();
    m_miniature.fill(pal.laneAlternate);
    m_dirty = false;
    if (!m_trace) return;
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < m_trace->lanes().size(); ++i) {
        const LaneKind k = m_trace->lane(i).kind;
        if (k == LaneKind::Thread || k == LaneKind::Process || k == LaneKind::Lock || k == LaneKind::Gil ||
            k == LaneKind::Slices)
            rows.push_back(i);
    }
    if (rows.empty()) return;
    // Each row samples its lane's state at every device pixel's middle: a binary search per pixel, so
    // the cost follows the strip's size, not the run's length.
    const int w = m_miniature.width(), h = m_miniature.height();
    const std::int64_t start = m_trace->start();
    // Each state's colour once, and the rows' pixels found once (the palette and a scanline per pixel
    // were half the strip's cost in a live window).
    std::array<QRgb, stateCount> stateRgb{};
    for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
        stateRgb[st] = pal.state(State(st)).rgb();
    uchar *const bits = m_miniature.bits();
    const qsizetype bytesPerLine = m_miniature.bytesPerLine();
    const auto paintColumn = [&](int x, int y0, int y1, QRgb c) {
        for (int y = y0; y < y1 && y < h; ++y)
            reinterpret_cast<QRgb *>(bits + y * bytesPerLine)[x] = c;
    };
    const double nsPerPixel = double(std::max<std::int64_t>(1, m_zoom->span())) / double(w);
    for (std::size_t row = 0; row < rows.size(); ++row) {
        const int y0 = int(row * std::size_t(h) / rows.size());
        const int y1 = std::max(y0 + 1, int((row + 1) * std::size_t(h) / rows.size()));
        const Lane &lane = m_trace->lane(rows[row]);
        if (lane.kind == LaneKind::Slices) {
            // The outermost slice at each pixel, in its name's colour (in a crowd, whichever is there).
            for (int x = 0; x < w && !lane.slices.empty(); ++x) {
                const std::int64_t t = start + std::int64_t((x + 0.5) * nsPerPixel);
                const auto [first, last] = lane.slices.visible(0, t, t + std::int64_t(nsPerPixel) + 1);
                if (first == last) continue;
                paintColumn(x, y0, y1, pal.slice(m_trace->sliceHueOf(lane.slices.row(0)[first].name)).rgb());
            }
            continue;
        }
        const StateSummary &sum = lane.pastBudget;
        // Past the budget: a summarised lane's most common state in each bucket; a lock with no summary
        // (nothing of it was read past the budget) is not known there, so nothing.
        const std::int64_t stale =
            lane.kind == LaneKind::Lock || lane.kind == LaneKind::Gil
                ? (m_trace->budgetReached() != 0 ? m_trace->budgetReached() : INT64_MAX)
                : INT64_MAX;
        std::size_t bucket = 0;
        // The pixels go forward in time: each search starts where the last one ended, guessing the
        // same stride (a search of the whole lane per pixel was three quarters of the strip's cost).
        const auto less = [](std::int64_t a, std::int64_t b) { return a < b; };
        auto cursor = lane.times.begin();
        std::ptrdiff_t stride = 1;
        // Where a pixel holds many transitions, its colour is the bucket's there (the state that filled
        // most of its 32 transitions' time), or the coarse bucket's (of 1,024) where it holds thousands (a
        // run of 100M events): a walk along a small array instead of a jump into a large one per pixel.
        const double perPixel = double(lane.times.size()) / double(w);
        const Column<Bucket> *summary = nullptr;
        std::size_t span = 0;
        if (perPixel > 2048.0 && !lane.coarse.empty()) {
            summary = &lane.coarse;
            span = Lane::bucketSize * Lane::bucketSize;
        } else if (perPixel > 64.0 && !lane.buckets.empty()) {
            summary = &lane.buckets;
            span = Lane::bucketSize;
        }
        const std::int64_t summaryEnd = summary ? lane.times[summary->size() * span] : INT64_MIN;
        std::size_t cb = 0;
        for (int x = 0; x < w; ++x) {
            const std::int64_t t = start + std::int64_t((x + 0.5) * nsPerPixel);
            if (t > m_trace->end()) break;
            State s = State::Idle;
            std::uint16_t obj = 0;
            if (sum.started() && t >= sum.start()) {
                if (t >= sum.end()) {
                    if (!sum.hasOpen()) continue;
                    s = State(sum.openState());
                } else {
                    while (bucket + 1 < sum.size() && sum.bucketStart(bucket) + sum.width() <= t)
                        ++bucket;
                    std::int64_t most = 0;
                    for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
                        if (const std::int64_t ns = sum.coveredNs(bucket, st); ns > most) {
                            most = ns;
                            s = State(st);
                        }
                }
            } else if (t >= stale && !sum.started()) {
                continue;
            } else if (t < summaryEnd) {
                const Column<Bucket> &bk = *summary;
                while (cb + 1 < bk.size() && bk[cb + 1].start <= t)
                    ++cb;
                if (bk[cb].start > t) continue; // before the lane's first transition
                s = bk[cb].dominant;
                obj = bk[cb].obj;
            } else {
                const auto end = lane.times.end();
                const auto after =
                    gallopNear(cursor, end, end - cursor > stride ? cursor + stride : end, t, less);
                stride = std::max<std::ptrdiff_t>(1, after - cursor);
                cursor = after;
                const std::ptrdiff_t k = (after - lane.times.begin()) - 1;
                if (k < 0) continue;
                s = lane.states[std::size_t(k)];
                obj = lane.objs[std::size_t(k)];
            }
            if (s == State::Idle || s == State::Free) continue;
            paintColumn(x, y0, y1,
                        (lane.kind == LaneKind::Process && s == State::Running)
                            ? TimelinePalette::core(obj).rgb()
                            : stateRgb[std::size_t(s)]);
        }
    }
}

void OverviewStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const TimelinePalette pal = dark ? TimelinePalette::dark() : TimelinePalette::light();
    p.fillRect(rect(), pal.background);
    const QRect r = plotRect();
    if (m_dirty || m_miniature.size() != r.size() * devicePixelRatioF()) renderMiniature();
    p.setPen(pal.mutedText);
    QFont f = font();
    f.setPixelSize(11);
    p.setFont(f);
    p.drawText(QRect(8, 0, TimelinePainter::labelWidth - 12, height()), Qt::AlignVCenter | Qt::AlignLeft,
               tr("whole run"));
    p.drawImage(r.topLeft(), m_miniature);
    if (!m_trace) return;
    // Outside the visible range dimmed; the range framed.
    const QRect range = rangeRect();
    QColor dim = pal.background;
    dim.setAlpha(150);
    p.fillRect(QRect(QPoint(r.left(), r.top()), QPoint(range.left() - 1, r.bottom())), dim);
    p.fillRect(QRect(QPoint(range.right() + 1, r.top()), QPoint(r.right(), r.bottom())), dim);
    p.setPen(QPen(palette().color(QPalette::Highlight), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(range.adjusted(0, 0, -1, -1));
}

void OverviewStrip::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_dirty = true;
}

void OverviewStrip::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) m_dirty = true;
    QWidget::changeEvent(event);
}

void OverviewStrip::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_trace) return;
    const double x = event->position().x();
    const QRect range = rangeRect();
    m_pressX = x;
    m_pressStart = m_zoom->start();
    m_pressEnd = m_zoom->end();
    if (std::abs(x - range.left()) <= edgeGrab)
        m_drag = Drag::Start;
    else if (std::abs(x - range.right()) <= edgeGrab)
        m_drag = Drag::End;
    else if (x > range.left() && x < range.right())
        m_drag = Drag::Pan;
    else {
        // Elsewhere: the view jumps there, centred, at the same zoom, and the drag pans from there.
        const std::int64_t width = m_zoom->end() - m_zoom->start();
        const std::int64_t centre = timeAt(x);
        m_zoom->setWindow(centre - width / 2, centre - width / 2 + width);
        m_pressStart = m_zoom->start();
        m_pressEnd = m_zoom->end();
        m_drag = Drag::Pan;
    }
    event->accept();
}

void OverviewStrip::mouseMoveEvent(QMouseEvent *event)
{
    const double x = event->position().x();
    if (m_drag == Drag::None) {
        const QRect range = rangeRect();
        const bool edge = std::abs(x - range.left()) <= edgeGrab || std::abs(x - range.right()) <= edgeGrab;
        setCursor(edge ? Qt::SizeHorCursor : Qt::ArrowCursor);
        return;
    }
    const std::int64_t delta = timeAt(x) - timeAt(m_pressX);
    switch (m_drag) {
    case Drag::Pan:
        m_zoom->setWindow(m_pressStart + delta, m_pressEnd + delta);
        break;
    case Drag::Start:
        m_zoom->setWindow(std::min(m_pressStart + delta, m_pressEnd - TimelineZoom::minimumSpan), m_pressEnd);
        break;
    case Drag::End:
        m_zoom->setWindow(m_pressStart,
                          std::max(m_pressEnd + delta, m_pressStart + TimelineZoom::minimumSpan));
        break;
    case Drag::None:
        break;
    }
    event->accept();
}

void OverviewStrip::mouseReleaseEvent(QMouseEvent *event)
{
    m_drag = Drag::None;
    event->accept();
}

void OverviewStrip::mouseDoubleClickEvent(QMouseEvent *event)
{
    m_zoom->fit();
    event->accept();
}

} // namespace raceway
