#pragma once

#include "trace.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <functional>

// The lanes' summaries past the event budget (Lane::pastBudget, Lane::pastSeries) in a Chrome trace's
// otherData, exactly as the run kept them: other viewers read the summary slices and counter samples
// Raceway writes beside them; `raceway show` puts these back.
namespace raceway::summaryjson {

// "summaries" and "value_summaries" arrays, as JSON members to append to an object (each starting with
// a comma), empty when no lane has one. Times relative to t0; lanes by tid.
QByteArray members(const Trace &trace, std::int64_t t0, const std::function<int(std::size_t)> &tidOf);
// Puts them back into the trace's lanes (by tid, as laneOfTid maps them); false where one does not fit.
bool restore(const QJsonObject &otherData, const QHash<QString, int> &laneOfTid, Trace *trace);
// Where a lane's value summary begins, if otherData has one for this tid (its samples from then on are
// the summary's, not readings).
std::int64_t valueSummaryStart(const QJsonObject &otherData, const QString &tid);

} // namespace raceway::summaryjson
