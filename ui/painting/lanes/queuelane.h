#pragma once

#include "lanedrawer.h"

namespace raceway {

// A thread pool's queue: how many tasks wait for a free thread, as bars scaled to the longest wait.
class QueueLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 30; } // room for the name and the scale under it
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                    const QRect &text) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;
    void callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                  std::vector<Callout> &out) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
