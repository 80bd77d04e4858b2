#pragma once

#include "callout.h"
#include "legendentries.h"
#include "timelinecontext.h"
#include "timelinehit.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPointF>
#include <QRect>
#include <QString>

#include <vector>

namespace raceway {

// Everything that differs between lane kinds, in one place per kind (as Tracy's TimelineItem subclasses
// and Qt Creator's TimelineModel): how tall the lane is, how it paints itself and its label, how it
// describes what is under the mouse, and what it adds to the legend. Drawers hold no state: the trace,
// the layout and the visible window come in a TimelineContext, so one instance serves every lane of its
// kind. drawerFor(LaneKind) (lanedrawers.h) finds it.
class LaneDrawer
{
public:
    virtual ~LaneDrawer() = default;

    virtual int baseHeight() const = 0;              // at lane scale 1, as exports draw lanes
    virtual int minimumHeight() const { return 14; } // a name and a bar
    // Times `scale` (the window fits lanes to its height, Ctrl+wheel changes it), never below the minimum.
    int height(double scale) const;
    // One lane's heights, where they depend on what it holds (a slice lane's on its depth): by default
    // the kind's.
    virtual int laneBaseHeight(const Lane &) const { return baseHeight(); }
    virtual int laneMinimumHeight(const Lane &) const { return minimumHeight(); }
    int heightOf(const Lane &lane, double scale) const;

    // Draws lane `index` of ctx.trace into r (plot coordinates; the painter is clipped to the plot).
    virtual void paint(const TimelineContext &ctx, QPainter &p, std::size_t index, const QRect &r) const = 0;
    // The label column's text for the lane, in the pen and font the caller set: by default the name.
    virtual void paintLabel(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                            const QRect &text) const;
    // Tooltip text for a hit on a lane of this kind (hit.lane), empty when nothing is there.
    QString describe(const TimelineContext &ctx, const TimelineHit &hit) const;
    // What a lane of this kind adds to the legend; every lane of the trace is asked, hidden ones too.
    // By default: its states, and its lost-update and restoring writes.
    virtual void legend(const Lane &lane, LegendEntries &entries) const;
    // The lane's key facts in the visible window, if any (by default none).
    virtual void callouts(const TimelineContext &, std::size_t /*index*/, const QRect & /*r*/,
                          std::vector<Callout> & /*out*/) const
    {
    }

    // A lane's name in `width` pixels: whole where it fits, else elided in the middle, keeping whole the
    // "(tid N)" that tells repeated names apart.
    static QString fitName(const QString &name, const QFontMetrics &fm, int width);

protected:
    // The interval's state in words ("held by thread 2"); describe words free and idle ones itself.
    virtual QString describeState(const Trace &trace, const Lane &lane, const Interval &iv) const;
    // The lane's series at the hit ("3 thread(s) queued"), or empty when the series says nothing to the user.
    virtual QString describeValue(const SeriesPoint &) const { return {}; }
    // The markers' entries, shared by every kind.
    static void legendMarkers(const Lane &lane, LegendEntries &entries);
    // A value lane's label: its name, and under it in small muted text what its full height stands for
    // ("top: 3 inside"), so a picture shows its scale without the app. Thin rows get the name alone.
    // The lane's name elided in the middle to fit `text`, at the top or the middle of it.
    static void paintName(QPainter &p, const QString &name, const QRect &text, Qt::Alignment vertical);

    static void paintNameAndScale(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                                  const QRect &text, const QString &scale);
    static QFont scaleFont(const QFont &font); // the smaller font paintNameAndScale() writes the line under
};

} // namespace raceway
