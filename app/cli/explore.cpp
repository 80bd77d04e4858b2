#include "explore.h"

#include "explorer.h"
#include "options.h"
#include "registry.h"
#include "report.h"
#include "termination.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <csignal>

namespace raceway {
namespace {

constexpr std::uint64_t defaultLimit = 100'000;
constexpr std::uint64_t mostAllowed = 10'000'000;
QString scenariosWithSteps()
{
    QStringList ids;
    for (const Scenario *s : Registry::builtin().all())
        if (s->steps(ParamValues::defaults(s->params()))) ids << s->id();
    return ids.join(QStringLiteral(", "));
}

} // namespace

int explore(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        return usageError(err, QStringLiteral("explore needs a scenario (scenarios with step points: %1)")
                                   .arg(scenariosWithSteps()));
    const Scenario *scenario = Registry::builtin().find(args.first());
    if (!scenario)
        return usageError(err, QStringLiteral("unknown scenario '%1' (scenarios with step points: %2)")
                                   .arg(args.first(), scenariosWithSteps()));
    QStringList assignments;
    bool json = false;
    std::uint64_t limit = defaultLimit;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--limit") || a.startsWith(QLatin1String("--limit="))) {
            QString value;
            if (a.contains(QLatin1Char('=')))
                value = a.section(QLatin1Char('='), 1);
            else if (i + 1 < args.size())
                value = args[++i];
            bool ok = false;
            const qulonglong n = value.toULongLong(&ok);
            if (!ok || n < 1 || n > mostAllowed)
                return usageError(err, QStringLiteral("--limit: '%1' is not a number of orders from 1 to %2")
                                           .arg(value, QLocale().toString(qulonglong(mostAllowed))));
            limit = n;
        } else if (a.startsWith(QLatin1Char('-'))) {
            return usageError(
                err, QStringLiteral("explore: unknown option '%1' (options: --json, --limit N)").arg(a));
        } else {
            assignments << a;
        }
    }
    QString error;
    const auto params = ParamValues::parse(scenario->params(), assignments, &error);
    if (!params) return usageError(err, error);
    const std::optional<StepPlan> plan = scenario->steps(*params);
    if (!plan)
        return usageError(err, QStringLiteral("scenario '%1' has no step points to explore (scenarios with "
                                              "them: %2)")
                                   .arg(scenario->id(), scenariosWithSteps()));
    if (!params->integers(QStringLiteral("schedule")).isEmpty())
        return usageError(err,
                          QStringLiteral("explore runs every schedule itself: leave out schedule= (`raceway "
                                         "run %1 schedule=...` runs one)")
                              .arg(scenario->id()));
    if (const QString problem = scenario->validate(*params); !problem.isEmpty())
        return usageError(err, problem);
    const QLocale l;
    if (const QString many = tooManySteps(*plan); !many.isEmpty())
        return usageError(err,
                          QStringLiteral("explore: %1 (fewer threads or iterations have fewer)").arg(many));
    if (const QString many = tooManyOrders(*plan, limit); !many.isEmpty())
        return usageError(err,
                          QStringLiteral("explore: %1 (fewer threads or iterations have fewer; --limit N "
                                         "allows up to %2)")
                              .arg(many, l.toString(qulonglong(mostAllowed))));
    const std::uint64_t total = plan->count(limit);

    Termination::install();
    Termination::reset();
    std::signal(SIGPIPE, SIG_IGN);
    QElapsedTimer clock;
    clock.start();
    const ExploreResult result =
        exploreOrders(*scenario, *params, *plan, total, [] { return Termination::count() > 0; });
    const double seconds = double(clock.elapsed()) / 1000;
    if (!result.error.isEmpty()) {
        err << "raceway: " << result.error << Qt::endl;
        return 1;
    }
    const std::uint64_t runs = result.runs, unknown = result.unknown;
    const int signal = Termination::firstSignal();
    const QString title = scenario->headline(*params, {});
    if (json) {
        QJsonObject histogram;
        QJsonArray list;
        for (const ExploreOutcome &o : result.outcomes) {
            histogram[QString::number(o.value)] = qint64(o.orders);
            list.append(QJsonObject{{plan->outcome, qint64(o.value)},
                                    {QStringLiteral("orders"), qint64(o.orders)},
                                    {QStringLiteral("example"), scheduleText(o.example)}});
        }
        QJsonObject paramsJson;
        for (const ParamSpec &spec : scenario->params())
            if (spec.name != QLatin1String("schedule"))
                paramsJson[spec.name] = QJsonValue::fromVariant(params->value(spec.name));
        QJsonObject report{{QStringLiteral("scenario"), scenario->id()},
                           {QStringLiteral("title"), title},
                           {QStringLiteral("params"), paramsJson},
                           {QStringLiteral("steps"), QJsonArray::fromStringList(plan->names)},
                           {QStringLiteral("steps_per_thread"), qint64(plan->stepsPerThread())},
                           {QStringLiteral("interleavings"), qint64(total)},
                           {QStringLiteral("runs"), qint64(runs)},
                           {plan->outcome + QStringLiteral("_histogram"), histogram},
                           {QStringLiteral("outcomes"), list},
                           {QStringLiteral("wall_ms"), double(clock.elapsed())},
                           {QStringLiteral("cancelled"), signal != 0}};
        if (unknown > 0) report[QStringLiteral("unknown_outcomes")] = qint64(unknown);
        out << QJsonDocument(report).toJson(QJsonDocument::Compact) << '\n';
    } else {
        out << title << '\n';
        out << QStringLiteral("%1 order%6 of %2 steps a thread (%3), each run for real: %4 run in %5 s\n")
                   .arg(l.toString(qulonglong(total)), plan->stepsPerThreadText(),
                        plan->names.join(QStringLiteral(", ")), l.toString(qulonglong(runs)),
                        l.toString(seconds, 'f', 2), total == 1 ? QString() : QStringLiteral("s"));
        const QString heading = plan->outcomeLabel;
        const int width = int(std::max<qsizetype>(heading.size(), 6));
        out << heading.leftJustified(width) << "  " << QStringLiteral("orders").rightJustified(10) << "  "
            << QStringLiteral("share").rightJustified(6) << "  first order that gives it\n";
        for (const ExploreOutcome &o : result.outcomes)
            out << l.toString(o.value).leftJustified(width) << "  "
                << l.toString(qulonglong(o.orders)).rightJustified(10) << "  "
                << QString(l.toString(100.0 * double(o.orders) / double(std::max<std::uint64_t>(runs, 1)),
                                      'f', 0) +
                           QStringLiteral(" %"))
                       .rightJustified(6)
                << "  " << scheduleText(o.example, 32) << '\n';
        if (unknown > 0)
            out << "unknown"
                << "  " << unknown << '\n';
    }
    out.flush();
    if (signal != 0) {
        err << "raceway: interrupted (" << signalName(signal) << ") after " << l.toString(qulonglong(runs))
            << " of " << l.toString(qulonglong(total)) << " orders" << Qt::endl;
        return Termination::exitStatus(signal);
    }
    return 0;
}

} // namespace raceway
