#include "cli.h"

#include "imageexport.h"
#include "registry.h"
#include "runner.h"
#include "traceexport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>

#include <atomic>
#include <csignal>
#include <memory>

namespace raceway {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true);
}

struct RunOptions
{
    QString scenario;
    QStringList params;
    QString png, svg, trace;
    bool json = false;
    int width = 1600;
    std::uint64_t maxEvents = Runner::defaultMaxEvents;
};

const QStringList runFlags = {QStringLiteral("--png"), QStringLiteral("--svg"), QStringLiteral("--trace"),
                              QStringLiteral("--json"), QStringLiteral("--width"), QStringLiteral("--max-events")};

int usageError(QTextStream &err, const QString &line)
{
    err << "raceway: " << line << Qt::endl;
    return 2;
}

QString scenarioList()
{
    return Registry::builtin().ids().join(QStringLiteral(", "));
}

const Scenario *findScenario(const QString &id, QTextStream &err)
{
    const Scenario *s = Registry::builtin().find(id);
    if (!s)
        usageError(err, QStringLiteral("unknown scenario '") + id + QStringLiteral("' (scenarios: ") +
                            scenarioList() + QLatin1Char(')'));
    return s;
}

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

int list(QTextStream &out)
{
    for (const Scenario *s : Registry::builtin().all())
        out << s->id() << '\t' << s->title() << '\n';
    out.flush();
    return 0;
}

int describe(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.size() != 1)
        return usageError(err, QStringLiteral("describe takes one scenario (scenarios: ") + scenarioList() +
                                   QLatin1Char(')'));
    const Scenario *s = findScenario(args.first(), err);
    if (!s)
        return 2;
    out << s->id() << " — " << s->title() << "\n\n" << s->description() << "\n\nParameters:\n";
    for (const ParamSpec &p : s->params()) {
        out << "  " << p.name << '\n';
        out << "      type " << p.typeName() << ", default " << p.formatValue(p.defaultValue)
            << (p.unit.isEmpty() ? QString() : QLatin1Char(' ') + p.unit) << ", allowed " << p.allowedValues()
            << '\n';
        out << "      " << p.help << '\n';
    }
    out << "\nExample: raceway run " << s->id();
    for (const ParamSpec &p : s->params())
        out << ' ' << p.name << '=' << p.formatValue(p.defaultValue);
    out << '\n';
    out.flush();
    return 0;
}

