#include "explorer.h"

#include "runner.h"

#include <QLocale>
#include <QThread>

#include <map>

namespace raceway {

QString tooManySteps(const StepPlan &plan)
{
    // One thread of 100M increments has one order, of 200M steps: more than a schedule holds (and than
    // memory would, listed).
    const double steps = double(plan.stepsPerThread()) * double(std::max(plan.threads, 0));
    if (steps <= maxScheduleSteps) return {};
    const QLocale l;
    return QStringLiteral("%1 steps in each order, more than the %2 a schedule holds")
        .arg(l.toString(steps, 'f', 0), l.toString(maxScheduleSteps));
}

QString tooManyOrders(const StepPlan &plan, std::uint64_t limit)
{
    const QLocale l;
    if (plan.count(limit) <= limit) return {};
    const std::uint64_t exact = plan.count(UINT64_MAX - 1);
    const QString many = exact < UINT64_MAX
                             ? l.toString(qulonglong(exact))
                             : QStringLiteral("more than %1").arg(l.toString(qulonglong(UINT64_MAX - 1)));
    return QStringLiteral("%1 orders of the steps, more than the limit of %2")
        .arg(many, l.toString(qulonglong(limit)));
}

ExploreResult exploreOrders(const Scenario &scenario, const ParamValues &params, const StepPlan &plan,
                            std::uint64_t total, const std::function<bool()> &stop,
                            const std::function<void(const ExploreResult &)> &progress)
{
    // A run of a few steps records a few dozen events; this leaves room for thousands of steps.
    constexpr std::uint64_t eventsPerRun = 1 << 16;
    ExploreResult result;
    result.total = total;
    std::map<qlonglong, ExploreOutcome> outcomes;
    const auto sorted = [&] {
        result.outcomes.clear();
        for (const auto &[value, o] : outcomes)
            result.outcomes.push_back(o);
    };
    plan.enumerate([&](const QList<qlonglong> &schedule) {
        if (stop()) return false;
        ParamValues p = params;
        p.setIntegers(QStringLiteral("schedule"), schedule);
        Runner runner(scenario, p, eventsPerRun);
        runner.start();
        for (;;) {
            if (stop()) runner.cancel(); // the run stops at its next step point
            if (!runner.workersJoined()) {
                QThread::msleep(1);
                continue;
            }
            if (runner.collect(10)) break;
        }
        const RunResult &r = runner.result();
        if (!r.error.isEmpty()) {
            result.error = r.error;
            return false;
        }
        if (r.cancelled) return false;
        ++result.runs;
        const QVariant value = metricValue(r.metrics, plan.outcome);
        if (value.isValid()) {
            ExploreOutcome &o = outcomes[value.toLongLong()];
            o.value = value.toLongLong();
            if (o.orders++ == 0) o.example = schedule;
        } else {
            ++result.unknown;
        }
        if (progress) {
            sorted();
            progress(result);
        }
        return true;
    });
    sorted();
    result.stopped = result.error.isEmpty() && result.runs < total;
    return result;
}

} // namespace raceway
