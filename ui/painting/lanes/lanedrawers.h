#pragma once

#include "lanedrawer.h"

namespace raceway {

// The drawer for lanes of this kind: the one place that maps lane kinds to their classes. A new kind is
// a LaneDrawer subclass in its own file and a line here.
const LaneDrawer &drawerFor(LaneKind kind);

} // namespace raceway
