#include "pythonjob.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStringDecoder>

namespace raceway::py {

QString checkScript(const QString &path)
{
    const QFileInfo info(path);
    if (path.isEmpty()) return QStringLiteral("trace needs a Python script");
    if (!info.exists()) return QStringLiteral("no such script '%1'").arg(path);
    if (info.isDir()) return QStringLiteral("'%1' is a directory, not a Python script").arg(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read '%1': %2").arg(path, f.errorString());
    const QByteArray head = f.read(64 * 1024);
    if (head.contains('\0'))
        return QStringLiteral("'%1' is not a Python script (it holds binary data)").arg(path);
    // Python reads source as UTF-8 unless a coding line says otherwise.
    const bool declaresCoding = head.left(200).contains("coding");
    if (!declaresCoding) {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = utf8(head.size() == 64 * 1024 ? head.left(64 * 1024 - 4) : head);
        if (utf8.hasError())
            return QStringLiteral("'%1' is not a Python script (it is not UTF-8 text)").arg(path);
    }
    return {};
}

QString findPython(const QString &requested, QString *error)
{
    const QString wanted = requested.isEmpty() ? QStringLiteral("python3") : requested;
    QString path;
    if (wanted.contains(QLatin1Char('/'))) {
        const QFileInfo info(wanted);
        if (info.isFile() && info.isExecutable()) path = info.absoluteFilePath();
    } else {
        path = QStandardPaths::findExecutable(wanted);
    }
    if (path.isEmpty() && error)
        *error = requested.isEmpty()
                     ? QStringLiteral("no python3 found on PATH (install python3, or name one with --python)")
                     : QStringLiteral("no Python interpreter at '%1'").arg(requested);
    return path;
}

QString tracerDirectory(QString *error)
{
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable("RACEWAY_TRACER_DIR");
    if (!fromEnv.isEmpty()) candidates << fromEnv;
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/raceway/python");
#ifdef RACEWAY_TRACER_SOURCE_DIR
    candidates << QStringLiteral(RACEWAY_TRACER_SOURCE_DIR);
#endif
    for (const QString &dir : candidates)
        if (QFileInfo::exists(dir + QStringLiteral("/sitecustomize.py")) &&
            QFileInfo::exists(dir + QStringLiteral("/raceway_tracer/__init__.py")))
            return QDir(dir).absolutePath();
    if (error)
        *error = QStringLiteral("the Python tracer is missing (looked in: %1)")
                     .arg(candidates.join(QStringLiteral(", ")));
    return {};
}

} // namespace raceway::py
