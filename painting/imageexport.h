#pragma once

#include "scenario.h"
#include "trace.h"

#include <QImage>
#include <QIODevice>
#include <QString>

namespace raceway {

struct ExportOptions
{
    int width = 1600;
    QString title;
    QString note;
    bool dark = false;
    std::int64_t windowStart = 0; // 0 and 0: the whole trace
    std::int64_t windowEnd = 0;
    std::optional<BarChart> chart;
};

// The same picture as the window: lanes, axis, legend. Height follows from the lanes.
QImage renderTimeline(const Trace &trace, const ExportOptions &options);
bool writePng(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error);
bool writeSvg(const Trace &trace, const ExportOptions &options, QIODevice &out, QString *error);

} // namespace raceway
