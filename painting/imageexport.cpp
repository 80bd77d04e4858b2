#include "imageexport.h"

#include "timelinepainter.h"

#include <QImageWriter>
#include <QSvgGenerator>

namespace raceway {
namespace {

TimelinePainter makePainter(const Trace &trace, const ExportOptions &o)
{
    TimelinePainter painter(trace, o.dark ? TimelinePalette::dark() : TimelinePalette::light());
    painter.setTitle(o.title);
    painter.setNote(o.note);
    painter.setChart(o.chart);
    if (o.windowEnd > o.windowStart)
        painter.setWindow(o.windowStart, o.windowEnd);
    return painter;
}

} // namespace

QImage renderTimeline(const Trace &trace, const ExportOptions &options)
{
    const TimelinePainter painter = makePainter(trace, options);
    QImage image(options.width, painter.preferredHeight(options.width), QImage::Format_RGB32);
    QPainter p(&image);
    painter.paint(p, image.rect());
    p.end();
    return image;
}

bool writePng(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error)
{
    QImageWriter writer(&out, "png");
    if (!writer.write(renderTimeline(trace, options))) {
        if (error)
            *error = writer.errorString();
        return false;
    }
    return true;
}

bool writeSvg(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error)
{
    const TimelinePainter painter = makePainter(trace, options);
    const QSize size(options.width, painter.preferredHeight(options.width));
    QSvgGenerator svg;
    svg.setOutputDevice(&out);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(options.title.isEmpty() ? QStringLiteral("Raceway timeline") : options.title);
    svg.setDescription(QStringLiteral("Timeline exported by Raceway"));
    QPainter p;
    if (!p.begin(&svg)) {
        if (error)
            *error = QStringLiteral("cannot start the SVG writer");
        return false;
    }
    painter.paint(p, QRect(QPoint(0, 0), size));
    p.end();
    return true;
}

} // namespace raceway
