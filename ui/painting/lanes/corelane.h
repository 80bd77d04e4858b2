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

// Raceway's own threads: the share of all cores they took while the run went on, drawn like a core's
// busy share in a colour of its own.
class ObserverLane : public CoreLane
{
public:
    int baseHeight() const override { return 30; } // its name and, under it, its mean share
    void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                    const QRect &text) const override;
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

} // namespace raceway
