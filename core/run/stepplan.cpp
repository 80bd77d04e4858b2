#include "stepplan.h"

#include <QLocale>

#include <algorithm>
#include <vector>

namespace raceway {
namespace {

__extension__ typedef unsigned __int128 Wide; // products of two counts

// C(n, k), or cap when it is more than cap - 1.
std::uint64_t choose(std::uint64_t n, std::uint64_t k, std::uint64_t cap)
{
    k = std::min(k, n - k);
    Wide c = 1;
    // C(n - k + i, i) grows with i: once past the cap it stays past.
    for (std::uint64_t i = 1; i <= k; ++i) {
        c = c * (n - k + i) / i;
        if (c >= cap) return cap;
    }
    return std::uint64_t(c);
}

// Every order from `model` on, depth first, until `visit` returns false.
bool everyOrder(const StepPlan &plan, const StepModel &model, QList<qlonglong> &schedule,
                const std::function<bool(const QList<qlonglong> &)> &visit)
{
    if (model.finished()) return visit(schedule);
    for (int t = 1; t <= plan.threads; ++t) {
        if (!model.refusal(t).isEmpty()) continue;
        StepModel next = model;
        next.step(t);
        schedule.push_back(t);
        const bool more = everyOrder(plan, next, schedule, visit);
        schedule.pop_back();
        if (!more) return false;
    }
    return true;
}

} // namespace

StepPlan StepPlan::increments(int threads, std::int64_t cycles, bool guarded)
{
    StepPlan plan;
    plan.threads = threads;
    plan.cycles = cycles;
    plan.names = {QStringLiteral("read"), QStringLiteral("write")};
    plan.guarded = guarded;
    plan.outcome = QStringLiteral("lost_updates");
    plan.outcomeLabel = QStringLiteral("lost updates");
    return plan;
}

QString StepPlan::stepsPerThreadText() const
{
    const QString n = QLocale().toString(qlonglong(stepsPerThread()));
    return takes.isEmpty() ? n : QStringLiteral("at least ") + n;
}

QString scheduleText(const QList<qlonglong> &schedule, qsizetype most)
{
    QStringList parts;
    for (qsizetype i = 0; i < std::min(schedule.size(), most); ++i)
        parts << QString::number(schedule[i]);
    QString text = parts.join(QLatin1Char(','));
    if (schedule.size() > most)
        text += QStringLiteral("… (%1 steps)").arg(QLocale().toString(schedule.size()));
    return text;
}

StepModel::StepModel(const StepPlan &plan)
    : m_plan(&plan), m_holder(std::size_t(plan.lockNames.size()), -1),
      m_waitsFor(std::size_t(std::max(plan.threads, 0)), -1), m_at(m_waitsFor.size(), 0),
      m_cycles(m_waitsFor.size(), 0), m_taken(m_waitsFor.size(), 0)
{
}

bool StepModel::finished(qlonglong thread) const
{
    return m_cycles[std::size_t(thread - 1)] >= m_plan->cycles;
}

bool StepModel::finished() const
{
    for (int t = 1; t <= m_plan->threads; ++t)
        if (!finished(t)) return false;
    return true;
}

int StepModel::waitsFor(qlonglong thread) const
{
    if (m_plan->alternating) return finished(thread) || thread - 1 == m_turn ? -1 : int(thread - 1);
    return m_waitsFor[std::size_t(thread - 1)];
}

QString StepModel::refusal(qlonglong t) const
{
    const StepPlan &plan = *m_plan;
    const QLocale l;
    if (t < 1 || t > plan.threads)
        return QStringLiteral("names thread %1; the threads are 1 to %2").arg(t).arg(plan.threads);
    if (finished(t))
        return QStringLiteral("moves thread %1, which has no steps left (each thread has %2 step%3: %4, %5)")
            .arg(t)
            .arg(l.toString(qlonglong(plan.stepsPerThread())))
            .arg(plan.stepsPerThread() == 1 ? QString() : QStringLiteral("s"))
            .arg(plan.names.join(QStringLiteral(" then ")))
            .arg(plan.cycles == 1 ? QStringLiteral("once")
                                  : QStringLiteral("%1 times").arg(l.toString(qlonglong(plan.cycles))));
    if (const int turn = waitsFor(t); turn >= 0 && plan.alternating)
        return QStringLiteral("moves thread %1, which waits for %2: move thread %3 first")
            .arg(t)
            .arg(plan.lockNames.value(turn))
            .arg(m_turn + 1);
    if (const int lock = waitsFor(t); lock >= 0)
        return QStringLiteral(
                   "moves thread %1, which waits for %2 (thread %3 holds it): move thread %3 first")
            .arg(t)
            .arg(plan.lockNames.value(lock))
            .arg(m_holder[std::size_t(lock)] + 1);
    if (plan.guarded && m_at[std::size_t(t - 1)] == 0 && m_inside >= 0 && m_inside != t - 1)
        return QStringLiteral(
                   "moves thread %1 to %2, but thread %3 holds the lock (it did %4 and not yet %5): "
                   "move thread %3 first")
            .arg(t)
            .arg(plan.names.first())
            .arg(m_inside + 1)
            .arg(plan.names.first(), plan.names.last());
    return {};
}

void StepModel::step(qlonglong thread)
{
    const int t = int(thread - 1);
    ++m_taken[std::size_t(t)];
    if (m_plan->alternating) m_turn = (t + 1) % m_plan->threads;
    const int lock = m_plan->takes.isEmpty() ? -1 : m_plan->takes[t][m_at[std::size_t(t)]];
    if (m_plan->guarded && m_at[std::size_t(t)] == 0) m_inside = t;
    if (lock < 0 || m_holder[std::size_t(lock)] < 0) {
        if (lock >= 0) m_holder[std::size_t(lock)] = t;
        advance(t);
        return;
    }
    m_waitsFor[std::size_t(t)] = lock;
    // Does this wait close a circle? Follow who holds what each waits for.
    int victim = t;
    for (int u = m_holder[std::size_t(lock)], hops = 0; hops <= m_plan->threads; ++hops) {
        if (u == t) {
            ++m_deadlocks;
            m_waitsFor[std::size_t(victim)] = -1;
            m_at[std::size_t(victim)] = 0; // it goes round this cycle again
            giveBack(victim);
            return;
        }
        const int wanted = m_waitsFor[std::size_t(u)];
        if (wanted < 0) return;
        victim = std::max(victim, u);
        u = m_holder[std::size_t(wanted)];
    }
}

void StepModel::advance(int t)
{
    qsizetype &at = m_at[std::size_t(t)];
    if (++at < m_plan->names.size()) return;
    at = 0;
    ++m_cycles[std::size_t(t)];
    if (m_inside == t) m_inside = -1;
    giveBack(t);
}

void StepModel::giveBack(int t)
{
    std::vector<int> freed;
    for (std::size_t l = 0; l < m_holder.size(); ++l)
        if (m_holder[l] == t) {
            m_holder[l] = -1;
            freed.push_back(int(l));
        }
    for (const int l : freed)
        for (int w = 0; w < m_plan->threads; ++w)
            if (m_waitsFor[std::size_t(w)] == l && m_holder[std::size_t(l)] < 0) {
                m_waitsFor[std::size_t(w)] = -1;
                m_holder[std::size_t(l)] = w;
                advance(w);
            }
}

QString StepPlan::problem(const QList<qlonglong> &schedule) const
{
    StepModel model(*this);
    for (qsizetype p = 0; p < schedule.size(); ++p) {
        if (const QString why = model.refusal(schedule[p]); !why.isEmpty())
            return QStringLiteral("schedule: position %1 ").arg(p + 1) + why;
        model.step(schedule[p]);
    }
    return {};
}

std::uint64_t StepPlan::count(std::uint64_t limit) const
{
    // Orders of the threads' steps: a multinomial coefficient. Under the lock a cycle cannot be split
    // (while one thread is inside, every other waits at a cycle's start), so the cycles are the units.
    const std::uint64_t cap = limit + 1;
    if (modelled()) {
        // No formula: counted one order at a time, up to the cap (an order longer than a schedule holds
        // cannot be run, so there is no counting them).
        if (double(stepsPerThread()) * double(threads) > maxScheduleSteps) return cap;
        std::uint64_t n = 0;
        QList<qlonglong> schedule;
        everyOrder(*this, StepModel(*this), schedule, [&](const QList<qlonglong> &) { return ++n < cap; });
        return n;
    }
    const auto units = std::uint64_t(guarded ? cycles : stepsPerThread());
    std::uint64_t result = 1, total = 0;
    for (int t = 0; t < threads; ++t) {
        total += units;
        const std::uint64_t c = choose(total, units, cap);
        if (c >= cap || Wide(result) * c >= cap) return cap;
        result *= c;
    }
    return result;
}

bool StepPlan::enumerate(const std::function<bool(const QList<qlonglong> &)> &visit) const
{
    QList<qlonglong> schedule;
    return everyOrder(*this, StepModel(*this), schedule, visit);
}

} // namespace raceway
