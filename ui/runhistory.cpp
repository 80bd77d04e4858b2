#include "runhistory.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace raceway {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RunHistory", text);
}

} // namespace

RunRecord::RunRecord(int number, const Scenario &scenario, const ParamValues &params)
    : m_number(number), m_startedAt(QDateTime::currentDateTime()),
      m_runner(std::make_unique<Runner>(scenario, params))
{
}

QString RunRecord::title() const
{
    const RunResult &r = result();
    return scenario().headline(r.params, finished() ? r.metrics : QList<Metric>());
}

QString RunRecord::note() const
{
    if (!finished()) return {};
    const RunResult &r = result();
    if (!r.error.isEmpty()) return tr("could not run: %1").arg(r.error);
    QStringList parts;
    if (r.cancelled) parts << tr("stopped early");
    if (r.droppedEvents)
        parts << tr("event budget reached: %1 later events not recorded")
                     .arg(QLocale().toString(qulonglong(r.droppedEvents)));
    if (!r.problems.isEmpty()) parts << r.problems.join(QStringLiteral("; "));
    return parts.join(QStringLiteral(" · "));
}

std::optional<BarChart> RunRecord::chart() const
{
    if (!finished() || !result().error.isEmpty()) return std::nullopt;
    return scenario().chart(result().params, result().metrics);
}

std::optional<bool> RunRecord::lockSwitch() const
{
    const QList<ParamSpec> specs = scenario().params();
    if (const ParamSpec *spec = ParamSpec::lockSwitch(specs)) return params().flag(spec->name);
    return std::nullopt;
}

QString RunRecord::exportName(const QString &format) const
{
    QString name = scenario().id();
    const QList<ParamSpec> specs = scenario().params();
    if (const ParamSpec *spec = ParamSpec::lockSwitch(specs))
        name += QLatin1Char('-') + spec->name +
                (params().flag(spec->name) ? QStringLiteral("-on") : QStringLiteral("-off"));
    name += m_startedAt.toString(QStringLiteral("-yyyyMMdd-HHmmss"));
    return name + QLatin1Char('.') +
           (format == QLatin1String("json") ? QStringLiteral("trace.json") : format);
}

QString RunRecord::differenceFrom(const RunRecord &other) const
{
    QStringList parts;
    const QLocale l;
    for (const ParamSpec &spec : scenario().params()) {
        const QVariant mine = params().value(spec.name);
        if (other.params().value(spec.name) == mine) continue;
        QString value = spec.type == ParamType::Int ? l.toString(mine.toLongLong()) : spec.formatValue(mine);
        if (!spec.unit.isEmpty()) value += QLatin1Char(' ') + spec.unit;
        parts << spec.label() + QLatin1Char(' ') + value;
    }
    return parts.join(QStringLiteral(", "));
}

QString RunRecord::shortLabel(const RunRecord *other) const
{
    const QString diff = other ? differenceFrom(*other) : QString();
    return diff.isEmpty() ? tr("Run %1").arg(m_number) : tr("Run %1 · %2").arg(m_number).arg(diff);
}

RunHistory::RunHistory(QObject *parent) : QObject(parent) {}

RunHistory::~RunHistory()
{
    clear();
}

RunRecord &RunHistory::begin(const Scenario &scenario, const ParamValues &params)
{
    m_runs.push_back(std::make_unique<RunRecord>(m_nextNumber++, scenario, params));
    m_current = m_runs.back().get();
    const std::vector<RunRecord *> earlier = comparable();
    m_compared = earlier.empty() ? nullptr : earlier.front();
    trim();
    Q_EMIT runsChanged();
    Q_EMIT currentChanged();
    Q_EMIT comparedChanged();
    return *m_current;
}

std::vector<RunRecord *> RunHistory::comparable() const
{
    std::vector<RunRecord *> out;
    if (!m_current) return out;
    for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it)
        if (it->get() != m_current && &(*it)->scenario() == &m_current->scenario() && (*it)->finished())
            out.push_back(it->get());
    return out;
}

bool RunHistory::setCompared(int number)
{
    RunRecord *wanted = nullptr;
    if (number != 0) {
        const std::vector<RunRecord *> candidates = comparable();
        const auto it = std::find_if(candidates.begin(), candidates.end(),
                                     [number](const RunRecord *r) { return r->number() == number; });
        if (it == candidates.end()) return false;
        wanted = *it;
    }
    if (wanted != m_compared) {
        m_compared = wanted;
        Q_EMIT comparedChanged();
    }
    return true;
}

RunRecord *RunHistory::find(int number) const
{
    for (const auto &r : m_runs)
        if (r->number() == number) return r.get();
    return nullptr;
}

std::uint64_t RunHistory::eventsHeld() const
{
    std::uint64_t total = 0;
    for (const auto &r : m_runs)
        total += r->trace().eventCount();
    return total;
}

void RunHistory::notifyFinished()
{
    trim();
    Q_EMIT currentFinished();
    Q_EMIT runsChanged();
}

void RunHistory::trim()
{
    // The oldest first; the current and compared runs always stay.
    bool changed = false;
    for (auto it = m_runs.begin(); it != m_runs.end();) {
        const bool tooMany = int(m_runs.size()) > maxRuns;
        if (!tooMany && eventsHeld() <= m_eventLimit) break;
        if (it->get() == m_current || it->get() == m_compared || !(*it)->finished()) {
            ++it;
            continue;
        }
        it = m_runs.erase(it);
        changed = true;
    }
    if (changed) Q_EMIT runsChanged();
}

void RunHistory::clear()
{
    const bool had = !m_runs.empty();
    m_current = nullptr;
    m_compared = nullptr;
    if (!m_runs.empty() && !m_runs.back()->finished()) m_runs.back()->runner().cancel();
    m_runs.clear();
    if (had) {
        Q_EMIT currentChanged();
        Q_EMIT comparedChanged();
        Q_EMIT runsChanged();
    }
}

} // namespace raceway
