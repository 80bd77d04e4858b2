#pragma once

#include "runfile.h"

#include <QJsonObject>
#include <QString>

// A run's report (runfile::SavedRun without its summaries) as JSON, both ways: Raceway's Chrome trace
// carries it in otherData.run, so that `raceway show` of the trace reports the run as `run` did
// (scenario, parameters, metrics, the budget, an interruption). Metrics keep their label, unit and
// value type.
namespace raceway::runfile {

QJsonObject reportToJson(const SavedRun &run);
// False and one line where it is not one (a field missing or of the wrong type).
bool reportFromJson(const QJsonObject &json, SavedRun *run, QString *error);

} // namespace raceway::runfile
