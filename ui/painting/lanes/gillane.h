#pragma once

#include "locklane.h"

namespace raceway {

// The GIL: drawn as a lock is (its holder, its queue), explained as the GIL.
class GilLane : public LockLane
{
public:
    int baseHeight() const override { return 22; }
    void legend(const Lane &lane, LegendEntries &entries) const override;

protected:
    QString describeValue(const SeriesPoint &) const override { return {}; }
};

} // namespace raceway
