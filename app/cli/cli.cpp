#include "cli.h"

#include "execute.h"
#include "explore.h"
#include "options.h"
#include "outputfile.h"
#include "registry.h"
#include "report.h"
#include "runfilewriter.h"
#include "runner.h"
#include "savedrun.h"
#include "show.h"
#include "termination.h"
#include "tracecommand.h"

#include <QFileInfo>
#include <QJsonDocument>

#include <csignal>
#include <memory>

namespace raceway {
namespace {

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
    if (!s) return 2;
    out << s->id() << " — " << s->title() << "\n\n" << s->description() << "\n\nParameters:\n";
    for (const ParamSpec &p : s->params()) {
        out << "  " << p.name << '\n';
        const QString def = p.formatValue(p.defaultValue);
        out << "      type " << p.typeName() << ", default " << (def.isEmpty() ? QStringLiteral("none") : def)
            << (p.unit.isEmpty() ? QString() : QLatin1Char(' ') + p.unit) << ", allowed " << p.allowedValues()
            << '\n';
        out << "      " << p.help << '\n';
    }
    out << "\nExample: raceway run " << s->id();
    for (const ParamSpec &p : s->params())
        if (const QString def = p.formatValue(p.defaultValue); !def.isEmpty())
            out << ' ' << p.name << '=' << def;
    out << '\n';
    out.flush();
    return 0;
}

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        return usageError(err, QStringLiteral("run needs a scenario (scenarios: ") + scenarioList() +
                                   QLatin1Char(')'));
    CliOptions o;
    o.target = args.first();
    if (int status = parseOptions(args.mid(1), true, &o, err)) return status;
    const Scenario *scenario = findScenario(o.target, err);
    if (!scenario) return 2;
    QString error;
    const auto params = ParamValues::parse(scenario->params(), o.params, &error);
    if (!params) return usageError(err, error);
    if (const QString problem = scenario->validate(*params); !problem.isEmpty())
        return usageError(err, problem);

    return executeRun(*scenario, *params, o, out, err);
}

} // namespace

