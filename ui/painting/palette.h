#pragma once

#include "trace.h"

#include <QColor>

namespace raceway {

// Colours from the Okabe-Ito set, which stays distinguishable with the common kinds of colour
// blindness; lost-update markers are also told apart by shape, not only by colour.
struct TimelinePalette
{
    QColor background, laneAlternate, text, mutedText, grid, labelBackground;
    QColor lostMarker, lostOutline, restoredMarker, expectedLine, actualLine, lostArea, waitersFill, coreBusy,
        observerBusy, handoff, criticalPath, flow, valueLine;
    // Named slices: a hue per name (sliceHue), at this saturation and lightness, with text that reads on
    // them; slices narrower than a pixel, merged, in a colour no name gets.
    int sliceSaturation = 120, sliceLightness = 200;
    QColor sliceText, sliceCrowd;
    QColor slice(int hue) const { return QColor::fromHsl(hue, sliceSaturation, sliceLightness); }

    QColor state(State s) const;
    static QColor core(int index); // running on CPU core `index`: process lanes are coloured by core
    static TimelinePalette light();
    static TimelinePalette dark();
};

} // namespace raceway
