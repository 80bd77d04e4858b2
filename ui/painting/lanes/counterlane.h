#pragma once

#include "lanedrawer.h"

namespace raceway {

// A shared counter: the expected and the actual value over time, and the gap between them (the updates
// lost so far); its label reads the final values.
class CounterLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 72; }
    int minimumHeight() const override { return 50; } // three lines of text in the label
    void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const override;
    void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                    const QRect &text) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;
    void callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                  std::vector<Callout> &out) const override;

protected:
    QString describeValue(const SeriesPoint &value) const override;
};

// A number the traced program holds, sampled (raceway trace --watch): one line, its last value and its
// scale in the label.
class ValueLane : public LaneDrawer
{
public:
    int baseHeight() const override { return 56; }
    int minimumHeight() const override { return 40; } // the name and the last value
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
