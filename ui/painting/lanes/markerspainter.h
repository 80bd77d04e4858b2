#pragma once

#include "timelinecontext.h"

#include <QFont>
#include <QPainter>
#include <QRect>

#include <vector>

namespace raceway {

// A lane's lost-update markers: a triangle at the top for a write that erased increments (with a tick
// down the lane), a small one at the bottom for a write that put some back. Writes whose glyphs would
// overlap become one badge with their count.
void paintMarkers(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r);

// What paintMarkers draws as one glyph or badge: the writes [first, last) of lane.markers, the badge's
// left edge at x - 4.5 and as wide as markerBadgeWidth(writes). Hit tests use the same clusters, so a
// tooltip counts what the badge shows.
struct MarkerCluster
{
    double x; // the first write's pixel column centre
    int writes;
    bool lost;
    std::size_t first, last;
    double left = x - 4.5; // where its badge begins: left of the plot's right end by its width at most
};
// The clusters of the lane's writes drawn in pixel columns from `left` on, their badges whole up to
// column `right`: there the last one moves left to end at it where that clears the one before, or else
// joins that one.
std::vector<MarkerCluster> markerClusters(const coords::Mapping &m, const Lane &lane, int left, int right,
                                          int digitWidth);
double markerBadgeWidth(int writes, int digitWidth);
QFont markerBadgeFont(const QFont &base); // the badges' count font, from the font painting starts with
int markerDigitWidth(const QFont &base);  // its digit width

} // namespace raceway
