#pragma once

#include "lanedrawer.h"

namespace raceway {

// A CPU core sampled from /proc/stat: how busy it was, as bars in the core's own colour.
class CoreLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 22; }
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
