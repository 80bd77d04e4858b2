// The per-lane drawing of TimelinePainter, level of detail included: every lane walks pixel columns,
// not events. A column covered by one state jumps straight to the column of the next transition; a
// column holding several transitions is drawn in the state that fills most of it.

#include "timelinepainter.h"
#include "vectorshapes.h"

#include <QPaintEngine>
#include <QPainterPath>

#include <array>
#include <cmath>

namespace raceway {
namespace {

constexpr int samplesPerColumn = 8;

// First element in [from, end) greater than t, searching outward from `from`: columns advance
// monotonically, so the answer is usually a few steps away and the search stays in cache.
template <typename It, typename Less> It gallop(It from, It end, std::int64_t t, Less less)
{
    std::ptrdiff_t step = 1;
    It lo = from;
    while (lo != end) {
        const It probe = end - lo > step ? lo + step : end;
        if (probe == end || less(t, *probe))
            return std::upper_bound(lo, probe, t, less);
        lo = probe;
        step *= 2;
    }
    return end;
}

// The same answer, starting from a guess (the previous column's count of transitions is a good one).
template <typename It, typename Less> It gallopNear(It lo, It end, It guess, std::int64_t t, Less less)
{
    if (guess <= lo || guess >= end)
        return gallop(lo, end, t, less);
    if (!less(t, *guess))
        return gallop(guess, end, t, less);
    std::ptrdiff_t step = 1;
    It hi = guess;
    for (;;) {
        const It probe = hi - lo > step ? hi - step : lo;
        if (probe == lo || !less(t, *probe))
            return std::upper_bound(probe, hi, t, less);
        hi = probe;
        step *= 2;
    }
}

// Colour keys: one per state, then one per CPU core for process lanes that are running.
constexpr int coreKeys = 8;
constexpr int colourKeys = stateCount + coreKeys;

struct RunBatcher
{
    std::array<QVector<QRect>, colourKeys> rects;
    int key = int(State::Idle);
    int from = 0, to = 0; // columns [from, to)
    int top = 0, height = 0, left = 0;

    void add(int k, int x0, int x1)
    {
        if (k == key && x0 == to) {
            to = x1;
            return;
        }
        flush();
        key = k;
        from = x0;
        to = x1;
    }
    void flush()
    {
        if (to > from && key != int(State::Idle) && key != int(State::Free)) {
            // Finished lanes shrink to a thin line so that the live ones stand out.
            const int h = key == int(State::Done) ? std::max(2, height / 4) : height;
            rects[std::size_t(key)].append(QRect(left + from, top + (height - h) / 2, to - from, h));
        }
        from = to = 0;
        key = int(State::Idle);
    }
};

// Thousands of one-pixel-wide rectangles cost QPainter more in setup than in pixels. When painting
// opaque colour straight into a 32-bit image at a whole-number scale, write the scanlines directly.
bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    if (colour.alpha() != 255 || !p.device() || p.device()->devType() != QInternal::Image)
        return false;
    auto *image = static_cast<QImage *>(p.device());
    if (image->format() != QImage::Format_RGB32 && image->format() != QImage::Format_ARGB32 &&
        image->format() != QImage::Format_ARGB32_Premultiplied)
        return false;
    // Logical pixels to image pixels: a whole-number scale (the device pixel ratio: 1, 2, 3) and a
    // whole-pixel shift. Anything else (1.5, rotations) is left to QPainter.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() || p.compositionMode() != QPainter::CompositionMode_SourceOver)
        return false;
    const int k = int(t.m11());
    const QPoint offset(int(t.dx()), int(t.dy()));
    if (k < 1 || double(k) != t.m11() || QPointF(t.dx(), t.dy()) != QPointF(offset))
        return false;
    const auto toImage = [k, offset](const QRect &r) {
        return QRect(QPoint(r.left() * k, r.top() * k) + offset, QSize(r.width() * k, r.height() * k));
    };
    QRect bounds = image->rect();
    if (p.hasClipping()) {
        const QRegion clip = p.clipRegion();
        if (clip.rectCount() != 1)
            return false;
        bounds &= toImage(clip.boundingRect());
    }
    const quint32 value = colour.rgba();
    uchar *bits = image->bits(); // detaches once, not per scanline
    const qsizetype stride = image->bytesPerLine();
    for (const QRect &r : rects) {
        const QRect d = toImage(r) & bounds;
        for (int y = d.top(); y <= d.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(bits + y * stride);
            std::fill(line + d.left(), line + d.right() + 1, value);
        }
    }
    return true;
}

} // namespace

