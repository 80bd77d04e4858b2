#pragma once

#include "locklane.h"

namespace raceway {

// The GIL: drawn as a lock is (its holder, its queue), explained as the GIL.
class GilLane : public LockLane
{
public:
    int baseHeight() const override { return 22; }
    void legend(const Lane &lane, LegendEntries &entries) const override;
    // A free-threaded build's GIL that came on during the run (its lane named "GIL (inferred, turned on)"
    // or "GIL (inferred, from needs_gil)"): where it is first drawn, why.
    void callouts(const TimelineContext &ctx, std::size_t index, const QRect &r,
                  std::vector<Callout> &out) const override;

protected:
    QString describeValue(const SeriesPoint &) const override { return {}; }
};

} // namespace raceway
