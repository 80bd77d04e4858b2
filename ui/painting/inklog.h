#pragma once

#include <QColor>
#include <QSet>

#include <cstdint>

namespace raceway {

// What a paint laid down in the lanes: every fill and line colour, and every kind of mark. The legend
// keeps only the entries whose colour or mark is here, so that it is exactly what the picture shows
// (a state too short to reach a pixel, or restoring writes merged into a lost-update badge, get none).
// Runs stacked in one picture share one log; the legend under the last explains them all.
struct InkLog
{
    QSet<QRgb> colours;      // alpha dropped
    std::uint32_t marks = 0; // bit per MarkKind drawn
    bool slices = false;     // named slices (each in its name's colour)

    void fill(const QColor &colour) { colours.insert(colour.rgb() & 0xFFFFFF); }
    void mark(int kind) { marks |= 1u << unsigned(kind); }
    bool has(const QColor &colour) const { return colours.contains(colour.rgb() & 0xFFFFFF); }
};

} // namespace raceway