void TimelinePainter::paintStates(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &T = lane.times;
    const std::size_t n = T.size();
    if (n == 0)
        return;
    const std::int64_t laneEnd = std::max(m_trace.end(), T.back());
    const double npp = m.nsPerPixel();
    const int width = r.width();
    RunBatcher batch;
    batch.top = r.top() + 2;
    batch.height = r.height() - 4;
    batch.left = r.left();
    struct Label
    {
        int x0, x1;
        std::uint16_t obj;
        State state;
    };
    std::vector<Label> labels;
    // Process lanes show which core they run on by colour.
    const bool byCore = lane.kind == LaneKind::Process;
    auto keyOf = [byCore](State st, std::uint16_t obj) {
        return byCore && st == State::Running ? stateCount + obj % coreKeys : int(st);
    };

    // Runs of one state and object, so that two holders or two tasks that meet get a seam between them.
    struct Run
    {
        int x0, x1;
        State state;
        std::uint16_t obj;
    };
    std::vector<Run> runs;
    auto addRun = [&](State st, std::uint16_t obj, int x0, int x1) {
        batch.add(keyOf(st, obj), x0, x1);
        if (!runs.empty() && runs.back().state == st && runs.back().obj == obj && runs.back().x1 == x0)
            runs.back().x1 = x1;
        else
            runs.push_back({x0, x1, st, obj});
    };

    int x = std::max(0, int(std::floor(double(T[0] - m.start) / npp)));
    auto columnStart = [&](int col) { return m.start + std::int64_t(std::floor(double(col) * npp)); };

    // Very dense lanes (many buckets per pixel) are drawn from the bucket summaries alone: a linear
    // walk over an array 32 times smaller than the transitions, in which every column's buckets vote
    // with their dominant state's time. The transitions themselves are touched only past the last
    // complete bucket.
    const auto &Bk = lane.buckets;
    const std::ptrdiff_t visible = lane.indexAt(m.end) - std::max<std::ptrdiff_t>(0, lane.indexAt(m.start));
    if (double(visible) > double(width) * 4 * Lane::bucketSize && !Bk.empty()) {
        // b: the first bucket that starts at or after the current column's start.
        auto b = std::size_t(std::lower_bound(Bk.begin(), Bk.end(), columnStart(x),
                                              [](const Bucket &k, std::int64_t t) { return k.start < t; }) -
                             Bk.begin());
        const std::int64_t bucketsEnd = T[Bk.size() * Lane::bucketSize];
        while (x < width && columnStart(x + 1) <= bucketsEnd) {
            const std::int64_t tb = columnStart(x + 1);
            std::array<double, stateCount> share{};
            const std::size_t first = b;
            std::uint16_t obj = 0;
            for (; b < Bk.size() && Bk[b].start < tb; ++b) {
                share[int(Bk[b].dominant)] += double(Bk[b].dominantNs) + 1;
                obj = Bk[b].obj;
            }
            if (b == first) { // no bucket starts in this column: the one spanning it colours it
                share[int(Bk[b == 0 ? 0 : b - 1].dominant)] += 1;
                obj = Bk[b == 0 ? 0 : b - 1].obj;
            }
            share[int(State::Idle)] = -1;
            addRun(State(std::max_element(share.begin(), share.end()) - share.begin()), obj, x, x + 1);
            ++x;
        }
    }
    const auto less = [](std::int64_t a, std::int64_t b) { return a < b; };
    std::size_t cursor = std::size_t(std::max<std::ptrdiff_t>(0, lane.indexAt(columnStart(x))));
    bool cursorExact = false; // true when cursor is known to be the transition in force at ta
    std::size_t lastCount = 1;
    while (x < width) {
        const std::int64_t ta = columnStart(x);
        const std::int64_t tb = columnStart(x + 1);
        if (ta >= laneEnd)
            break;
        // The transition in force at ta, and the first one at or after tb.
        std::size_t i = cursor;
        if (!cursorExact) {
            const auto after = gallop(T.begin() + std::ptrdiff_t(cursor), T.end(), ta, less);
            i = after == T.begin() ? 0 : std::size_t(after - T.begin()) - 1;
        }
        const auto guess = T.begin() + std::ptrdiff_t(std::min(n, i + lastCount));
        const auto j = std::size_t(gallopNear(T.begin() + std::ptrdiff_t(i), T.end(), guess, tb - 1, less) - T.begin());
        if (j <= i) { // the column ends before the lane's first transition
            ++x;
            cursorExact = false;
            continue;
        }
        lastCount = j - i;
        // The next column starts at tb: the transition in force there is j if it starts exactly at tb.
        cursor = (j < n && T[j] == tb) ? j : j - 1;
        cursorExact = true;
        if (j == i + 1) {
            // One state covers this column and every column up to the next transition.
            const std::int64_t next = j < n ? T[j] : laneEnd;
            const int xNext = std::min(width, std::max(x + 1, int(std::floor(double(next - m.start) / npp))));
            addRun(lane.states[i], lane.objs[i], x, xNext);
            cursorExact = xNext == x + 1;
            if ((lane.states[i] == State::Held && xNext - x > 56) ||
                ((lane.states[i] == State::Task || lane.states[i] == State::WaitingIo) && xNext - x > 44))
                labels.push_back({x, xNext, lane.objs[i], lane.states[i]});
            x = xNext;
            continue;
        }
        std::array<double, stateCount> share{};
        // The object of each state's longest piece in this column: who held the lock, which task ran.
        std::array<std::uint16_t, stateCount> objOf{};
        std::array<double, stateCount> longest{};
        if (j - i <= samplesPerColumn) {
            for (std::size_t k = i; k < j; ++k) {
                const std::int64_t s0 = std::max(T[k], ta);
                const std::int64_t s1 = std::min(k + 1 < n ? T[k + 1] : laneEnd, tb);
                if (s1 > s0) {
                    const auto st = std::size_t(lane.states[k]);
                    share[st] += double(s1 - s0);
                    if (double(s1 - s0) > longest[st]) {
                        longest[st] = double(s1 - s0);
                        objOf[st] = lane.objs[k];
                    }
                }
            }
        } else {
            // Many transitions in one pixel: sample intervals at evenly spaced indices and weight each
            // by its length. That estimates every state's share of the column's time without bias, and
            // costs a few loads instead of a search per sample.
            const double stride = double(j - i) / samplesPerColumn;
            for (int q = 0; q < samplesPerColumn; ++q) {
                const std::size_t k = i + std::size_t(double(q) * stride);
                const std::int64_t s0 = std::max(T[k], ta);
                const std::int64_t s1 = std::min(k + 1 < n ? T[k + 1] : laneEnd, tb);
                share[int(lane.states[k])] += double(std::max<std::int64_t>(s1 - s0, 0));
            }
        }
        share[int(State::Idle)] = -1;
        const auto best = State(std::max_element(share.begin(), share.end()) - share.begin());
        addRun(best, longest[std::size_t(best)] > 0 ? objOf[std::size_t(best)] : lane.objs[i], x, x + 1);
        ++x;
    }
    batch.flush();
    // A seam where one holder hands the lock to the next, or one task follows another on a pool thread,
    // wherever both sides are wide enough to see (zoom in to see every hand-over).
    std::vector<int> seams;
    for (std::size_t k = 1; k < runs.size(); ++k) {
        const Run &a = runs[k - 1], &b = runs[k];
        if (a.x1 == b.x0 && a.state == b.state && a.obj != b.obj && (a.state == State::Held || a.state == State::Task) &&
            a.x1 - a.x0 >= 3 && b.x1 - b.x0 >= 3)
            seams.push_back(b.x0);
    }

    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    // A vector file gets one shape per colour instead of one per run.
    const bool vector = isVectorDevice(p);
    for (int s = 0; s < colourKeys; ++s) {
        if (batch.rects[std::size_t(s)].isEmpty())
            continue;
        const QColor colour = s < stateCount ? m_palette.state(State(s)) : TimelinePalette::core(s - stateCount);
        if (vector) {
            fillColumns(p, batch.rects[std::size_t(s)], colour);
        } else if (!fillOpaqueRects(p, batch.rects[std::size_t(s)], colour)) {
            p.setBrush(colour);
            p.drawRects(batch.rects[std::size_t(s)]);
        }
    }
    // Who holds the lock or the GIL, even zoomed out where no name fits: a stripe along the top of
    // every hold in the holder's colour (the same eight hues as the cores; the waiting threads' count
    // shades the bottom), so that turns show as alternating colours.
    if (lane.kind == LaneKind::Lock || lane.kind == LaneKind::Gil) {
        std::array<QVector<QRect>, coreKeys> stripes;
        const int h = std::clamp(batch.height / 4, 2, 5);
        for (const Run &run : runs)
            if (run.state == State::Held)
                stripes[run.obj % coreKeys].append(QRect(r.left() + run.x0, batch.top, run.x1 - run.x0, h));
        for (int c = 0; c < coreKeys; ++c) {
            if (stripes[std::size_t(c)].isEmpty())
                continue;
            const QColor colour = TimelinePalette::core(c);
            if (vector)
                fillColumns(p, stripes[std::size_t(c)], colour);
            else if (!fillOpaqueRects(p, stripes[std::size_t(c)], colour))
                for (const QRect &stripe : stripes[std::size_t(c)])
                    p.fillRect(stripe, colour);
        }
    }
    if (vector) {
        QVector<QRect> seamRects;
        for (int sx : seams)
            seamRects.append(QRect(r.left() + sx, batch.top, 1, batch.height));
        fillColumns(p, seamRects, m_palette.background);
    } else {
        for (int sx : seams)
            p.fillRect(QRect(r.left() + sx, batch.top, 1, batch.height), m_palette.background);
    }
    p.setPen(Qt::white);
    for (const Label &l : labels) {
        const QString text = l.state == State::Task        ? QStringLiteral("task %1").arg(l.obj + 1)
                             : l.state == State::WaitingIo ? QStringLiteral("#%1").arg(l.obj + 1)
                             : l.obj < m_trace.lanes().size() ? m_trace.lane(l.obj).name
                                                              : QString();
        p.drawText(QRect(r.left() + l.x0 + 4, r.top(), l.x1 - l.x0 - 8, r.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   text);
    }
    p.restore();
}

namespace {

QPolygonF lostGlyph(double x, double top)
{
    return QPolygonF({QPointF(x - 4.5, top), QPointF(x + 4.5, top), QPointF(x, top + 8)});
}

QPolygonF restoredGlyph(double x, double bottom)
{
    return QPolygonF({QPointF(x - 3.5, bottom), QPointF(x + 3.5, bottom), QPointF(x, bottom - 6)});
}

// On raster devices a marker is one blit of a pre-drawn glyph, far cheaper than filling thousands of
// antialiased paths; vector devices (SVG) get real polygons.
QImage glyphImage(const QPolygonF &shape, const QColor &fill, const QPen &pen)
{
    QImage img(12, 12, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(pen);
    p.setBrush(fill);
    p.drawPolygon(shape.translated(6, 1));
    return img;
}

} // namespace

void TimelinePainter::paintMarkers(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &M = lane.markers;
    if (M.empty())
        return;
    const double npp = m.nsPerPixel();
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto k = std::size_t(std::lower_bound(M.begin(), M.end(), m.start, byTime) - M.begin());
    QVector<QPointF> lost, restored;
    QVector<QLine> ticks;
    // Writes whose glyphs would overlap are one cluster: a single write keeps its triangle, several
    // become one badge with their count, as wide as the count needs; zooming in separates them.
    struct Badge
    {
        double x; // the first write's pixel column centre
        int writes;
        bool lost;
    };
    std::vector<Badge> clusters;
    QFont badgeFont = p.font();
    badgeFont.setPixelSize(9);
    badgeFont.setBold(true);
    const QFontMetrics badgeMetrics(badgeFont);
    const int digitWidth = badgeMetrics.horizontalAdvance(QLatin1Char('0')); // digits share one width
    const auto digits = [](int n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            ++d;
        }
        return d;
    };
    const auto badgeWidth = [&](int writes) { return writes > 1 ? double(digits(writes) * digitWidth + 6) : 9.0; };
    while (k < M.size() && M[k].t <= m.end) {
        const double col = std::floor(double(M[k].t - m.start) / npp);
        const double x = r.left() + col + 0.5;
        const std::int64_t colEnd = m.start + std::int64_t((col + 1) * npp);
        const auto k2 = std::size_t(std::lower_bound(M.begin() + std::ptrdiff_t(k) + 1, M.end(), colEnd, byTime) -
                                    M.begin());
        const int writes = int(k2 - k);
        bool anyLost = false;
        for (std::size_t j = k; j < k2 && !anyLost; ++j)
            anyLost = M[j].value > 0;
        if (!clusters.empty()) {
            Badge &c = clusters.back();
            // Joins the cluster if its glyph would touch the cluster's badge (as wide as it would become).
            if (x - 4.5 < c.x - 4.5 + badgeWidth(c.writes + writes) + 1) {
                c.writes += writes;
                c.lost |= anyLost;
                k = k2;
                continue;
            }
        }
        clusters.push_back({x, writes, anyLost});
        k = k2;
    }
    std::vector<Badge> badges;
    for (const Badge &c : clusters) {
        if (!c.lost) {
            restored.append(QPointF(c.x, r.bottom() - 0.5));
        } else if (c.writes == 1) {
            lost.append(QPointF(c.x, r.top() + 0.5));
            ticks.append(QLine(int(c.x), r.top() + 8, int(c.x), r.bottom()));
        } else {
            badges.push_back(c);
            ticks.append(QLine(int(c.x), r.top() + 11, int(c.x), r.bottom()));
        }
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPen outline(m_palette.lostOutline, 1);
    p.setPen(outline);
    const bool vector = isVectorDevice(p);
    if (vector) {
        // One element for all the ticks. A raster line fills the pixel column right of its x, first and
        // last rows included: a flat-capped stroke down the middle of that column covers the same.
        QPainterPath path;
        for (const QLine &tick : ticks) {
            path.moveTo(tick.x1() + 0.5, tick.y1());
            path.lineTo(tick.x2() + 0.5, tick.y2() + 1);
        }
        QPen flat = outline;
        flat.setCapStyle(Qt::FlatCap);
        p.setPen(flat);
        p.drawPath(path);
        p.setPen(outline);
    } else {
        p.drawLines(ticks);
    }
    if (p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster) {
        const QImage lostImg = glyphImage(lostGlyph(0, 0), m_palette.lostMarker, outline);
        const QImage restoredImg = glyphImage(restoredGlyph(0, 10), m_palette.restoredMarker, Qt::NoPen);
        for (const QPointF &pt : lost)
            p.drawImage(QPointF(pt.x() - 6, pt.y() - 1), lostImg);
        for (const QPointF &pt : restored)
            p.drawImage(QPointF(pt.x() - 6, pt.y() - 11), restoredImg);
    } else {
        // A vector file puts each glyph where the raster branch's image lands: on a whole pixel, which is
        // half a pixel right of and below the point.
        auto place = [vector](QPointF pt, QPointF corner) {
            return vector ? QPointF((pt - corner).toPoint()) + corner : pt;
        };
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setBrush(m_palette.lostMarker);
        for (const QPointF &pt : lost) {
            const QPointF at = place(pt, QPointF(6, 1));
            p.drawPolygon(lostGlyph(at.x(), at.y()));
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_palette.restoredMarker);
        for (const QPointF &pt : restored) {
            const QPointF at = place(pt, QPointF(6, 11));
            p.drawPolygon(restoredGlyph(at.x(), at.y()));
        }
    }
    // Clusters: a badge in the lost-update colour with the number of writes in it. On raster devices each
    // digit is a blit of a pre-drawn image (a frame can hold thousands of badges); vector devices get text.
    if (!badges.empty()) {
        p.setRenderHint(QPainter::Antialiasing, false);
        const bool raster = p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster;
        std::array<QImage, 10> digitImages;
        if (raster) {
            const qreal dpr = p.device()->devicePixelRatioF();
            for (int d = 0; d < 10; ++d) {
                QImage img(QSize(digitWidth, 11) * dpr, QImage::Format_ARGB32_Premultiplied);
                img.setDevicePixelRatio(dpr);
                img.fill(Qt::transparent);
                QPainter g(&img);
                g.setFont(badgeFont);
                g.setPen(m_palette.lostOutline);
                g.drawText(QRect(0, 0, digitWidth, 11), Qt::AlignCenter, QString(QChar(u'0' + d)));
                digitImages[std::size_t(d)] = img;
            }
        }
        for (const Badge &b : badges) {
            const QRect box(int(b.x) - 4, r.top(), int(badgeWidth(b.writes)), 11);
            p.setPen(outline);
            p.setBrush(m_palette.lostMarker);
            p.drawRect(box.adjusted(0, 0, -1, -1));
            const QString text = QString::number(b.writes);
            if (raster) {
                int x = box.left() + (box.width() - int(text.size()) * digitWidth) / 2;
                for (const QChar c : text) {
                    p.drawImage(QPoint(x, box.top()), digitImages[std::size_t(c.unicode() - u'0')]);
                    x += digitWidth;
                }
            } else {
                p.setPen(m_palette.lostOutline);
                p.setFont(badgeFont);
                p.drawText(box, Qt::AlignCenter, text);
            }
        }
    }
    p.restore();
}

void TimelinePainter::paintCounter(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &S = lane.series;
    if (S.empty())
        return;
    std::int64_t top = 1;
    for (const SeriesPoint &pt : {S.front(), S.back()})
        top = std::max({top, pt.a, pt.b});
    const double y0 = r.bottom() - 3, scale = double(r.height() - 8) / double(top);
    auto yOf = [&](std::int64_t v) { return int(std::lround(y0 - double(v) * scale)); };
    auto less = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    // One vertical segment per pixel column for each line (from the previous column's value to this
    // one's), and one rectangle for the gap between them: no path stroking, however long the series.
    QVector<QLine> expected, actual;
    QVector<QRect> gap;
    const std::int64_t lastT = std::max(m_trace.end(), S.back().t);
    const int firstX = std::max(0, int(std::floor(double(S.front().t - m.start) / m.nsPerPixel())));
    auto it = S.begin();
    int prevA = -1, prevB = -1;
    for (int x = firstX; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x + 1);
        if (m.toTime(r.left() + x) > lastT)
            break;
        it = gallop(it, S.end(), t, less);
        const SeriesPoint &pt = it == S.begin() ? S.front() : *(it - 1);
        const int ya = yOf(pt.a), yb = yOf(pt.b);
        const int px = r.left() + x;
        expected.append(QLine(px, prevA < 0 ? ya : prevA, px, ya));
        actual.append(QLine(px, prevB < 0 ? yb : prevB, px, yb));
        if (yb > ya + 1)
            gap.append(QRect(px, ya + 1, 1, yb - ya - 1));
        prevA = ya;
        prevB = yb;
        if (it != S.begin())
            --it;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    if (isVectorDevice(p)) {
        // The gap as one polygon and each line as one polyline. Square caps and mitred corners make
        // the polyline's stroke cover what the separate segments' strokes cover.
        fillColumns(p, gap, m_palette.lostArea);
        p.setBrush(Qt::NoBrush);
        for (const auto &[segments, colour] :
             {std::pair{&expected, m_palette.expectedLine}, std::pair{&actual, m_palette.actualLine}}) {
            p.setPen(QPen(colour, 2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            const QPolygon line = joinSegments(*segments);
            if (line.size() >= 2)
                p.drawPolyline(line);
            else
                p.drawLines(*segments);
        }
        p.restore();
        return;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(m_palette.lostArea);
    p.drawRects(gap);
    p.setPen(QPen(m_palette.expectedLine, 2));
    p.drawLines(expected);
    p.setPen(QPen(m_palette.actualLine, 2));
    p.drawLines(actual);
    p.restore();
}

void TimelinePainter::paintBars(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m,
                                std::int64_t fullScale, const QColor &colour, int maxHeight) const
{
    const auto &S = lane.series;
    if (S.empty())
        return;
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    QVector<QRect> bars;
    auto it = S.begin();
    const std::int64_t last = m_trace.end();
    for (int x = 0; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x);
        if (t > last)
            break;
        it = gallop(it, S.end(), t, before);
        if (it == S.begin())
            continue;
        --it;
        const std::int64_t v = it->a;
        if (v <= 0)
            continue;
        const int h = std::clamp(int(std::lround(double(v) * maxHeight / double(std::max<std::int64_t>(1, fullScale)))), 1, maxHeight);
        bars.append(QRect(r.left() + x, r.bottom() - h, 1, h));
    }
    p.save();
    p.setPen(Qt::NoPen);
    if (isVectorDevice(p)) {
        fillColumns(p, bars, colour);
    } else if (!fillOpaqueRects(p, bars, colour)) {
        p.setBrush(colour);
        p.drawRects(bars);
    }
    p.restore();
}

} // namespace raceway