QString usageText()
{
    return QStringLiteral(
        "Usage: raceway [COMMAND | FILE]\n"
        "Raceway runs real concurrent workloads and draws them as timeline swimlanes: who runs, who\n"
        "waits for which lock, and which writes erased whose updates. With no command it opens the window;\n"
        "with a saved run (.raceway) or a Chrome trace (.json, .json.gz) it opens the window on that file.\n"
        "\n"
        "Commands:\n"
        "  list                      one scenario per line: id, a tab, a short title\n"
        "  describe SCENARIO         the scenario's parameters: name, type, default, allowed values, help\n"
        "  run SCENARIO [name=value ...] [options]\n"
        "                            run it for real, write the requested files and print a summary\n"
        "  show FILE [options]       draw and report a saved run (--save) or a Chrome trace (.json,\n"
        "                            .json.gz, from Raceway or other tools) without running anything;\n"
        "                            takes --png, --svg, --trace, --json, --width and --scale\n"
        "  trace SCRIPT [ARGS ...] [options]\n"
        "                            run a Python script under python3 with Raceway's tracer and draw its\n"
        "                            threads, locks, processes, cores and the (inferred) GIL; takes the run\n"
        "                            options and --timeout SECONDS (kill it and its children after that),\n"
        "                            --python PATH (given twice or more: the script under each in\n"
        "                            turn, stacked on one time scale in --png, --json's \"runs\"),\n"
        "                            --calls (each thread's function calls as nested\n"
        "                            slices in a lane under it), --watch NAME (a module-level number of\n"
        "                            the script, or a dotted path, drawn as a lane as it changes;\n"
        "                            NAME/EXPECTED draws it against the number it should equal; up to 8),\n"
        "                            --slow-step MS (an asyncio step this long\n"
        "                            blocked its event loop; default 100) and --on-deadlock=end|wait (a "
        "lock\n"
        "                            wait-for cycle ends\n"
        "                            the script a second after it is found, exit 1; wait: leave it "
        "running);\n"
        "                            arguments after \"--\" all go to the script\n"
        "  explore SCENARIO [name=value ...] [--json] [--limit N]\n"
        "                            every order of the scenario's step points (counter, ping-pong,\n"
        "                            bank, deadlock, shared-value), each run for real, and how many\n"
        "                            orders give each outcome (lost updates, overdrafts, deadlocks...);\n"
        "                            refuses more than N orders (default 100,000)\n"
        "  pythons [--json]          the Python interpreters found (PATH, pyenv, RACEWAY_PYTHON, the\n"
        "                            free-threaded build): path, version, gil or free-threaded\n"
        "\n"
        "Run options:\n"
        "  --png FILE                write the timeline as a PNG image\n"
        "  --svg FILE                write the timeline as an SVG drawing\n"
        "  --trace FILE              write Chrome Trace Event JSON (opens in Perfetto UI and speedscope)\n"
        "  --json                    print exactly one JSON object instead of the summary\n"
        "  --width N                 image width in pixels, 800..10000 (default 1600); text grows past 1600\n"
        "  --scale N                 pixels per point, 1..4 (default 1): 2 doubles width, height and text\n"
        "  --save FILE               save the whole run (trace, parameters, results) for `raceway show`\n"
        "  --max-events N            event budget of the run, 4096 up to what half the memory holds\n"
        "                            (default: 50000000, or a quarter of the memory if that is less)\n"
        "  --quiet                   no progress line while it runs (shown only when standard error is a\n"
        "                            terminal, and never with --json)\n"
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
    static const QStringList qtOptions = {
        QStringLiteral("-platform"), QStringLiteral("-style"),           QStringLiteral("-geometry"),
        QStringLiteral("-reverse"),  QStringLiteral("-qwindowgeometry"), QStringLiteral("-qwindowtitle")};
    return args.size() > 1 && !qtOptions.contains(args[1]) && windowFile(args).isEmpty();
}

QString windowFile(const QStringList &args)
{
    static const QStringList verbs = {QStringLiteral("help"),     QStringLiteral("list"),
                                      QStringLiteral("describe"), QStringLiteral("run"),
                                      QStringLiteral("show"),     QStringLiteral("trace"),
                                      QStringLiteral("pythons"),  QStringLiteral("explore")};
    // Qt's own window options may stand around it (`raceway -geometry 1280x800 run.raceway`).
    static const QStringList valued = {
        QStringLiteral("-platform"),           QStringLiteral("-style"),
        QStringLiteral("-geometry"),           QStringLiteral("-qwindowgeometry"),
        QStringLiteral("-qwindowtitle"),       QStringLiteral("-platformtheme"),
        QStringLiteral("-platformpluginpath"), QStringLiteral("-qwindowicon")};
    QStringList rest;
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (valued.contains(args[i]) && i + 1 < args.size())
            ++i;
        else if (args[i] != QLatin1String("-reverse"))
            rest << args[i];
    }
    if (rest.size() != 1 || rest[0].startsWith(QLatin1Char('-')) || verbs.contains(rest[0])) return {};
    return QFileInfo(rest[0]).isFile() ? rest[0] : QString();
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
        if (!rest.isEmpty()) return usageError(err, QStringLiteral("list takes no arguments"));
        return list(out);
    }
    if (verb == QLatin1String("describe")) return describe(rest, out, err);
    if (verb == QLatin1String("run")) return run(rest, out, err);
    if (verb == QLatin1String("show")) return show(rest, out, err);
    if (verb == QLatin1String("trace")) return traceScript(rest, out, err);
    if (verb == QLatin1String("pythons")) return listPythons(rest, out, err);
    if (verb == QLatin1String("explore")) return explore(rest, out, err);
    return usageError(
        err, QStringLiteral("unknown command '") + verb +
                 QStringLiteral(
                     "' (commands: list, describe, run, explore, show, trace, pythons, --help, --version)"));
}

} // namespace raceway
