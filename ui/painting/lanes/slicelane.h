#pragma once

#include "lanedrawer.h"

namespace raceway {

// Another tool's named slices (Lane::slices), as Perfetto's thread tracks and Tracy's zones: a row per
// nesting depth, each slice in its name's colour with the name on it where it fits. Slices narrower than
// a pixel are merged into one grey block per pixel, so a row costs its pixels, not its slices.
class SliceLane : public LaneDrawer
{
public:
    static constexpr int rowHeight = 16; // at lane scale 1
    int baseHeight() const override { return rowHeight + 2; }
    int laneBaseHeight(const Lane &lane) const override;
    int laneMinimumHeight(const Lane &lane) const override;
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;
    // Its name, and under it how many slices and how deep ("3,201 slices, 6 deep").
    void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                    const QRect &text) const override;
    // Row `depth` of a lane drawn in r: its top and height.
    static std::pair<int, int> rowSpan(const Lane &lane, const QRect &r, std::size_t depth);
    // The row under y (-1: none).
    static int rowAt(const Lane &lane, const QRect &r, int y);
};

} // namespace raceway
