#include "markerspainter.h"

#include "columnsearch.h"
#include "rasterfill.h"
#include "vectorshapes.h"

#include <QPaintEngine>
#include <QPainterPath>

#include <array>
#include <cmath>

namespace raceway {
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

// The pre-drawn glyphs and digits, kept from one lane and frame to the next while what they are drawn
// from is the same (drawing them anew for every lane was a twentieth of a frame at 1M events). One set
// a thread: any thread may paint with its own painter. Only colours, sizes and a font's key are kept
// besides the images, nothing that must go before the application does.
struct MarkerSprites
{
    QColor lostFill, outline, restoredFill;
    QImage lost, restored;
    qreal dpr = 0;
    QString fontKey;
    int digitWidth = 0;
    QColor digitInk;
    std::array<QImage, 10> digits;

    static MarkerSprites &forThisThread()
    {
        thread_local MarkerSprites sprites;
        return sprites;
    }
    void glyphsFor(const QColor &lostColour, const QColor &outlineColour, const QColor &restoredColour)
    {
        if (!lost.isNull() && lostFill == lostColour && outline == outlineColour &&
            restoredFill == restoredColour)
            return;
        lostFill = lostColour;
        outline = outlineColour;
        restoredFill = restoredColour;
        lost = glyphImage(lostGlyph(0, 0), lostFill, QPen(outline, 1));
        restored = glyphImage(restoredGlyph(0, 10), restoredFill, Qt::NoPen);
    }
    void digitsFor(qreal scale, const QFont &font, int width, const QColor &ink)
    {
        const QString key = font.key();
        if (!digits[0].isNull() && dpr == scale && fontKey == key && digitWidth == width && digitInk == ink)
            return;
        dpr = scale;
        fontKey = key;
        digitWidth = width;
        digitInk = ink;
        for (int d = 0; d < 10; ++d) {
            QImage img(QSize(width, 11) * scale, QImage::Format_ARGB32_Premultiplied);
            img.setDevicePixelRatio(scale);
            img.fill(Qt::transparent);
            QPainter g(&img);
            g.setFont(font);
            g.setPen(ink);
            g.drawText(QRect(0, 0, width, 11), Qt::AlignCenter, QString(QChar(u'0' + d)));
            digits[std::size_t(d)] = img;
        }
    }
};

} // namespace

double markerBadgeWidth(int writes, int digitWidth)
{
    int digits = 1;
    for (int n = writes; n >= 10; n /= 10)
        ++digits;
    return writes > 1 ? double(digits * digitWidth + 6) : 9.0;
}

QFont markerBadgeFont(const QFont &base)
{
    QFont badgeFont = base;
    badgeFont.setPixelSize(9);
    badgeFont.setBold(true);
    return badgeFont;
}

int markerDigitWidth(const QFont &base)
{
    return QFontMetrics(markerBadgeFont(base)).horizontalAdvance(QLatin1Char('0')); // digits share one width
}

std::vector<MarkerCluster> markerClusters(const coords::Mapping &m, const Lane &lane, int left,
                                          int digitWidth)
{
    const auto &M = lane.markers;
    std::vector<MarkerCluster> clusters;
    const double npp = m.nsPerPixel();
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto afterTime = [](std::int64_t t, const Marker &mk) { return t < mk.t; };
    auto k = std::size_t(std::lower_bound(M.begin(), M.end(), m.start, byTime) - M.begin());
    // Writes whose glyphs would overlap are one cluster: a single write keeps its triangle, several
    // become one badge with their count, as wide as the count needs; zooming in separates them.
    while (k < M.size() && M[k].t <= m.end) {
        const double col = std::floor(double(M[k].t - m.start) / npp);
        const double x = left + col + 0.5;
        const std::int64_t colEnd = m.start + std::int64_t((col + 1) * npp);
        // The first marker at or after the column's end: a few steps on, found by galloping from k.
        const auto k2 = std::size_t(
            gallop(M.begin() + std::ptrdiff_t(k) + 1, M.end(), colEnd - 1, afterTime) - M.begin());
        const int writes = int(k2 - k);
        bool anyLost = false;
        for (std::size_t j = k; j < k2 && !anyLost; ++j)
            anyLost = M[j].value > 0;
        if (!clusters.empty()) {
            MarkerCluster &c = clusters.back();
            // Joins the cluster if its glyph would touch the cluster's badge (as wide as it would become).
            if (x - 4.5 < c.x - 4.5 + markerBadgeWidth(c.writes + writes, digitWidth) + 1) {
                c.writes += writes;
                c.lost |= anyLost;
                c.last = k2;
                k = k2;
                continue;
            }
        }
        clusters.push_back({x, writes, anyLost, k, k2});
        k = k2;
    }
    return clusters;
}

