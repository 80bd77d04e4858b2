#include "pythonjob.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringDecoder>
#include <QVersionNumber>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

namespace raceway::py {

bool isWatchableName(const QString &name)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(/"
                       "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)?$"));
    return name.size() <= 200 && pattern.match(name).hasMatch();
}

QStringList declaredWatches(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    static const QRegularExpression comment(QStringLiteral("^#\\s*raceway:\\s*watch\\s+(.+)$"));
    QStringList names;
    for (int line = 0; line < 100 && !f.atEnd(); ++line) {
        const QRegularExpressionMatch m = comment.match(QString::fromUtf8(f.readLine(4096)).trimmed());
        if (!m.hasMatch()) continue;
        for (const QString &name :
             m.captured(1).split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts))
            if (isWatchableName(name) && names.size() < maxWatched) names << name;
    }
    return names;
}

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

namespace {

// What each interpreter answered, for a while: the window asks again whenever a script is chosen (and
// it ran the interpreter on its own thread twice each time: 0.7 s under pyenv's shim, the window frozen).
// A file changed since is asked again.
struct ProbeAnswer
{
    QDateTime modified;
    qint64 size = 0;
    std::chrono::steady_clock::time_point at;
    PythonInfo info;
    QString error; // as runProbe() said it
};
std::mutex probeMutex;
std::map<QString, ProbeAnswer> probeAnswers;
constexpr auto probeKept = std::chrono::seconds(60);

PythonInfo runProbe(const QString &path, QString *error);

} // namespace

PythonInfo probePython(const QString &path, QString *error)
{
    const QFileInfo file(path);
    const QDateTime modified = file.lastModified();
    const qint64 size = file.size();
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(probeMutex);
        if (const auto it = probeAnswers.find(path);
            it != probeAnswers.end() && it->second.modified == modified && it->second.size == size &&
            now - it->second.at < probeKept) {
            if (error && !it->second.error.isEmpty()) *error = it->second.error;
            return it->second.info;
        }
    }
    QString why;
    PythonInfo info = runProbe(path, &why);
    if (error && !why.isEmpty()) *error = why;
    std::lock_guard lock(probeMutex);
    probeAnswers[path] = {modified, size, now, info, why};
    return info;
}

namespace {

PythonInfo runProbe(const QString &path, QString *error)
{
    // -E and -S: no environment, no site packages: only the interpreter answers, in a few milliseconds.
    // The code runs on Python 2 too, so that it can say what it is.
    static const QString code = QStringLiteral(
        "import sys, sysconfig; sys.stdout.write('raceway-probe %d %d %s %d\\n' % (sys.version_info[0], "
        "sys.version_info[1], sys.version.split()[0], 1 if sysconfig.get_config_var('Py_GIL_DISABLED') "
        "else 0))");
    PythonInfo info;
    info.path = path;
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(path, {QStringLiteral("-E"), QStringLiteral("-S"), QStringLiteral("-c"), code});
    const bool finished = p.waitForStarted(5000) && p.waitForFinished(5000);
    if (!finished) {
        p.kill();
        p.waitForFinished(1000);
    }
    const QList<QByteArray> words = p.readAllStandardOutput().trimmed().split(' ');
    const bool answered = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 &&
                          words.size() == 5 && words[0] == "raceway-probe";
    if (!answered) {
        info.problem = QStringLiteral("not a Python interpreter (it did not answer as one)");
        if (error) *error = QStringLiteral("'%1' is %2").arg(path, info.problem);
        return info;
    }
    info.major = words[1].toInt();
    info.minor = words[2].toInt();
    info.version = QString::fromLatin1(words[3]);
    info.freeThreaded = words[4] == "1";
    if (info.major < 3 || (info.major == 3 && info.minor < 8)) {
        info.problem = QStringLiteral("Python %1: the tracer needs Python 3.8 or later").arg(info.version);
        if (error) *error = QStringLiteral("'%1' is %2").arg(path, info.problem);
        info.version.clear();
    }
    return info;
}

} // namespace

