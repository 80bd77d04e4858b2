#include "scenario.h"

#include <QLocale>

#include <algorithm>

#include <chrono>

namespace raceway {

RunContext::RunContext(Recorder &recorder, ParamValues params)
    : m_recorder(recorder), m_params(std::move(params))
{
}

void RunContext::cancel()
{
    {
        std::lock_guard lock(m_sleepMutex);
        m_cancelled.store(true, std::memory_order_relaxed);
    }
    m_sleepWake.notify_all();
}

bool RunContext::sleepFor(std::int64_t ns)
{
    if (ns <= 0) return !cancelled();
    std::unique_lock lock(m_sleepMutex);
    return !m_sleepWake.wait_for(lock, std::chrono::nanoseconds(ns), [this] { return cancelled(); });
}

void RunContext::addMetric(const QString &key, const QString &label, const QVariant &value,
                           const QString &unit)
{
    m_metrics.append({key, label, value, unit});
}

QString Scenario::headline(const ParamValues &params, const QList<Metric> &) const
{
    QStringList parts;
    for (const ParamSpec &spec : this->params())
        parts << spec.name + QLatin1Char('=') + spec.formatValue(params.value(spec.name));
    return id() + QStringLiteral(": ") + parts.join(QLatin1Char(' '));
}

QString Scenario::validate(const ParamValues &params) const
{
    const std::optional<StepPlan> plan = steps(params);
    return plan ? plan->problem(params.integers(QStringLiteral("schedule"))) : QString();
}

QString raceTitle(const QString &id, const ParamValues &p)
{
    const qlonglong threads = p.integer(QStringLiteral("threads"));
    QString title = QStringLiteral("%1: %2 thread%3 × %4 increments, lock %5")
                        .arg(id)
                        .arg(threads)
                        .arg(threads == 1 ? QString() : QStringLiteral("s"))
                        .arg(QLocale().toString(qlonglong(p.integer(QStringLiteral("iterations")))))
                        .arg(p.flag(QStringLiteral("lock")) ? QStringLiteral("on") : QStringLiteral("off"));
    return title + scheduleSuffix(p);
}

QString scheduleSuffix(const ParamValues &params)
{
    // The order the threads were made to take their steps in: what made this run's outcome.
    const QList<qlonglong> schedule = params.integers(QStringLiteral("schedule"));
    return schedule.isEmpty() ? QString() : QStringLiteral(", schedule ") + scheduleText(schedule, 16);
}

ParamSpec scheduleParam(int threads, const QString &steps, const QString &example)
{
    return ParamSpec::intList(QStringLiteral("schedule"), {}, 1, threads, maxScheduleSteps,
                              QStringLiteral("Who moves, step by step: each number lets that thread take one "
                                             "step (%1). %2 Empty: the threads run freely; after the last "
                                             "number, they all do.")
                                  .arg(steps, example))
        .orEmpty();
}

void addRaceMetrics(RunContext &ctx, std::optional<std::int64_t> expected, std::int64_t actual,
                    std::optional<std::int64_t> erased, std::optional<std::int64_t> lossyWrites)
{
    const auto known = [](std::optional<std::int64_t> v) { return v ? QVariant(qlonglong(*v)) : QVariant(); };
    ctx.addMetric(QStringLiteral("expected"), QStringLiteral("Expected"), known(expected));
    ctx.addMetric(QStringLiteral("actual"), QStringLiteral("Actual"), qlonglong(actual));
    ctx.addMetric(QStringLiteral("lost_updates"), QStringLiteral("Lost updates"),
                  known(expected ? std::optional<std::int64_t>(*expected - actual) : std::nullopt));
    ctx.addMetric(QStringLiteral("erased_by_writes"), QStringLiteral("Erased, summed over writes"),
                  known(erased));
    ctx.addMetric(QStringLiteral("lossy_writes"), QStringLiteral("Writes that erased others"),
                  known(lossyWrites));
}

} // namespace raceway
