// A pool of worker processes mapping a function over a list, like multiprocessing.Pool.map: each
// worker takes the next input as soon as it is free, and the results come back in input order.

#include "clock.h"
#include "scenario.h"
#include "workerjobs.h"
#include "workerprocess.h"

#include <QLocale>

#include <deque>

namespace raceway::scenarios {
namespace {

class ProcessPoolScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("process-pool"); }
    QString title() const override { return QStringLiteral("Process pool: map a function over a list"); }
    QString description() const override
    {
        return QStringLiteral(
            "A fixed set of worker processes takes inputs from a queue, one at a time, and sends back "
            "results, like multiprocessing's Pool.map. A free worker always takes the next input, so quick "
            "inputs and slow ones even out; the results are still put back in the order of the inputs. "
            "The factorials are exact, however many digits they have: try the inputs 100, 200, 300.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("workers"), 4, 1, 64, {},
                               QStringLiteral("Processes in the pool."))
                .withWatchValue(qlonglong(3)),
            ParamSpec::intList(QStringLiteral("inputs"), {1, 2, 3, 4, 5}, 0, 1'000'000, 1000,
                               QStringLiteral("The values to map the function over, separated by commas."))
                .withWatchValue(QVariantList{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
            ParamSpec::choice(
                QStringLiteral("function"), QStringLiteral("square"),
                {QStringLiteral("square"), QStringLiteral("cube"), QStringLiteral("factorial")},
                QStringLiteral("What each worker computes: n², n³ or n! (n! for n up to 5000).")),
            ParamSpec::integer(QStringLiteral("task_ms"), 0, 0, 60'000, QStringLiteral("ms"),
                               QStringLiteral("Extra time each input takes, as if the function were slower."))
                .withWatchValue(qlonglong(500)),
            ParamSpec::integer(QStringLiteral("timeout_ms"), 120'000, 100, 3'600'000, QStringLiteral("ms"),
                               QStringLiteral("Workers still running after this long are killed.")),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integers(QStringLiteral("inputs")).size();
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        // In words, not a dump of the parameters: "process-pool: square of 10 inputs on 3 processes,
        // 500 ms each — 10 answered, at most 3 at once".
        const qsizetype inputs = p.integers(QStringLiteral("inputs")).size();
        QString line = QStringLiteral("process-pool: %1 of %2 on %3")
                           .arg(p.text(QStringLiteral("function")),
                                countOf(inputs, QStringLiteral("input"), QStringLiteral("inputs")),
                                countOf(p.integer(QStringLiteral("workers")), QStringLiteral("process"),
                                        QStringLiteral("processes")));
        if (const std::int64_t ms = p.integer(QStringLiteral("task_ms")); ms > 0)
            line += QStringLiteral(", %1 ms each").arg(QLocale().toString(qlonglong(ms)));
        const QVariant answered = metricValue(metrics, QStringLiteral("answered"));
        const QVariant most = metricValue(metrics, QStringLiteral("max_concurrent"));
        if (answered.isValid())
            line += QStringLiteral(" — %1 answered").arg(QLocale().toString(answered.toLongLong()));
        if (most.isValid()) line += QStringLiteral(", at most %1 at once").arg(most.toLongLong());
        return line;
    }

    QString validate(const ParamValues &p) const override
    {
        if (p.text(QStringLiteral("function")) == QLatin1String("factorial"))
            for (qlonglong v : p.integers(QStringLiteral("inputs")))
                if (v > 5000)
                    return QStringLiteral(
                               "parameter 'inputs': %1 is too large for factorial (allowed: 0..5000)")
                        .arg(v);
        return {};
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const QList<qlonglong> inputs = p.integers(QStringLiteral("inputs"));
        const QString function = p.text(QStringLiteral("function"));
        if (const QString problem = validate(p); !problem.isEmpty()) {
            ctx.fail(problem);
            return;
        }
        QString error;
        if (workerPath(&error).isEmpty()) {
            ctx.fail(error);
            return;
        }
        const int workers = int(std::min<qlonglong>(p.integer(QStringLiteral("workers")), inputs.size()));
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < workers; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("worker %1").arg(i + 1), LaneKind::Process)));
        const std::uint16_t queueLane = rec.addLane(QStringLiteral("queue"), LaneKind::Queue);
        const std::uint8_t queueObj = rec.addObject(QStringLiteral("queue"), queueLane);
        ThreadBuffer *queue = rec.createBuffer(queueLane);

        std::deque<int> pending;
        for (int i = 0; i < inputs.size(); ++i)
            pending.push_back(i);
        std::vector<QByteArray> results(std::size_t(inputs.size()));
        std::vector<int> perWorker(std::size_t(workers), 0);
        int inFlight = 0, most = 0, answered = 0;

        ctx.markStart(nowNs());
        for (int i = 0; i < inputs.size(); ++i)
            queue->record(EventKind::TaskQueued, 0, std::uint32_t(i));
        WorkerGroup group(ctx);
        std::vector<WorkerProcess *> procs;
        auto feed = [&](WorkerProcess *w) {
            if (pending.empty() || ctx.cancelled()) {
                w->closeInput();
                return;
            }
            const int i = pending.front();
            pending.pop_front();
            w->writeLine(QByteArray::number(i) + ' ' + QByteArray::number(inputs[i]));
            most = std::max(most, ++inFlight);
        };
        for (int k = 0; k < workers; ++k) {
            WorkerProcess *w =
                group.add(*lanes[std::size_t(k)], {QStringLiteral("serve"), function,
                                                   QString::number(p.integer(QStringLiteral("task_ms")))});
            w->setObjectMapper([=](EventKind kind, std::uint8_t obj) -> std::uint8_t {
                return kind == EventKind::TaskBegin ? queueObj : obj;
            });
            QObject::connect(w, &WorkerProcess::textReceived, w, [&, w, k](const QByteArray &text) {
                const int space = text.indexOf(' ');
                const int index = text.left(space).toInt();
                if (index >= 0 && index < int(results.size()))
                    results[std::size_t(index)] = text.mid(space + 1);
                --inFlight;
                ++answered;
                ++perWorker[std::size_t(k)];
                feed(w);
            });
            procs.push_back(w);
        }
        for (WorkerProcess *w : procs)
            feed(w);
        group.waitAll(int(p.integer(QStringLiteral("timeout_ms"))));

        QVariantList out;
        for (const QByteArray &r : results) {
            bool small = false;
            const qlonglong v = r.toLongLong(&small);
            out << (r.isEmpty() ? QVariant() : small ? QVariant(v) : QVariant(QString::fromLatin1(r)));
        }
        QVariantList counts;
        for (int c : perWorker)
            counts << c;
        ctx.addMetric(QStringLiteral("results"), QStringLiteral("Results, in input order"), out);
        ctx.addMetric(QStringLiteral("max_concurrent"), QStringLiteral("Most inputs in work at once"),
                      qlonglong(most));
        ctx.addMetric(QStringLiteral("tasks_per_worker"), QStringLiteral("Inputs each worker took"), counts);
        ctx.addMetric(QStringLiteral("answered"), QStringLiteral("Inputs answered"), qlonglong(answered));
        ctx.addMetric(QStringLiteral("failed"), QStringLiteral("Workers that failed"),
                      qlonglong(group.failures()));
        group.reportUnexpected(QStringLiteral("worker"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_processpool()
{
    return std::make_unique<ProcessPoolScenario>();
}

} // namespace raceway::scenarios