// Fills options from the arguments after "run". Returns 0 or the exit status of a usage error.
int parseRun(const QStringList &args, RunOptions *o, QTextStream &err)
{
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        return usageError(err, QStringLiteral("run needs a scenario (scenarios: ") + scenarioList() +
                                   QLatin1Char(')'));
    o->scenario = args.first();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (!a.startsWith(QStringLiteral("--"))) {
            o->params << a;
            continue;
        }
        if (a == QLatin1String("--json")) {
            o->json = true;
            continue;
        }
        if (!runFlags.contains(a))
            return usageError(err, QStringLiteral("unknown option '") + a + QStringLiteral("' (options: ") +
                                       runFlags.join(QStringLiteral(", ")) + QLatin1Char(')'));
        if (i + 1 >= args.size() || args[i + 1].isEmpty())
            return usageError(err, QStringLiteral("option ") + a + QStringLiteral(" needs a value"));
        const QString v = args[++i];
        qlonglong n = 0;
        if (a == QLatin1String("--png"))
            o->png = v;
        else if (a == QLatin1String("--svg"))
            o->svg = v;
        else if (a == QLatin1String("--trace"))
            o->trace = v;
        else if (a == QLatin1String("--width")) {
            if (!parseNumber(a, v, 800, 10000, &n, err))
                return 2;
            o->width = int(n);
        } else if (a == QLatin1String("--max-events")) {
            if (!parseNumber(a, v, 4096, 1'000'000'000, &n, err))
                return 2;
            o->maxEvents = std::uint64_t(n);
        }
    }
    const QStringList outputs = {o->png, o->svg, o->trace};
    for (int x = 0; x < outputs.size(); ++x)
        for (int y = x + 1; y < outputs.size(); ++y)
            if (!outputs[x].isEmpty() && QFileInfo(outputs[x]).absoluteFilePath() ==
                                             QFileInfo(outputs[y]).absoluteFilePath())
                return usageError(err, QStringLiteral("two outputs name the same file '") + outputs[x] +
                                           QLatin1Char('\''));
    return 0;
}

QJsonObject resultJson(const Scenario &s, const Runner &runner)
{
    const RunResult &r = runner.result();
    QJsonObject params;
    for (const ParamSpec &p : s.params()) {
        const QVariant v = r.params.value(p.name);
        params[p.name] = p.type == ParamType::Int       ? QJsonValue(v.toLongLong())
                         : p.type == ParamType::Bool    ? QJsonValue(v.toBool())
                         : p.type == ParamType::IntList ? QJsonValue::fromVariant(v)
                                                        : QJsonValue(v.toString());
    }
    QJsonArray lanes;
    for (const Lane &lane : runner.trace().lanes())
        lanes.append(QJsonObject{{QStringLiteral("name"), lane.name}, {QStringLiteral("kind"), laneKindName(lane.kind)}});
    QJsonObject metrics;
    for (const Metric &m : r.metrics)
        metrics[m.key] = QJsonValue::fromVariant(m.value);
    return QJsonObject{{QStringLiteral("scenario"), s.id()},
                       {QStringLiteral("params"), params},
                       {QStringLiteral("wall_ms"), r.wallMs},
                       {QStringLiteral("events"), qint64(r.events)},
                       {QStringLiteral("dropped_events"), qint64(r.droppedEvents)},
                       {QStringLiteral("cancelled"), r.cancelled},
                       {QStringLiteral("lanes"), lanes},
                       {QStringLiteral("metrics"), metrics}};
}

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    RunOptions o;
    if (int status = parseRun(args, &o, err))
        return status;
    const Scenario *scenario = findScenario(o.scenario, err);
    if (!scenario)
        return 2;
    QString error;
    const auto params = ParamValues::parse(scenario->params(), o.params, &error);
    if (!params)
        return usageError(err, error);
    if (const QString problem = scenario->validate(*params); !problem.isEmpty())
        return usageError(err, problem);

    // Open every output before running, so a bad path fails fast; QSaveFile leaves no partial file.
    struct Output
    {
        QString kind;
        std::unique_ptr<QSaveFile> file;
    };
    std::vector<Output> outputs;
    for (const auto &[kind, path] : {std::pair{QStringLiteral("png"), o.png}, std::pair{QStringLiteral("svg"), o.svg},
                                     std::pair{QStringLiteral("trace"), o.trace}}) {
        if (path.isEmpty())
            continue;
        auto file = std::make_unique<QSaveFile>(path);
        if (!file->open(QIODevice::WriteOnly)) {
            err << "raceway: cannot write '" << path << "': " << file->errorString() << Qt::endl;
            return 1;
        }
        outputs.push_back({kind, std::move(file)});
    }

    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, onInterrupt);
    Runner runner(*scenario, *params, o.maxEvents);
    runner.start();
    bool cancelled = false;
    while (!runner.collect()) {
        if (g_interrupted.load() && !cancelled) {
            runner.cancel();
            cancelled = true;
        }
        QThread::msleep(15);
    }
    std::signal(SIGINT, previous);

    const RunResult &r = runner.result();
    if (!r.error.isEmpty()) {
        err << "raceway: " << r.error << Qt::endl;
        for (Output &output : outputs)
            output.file->cancelWriting();
        return 1;
    }
    ExportOptions eo;
    eo.width = o.width;
    eo.title = scenario->headline(r.params, r.metrics);
    eo.chart = scenario->chart(r.params, r.metrics);
    if (r.droppedEvents > 0)
        eo.note = QStringLiteral("event budget reached: %1 events not drawn").arg(r.droppedEvents);
    else if (r.cancelled)
        eo.note = QStringLiteral("stopped early");
    for (Output &output : outputs) {
        bool ok = false;
        if (output.kind == QLatin1String("png"))
            ok = writePng(runner.trace(), eo, *output.file, &error);
        else if (output.kind == QLatin1String("svg"))
            ok = writeSvg(runner.trace(), eo, *output.file, &error);
        else
            ok = writeChromeTrace(runner.trace(), *output.file, &error);
        if (!ok || !output.file->commit()) {
            err << "raceway: cannot write '" << output.file->fileName() << "': "
                << (ok ? output.file->errorString() : error) << Qt::endl;
            for (Output &rest : outputs)
                if (rest.file->isOpen())
                    rest.file->cancelWriting();
            return 1;
        }
    }

    if (o.json) {
        out << QJsonDocument(resultJson(*scenario, runner)).toJson(QJsonDocument::Compact) << '\n';
    } else {
        out << scenario->headline(r.params, r.metrics) << '\n';
        for (const Metric &m : r.metrics)
            out << "  " << qSetFieldWidth(36) << Qt::left << m.label << qSetFieldWidth(0) << formatMetric(m) << '\n';
        out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Wall time") << qSetFieldWidth(0)
            << QLocale().toString(r.wallMs, 'f', 3) << " ms\n";
        out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Events recorded") << qSetFieldWidth(0)
            << QLocale().toString(qlonglong(r.events)) << '\n';
        if (r.droppedEvents)
            out << "  note: the event budget was reached; " << r.droppedEvents
                << " events were not recorded (raise --max-events)\n";
        if (r.cancelled)
            out << "  note: the run was interrupted\n";
        for (const Output &output : outputs)
            out << "wrote " << output.file->fileName() << '\n';
    }
    out.flush();
    return r.cancelled ? 1 : 0;
}

} // namespace

