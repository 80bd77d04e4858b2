#pragma once

#include "lanedrawer.h"

namespace raceway {

// A thread pool's queue: how many tasks wait for a free thread, as bars scaled to the longest wait.
class QueueLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 22; }
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
