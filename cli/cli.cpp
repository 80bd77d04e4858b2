#include "cli.h"

#include "eventbudget.h"
#include "imageexport.h"
#include "outputfile.h"
#include "registry.h"
#include "runner.h"
#include "termination.h"
#include "traceexport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <csignal>
#include <memory>

namespace raceway {
namespace {

struct RunOptions
{
    QString scenario;
    QStringList params;
    QString png, svg, trace;
    bool json = false;
    int width = 1600;
    int scale = 1;
    std::uint64_t maxEvents = Runner::defaultMaxEvents();
};

const QStringList runFlags = {QStringLiteral("--png"), QStringLiteral("--svg"), QStringLiteral("--trace"),
                              QStringLiteral("--json"), QStringLiteral("--width"), QStringLiteral("--scale"),
                              QStringLiteral("--max-events")};

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
        // "--png --json": the next flag is never taken for a file name.
        if (args[i + 1].startsWith(QStringLiteral("--")))
            return usageError(err, QStringLiteral("option ") + a + QStringLiteral(" needs a value, not the option '") +
                                       args[i + 1] + QLatin1Char('\''));
        const QString v = args[++i];
        qlonglong n = 0;
        if (a == QLatin1String("--png"))
            o->png = v;
        else if (a == QLatin1String("--svg"))
            o->svg = v;
        else if (a == QLatin1String("--trace"))
            o->trace = v;
        else if (a == QLatin1String("--scale")) {
            if (!parseNumber(a, v, 1, 4, &n, err))
                return 2;
            o->scale = int(n);
        } else if (a == QLatin1String("--width")) {
            if (!parseNumber(a, v, 800, 10000, &n, err))
                return 2;
            o->width = int(n);
        } else if (a == QLatin1String("--max-events")) {
            const auto most = qlonglong(eventbudget::maxBudget());
            bool ok = false;
            n = v.toLongLong(&ok);
            if (ok && n > most)
                return usageError(err, QStringLiteral("option --max-events: %1 events need about %2 GiB, more than half of "
                                                      "this machine's %3 GiB (allowed: %4..%5)")
                                           .arg(v)
                                           .arg(double(n) * double(eventbudget::bytesPerEvent) / double(1 << 30), 0, 'f', 1)
                                           .arg(double(eventbudget::physicalMemory()) / double(1 << 30), 0, 'f', 1)
                                           .arg(eventbudget::minBudget)
                                           .arg(most));
            if (!parseNumber(a, v, qlonglong(eventbudget::minBudget), most, &n, err))
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

QString signalName(int signal)
{
    return signal == SIGINT ? QStringLiteral("SIGINT") : signal == SIGTERM ? QStringLiteral("SIGTERM")
                                                                             : QStringLiteral("signal %1").arg(signal);
}

// What happened to one requested file.
struct FileOutcome
{
    QString kind, path;
    bool written = false;
    QString error;
};

QJsonObject resultJson(const Scenario &s, const Runner &runner, int signal, const std::vector<FileOutcome> &files)
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
        metrics[m.key] = m.value.isValid() ? QJsonValue::fromVariant(m.value) : QJsonValue(QJsonValue::Null);
    QJsonArray outputs;
    for (const FileOutcome &f : files) {
        QJsonObject o{{QStringLiteral("kind"), f.kind}, {QStringLiteral("path"), f.path}, {QStringLiteral("written"), f.written}};
        if (!f.error.isEmpty())
            o[QStringLiteral("error")] = f.error;
        outputs.append(o);
    }
    QJsonObject o{{QStringLiteral("scenario"), s.id()},
                  {QStringLiteral("params"), params},
                  {QStringLiteral("wall_ms"), r.wallMs},
                  {QStringLiteral("events"), qint64(r.events)},
                  {QStringLiteral("dropped_events"), qint64(r.droppedEvents)},
                  {QStringLiteral("max_events"), qint64(runner.recorder().maxEvents())},
                  {QStringLiteral("cancelled"), r.cancelled},
                  {QStringLiteral("problems"), QJsonArray::fromStringList(r.problems)},
                  {QStringLiteral("lanes"), lanes},
                  {QStringLiteral("metrics"), metrics},
                  {QStringLiteral("files"), outputs}};
    if (r.budgetReachedNs != 0)
        o[QStringLiteral("budget_reached_ms")] = double(r.budgetReachedNs - runner.trace().start()) / 1e6;
    if (signal != 0)
        o[QStringLiteral("interrupted_by")] = signalName(signal);
    return o;
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

    // Check every output before running, so a bad path fails fast; nothing is created yet.
    std::vector<std::unique_ptr<OutputFile>> outputs;
    for (const auto &[kind, path] : {std::pair{QStringLiteral("png"), o.png}, std::pair{QStringLiteral("svg"), o.svg},
                                     std::pair{QStringLiteral("trace"), o.trace}}) {
        if (path.isEmpty())
            continue;
        auto file = std::make_unique<OutputFile>(path, kind);
        if (!file->prepare(&error)) {
            err << "raceway: cannot write '" << path << "': " << error << Qt::endl;
            return 1;
        }
        outputs.push_back(std::move(file));
    }

    // Ctrl+C or SIGTERM: the first stops the run (threads joined, workers reaped) and the files are
    // written from what was recorded; a second one gives up on the files as well.
    Termination::install();
    Termination::reset();
    std::signal(SIGPIPE, SIG_IGN); // a FIFO whose reader went away is a write error, not a death
    const auto giveUp = [] { return Termination::count() >= 2; };
    Runner runner(*scenario, *params, o.maxEvents);
    runner.start();
    bool abandoned = false;
    for (;;) {
        const bool stopping = Termination::count() > 0;
        if (stopping)
            runner.cancel();
        if (giveUp()) {
            abandoned = true;
            break;
        }
        // Stopping: the workers get the CPU to themselves until they are joined; collect afterwards.
        if (stopping && !runner.workersJoined()) {
            QThread::msleep(1);
            continue;
        }
        if (runner.collect(10))
            break;
        if (!runner.recorder().hasUnread())
            QThread::msleep(5);
    }
    const int signal = Termination::firstSignal();
    std::vector<FileOutcome> files;
    for (const auto &output : outputs)
        files.push_back({output->kind(), output->path(), false, {}});
    if (abandoned) {
        runner.cancel();
        err << "raceway: interrupted twice (" << signalName(signal) << "): stopped without writing any file" << Qt::endl;
        return Termination::exitStatus(signal);
    }

    const RunResult &r = runner.result();
    if (!r.error.isEmpty()) {
        err << "raceway: " << r.error << Qt::endl;
        return 1;
    }
    ExportOptions eo;
    eo.width = o.width;
    eo.scale = o.scale;
    eo.title = scenario->headline(r.params, r.metrics);
    eo.chart = scenario->chart(r.params, r.metrics);
    if (signal != 0)
        eo.note = QStringLiteral("interrupted (%1): what was recorded until then").arg(signalName(signal));
    else if (r.droppedEvents > 0)
        eo.note = QStringLiteral("event budget reached: %1 later events not recorded")
                      .arg(QLocale().toString(qulonglong(r.droppedEvents)));
    int failedWrites = 0;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        OutputFile &output = *outputs[k];
        FileOutcome &outcome = files[k];
        if (giveUp()) {
            outcome.error = QStringLiteral("not written: interrupted twice");
            continue;
        }
        QIODevice *device = output.open(giveUp, &error);
        bool ok = device != nullptr;
        if (ok) {
            if (output.kind() == QLatin1String("png"))
                ok = writePng(runner.trace(), eo, *device, &error);
            else if (output.kind() == QLatin1String("svg"))
                ok = writeSvg(runner.trace(), eo, *device, &error);
            else {
                ChromeTraceOptions to; // the device is a descriptor, not a named file: say what to write
                to.compression = output.path().endsWith(QLatin1String(".gz"), Qt::CaseInsensitive)
                                     ? ChromeTraceOptions::Compression::Gzip
                                     : ChromeTraceOptions::Compression::None;
                ok = writeChromeTrace(runner.trace(), *device, to, &error);
            }
            if (ok && giveUp()) {
                ok = false;
                error = QStringLiteral("interrupted twice");
            }
        }
        if (ok)
            ok = output.commit(&error);
        else
            output.discard();
        outcome.written = ok;
        if (!ok) {
            outcome.error = error;
            ++failedWrites;
            err << "raceway: cannot write '" << output.path() << "': " << error << Qt::endl;
        }
    }