void paintMarkers(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r)
{
    const coords::Mapping &m = ctx.mapping;
    if (lane.markers.empty() || r.height() < 8) return; // a thin row of a collapsed group: its states only
    const QFont badgeFont = markerBadgeFont(p.font());
    const int digitWidth = markerDigitWidth(p.font());
    const auto badgeWidth = [&](int writes) { return markerBadgeWidth(writes, digitWidth); };
    const std::vector<MarkerCluster> clusters = markerClusters(m, lane, r.left(), digitWidth);
    QVector<QPointF> lost, restored;
    QVector<QLine> ticks;
    std::vector<MarkerCluster> badges;
    for (const MarkerCluster &c : clusters) {
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
    if (!lost.isEmpty() || !badges.empty()) ctx.inked(ctx.palette.lostMarker);
    if (!restored.isEmpty()) ctx.inked(ctx.palette.restoredMarker);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPen outline(ctx.palette.lostOutline, 1);
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
    } else if (!fillOpaqueVerticalLines(p, ticks, ctx.palette.lostOutline)) {
        p.drawLines(ticks);
    }
    MarkerSprites &sprites = MarkerSprites::forThisThread();
    if (p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster) {
        sprites.glyphsFor(ctx.palette.lostMarker, ctx.palette.lostOutline, ctx.palette.restoredMarker);
        const QImage &lostImg = sprites.lost, &restoredImg = sprites.restored;
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
        p.setBrush(ctx.palette.lostMarker);
        for (const QPointF &pt : lost) {
            const QPointF at = place(pt, QPointF(6, 1));
            p.drawPolygon(lostGlyph(at.x(), at.y()));
        }
        p.setPen(Qt::NoPen);
        p.setBrush(ctx.palette.restoredMarker);
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
        if (raster) sprites.digitsFor(ctx.dpr, badgeFont, digitWidth, ctx.palette.lostOutline);
        const std::array<QImage, 10> &digitImages = sprites.digits;
        // Badges never overlap one another (a write that would touch one joins it), except where the first
        // keeps inside the plot: then, or where the direct fill would not put an edge where QPainter does
        // (a fractional scale), each is drawn whole before the next, as before.
        const auto boxOf = [&](const MarkerCluster &b) {
            return QRect(std::max(r.left(), int(b.x) - 4), r.top(), int(badgeWidth(b.writes)), 11);
        };
        bool apart = raster && directFillIsExact(p);
        for (std::size_t k = 1; k < badges.size() && apart; ++k)
            apart = !boxOf(badges[k - 1]).intersects(boxOf(badges[k]));
        if (apart) {
            // Every outline, then every inside, each in one go straight into the image.
            QVector<QRect> outlines, insides;
            for (const MarkerCluster &b : badges) {
                outlines.append(boxOf(b));
                insides.append(boxOf(b).adjusted(1, 1, -1, -1));
            }
            apart = fillOpaqueRects(p, outlines, ctx.palette.lostOutline) &&
                    fillOpaqueRects(p, insides, ctx.palette.lostMarker);
        }
        for (const MarkerCluster &b : badges) {
            // At the lane's start the badge keeps inside the plot, whole, instead of under the label column.
            const QRect box = boxOf(b);
            const QString text = QString::number(b.writes);
            if (raster) {
                // Its outline and inside as two fills: the same pixels as a drawn rectangle with a one-pixel
                // pen, without the stroker (at a fractional device pixel ratio a third of the frame); its
                // digits blitted.
                if (!apart) {
                    p.fillRect(box, ctx.palette.lostOutline);
                    p.fillRect(box.adjusted(1, 1, -1, -1), ctx.palette.lostMarker);
                }
                int x = box.left() + (box.width() - int(text.size()) * digitWidth) / 2;
                for (const QChar c : text) {
                    p.drawImage(QPoint(x, box.top()), digitImages[std::size_t(c.unicode() - u'0')]);
                    x += digitWidth;
                }
            } else {
                p.setPen(outline);
                p.setBrush(ctx.palette.lostMarker);
                p.drawRect(box.adjusted(0, 0, -1, -1));
                p.setPen(ctx.palette.lostOutline);
                p.setFont(badgeFont);
                p.drawText(box, Qt::AlignCenter, text);
            }
        }
    }
    p.restore();
}

} // namespace raceway
