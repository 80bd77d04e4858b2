#pragma once

#include "threadlane.h"

namespace raceway {

// The cores view: one lane per CPU core, "held" by the process that ran on it.
class CoreRunsLane : public ThreadLane
{
public:
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    StateStyle style() const override { return {.heldAsRunning = true}; }
    QString describeState(const Trace &trace, const Lane &lane, const Interval &iv) const override;
};

} // namespace raceway
