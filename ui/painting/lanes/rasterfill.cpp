#include "rasterfill.h"

#include <QImage>
#include <QPaintEngine>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace raceway {
namespace {

// std::lround for |v| < 2^31, without a library call: halves away from zero.
int roundHalfAway(double v)
{
    const auto whole = std::int64_t(v); // toward zero; v - whole is exact
    const double rest = v - double(whole);
    return int(whole + (rest >= 0.5 ? 1 : 0) - (rest <= -0.5 ? 1 : 0));
}

// Each byte of x times a / 255, rounded as Qt's own source-over blend rounds it.
quint32 byteMul(quint32 x, quint32 a)
{
    quint32 t = (x & 0xff00ff) * a;
    t = (t + ((t >> 8) & 0xff00ff) + 0x800080) >> 8;
    t &= 0xff00ff;
    x = ((x >> 8) & 0xff00ff) * a;
    x = x + ((x >> 8) & 0xff00ff) + 0x800080;
    x &= 0xff00ff00;
    return x | t;
}

#if defined(__SSE2__)
// Four pixels at once, each channel as byteMul does it (a channel times an alpha fits in 16 bits, and
// so does what byteMul adds to it before its shift, so each 16-bit lane gives byteMul's result).
inline void blendFour(quint32 *out, const quint32 *in)
{
    const __m128i mask = _mm_set1_epi32(0x00ff00ff);
    const __m128i half = _mm_set1_epi16(0x80);
    const __m128i src = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in));
    const __m128i dst = _mm_loadu_si128(reinterpret_cast<const __m128i *>(out));
    __m128i keep = _mm_sub_epi32(_mm_set1_epi32(255), _mm_srli_epi32(src, 24)); // 255 - alpha
    keep = _mm_or_si128(keep, _mm_slli_epi32(keep, 16));
    __m128i rb = _mm_mullo_epi16(_mm_and_si128(dst, mask), keep);
    __m128i ag = _mm_mullo_epi16(_mm_srli_epi16(dst, 8), keep);
    rb = _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(rb, _mm_srli_epi16(rb, 8)), half), 8);
    ag = _mm_andnot_si128(mask, _mm_add_epi16(_mm_add_epi16(ag, _mm_srli_epi16(ag, 8)), half));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_add_epi32(src, _mm_or_si128(rb, ag)));
}
#endif

} // namespace

namespace {

// Where a painter can be written to directly: its image's pixels, the scale and shift from logical
// pixels to image pixels, and the part it may write (image and clip). Empty when QPainter must do it.
struct DirectTarget
{
    uchar *bits = nullptr;
    qsizetype stride = 0;
    double k = 1, dx = 0, dy = 0;
    int whole = 1;
    bool exact = true;
    QRect bounds;

    // Logical pixels to image pixels: one scale for both axes (the device pixel ratio: 1, 1.25, 1.5, 2)
    // and a shift. Each edge goes to the image pixel nearest it, so rectangles that meet still meet, none
    // overlaps its neighbour, and a whole-number scale is exact.
    int toX(int x) const { return exact ? x * whole + int(dx) : roundHalfAway(x * k + dx); }
    int toY(int y) const { return exact ? y * whole + int(dy) : roundHalfAway(y * k + dy); }
    QRect toImage(const QRect &r) const
    {
        return QRect(QPoint(toX(r.left()), toY(r.top())),
                     QPoint(toX(r.left() + r.width()) - 1, toY(r.top() + r.height()) - 1));
    }
};

std::optional<DirectTarget> directTarget(QPainter &p, const QColor &colour)
{
    // The pixels the painter writes to: its engine's (a widget's painter writes to the window's backing
    // store image, the widget itself being no image).
    QPaintDevice *device = p.paintEngine() ? p.paintEngine()->paintDevice() : nullptr;
    if (colour.alpha() != 255 || !device || device->devType() != QInternal::Image) return {};
    auto *image = static_cast<QImage *>(device);
    if (image->format() != QImage::Format_RGB32 && image->format() != QImage::Format_ARGB32 &&
        image->format() != QImage::Format_ARGB32_Premultiplied)
        return {};
    // Rotations and shears are left to QPainter.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() || t.m11() <= 0 || t.m11() > 16 ||
        p.compositionMode() != QPainter::CompositionMode_SourceOver)
        return {};
    DirectTarget d;
    d.k = t.m11();
    d.dx = t.dx();
    d.dy = t.dy();
    d.whole = int(d.k);
    d.exact = double(d.whole) == d.k && double(int(d.dx)) == d.dx && double(int(d.dy)) == d.dy;
    d.bounds = image->rect();
    // A widget's painter in the window's backing store may write only inside the widget's part of it
    // (the system clip, in image pixels); the painter's own clip comes on top.
    if (const QRegion system = p.paintEngine() ? p.paintEngine()->systemClip() : QRegion();
        !system.isEmpty()) {
        if (system.rectCount() != 1) return {};
        d.bounds &= system.boundingRect();
    }
    if (p.hasClipping()) {
        const QRegion clip = p.clipRegion();
        if (clip.rectCount() != 1) return {};
        d.bounds &= d.toImage(clip.boundingRect());
    }
    d.bits = image->bits(); // detaches once, not per scanline
    d.stride = image->bytesPerLine();
    return d;
}

} // namespace

