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
    ImageStamp lost, restored;
    qreal dpr = 0;
    QString fontKey;
    int digitWidth = 0;
    QColor digitInk;
    std::array<ImageStamp, 10> digits;

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
        lost = ImageStamp(glyphImage(lostGlyph(0, 0), lostFill, QPen(outline, 1)));
        restored = ImageStamp(glyphImage(restoredGlyph(0, 10), restoredFill, Qt::NoPen));
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
        // Each image a whole number of sixteenths of a logical pixel in size, a pixel or two larger where
        // needed (transparent): ImageStamp copies those exactly, and so does QPainter, pixel for pixel
        // (with 11 logical pixels as 19 image pixels at scale 1.75, its rounding of the far edge at some
        // places resampled a digit by 0.99, a column of it smeared).
        const auto pixels = [scale](int logical) {
            const int n = qRound(logical * scale);
            for (int extra = 0; extra < 16; ++extra) {
                const double sixteenths = (n + extra) / scale * 16;
                if (sixteenths == std::floor(sixteenths)) return n + extra;
            }
            return n;
        };
        for (int d = 0; d < 10; ++d) {
            QImage img(pixels(width), pixels(11), QImage::Format_ARGB32_Premultiplied);
            img.setDevicePixelRatio(scale);
            img.fill(Qt::transparent);
            QPainter g(&img);
            g.setFont(font);
            g.setPen(ink);
            g.drawText(QRect(0, 0, width, 11), Qt::AlignCenter, QString(QChar(u'0' + d)));
            digits[std::size_t(d)] = ImageStamp(img);
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

std::vector<MarkerCluster> markerClusters(const coords::Mapping &m, const Lane &lane, int left, int right,
                                          int digitWidth)
{
    const auto &M = lane.markers;
    std::vector<MarkerCluster> clusters;
    const double npp = m.nsPerPixel();
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto afterTime = [](std::int64_t t, const Marker &mk) { return t < mk.t; };
    auto k = std::size_t(std::lower_bound(M.begin(), M.end(), m.start, byTime) - M.begin());
    // The writes of every column left of where the cluster's badge, one write wider, ends join it
    // whatever they hold (a badge only widens as writes join it): taken in one search, not a column at
    // a time (a 64-thread run zoomed out holds a hundred writes a column and a badge spans forty).
    const auto joinReach = [&](MarkerCluster &c) {
        for (;;) {
            const double reach = c.x + markerBadgeWidth(c.writes + 1, digitWidth) + 1 - left - 0.5;
            // Columns below ceil(reach) join: their writes end where that column begins.
            const std::int64_t reachEnd = m.start + std::int64_t(std::ceil(reach) * npp);
            if (k >= M.size() || M[k].t >= reachEnd || M[k].t > m.end) return;
            const auto k2 = std::size_t(gallop(M.begin() + std::ptrdiff_t(k) + 1, M.end(),
                                               std::min(reachEnd, m.end + 1) - 1, afterTime) -
                                        M.begin());
            for (std::size_t j = k; j < k2 && !c.lost; ++j)
                c.lost = M[j].value > 0;
            c.writes += int(k2 - k);
            c.last = k2;
            k = k2;
        }
    };
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
                joinReach(c);
                continue;
            }
        }
        clusters.push_back({x, writes, anyLost, k, k2});
        k = k2;
        joinReach(clusters.back());
    }
    // At the plot's right end a badge keeps its count whole (a live run's newest writes are there): moved
    // left to end at the edge where that clears the badge or glyph before it, else joined to that one,
    // and again while the joined badge reaches past.
    const auto endOf = [digitWidth](const MarkerCluster &c) { // of its badge, or of a lone write's glyph
        return c.writes < 2 ? c.x + 4.5 : c.left + markerBadgeWidth(c.writes, digitWidth);
    };
    const double edge = right + 1.0;
    while (!clusters.empty() && clusters.back().writes >= 2 && endOf(clusters.back()) > edge) {
        MarkerCluster &c = clusters.back();
        const double moved = edge - markerBadgeWidth(c.writes, digitWidth);
        if (clusters.size() == 1 || moved >= endOf(clusters[clusters.size() - 2]) + 1) {
            c.left = moved;
            break;
        }
        MarkerCluster &before = clusters[clusters.size() - 2];
        before.writes += c.writes;
        before.lost |= c.lost;
        before.last = c.last;
        clusters.pop_back();
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
    const std::vector<MarkerCluster> clusters = markerClusters(m, lane, r.left(), r.right(), digitWidth);
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
        // Each glyph's image with its corner this far up and left of the point.
        const auto stamp = [&p](ImageStamp &glyph, QVector<QPointF> at, QPointF corner) {
            for (QPointF &pt : at)
                pt -= corner;
            glyph.draw(p, at);
        };
        stamp(sprites.lost, lost, QPointF(6, 1));
        stamp(sprites.restored, restored, QPointF(6, 11));
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
        // Badges never overlap one another (a write that would touch one joins it), except where the first
        // keeps inside the plot. Apart, every outline and inside is filled first (in two direct fills where
        // those put every edge where QPainter does), then every digit (straight into the image at a scale
        // other than 1).
        // At the lane's start a badge keeps inside the plot, whole, instead of under the label column.
        const auto boxOf = [&](const MarkerCluster &b) {
            return QRect(std::max(r.left(), int(b.left)), r.top(), int(badgeWidth(b.writes)), 11);
        };
        const auto digitsOf = [&](const MarkerCluster &b, auto &&each) {
            const QRect box = boxOf(b);
            const QString text = QString::number(b.writes);
            int x = box.left() + (box.width() - int(text.size()) * digitWidth) / 2;
            for (const QChar c : text) {
                each(std::size_t(c.unicode() - u'0'), QPoint(x, box.top()));
                x += digitWidth;
            }
        };
        // The first badges, where they overlap the next, one whole after another as ever; from the last
        // one that overlaps its predecessor on (all of them apart) the batched way.
        std::size_t from = raster ? 0 : badges.size();
        for (std::size_t k = 1; k < badges.size() && raster; ++k)
            if (boxOf(badges[k - 1]).intersects(boxOf(badges[k]))) from = k;
        for (std::size_t k = 0; k < from; ++k) {
            const MarkerCluster &b = badges[k];
            const QRect box = boxOf(b);
            if (raster) {
                // Its outline and inside as two fills: the same pixels as a drawn rectangle with a one-pixel
                // pen, without the stroker (at a fractional device pixel ratio a third of the frame); its
                // digits blitted.
                p.fillRect(box, ctx.palette.lostOutline);
                p.fillRect(box.adjusted(1, 1, -1, -1), ctx.palette.lostMarker);
                digitsOf(b, [&](std::size_t d, QPoint at) { p.drawImage(at, sprites.digits[d].image()); });
            } else {
                p.setPen(outline);
                p.setBrush(ctx.palette.lostMarker);
                p.drawRect(box.adjusted(0, 0, -1, -1));
                p.setPen(ctx.palette.lostOutline);
                p.setFont(badgeFont);
                p.drawText(box, Qt::AlignCenter, QString::number(b.writes));
            }
        }
        if (from < badges.size()) {
            QVector<QRect> outlines, insides;
            for (std::size_t k = from; k < badges.size(); ++k) {
                outlines.append(boxOf(badges[k]));
                insides.append(boxOf(badges[k]).adjusted(1, 1, -1, -1));
            }
            const bool direct = directFillIsExact(p) &&
                                fillOpaqueRects(p, outlines, ctx.palette.lostOutline) &&
                                fillOpaqueRects(p, insides, ctx.palette.lostMarker);
            if (!direct)
                for (qsizetype k = 0; k < outlines.size(); ++k) {
                    p.fillRect(outlines[k], ctx.palette.lostOutline);
                    p.fillRect(insides[k], ctx.palette.lostMarker);
                }
            std::vector<ImageStamp::Placed> placed;
            for (std::size_t k = from; k < badges.size(); ++k)
                digitsOf(badges[k], [&](std::size_t d, QPoint at) {
                    placed.push_back({&sprites.digits[d], at});
                });
            ImageStamp::drawInOrder(p, placed);
        }
    }
    p.restore();
}

} // namespace raceway
