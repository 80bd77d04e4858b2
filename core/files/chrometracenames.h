#pragma once

#include "trace.h"

#include <QJsonValue>
#include <QString>

#include <cstdint>
#include <utility>

// Raceway's names in a Chrome trace, both ways: the slice names and counter keys traceexport.cpp writes,
// and how the importer reads them back into states and marks (anything else into a task; pids and tids
// into text).
namespace raceway::chrometrace {

// A slice's name for a lane in `state` (about object or lane `obj`): short, as it is repeated in every
// slice. Empty where the state is not drawn.
QString sliceName(const Trace &trace, const Lane &lane, State state, std::uint16_t obj);

// A lane kind's counter keys (the second may be null); a core lane's series is its busy share in per
// mille from /proc/stat.
std::pair<const char *, const char *> seriesKeys(LaneKind kind);

// A pid or tid as text: strings as they are, whole numbers without a fraction, other numbers spelt out.
QString idText(const QJsonValue &v);

// The state a slice name stands for; `object` gets what follows the state's word (the lock's name),
// `number` the core of "run cpu N" or the task of "task N". Unknown names are tasks named by `object`.
State stateOf(const QString &name, QString *object, std::uint16_t *number);

// The mark an instant's name stands for; another tool's instants are plain instants.
MarkKind markOf(const QString &name);

// Instants that carry a place in the code (args "place"): a wait asked for there, a hold that another
// thread waited for let go there.
constexpr const char *placeWaitName = "wait asked for here";
constexpr const char *placeReleaseName = "let go, waited for";
constexpr const char *placeStepName = "slow step ran here";

} // namespace raceway::chrometrace
