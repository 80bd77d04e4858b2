#pragma once

#include "threadlane.h"

namespace raceway {

// One lane per CPU core, "held" by the thread or process that ran on it: built from the kernel's switch
// records when a run ends (threads), or from the process lanes (Group by Core). A gap is a core that ran
// none of them.
class CoreRunsLane : public ThreadLane
{
public:
    int baseHeight() const override { return 30; } // its name and, under it, how much of it was the run's
    void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                    const QRect &text) const override;
    void legend(const Lane &lane, LegendEntries &entries) const override;
    // What the label says under the name, whole within `width` at `metrics`: "busy 80 %, 356,030 swaps",
    // else with the count rounded ("356k swaps"), else the share alone.
    static QString busyText(double percent, std::int64_t switches, int width, const QFontMetrics &metrics);

protected:
    StateStyle style() const override { return {.heldAsRunning = true}; }
    QString describeState(const Trace &trace, const Lane &lane, const Interval &iv) const override;
};

} // namespace raceway
