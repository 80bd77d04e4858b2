#pragma once

#include "taskgroups.h"
#include "timelinecontext.h"

#include <QPainter>
#include <QRect>

namespace raceway {

// A task group's lane (see TaskGroup): in each column, how many of its tasks were in each state, stacked
// from the bottom (running first, then holding, waiting, sleeping ...), the lane's height standing for
// all of them. Tasks not started yet and tasks done are left out: the stack is as tall as the tasks alive.
void paintTaskGroup(const TimelineContext &ctx, QPainter &p, const TaskGroup &group, const QRect &r);
// Its label: the group's name, its scale, and how to see each task.
void paintTaskGroupLabel(const TimelineContext &ctx, QPainter &p, const TaskGroup &group, const QRect &text);
// "at 0.512 s: 1 holding, 199 waiting, 0 done" for a tooltip.
QString describeTaskGroupAt(const Trace &trace, const TaskGroup &group, std::int64_t t);

} // namespace raceway