bool fillOpaqueRects(QPainter &p, const QVector<QRect> &rects, const QColor &colour)
{
    const std::optional<DirectTarget> d = directTarget(p, colour);
    if (!d) return false;
    const quint32 value = colour.rgba();
    for (const QRect &r : rects) {
        const QRect box = d->toImage(r) & d->bounds;
        for (int y = box.top(); y <= box.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
            std::fill(line + box.left(), line + box.right() + 1, value);
        }
    }
    return true;
}

bool directFillIsExact(QPainter &p)
{
    const std::optional<DirectTarget> d = directTarget(p, Qt::black);
    return d && d->exact;
}

bool fillOpaqueVerticalLines(QPainter &p, const QVector<QLine> &lines, const QColor &colour)
{
    std::optional<DirectTarget> d = directTarget(p, colour);
    if (!d || (d->k == 1 && !d->exact)) return false;
    for (const QLine &l : lines)
        if (l.x1() != l.x2() || l.y1() >= l.y2()) return false;
    const quint32 value = colour.rgba();
    const bool plain = d->exact && d->whole == 1;
    const auto edge = [](double v, double k, double shift) { return roundHalfAway(v * k + shift); };
    for (const QLine &l : lines) {
        const QRect box =
            (plain
                 ? d->toImage(QRect(l.x1(), l.y1(), 1, l.y2() - l.y1() + 1))
                 : QRect(QPoint(edge(l.x1() - 0.5, d->k, d->dx), edge(l.y1() - 0.5, d->k, d->dy)),
                         QPoint(edge(l.x1() + 0.5, d->k, d->dx) - 1, edge(l.y2() + 0.5, d->k, d->dy) - 1))) &
            d->bounds;
        for (int y = box.top(); y <= box.bottom(); ++y) {
            auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
            std::fill(line + box.left(), line + box.right() + 1, value);
        }
    }
    return true;
}

bool fillOpaqueColumns(QPainter &p, const std::vector<ColumnSpan> &spans, int top, int height)
{
    if (spans.empty()) return true;
    const std::optional<DirectTarget> d = directTarget(p, Qt::black);
    if (!d) return false;
    const int y0 = std::max(d->toY(top), d->bounds.top());
    const int y1 = std::min(d->toY(top + height) - 1, d->bounds.bottom());
    const int left = d->bounds.left(), right = d->bounds.right();
    if (y0 > y1 || left > right) return true;
    // One scanline with every span in its colour, and the stretches of it that are painted.
    std::vector<quint32> row(std::size_t(right - left + 1));
    std::vector<std::pair<int, int>> painted; // [from, to] in image columns
    for (const ColumnSpan &s : spans) {
        const int x0 = std::max(d->toX(s.x0), left), x1 = std::min(d->toX(s.x1) - 1, right);
        if (x0 > x1) continue;
        std::fill(row.begin() + (x0 - left), row.begin() + (x1 - left + 1), s.rgb);
        if (!painted.empty() && painted.back().second + 1 == x0)
            painted.back().second = x1;
        else
            painted.push_back({x0, x1});
    }
    for (int y = y0; y <= y1; ++y) {
        auto *line = reinterpret_cast<quint32 *>(d->bits + y * d->stride);
        for (const auto &[x0, x1] : painted)
            std::copy(row.begin() + (x0 - left), row.begin() + (x1 - left + 1), line + x0);
    }
    return true;
}

ImageStamp::ImageStamp(QImage image) : m_image(std::move(image)) {}

bool ImageStamp::draw(QPainter &p, const QVector<QPointF> &at)
{
    std::vector<Placed> placed;
    placed.reserve(std::size_t(at.size()));
    for (const QPointF &pt : at)
        placed.push_back({this, pt});
    return drawInOrder(p, placed);
}

