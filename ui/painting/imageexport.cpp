#include "imageexport.h"

#include "timelinepainter.h"

#include <QImageWriter>
#include <QPainter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace raceway {
namespace {

TimelinePainter makePainter(const Trace &trace, const ExportOptions &o)
{
    TimelinePainter painter(trace, o.dark ? TimelinePalette::dark() : TimelinePalette::light());
    painter.setTitle(o.title);
    painter.setNote(o.note);
    painter.setChart(o.chart);
    if (o.windowEnd > o.windowStart) painter.setWindow(o.windowStart, o.windowEnd);
    return painter;
}

} // namespace

double exportZoom(const ExportOptions &options)
{
    return double(std::max(1, options.scale)) * std::max(1.0, double(options.width) / 1600.0);
}

int layoutWidth(const ExportOptions &options)
{
    return std::max(
        1, int(std::lround(double(options.width) * std::max(1, options.scale) / exportZoom(options))));
}

QImage renderTimeline(const Trace &trace, const ExportOptions &options)
{
    const TimelinePainter painter = makePainter(trace, options);
    const double zoom = exportZoom(options);
    const int width = layoutWidth(options);
    const QSize logical(width, painter.preferredHeight(width));
    QImage image(options.width * std::max(1, options.scale), int(std::lround(logical.height() * zoom)),
                 QImage::Format_RGB32);
    image.setDevicePixelRatio(zoom); // QPainter scales everything, text included
    QPainter p(&image);
    painter.paint(p, QRect(QPoint(0, 0), logical));
    p.end();
    image.setDevicePixelRatio(1); // a file has no device pixel ratio
    return image;
}

bool writePng(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error)
{
    QImageWriter writer(&out, "png");
    if (!writer.write(renderTimeline(trace, options))) {
        if (error) *error = writer.errorString();
        return false;
    }
    return true;
}

bool writeSvg(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error)
{
    const TimelinePainter painter = makePainter(trace, options);
    const int width = layoutWidth(options);
    const QSize size(width, painter.preferredHeight(width));
    const double zoom = exportZoom(options);
    QSvgGenerator svg;
    svg.setOutputDevice(&out);
    svg.setSize((QSizeF(size) * zoom).toSize()); // drawn at layout size, shown scaled: a vector scales
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(options.title.isEmpty() ? QStringLiteral("Raceway timeline") : options.title);
    svg.setDescription(QStringLiteral("Timeline exported by Raceway"));
    QPainter p;
    if (!p.begin(&svg)) {
        if (error) *error = QStringLiteral("cannot start the SVG writer");
        return false;
    }
    painter.paint(p, QRect(QPoint(0, 0), size));
    p.end();
    return true;
}

} // namespace raceway
