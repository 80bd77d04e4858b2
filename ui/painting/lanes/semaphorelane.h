#pragma once

#include "lanedrawer.h"

namespace raceway {

// A semaphore: how many threads are inside (bars rising from the bottom, full height at the most
// that ever were) and how many wait for a permit (bars hanging from the top).
class SemaphoreLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 30; }
    int minimumHeight() const override { return 18; }
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