bool ImageStamp::drawInOrder(QPainter &p, const std::vector<Placed> &placed)
{
    const std::optional<DirectTarget> d = directTarget(p, Qt::black);
    // Every image usable and every point on a sixteenth, or QPainter draws them all.
    const auto direct = [&] {
        if (!d || d->k == 1 || d->k * 4 != std::floor(d->k * 4) || p.opacity() != 1) return false;
        for (const Placed &one : placed) {
            const QImage &image = one.stamp->m_image;
            if (image.isNull() || image.format() != QImage::Format_ARGB32_Premultiplied) return false;
            // Its size in logical pixels exact in sixteenths too: else where QPainter's rounding of its far
            // edges lands (a copy pixel for pixel, or one resampled by 0.99) depends on where it is.
            const double lw = image.width() / image.devicePixelRatio() * 16,
                         lh = image.height() / image.devicePixelRatio() * 16;
            if (lw != std::floor(lw) || lh != std::floor(lh)) return false;
            // (Left of or above the image's corner QPainter rounds a half pixel the other way.)
            const double x = (one.at.x() * d->k + d->dx) * 16, y = (one.at.y() * d->k + d->dy) * 16;
            if (x != std::floor(x) || y != std::floor(y) || x < 0 || y < 0) return false;
        }
        return true;
    };
    if (!direct()) {
        for (const Placed &one : placed)
            p.drawImage(one.at, one.stamp->m_image);
        return false;
    }
    for (const Placed &one : placed) {
        ImageStamp &stamp = *one.stamp;
        if (d->k != stamp.m_scale) {
            stamp.m_scale = d->k;
            stamp.m_phases = {};
        }
        // The image's size in the target's pixels, with room for the phase.
        const double scale = d->k / stamp.m_image.devicePixelRatio();
        const int w = int(std::ceil(stamp.m_image.width() * scale)) + 1;
        const int h = int(std::ceil(stamp.m_image.height() * scale)) + 1;
        // Where QPainter puts the image's corner in the target, to a sixteenth of a pixel (a scale in
        // quarters and points on whole or half pixels make it exact).
        const double x = one.at.x() * d->k + d->dx, y = one.at.y() * d->k + d->dy;
        const double fx = std::floor(x), fy = std::floor(y);
        const int qx = int((x - fx) * 16), qy = int((y - fy) * 16);
        Phase &phase = stamp.m_phases[std::size_t(qy * 16 + qx)];
        if (phase.image.isNull()) {
            phase.image = QImage(w, h, QImage::Format_ARGB32_Premultiplied);
            phase.image.fill(Qt::transparent);
            {
                QPainter s(&phase.image);
                s.setTransform(QTransform(d->k, 0, 0, d->k, qx / 16.0, qy / 16.0));
                s.drawImage(QPointF(0, 0), stamp.m_image);
            }
            phase.rows.assign(std::size_t(h), {w, -1});
            for (int row = 0; row < h; ++row) {
                const auto *src = reinterpret_cast<const quint32 *>(phase.image.constScanLine(row));
                for (int col = 0; col < w; ++col)
                    if (src[col] >> 24) {
                        phase.rows[std::size_t(row)].first =
                            std::min(phase.rows[std::size_t(row)].first, col);
                        phase.rows[std::size_t(row)].second = col;
                    }
            }
        }
        const int left = int(fx), top = int(fy);
        const QRect box = QRect(left, top, w, h) & d->bounds;
        for (int row = box.top(); row <= box.bottom(); ++row) {
            auto *line = reinterpret_cast<quint32 *>(d->bits + row * d->stride);
            const auto *src = reinterpret_cast<const quint32 *>(phase.image.constScanLine(row - top));
            const auto [first, last] = phase.rows[std::size_t(row - top)];
            const int from = std::max(box.left(), left + first), to = std::min(box.right(), left + last);
            // Without a branch: an opaque pixel keeps nothing of what was there (byteMul by 0 is 0) and a
            // transparent one (0, premultiplied) all of it (byteMul by 255 is exact), as QPainter's blend
            // leaves them.
            quint32 *out = line + from;
            const quint32 *in = src + (from - left);
            int n = to - from + 1;
#if defined(__SSE2__)
            for (; n >= 4; n -= 4, out += 4, in += 4)
                blendFour(out, in);
#endif
            for (; n > 0; --n, ++out, ++in)
                *out = *in + byteMul(*out, 255 - (*in >> 24));
        }
    }
    return true;
}

} // namespace raceway
