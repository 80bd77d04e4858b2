#include "imageexport.h"

#include "timelinepainter.h"

#include <QBuffer>
#include <QFontInfo>
#include <QHash>
#include <QImageWriter>
#include <QLocale>
#include <QPainter>
#include <QRegularExpression>
#include <QSvgGenerator>

#include <algorithm>
#include <climits>
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

QSize exportSize(const Trace &trace, const ExportOptions &options)
{
    const TimelinePainter painter = makePainter(trace, options);
    const int width = layoutWidth(options);
    return {
        options.width * std::max(1, options.scale),
        int(std::min<double>(INT_MAX, std::lround(painter.preferredHeight(width) * exportZoom(options))))};
}

QString exportSizeProblem(const Trace &trace, const ExportOptions &options)
{
    const QSize size = exportSize(trace, options);
    if (size.height() <= maxExportHeight) return {};
    const QLocale l;
    return QStringLiteral("the picture would be %1 × %2 pixels for %3 lanes: at most %4 pixels tall can be "
                          "drawn (%5the trace JSON export, which has no such limit)")
        .arg(l.toString(size.width()), l.toString(size.height()),
             l.toString(qulonglong(trace.lanes().size())), l.toString(maxExportHeight),
             options.scale > 1 ? QStringLiteral("a smaller --scale, or ") : QString());
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

QImage renderStacked(const std::vector<StackedRun> &runs, const ExportOptions &options)
{
    std::int64_t span = 1;
    for (const StackedRun &r : runs)
        span = std::max(span, r.trace->end() - r.trace->start());
    std::vector<const Trace *> above;
    std::vector<TimelinePainter> painters;
    painters.reserve(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const StackedRun &r = runs[i];
        TimelinePainter &painter = painters.emplace_back(*r.trace, options.dark ? TimelinePalette::dark()
                                                                                : TimelinePalette::light());
        painter.setTitle(r.title);
        painter.setNote(r.note);
        painter.setWindow(r.trace->start(), r.trace->start() + span);
        const bool last = i + 1 == runs.size();
        painter.setShowLegend(last); // the last run's legend explains every run's lanes
        if (last) painter.setLegendAlso(above);
        above.push_back(r.trace);
    }
    const double zoom = exportZoom(options);
    const int width = layoutWidth(options);
    int height = 0;
    std::vector<int> tops;
    for (const TimelinePainter &painter : painters) {
        tops.push_back(height);
        height += painter.preferredHeight(width);
    }
    QImage image(options.width * std::max(1, options.scale),
                 std::max(1, int(std::min<double>(maxExportHeight, std::lround(height * zoom)))),
                 QImage::Format_RGB32);
    image.fill(options.dark ? TimelinePalette::dark().background : TimelinePalette::light().background);
    image.setDevicePixelRatio(zoom);
    QPainter p(&image);
    InkLog ink; // what any run drew, for the legend under the last
    for (std::size_t i = 0; i < painters.size(); ++i) {
        painters[i].setInkLog(&ink);
        painters[i].paint(p,
                          painters[i].layout(QRect(0, tops[i], width, painters[i].preferredHeight(width))));
    }
    p.end();
    image.setDevicePixelRatio(1);
    return image;
}

bool writeStackedPng(const std::vector<StackedRun> &runs, const ExportOptions &options, QIODevice &out,
                     QString *error)
{
    QImageWriter writer(&out, "png");
    if (!writer.write(renderStacked(runs, options))) {
        if (error) *error = writer.errorString();
        return false;
    }
    return true;
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
    const QSize shown = (QSizeF(size) * zoom).toSize(); // drawn at layout size, shown scaled: a vector scales
    QBuffer drawn;
    drawn.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&drawn);
    svg.setSize(shown);
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
    // Qt sizes the document in millimetres (a 1600-px picture opened at about 2,100 px in a browser) and
    // names fonts as Qt knows them ("Sans Serif", which a browser draws with a serif face): the size is
    // given in pixels, and each family as the one the PNG draws with, then the generic family.
    QString text = QString::fromUtf8(drawn.data());
    const qsizetype svgTag = text.indexOf(QLatin1String("<svg"));
    const qsizetype tagEnd = svgTag < 0 ? -1 : text.indexOf(QLatin1Char('>'), svgTag);
    if (tagEnd > svgTag) {
        QString tag = text.mid(svgTag, tagEnd - svgTag);
        tag.replace(QRegularExpression(QStringLiteral(" width=\"[^\"]*\"")),
                    QStringLiteral(" width=\"%1px\"").arg(shown.width()));
        tag.replace(QRegularExpression(QStringLiteral(" height=\"[^\"]*\"")),
                    QStringLiteral(" height=\"%1px\"").arg(shown.height()));
        text.replace(svgTag, tagEnd - svgTag, tag);
    }
    QHash<QString, QString> families;
    static const QRegularExpression family(QStringLiteral("font-family=\"([^\",]*)\""));
    QString fixed;
    fixed.reserve(text.size() + 1024);
    qsizetype from = 0;
    for (QRegularExpressionMatchIterator it = family.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString &resolved = families[m.captured(1)];
        if (resolved.isEmpty()) {
            QFont font(m.captured(1));
            font.setStyleHint(QFont::SansSerif);
            resolved = QFontInfo(font).family();
        }
        fixed += QStringView(text).mid(from, m.capturedStart(0) - from);
        fixed += QStringLiteral("font-family=\"'%1', sans-serif\"").arg(resolved.toHtmlEscaped());
        from = m.capturedEnd(0);
    }
    fixed += QStringView(text).mid(from);
    const QByteArray bytes = fixed.toUtf8();
    if (out.write(bytes) != bytes.size()) {
        if (error) *error = out.errorString();
        return false;
    }
    return true;
}

} // namespace raceway
