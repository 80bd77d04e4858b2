#pragma once

#include "threadlane.h"

namespace raceway {

// A worker process: a thread lane whose running time is coloured by the CPU core it ran on.
class ProcessLane : public ThreadLane
{
public:
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    StateStyle style() const override { return {.runningByCore = true}; }
    QString describeState(const Trace &trace, const Lane &lane, const Interval &iv) const override;
};

} // namespace raceway
