#pragma once

#include "lanedrawer.h"
#include "statespainter.h"

namespace raceway {

// Threads (and the lanes that look like one): states, with lost-update markers over them.
class ThreadLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 22; }
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;

protected:
    virtual StateStyle style() const { return {}; }
};

} // namespace raceway
