#pragma once

#include "results.h"
#include "trace.h"

#include <QIODevice>
#include <QImage>
#include <QString>

#include <vector>

namespace raceway {

struct ExportOptions
{
    int width = 1600; // in pixels of the output (before `scale`)
    // Output pixels per layout pixel: 2 doubles width, height, text and lines, like a high-DPI screen.
    // Wider images also draw larger (text grows with the width past 1600), so that a 4000-pixel image
    // is not a thin strip of 12-pixel text.
    int scale = 1;
    QString title;
    QString note;
    bool dark = false;
    std::int64_t windowStart = 0; // 0 and 0: the whole trace
    std::int64_t windowEnd = 0;
    std::optional<BarChart> chart;
};

// Layout pixels per output pixel for these options (see ExportOptions::scale), and the layout width.
double exportZoom(const ExportOptions &options);
int layoutWidth(const ExportOptions &options);

// The tallest picture exported (many viewers refuse more; 1600 × 32,767 is 210 MB as pixels). A trace with
// more lanes than that holds is refused with exportSizeProblem's line, never drawn into gigabytes.
constexpr int maxExportHeight = 32767;
// The exported picture's size in output pixels, computed without drawing it.
QSize exportSize(const Trace &trace, const ExportOptions &options);
// One line when the picture would be taller than maxExportHeight, else empty.
QString exportSizeProblem(const Trace &trace, const ExportOptions &options);

// The same picture as the window: lanes, axis, legend. Height follows from the lanes.
QImage renderTimeline(const Trace &trace, const ExportOptions &options);
bool writePng(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error);
bool writeSvg(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error);

// Runs drawn one above the other on one time scale (each from its own start, all as long as the
// longest), as the window stacks a run over the one before: each with its title, the last with the
// legend of everything drawn. options' title and window are not used.
struct StackedRun
{
    const Trace *trace = nullptr;
    QString title, note;
};
QImage renderStacked(const std::vector<StackedRun> &runs, const ExportOptions &options);
bool writeStackedPng(const std::vector<StackedRun> &runs, const ExportOptions &options, QIODevice &out,
                     QString *error);

} // namespace raceway