    if (o.json) {
        out << QJsonDocument(resultJson(*scenario, runner, signal, files)).toJson(QJsonDocument::Compact) << '\n';
    } else {
        const QLocale l;
        out << scenario->headline(r.params, r.metrics) << '\n';
        for (const Metric &m : r.metrics)
            out << "  " << qSetFieldWidth(36) << Qt::left << m.label << qSetFieldWidth(0) << formatMetric(m) << '\n';
        out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Wall time") << qSetFieldWidth(0)
            << l.toString(r.wallMs, 'f', 3) << " ms\n";
        out << "  " << qSetFieldWidth(36) << Qt::left << QStringLiteral("Events recorded") << qSetFieldWidth(0)
            << l.toString(qlonglong(r.events)) << '\n';
        if (r.droppedEvents)
            out << "  note: the event budget (" << l.toString(qulonglong(runner.recorder().maxEvents()))
                << ") was reached " << l.toString(double(r.budgetReachedNs - runner.trace().start()) / 1e6, 'f', 1)
                << " ms into the run; " << l.toString(qulonglong(r.droppedEvents))
                << " later events were not recorded (the numbers above are still exact; raise --max-events to draw them)\n";
        if (signal != 0)
            out << "  note: interrupted by " << signalName(signal)
                << ": every thread was joined and every worker reaped; the numbers and files cover the run until then\n";
        for (const QString &problem : r.problems)
            out << "  problem: " << problem << '\n';
        for (const FileOutcome &f : files)
            if (f.written)
                out << "wrote " << f.path << (signal != 0 ? " (partial: until the interrupt)" : "") << '\n';
    }
    out.flush();
    for (const QString &problem : r.problems)
        err << "raceway: " << problem << Qt::endl;
    if (signal != 0)
        return Termination::exitStatus(signal);
    return failedWrites > 0 || !r.problems.isEmpty() ? 1 : 0;
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
        "  --width N                 image width in pixels, 800..10000 (default 1600); text grows past 1600\n"
        "  --scale N                 pixels per point, 1..4 (default 1): 2 doubles width, height and text\n"
        "  --max-events N            event budget of the run, 4096 up to what half the memory holds\n"
        "                            (default: 50000000, or a quarter of the memory if that is less)\n"
        "\n"
        "Options:\n"
        "  -h, --help                show this help\n"
        "  -V, --version             show the version\n"
        "\n"
        "Exit status: 0 done, 1 failed while running or writing (or a worker failed unasked),\n"
        "2 bad usage or input, 130 interrupted (Ctrl+C), 143 terminated (SIGTERM).\n"
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
