#include "runopen.h"

#include "runfilereader.h"
#include "runreportjson.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace raceway {

namespace {
constexpr qint64 chromeFileLimit = qint64(1) << 30;
}

bool openRunFile(const QString &path, Trace *trace, OpenedFile *opened, QString *error)
{
    if (QFileInfo(path).isDir()) {
        *error = QStringLiteral("it is a directory");
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return false;
    }
    const QByteArray start = file.peek(64);
    if (RunFileReader::hasMagic(start) || path.endsWith(QLatin1String(".raceway"))) {
        opened->savedRun = true;
        return RunFileReader::read(file, trace, &opened->run, error);
    }
    if (!looksLikeChromeTrace(start)) {
        *error =
            QStringLiteral("byte 0: neither a Raceway run file (wrong magic) nor Chrome Trace Event JSON");
        return false;
    }
    if (file.size() > chromeFileLimit) {
        *error = QStringLiteral("a trace of %1 bytes, more than the 1 GiB this reads").arg(file.size());
        return false;
    }
    const QByteArray data = file.readAll();
    if (!readChromeTrace(data, trace, &opened->chrome, error)) return false;
    if (!opened->chrome.run.isEmpty()) {
        if (!runfile::reportFromJson(opened->chrome.run, &opened->run, error)) return false;
        // Its times were the clock's; the trace's are from the run's start.
        opened->run.budgetReachedNs = opened->run.budgetReachedNs != 0 ? trace->budgetReached() : 0;
        opened->runInTrace = true;
    }
    opened->title = QStringLiteral("%1: %2 lanes from a Chrome trace")
                        .arg(QFileInfo(path).fileName())
                        .arg(QLocale().toString(qulonglong(trace->lanes().size())));
    return true;
}

} // namespace raceway
