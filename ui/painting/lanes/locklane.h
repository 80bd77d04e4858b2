#pragma once

#include "lanedrawer.h"

namespace raceway {

// A traced lock: who holds it (a stripe in the holder's colour along the top), and as bars along the
// bottom, how many threads queue for it.
class LockLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 26; }
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
