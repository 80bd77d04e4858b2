// A ticking timer: do something every interval for a while. Sleeping for the interval after the work
// drifts by the work's length (and each sleep's lateness) every tick; sleeping until the next deadline
// on a fixed grid does not drift at all.

#include "scenario.h"
#include "threadgang.h"

#include <QLocale>

#include <chrono>
#include <thread>

namespace raceway::scenarios {
namespace {

struct Schedule
{
    QString lane;
    bool deadline;
};

class TimerScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("timer"); }
    QString title() const override { return QStringLiteral("Tick timer: drift and deadlines"); }
    QString description() const override
    {
        return QStringLiteral(
            "A thread should tick every interval: do a little work, then wait for the next tick. The "
            "obvious way sleeps for the interval after the work, so each tick comes the work's length "
            "(plus the sleep's own lateness) after where it should: the ticks drift further from the "
            "ideal grid every time. Sleeping until the next deadline (start + n × interval) instead "
            "absorbs the work and the lateness: the ticks stay on the grid. Each tick is marked on its "
            "lane; its tooltip gives how late it came.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("interval_ms"), 20, 1, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Time between two ticks."))
                .withWatchValue(qlonglong(500)),
            ParamSpec::integer(QStringLiteral("duration_ms"), 200, 1, 3'600'000, QStringLiteral("ms"),
                               QStringLiteral("How long the timer runs."))
                .withWatchValue(qlonglong(5000)),
            ParamSpec::integer(QStringLiteral("work_ms"), 3, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Work done at every tick (the processor is busy)."))
                .withWatchValue(qlonglong(60)),
            ParamSpec::choice(QStringLiteral("schedule"), QStringLiteral("both"),
                              {QStringLiteral("both"), QStringLiteral("sleep"), QStringLiteral("deadline")},
                              QStringLiteral("Sleep the interval after the work, sleep until the next "
                                             "deadline, or both side by side.")),
        };
    }
    QString validate(const ParamValues &p) const override
    {
        const std::int64_t ticks =
            p.integer(QStringLiteral("duration_ms")) / p.integer(QStringLiteral("interval_ms"));
        if (ticks > 1'000'000)
            return QStringLiteral("parameter 'interval_ms': %1 ticks in duration_ms are too many (allowed: "
                                  "at most 1,000,000)")
                .arg(ticks);
        return {};
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        const std::int64_t ticks =
            p.integer(QStringLiteral("duration_ms")) / p.integer(QStringLiteral("interval_ms"));
        return ticks * (p.text(QStringLiteral("schedule")) == QLatin1String("both") ? 2 : 1);
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("timer: every %1 ms for %2 ms, %3 ms of work")
                           .arg(p.integer(QStringLiteral("interval_ms")))
                           .arg(p.integer(QStringLiteral("duration_ms")))
                           .arg(p.integer(QStringLiteral("work_ms")));
        const QLocale l;
        const QVariant sleep = metricValue(metrics, QStringLiteral("drift_sleep_ms"));
        const QVariant deadline = metricValue(metrics, QStringLiteral("drift_deadline_ms"));
        if (sleep.isValid())
            line += QStringLiteral(" — sleeping drifted %1 ms").arg(l.toString(sleep.toDouble(), 'f', 1));
        if (deadline.isValid())
            line += QStringLiteral("%1deadlines %2 ms")
                        .arg(sleep.isValid() ? QStringLiteral(", ") : QStringLiteral(" — "))
                        .arg(l.toString(deadline.toDouble(), 'f', 1));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const std::int64_t intervalNs = p.integer(QStringLiteral("interval_ms")) * 1'000'000;
        const std::int64_t ticks =
            p.integer(QStringLiteral("duration_ms")) / p.integer(QStringLiteral("interval_ms"));
        const std::int64_t workNs = p.integer(QStringLiteral("work_ms")) * 1'000'000;
        const QString which = p.text(QStringLiteral("schedule"));
        std::vector<Schedule> schedules;
        if (which != QLatin1String("deadline"))
            schedules.push_back({QStringLiteral("sleep after work"), false});
        if (which != QLatin1String("sleep"))
            schedules.push_back({QStringLiteral("sleep until deadline"), true});
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (const Schedule &s : schedules)
            lanes.push_back(rec.createBuffer(rec.addLane(s.lane, LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        std::vector<std::int64_t> lastDrift(schedules.size(), 0), worstDrift(schedules.size(), 0),
            fired(schedules.size(), 0);

        runTogether(
            ctx, int(schedules.size()),
            [&](int i) {
                ThreadBuffer &lane = *lanes[std::size_t(i)];
                const bool deadline = schedules[std::size_t(i)].deadline;
                const std::int64_t t0 = ctx.startNs();
                lane.record(EventKind::ThreadStart);
                for (std::int64_t k = 1; k <= ticks && !ctx.cancelled(); ++k) {
                    lane.record(EventKind::SleepBegin);
                    if (deadline)
                        ctx.sleepFor(t0 + k * intervalNs - nowNs());
                    else
                        ctx.sleepFor(intervalNs);
                    if (ctx.cancelled()) break;
                    const std::int64_t t = nowNs();
                    lane.recordAt(t, EventKind::SleepEnd, 0, 0);
                    const std::int64_t drift = t - (t0 + k * intervalNs);
                    lane.recordWide(t, EventKind::Mark, std::uint8_t(MarkKind::Tick), drift);
                    lastDrift[std::size_t(i)] = drift;
                    worstDrift[std::size_t(i)] = std::max(worstDrift[std::size_t(i)], drift);
                    fired[std::size_t(i)] = k;
                    lane.record(EventKind::Progress, 0, std::uint32_t(k));
                    // The tick's work: the processor really is busy.
                    const std::int64_t until = nowNs() + workNs;
                    while (nowNs() < until && !ctx.cancelled()) {
                    }
                }
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            },
            {}, [&](int i) { lanes[std::size_t(i)]->prepareCoreWatch(); });

        for (std::size_t i = 0; i < schedules.size(); ++i) {
            const QString key = schedules[i].deadline ? QStringLiteral("deadline") : QStringLiteral("sleep");
            const QString label =
                schedules[i].deadline ? QStringLiteral("deadlines") : QStringLiteral("sleep after work");
            ctx.addMetric(QStringLiteral("ticks_") + key, QStringLiteral("Ticks, ") + label,
                          qlonglong(fired[i]));
            ctx.addMetric(QStringLiteral("drift_") + key + QStringLiteral("_ms"),
                          QStringLiteral("Last tick's drift, ") + label, double(lastDrift[i]) / 1e6,
                          QStringLiteral("ms"));
            ctx.addMetric(QStringLiteral("max_drift_") + key + QStringLiteral("_ms"),
                          QStringLiteral("Largest drift, ") + label, double(worstDrift[i]) / 1e6,
                          QStringLiteral("ms"));
        }
    }
};

} // namespace

std::unique_ptr<Scenario> make_timer()
{
    return std::make_unique<TimerScenario>();
}

} // namespace raceway::scenarios