QString interpreterLabel(const PythonInfo &info)
{
    return QStringLiteral("Python %1, %2")
        .arg(info.version,
             info.freeThreaded ? QStringLiteral("free-threaded") : QStringLiteral("with the GIL"));
}

PythonInfo resolvePython(const QString &requested, QString *error)
{
    if (requested == QLatin1String("auto")) {
        // Free-threaded builds by name first (python3.13t): each probe starts an interpreter.
        QStringList candidates = candidatePythons();
        std::stable_partition(candidates.begin(), candidates.end(),
                              [](const QString &p) { return p.endsWith(QLatin1Char('t')); });
        for (const QString &path : candidates) {
            QString ignored;
            const PythonInfo info = probePython(path, &ignored);
            if (info.freeThreaded && !info.version.isEmpty()) return info;
        }
    }
    const QString path = findPython(requested == QLatin1String("auto") ? QString() : requested, error);
    if (path.isEmpty()) return {};
    return probePython(path, error);
}

QStringList candidatePythons()
{
    // python3 and python3.N (python3.13t too) on PATH, pyenv's versions, the free-threaded build that
    // scripts/get-free-threaded-python.sh makes, and $RACEWAY_PYTHON; each path once.
    QStringList found;
    std::set<QString> seen; // by the real directory and the name: /bin/python3 is /usr/bin/python3
    const auto add = [&](const QString &path) {
        const QFileInfo info(path);
        if (path.isEmpty() || !info.isFile() || !info.isExecutable()) return;
        const QString dir = QFileInfo(info.absolutePath()).canonicalFilePath();
        if (!seen.insert(dir + QLatin1Char('/') + info.fileName()).second) return;
        found << info.absoluteFilePath();
    };
    add(qEnvironmentVariable("RACEWAY_PYTHON"));
    static const QRegularExpression name(QStringLiteral("^python3(\\.[0-9]+t?)?$"));
    QString pyenv = qEnvironmentVariable("PYENV_ROOT");
    if (pyenv.isEmpty()) pyenv = QDir::homePath() + QStringLiteral("/.pyenv");
    const QString shims = QFileInfo(pyenv + QStringLiteral("/shims")).canonicalFilePath();
    for (const QString &dir : qEnvironmentVariable("PATH").split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        // pyenv's shims: only python3, what `python3` runs; a python3.N shim fails unless pyenv has
        // that version selected, and each version is listed from pyenv's own folder below.
        const bool shimDir = !shims.isEmpty() && QFileInfo(dir).canonicalFilePath() == shims;
        QStringList names =
            QDir(dir).entryList({QStringLiteral("python3*")}, QDir::Files | QDir::Executable, QDir::Name);
        for (const QString &n : names)
            if (name.match(n).hasMatch() && (!shimDir || n == QLatin1String("python3")))
                add(QDir(dir).filePath(n));
    }
    const QDir versions(pyenv + QStringLiteral("/versions"));
    QStringList byVersion = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::stable_sort(byVersion.begin(), byVersion.end(), [](const QString &a, const QString &b) {
        return QVersionNumber::fromString(a) < QVersionNumber::fromString(b); // 3.8 before 3.10
    });
    for (const QString &v : byVersion) {
        const QString bin = versions.filePath(v) + QStringLiteral("/bin/");
        add(QFileInfo(bin + QStringLiteral("python3")).exists() ? bin + QStringLiteral("python3")
                                                                : bin + QStringLiteral("python"));
    }
    add(cachedFreeThreadedPython());
    return found;
}

QString cachedFreeThreadedPython()
{
    QString cache = qEnvironmentVariable("XDG_CACHE_HOME");
    if (cache.isEmpty()) cache = QDir::homePath() + QStringLiteral("/.cache");
    return cache + QStringLiteral("/raceway/python3.13t/bin/python3.13t");
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