QString usageText()
{
    return QStringLiteral(
        "Usage: raceway [COMMAND]\n"
        "Raceway runs real concurrent workloads and draws them as timeline swimlanes: who runs, who\n"
        "waits for which lock, and which writes erased whose updates. With no command it opens the window.\n"
        "\n"
        "Commands:\n"
        "  list                      one scenario per line: id, a tab, a short title\n"
        "  describe SCENARIO         the scenario's parameters: name, type, default, allowed values, help\n"
        "  run SCENARIO [name=value ...] [options]\n"
        "                            run it for real, write the requested files and print a summary\n"
        "\n"
        "Run options:\n"
        "  --png FILE                write the timeline as a PNG image\n"
        "  --svg FILE                write the timeline as an SVG drawing\n"
        "  --trace FILE              write Chrome Trace Event JSON (opens in Perfetto UI and speedscope)\n"
        "  --json                    print exactly one JSON object instead of the summary\n"
        "  --width N                 image width in pixels, 800..10000 (default 1600)\n"
        "  --max-events N            event budget of the run, 4096..1000000000 (default 20000000)\n"
        "\n"
        "Options:\n"
        "  -h, --help                show this help\n"
        "  -V, --version             show the version\n"
        "\n"
        "Exit status: 0 done, 1 failed while running or writing, 2 bad usage or input.\n"
        "Example: raceway run counter threads=4 iterations=200000 lock=off --png race.png --json\n");
}

bool isCliInvocation(const QStringList &args)
{
    // Qt's own window options (-platform, -style, ...) still open the window.
    static const QStringList qtOptions = {QStringLiteral("-platform"), QStringLiteral("-style"),
                                          QStringLiteral("-geometry"), QStringLiteral("-reverse"),
                                          QStringLiteral("-qwindowgeometry"), QStringLiteral("-qwindowtitle")};
    return args.size() > 1 && !qtOptions.contains(args[1]);
}

int runCli(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString verb = args.value(1);
    const QStringList rest = args.mid(2);
    if (verb == QLatin1String("-h") || verb == QLatin1String("--help") || verb == QLatin1String("help")) {
        out << usageText();
        out.flush();
        return 0;
    }
    if (verb == QLatin1String("-V") || verb == QLatin1String("--version")) {
        out << "raceway " << RACEWAY_VERSION << '\n';
        out.flush();
        return 0;
    }
    if (verb == QLatin1String("list")) {
        if (!rest.isEmpty())
            return usageError(err, QStringLiteral("list takes no arguments"));
        return list(out);
    }
    if (verb == QLatin1String("describe"))
        return describe(rest, out, err);
    if (verb == QLatin1String("run"))
        return run(rest, out, err);
    return usageError(err, QStringLiteral("unknown command '") + verb +
                               QStringLiteral("' (commands: list, describe, run, --help, --version)"));
}

} // namespace raceway
