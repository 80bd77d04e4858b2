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

QString tracerAccelerator()
{
#ifdef RACEWAY_TRACER_ACCEL_BUILD_PATH
    const QString built = QStringLiteral(RACEWAY_TRACER_ACCEL_BUILD_PATH);
    if (QFileInfo::exists(built)) return built;
#endif
    return {};
}

std::optional<QStringList> splitArguments(const QString &line, QString *error)
{
    QStringList out;
    QString current;
    bool inWord = false;
    enum { Plain, Single, Double } mode = Plain;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (mode == Single) {
            if (c == QLatin1Char('\''))
                mode = Plain;
            else
                current += c;
            continue;
        }
        if (mode == Double) {
            if (c == QLatin1Char('"')) {
                mode = Plain;
            } else if (c == QLatin1Char('\\') && i + 1 < line.size() &&
                       QStringLiteral("\\\"$`").contains(line[i + 1])) {
                current += line[++i];
            } else {
                current += c;
            }
            continue;
        }
        if (c.isSpace()) {
            if (inWord) out << current;
            current.clear();
            inWord = false;
            continue;
        }
        inWord = true;
        if (c == QLatin1Char('\'')) {
            mode = Single;
        } else if (c == QLatin1Char('"')) {
            mode = Double;
        } else if (c == QLatin1Char('\\')) {
            if (i + 1 >= line.size()) {
                if (error) *error = QStringLiteral("the arguments end with a lone backslash");
                return std::nullopt;
            }
            current += line[++i];
        } else {
            current += c;
        }
    }
    if (mode != Plain) {
        if (error)
            *error = QStringLiteral("the arguments '%1' cannot be split: a %2 quote is not closed")
                         .arg(line, mode == Single ? QStringLiteral("single") : QStringLiteral("double"));
        return std::nullopt;
    }
    if (inWord) out << current;
    return out;
}

QString examplesDirectory()
{
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable("RACEWAY_EXAMPLES_DIR");
    if (!fromEnv.isEmpty()) candidates << fromEnv;
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/raceway/examples");
#ifdef RACEWAY_EXAMPLES_SOURCE_DIR
    candidates << QStringLiteral(RACEWAY_EXAMPLES_SOURCE_DIR);
#endif
    for (const QString &dir : candidates)
        if (!QDir(dir).entryList({QStringLiteral("*.py")}, QDir::Files).isEmpty())
            return QDir(dir).absolutePath();
    return {};
}

QStringList exampleScripts()
{
    const QString dir = examplesDirectory();
    if (dir.isEmpty()) return {};
    QStringList out;
    for (const QString &name : QDir(dir).entryList({QStringLiteral("*.py")}, QDir::Files, QDir::Name))
        out << QDir(dir).filePath(name);
    return out;
}

QString scriptSummary(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QString text = QString::fromUtf8(f.read(16 * 1024));
    // Skip the lines before the docstring: blank lines, comments (#!, coding lines).
    qsizetype at = 0;
    while (at < text.size()) {
        const qsizetype eol = text.indexOf(QLatin1Char('\n'), at);
        const QString line = text.mid(at, eol < 0 ? -1 : eol - at).trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1Char('#'))) break;
        if (eol < 0) return {};
        at = eol + 1;
    }
    QStringView rest = QStringView(text).mid(at).trimmed();
    for (const QString &quote : {QStringLiteral("\"\"\""), QStringLiteral("'''")}) {
        if (!rest.startsWith(quote)) continue;
        const qsizetype end = rest.indexOf(quote, 3);
        if (end < 0) return {};
        // Paragraphs stay apart; the lines within one are joined.
        QStringList paragraphs;
        for (const QString &p : rest.mid(3, end - 3).toString().split(QStringLiteral("\n\n")))
            if (const QString joined = p.simplified(); !joined.isEmpty()) paragraphs << joined;
        return paragraphs.join(QStringLiteral("\n\n"));
    }
    return {};
}

} // namespace raceway::py
