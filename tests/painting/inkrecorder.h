#pragma once

// A paint device that keeps, instead of pixels, the colours that were laid down and where: every filled
// shape's brush colour and every stroked line's pen colour, with its bounds in device coordinates. Text
// is left out (it is words, not a colour to explain). Lets a test ask what the painter inked where,
// without reading colours back from antialiased pixels.

#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainterPath>
#include <QRectF>
#include <QTransform>

#include <vector>

namespace raceway::paintertest {

struct Ink
{
    QRgb rgb;     // alpha dropped: a translucent fill is the same hue to the eye as its opaque one
    QRectF where; // device coordinates
    bool stroke;  // a pen's line, not a brush's fill
};

class InkEngine final : public QPaintEngine
{
public:
    InkEngine() : QPaintEngine(QPaintEngine::AllFeatures) {}
    std::vector<Ink> inks;

    bool begin(QPaintDevice *) override { return true; }
    bool end() override { return true; }
    Type type() const override { return QPaintEngine::User; }
    void updateState(const QPaintEngineState &changed) override
    {
        if (changed.state() & DirtyBrush) m_brush = changed.brush();
        if (changed.state() & DirtyPen) m_pen = changed.pen();
        if (changed.state() & DirtyTransform) m_transform = changed.transform();
    }
    void drawRects(const QRect *rects, int n) override
    {
        for (int i = 0; i < n; ++i)
            fill(QRectF(rects[i]), true);
    }
    void drawRects(const QRectF *rects, int n) override
    {
        for (int i = 0; i < n; ++i)
            fill(rects[i], true);
    }
    void drawEllipse(const QRectF &r) override { fill(r, true); }
    void drawPath(const QPainterPath &path) override { fill(path.boundingRect(), true); }
    void drawPolygon(const QPointF *points, int n, PolygonDrawMode mode) override
    {
        fill(QPolygonF(QList<QPointF>(points, points + n)).boundingRect(), mode != PolylineMode);
    }
    void drawPolygon(const QPoint *points, int n, PolygonDrawMode mode) override
    {
        fill(QPolygon(QList<QPoint>(points, points + n)).boundingRect(), mode != PolylineMode);
    }
    void drawLines(const QLineF *lines, int n) override
    {
        for (int i = 0; i < n; ++i)
            fill(QRectF(lines[i].p1(), lines[i].p2()).normalized().adjusted(-0.5, -0.5, 0.5, 0.5), false);
    }
    void drawLines(const QLine *lines, int n) override
    {
        for (int i = 0; i < n; ++i)
            fill(QRectF(QPointF(lines[i].p1()), QPointF(lines[i].p2()))
                     .normalized()
                     .adjusted(-0.5, -0.5, 0.5, 0.5),
                 false);
    }
    void drawPixmap(const QRectF &r, const QPixmap &, const QRectF &) override { fill(r, false, true); }
    void drawImage(const QRectF &r, const QImage &, const QRectF &, Qt::ImageConversionFlags) override
    {
        fill(r, false, true);
    }
    void drawTextItem(const QPointF &, const QTextItem &) override {}

private:
    // A shape: its fill in the brush's colour (when it has one) and its outline in the pen's.
    void fill(const QRectF &r, bool filled, bool image = false)
    {
        const QRectF where = m_transform.mapRect(r);
        if (image) { // not expected from the painters on this device: noted so that a test can notice
            inks.push_back({qRgb(1, 2, 3), where, false});
            return;
        }
        if (filled && m_brush.style() != Qt::NoBrush && m_brush.color().alpha() > 0)
            inks.push_back({m_brush.color().rgb() & 0xFFFFFF, where, false});
        if (m_pen.style() != Qt::NoPen && m_pen.color().alpha() > 0)
            inks.push_back({m_pen.color().rgb() & 0xFFFFFF, where, true});
    }

    QBrush m_brush;
    QPen m_pen;
    QTransform m_transform;
};

class InkDevice final : public QPaintDevice
{
public:
    explicit InkDevice(QSize size) : m_size(size) {}
    QPaintEngine *paintEngine() const override { return &m_engine; }
    const std::vector<Ink> &inks() const { return m_engine.inks; }

protected:
    int metric(PaintDeviceMetric metric) const override
    {
        switch (metric) {
        case PdmWidth:
            return m_size.width();
        case PdmHeight:
            return m_size.height();
        case PdmWidthMM:
            return m_size.width() * 254 / 960;
        case PdmHeightMM:
            return m_size.height() * 254 / 960;
        case PdmNumColors:
            return 0x7FFFFFFF;
        case PdmDepth:
            return 32;
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY:
            return 96;
        case PdmDevicePixelRatio:
            return 1;
        case PdmDevicePixelRatioScaled:
            return int(devicePixelRatioFScale());
        }
        return 0;
    }

private:
    QSize m_size;
    mutable InkEngine m_engine;
};

} // namespace raceway::paintertest
