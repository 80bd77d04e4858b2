#pragma once

#include "lanedrawer.h"

namespace raceway {

// An event object: set (filled) or clear, who set or cleared it, and how many threads wait on it.
class SignalLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 22; }
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeState(const Trace &trace, const Lane &lane, const Interval &iv) const override;
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
