#include "options.h"

#include "eventbudget.h"

#include <QFileInfo>

namespace raceway {
namespace {

// Parses a whole number option value in [min, max].
bool parseNumber(const QString &flag, const QString &text, qlonglong min, qlonglong max, qlonglong *value,
                 QTextStream &err)
{
    bool ok = false;
    *value = text.toLongLong(&ok);
    if (!ok || *value < min || *value > max) {
        usageError(err, QStringLiteral("option ") + flag + QStringLiteral(": '") + text +
                            QStringLiteral("' is not allowed (allowed: ") + QString::number(min) +
                            QStringLiteral("..") + QString::number(max) + QLatin1Char(')'));
        return false;
    }
    return true;
}

} // namespace

int usageError(QTextStream &err, const QString &line)
{
    err << "raceway: " << line << Qt::endl;
    return 2;
}

int parseOptions(const QStringList &args, bool run, CliOptions *o, QTextStream &err)
{
    QStringList flags = {QStringLiteral("--png"),  QStringLiteral("--svg"),   QStringLiteral("--trace"),
                         QStringLiteral("--json"), QStringLiteral("--width"), QStringLiteral("--scale")};
    if (run) flags << QStringLiteral("--max-events") << QStringLiteral("--save") << QStringLiteral("--quiet");
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (!a.startsWith(QStringLiteral("--"))) {
            if (!run)
                return usageError(err,
                                  QStringLiteral("show takes one file, not also '") + a + QLatin1Char('\''));
            o->params << a;
            continue;
        }
        if (a == QLatin1String("--json")) {
            o->json = true;
            continue;
        }
        if (run && a == QLatin1String("--quiet")) {
            o->quiet = true;
            continue;
        }
        if (!flags.contains(a))
            return usageError(err, QStringLiteral("unknown option '") + a + QStringLiteral("' (options: ") +
                                       flags.join(QStringLiteral(", ")) + QLatin1Char(')'));
        if (i + 1 >= args.size() || args[i + 1].isEmpty())
            return usageError(err, QStringLiteral("option ") + a + QStringLiteral(" needs a value"));
        // "--png --json": the next flag is never taken for a file name.
        if (args[i + 1].startsWith(QStringLiteral("--")))
            return usageError(err, QStringLiteral("option ") + a +
                                       QStringLiteral(" needs a value, not the option '") + args[i + 1] +
                                       QLatin1Char('\''));
        const QString v = args[++i];
        qlonglong n = 0;
        if (a == QLatin1String("--png"))
            o->png = v;
        else if (a == QLatin1String("--svg"))
            o->svg = v;
        else if (a == QLatin1String("--trace"))
            o->trace = v;
        else if (a == QLatin1String("--save"))
            o->save = v;
        else if (a == QLatin1String("--scale")) {
            if (!parseNumber(a, v, 1, 4, &n, err)) return 2;
            o->scale = int(n);
        } else if (a == QLatin1String("--width")) {
            if (!parseNumber(a, v, 800, 10000, &n, err)) return 2;
            o->width = int(n);
        } else if (a == QLatin1String("--max-events")) {
            const auto most = qlonglong(eventbudget::maxBudget());
            bool ok = false;
            n = v.toLongLong(&ok);
            if (ok && n > most)
                return usageError(
                    err, QStringLiteral("option --max-events: %1 events need about %2 GiB, more than half of "
                                        "this machine's %3 GiB (allowed: %4..%5)")
                             .arg(v)
                             .arg(double(n) * double(eventbudget::bytesPerEvent) / double(1 << 30), 0, 'f', 1)
                             .arg(double(eventbudget::physicalMemory()) / double(1 << 30), 0, 'f', 1)
                             .arg(eventbudget::minBudget)
                             .arg(most));
            if (!parseNumber(a, v, qlonglong(eventbudget::minBudget), most, &n, err)) return 2;
            o->maxEvents = std::uint64_t(n);
        }
    }
    const QStringList outputs = {o->png, o->svg, o->trace, o->save, run ? QString() : o->target};
    for (int x = 0; x < outputs.size(); ++x)
        for (int y = x + 1; y < outputs.size(); ++y)
            if (!outputs[x].isEmpty() &&
                QFileInfo(outputs[x]).absoluteFilePath() == QFileInfo(outputs[y]).absoluteFilePath())
                return usageError(err, QStringLiteral("two files name the same file '") + outputs[x] +
                                           QLatin1Char('\''));
    return 0;
}

int prepareOutputs(const CliOptions &o, std::vector<std::unique_ptr<OutputFile>> *outputs, QTextStream &err)
{
    QString error;
    for (const auto &[kind, path] :
         {std::pair{QStringLiteral("png"), o.png}, std::pair{QStringLiteral("svg"), o.svg},
          std::pair{QStringLiteral("trace"), o.trace}}) {
        if (path.isEmpty()) continue;
        auto file = std::make_unique<OutputFile>(path, kind);
        if (!file->prepare(&error)) {
            err << "raceway: cannot write '" << path << "': " << error << Qt::endl;
            return 1;
        }
        outputs->push_back(std::move(file));
    }
    return 0;
}

} // namespace raceway
