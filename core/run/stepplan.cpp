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

} // namespace

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

QString StepPlan::problem(const QList<qlonglong> &schedule) const
{
    const QLocale l;
    std::vector<std::int64_t> done(std::size_t(std::max(threads, 0)), 0);
    const qsizetype n = names.size();
    int inside = -1; // guarded: the thread between a cycle's first step and its last
    for (qsizetype p = 0; p < schedule.size(); ++p) {
        const qlonglong t = schedule[p];
        const QString at = QStringLiteral("schedule: position %1 ").arg(p + 1);
        if (t < 1 || t > threads)
            return at + QStringLiteral("names thread %1; the threads are 1 to %2").arg(t).arg(threads);
        std::int64_t &d = done[std::size_t(t - 1)];
        if (d >= stepsPerThread())
            return at + QStringLiteral("moves thread %1, which has no steps left (each thread has %2 step%3: "
                                       "%4, %5)")
                            .arg(t)
                            .arg(l.toString(qlonglong(stepsPerThread())))
                            .arg(stepsPerThread() == 1 ? QString() : QStringLiteral("s"))
                            .arg(names.join(QStringLiteral(" then ")))
                            .arg(cycles == 1 ? QStringLiteral("once")
                                             : QStringLiteral("%1 times").arg(l.toString(qlonglong(cycles))));
        const qsizetype k = qsizetype(d % n);
        if (guarded && k == 0 && inside >= 0 && inside != t - 1)
            return at + QStringLiteral("moves thread %1 to %2, but thread %3 holds the lock (it did %4 and "
                                       "not yet %5): move thread %3 first")
                            .arg(t)
                            .arg(names.first())
                            .arg(inside + 1)
                            .arg(names.first(), names.last());
        if (guarded && k == 0) inside = int(t - 1);
        if (guarded && k == n - 1) inside = -1;
        ++d;
    }
    return {};
}

std::uint64_t StepPlan::count(std::uint64_t limit) const
{
    // Orders of the threads' steps: a multinomial coefficient. Under the lock a cycle cannot be split
    // (while one thread is inside, every other waits at a cycle's start), so the cycles are the units.
    const std::uint64_t cap = limit + 1;
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
    std::vector<std::int64_t> done(std::size_t(std::max(threads, 0)), 0);
    const std::int64_t n = names.size(), total = stepsPerThread() * threads;
    QList<qlonglong> schedule;
    int inside = -1;
    std::function<bool()> extend = [&]() -> bool {
        if (schedule.size() == total) return visit(schedule);
        for (int t = 0; t < threads; ++t) {
            std::int64_t &d = done[std::size_t(t)];
            if (d >= stepsPerThread() || (guarded && inside >= 0 && inside != t)) continue;
            const int was = inside;
            if (guarded && d % n == 0) inside = t;
            if (guarded && d % n == n - 1) inside = -1;
            ++d;
            schedule.push_back(t + 1);
            const bool more = extend();
            schedule.pop_back();
            --d;
            inside = was;
            if (!more) return false;
        }
        return true;
    };
    return extend();
}

} // namespace raceway
