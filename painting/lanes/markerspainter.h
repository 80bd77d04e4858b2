#pragma once

#include "timelinecontext.h"

#include <QPainter>
#include <QRect>

namespace raceway {

// A lane's lost-update markers: a triangle at the top for a write that erased increments (with a tick
// down the lane), a small one at the bottom for a write that put some back. Writes whose glyphs would
// overlap become one badge with their count.
void paintMarkers(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r);

} // namespace raceway
