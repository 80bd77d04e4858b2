// Producers and consumers share a bounded queue guarded by one lock and two condition variables:
// producers wait while it is full ("not full"), consumers while it is empty ("not empty").

#include "scenario.h"
#include "threadgang.h"

#include <QLocale>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace raceway::scenarios {
namespace {

class ConditionScenario final : public Scenario
{
public:
    QString id() const override { return QStringLiteral("condition"); }
    QString title() const override { return QStringLiteral("Condition: producers and consumers"); }
    QString description() const override
    {
        return QStringLiteral(
            "Producers put items into a queue that holds only a few; consumers take them out. A "
            "producer that finds the queue full waits on the condition \"not full\" until a consumer "
            "makes room and wakes it; a consumer that finds it empty waits on \"not empty\". The queue's "
            "lane draws how many items it holds: never below zero, never above its capacity. Make the "
            "consumers slower than the producers and the queue fills up and the producers wait; make "
            "them faster and the consumers wait instead. Every item produced is consumed exactly once.");
    }
    QList<ParamSpec> params() const override
    {
        return {
            ParamSpec::integer(QStringLiteral("producers"), 2, 1, 32, {},
                               QStringLiteral("Threads that make items.")),
            ParamSpec::integer(QStringLiteral("consumers"), 3, 1, 32, {},
                               QStringLiteral("Threads that use items.")),
            ParamSpec::integer(QStringLiteral("capacity"), 4, 1, 100'000, {},
                               QStringLiteral("How many items the queue holds at most.")),
            ParamSpec::integer(QStringLiteral("items"), 1000, 1, 10'000'000, {},
                               QStringLiteral("How many items each producer makes."))
                .withWatchValue(qlonglong(12)),
            ParamSpec::integer(QStringLiteral("produce_us"), 0, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("How long making one item takes."))
                .withWatchValue(qlonglong(150'000)),
            ParamSpec::integer(QStringLiteral("consume_us"), 0, 0, 10'000'000, QStringLiteral("µs"),
                               QStringLiteral("How long using one item takes."))
                .withWatchValue(qlonglong(400'000)),
        };
    }
    std::int64_t totalWork(const ParamValues &p) const override
    {
        return p.integer(QStringLiteral("producers")) * p.integer(QStringLiteral("items"));
    }
    QString headline(const ParamValues &p, const QList<Metric> &metrics) const override
    {
        QString line = QStringLiteral("condition: %1 producers, %2 consumers, capacity %3")
                           .arg(p.integer(QStringLiteral("producers")))
                           .arg(p.integer(QStringLiteral("consumers")))
                           .arg(p.integer(QStringLiteral("capacity")));
        const QVariant consumed = metricValue(metrics, QStringLiteral("consumed"));
        if (consumed.isValid())
            line +=
                QStringLiteral(" — %1 produced, %2 consumed")
                    .arg(QLocale().toString(metricValue(metrics, QStringLiteral("produced")).toLongLong()),
                         QLocale().toString(consumed.toLongLong()));
        return line;
    }

    void run(RunContext &ctx) const override
    {
        const ParamValues &p = ctx.params();
        const int producers = int(p.integer(QStringLiteral("producers")));
        const int consumers = int(p.integer(QStringLiteral("consumers")));
        const std::size_t capacity = std::size_t(p.integer(QStringLiteral("capacity")));
        const std::int64_t items = p.integer(QStringLiteral("items"));
        const std::int64_t produceNs = p.integer(QStringLiteral("produce_us")) * 1000;
        const std::int64_t consumeNs = p.integer(QStringLiteral("consume_us")) * 1000;
        Recorder &rec = ctx.recorder();
        std::vector<ThreadBuffer *> lanes;
        for (int i = 0; i < producers; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("producer %1").arg(i + 1), LaneKind::Thread)));
        for (int i = 0; i < consumers; ++i)
            lanes.push_back(
                rec.createBuffer(rec.addLane(QStringLiteral("consumer %1").arg(i + 1), LaneKind::Thread)));
        for (ThreadBuffer *b : lanes) // who had work but no core is drawn so, where the kernel says when
            b->watchCoreExactly();
        const std::uint16_t queueLane =
            rec.addLane(QStringLiteral("queue (capacity %1)").arg(QLocale().toString(qlonglong(capacity))),
                        LaneKind::Queue);
        const std::uint8_t queueObj = rec.addObject(QStringLiteral("queue"), queueLane);
        const std::uint8_t notFull = rec.addObject(QStringLiteral("not full"));
        const std::uint8_t notEmpty = rec.addObject(QStringLiteral("not empty"));

        std::mutex mutex;
        std::condition_variable notFullCv, notEmptyCv;
        std::deque<std::int64_t> queue;
        std::size_t maxDepth = 0;
        int producing = producers;
        std::int64_t produced = 0, consumed = 0, producerWaitNs = 0, consumerWaitNs = 0, nextItem = 0;
        constexpr auto slice = std::chrono::milliseconds(10); // timed waits: Stop is never ignored

        const auto producer = [&](ThreadBuffer &lane) {
            for (std::int64_t k = 0; k < items && !ctx.cancelled(); ++k) {
                if (produceNs > 0) { // making the item, outside the lock: a wait, as for input would be
                    ctx.sleepDrawn(lane, produceNs);
                }
                std::unique_lock lock(mutex);
                if (queue.size() == capacity) {
                    const std::int64_t began = nowNs();
                    lane.recordAt(began, EventKind::WaitBegin, notFull, 0);
                    while (queue.size() == capacity && !ctx.cancelled())
                        notFullCv.wait_for(lock, slice);
                    const std::int64_t t = nowNs();
                    lane.recordAt(t, EventKind::WaitEnd, notFull, 0);
                    producerWaitNs += t - began;
                    if (ctx.cancelled()) break;
                }
                const std::int64_t item = nextItem++;
                queue.push_back(item);
                maxDepth = std::max(maxDepth, queue.size());
                ++produced;
                // Stamped under the queue's lock, so its lane's depth is exact at every instant.
                lane.recordOn(queueLane, EventKind::TaskQueued, 0, std::uint32_t(item));
                lane.record(EventKind::Progress, 0, std::uint32_t(k + 1));
                lock.unlock();
                // Drawn where it happens: the consumer it wakes gets an arrow from here.
                lane.record(EventKind::Mark, std::uint8_t(MarkKind::Notify), notEmpty);
                notEmptyCv.notify_one();
            }
            std::lock_guard lock(mutex);
            if (--producing == 0) { // the consumers may stop once the queue is empty
                lane.record(EventKind::Mark, std::uint8_t(MarkKind::Notify), notEmpty);
                notEmptyCv.notify_all();
            }
        };
        const auto consumer = [&](ThreadBuffer &lane) {
            for (;;) {
                std::unique_lock lock(mutex);
                if (queue.empty() && producing > 0) {
                    const std::int64_t began = nowNs();
                    lane.recordAt(began, EventKind::WaitBegin, notEmpty, 0);
                    while (queue.empty() && producing > 0 && !ctx.cancelled())
                        notEmptyCv.wait_for(lock, slice);
                    const std::int64_t t = nowNs();
                    lane.recordAt(t, EventKind::WaitEnd, notEmpty, 0);
                    consumerWaitNs += t - began;
                }
                if (queue.empty() || ctx.cancelled()) return;
                const std::int64_t item = queue.front();
                queue.pop_front();
                ++consumed;
                lane.record(EventKind::TaskBegin, queueObj, std::uint32_t(item));
                lock.unlock();
                lane.record(EventKind::Mark, std::uint8_t(MarkKind::Notify), notFull);
                notFullCv.notify_one();
                ctx.sleepFor(consumeNs); // using the item
                lane.record(EventKind::TaskEnd);
            }
        };

        runTogether(
            ctx, producers + consumers,
            [&](int i) {
                ThreadBuffer &lane = *lanes[std::size_t(i)];
                lane.record(EventKind::ThreadStart);
                if (i < producers)
                    producer(lane);
                else
                    consumer(lane);
                lane.record(ctx.cancelled() ? EventKind::Cancelled : EventKind::ThreadEnd);
            },
            {}, [&](int i) { lanes[std::size_t(i)]->prepareCoreWatch(); });

        ctx.addMetric(QStringLiteral("produced"), QStringLiteral("Items produced"), qlonglong(produced));
        ctx.addMetric(QStringLiteral("consumed"), QStringLiteral("Items consumed"), qlonglong(consumed));
        ctx.addMetric(QStringLiteral("left_in_queue"), QStringLiteral("Items left in the queue"),
                      qlonglong(queue.size()));
        ctx.addMetric(QStringLiteral("capacity"), QStringLiteral("Capacity"), qlonglong(capacity));
        ctx.addMetric(QStringLiteral("max_depth"), QStringLiteral("Most items queued at once"),
                      qlonglong(maxDepth));
        ctx.addMetric(QStringLiteral("producer_wait_ms"), QStringLiteral("Producers waiting (not full)"),
                      double(producerWaitNs) / 1e6, QStringLiteral("ms"));
        ctx.addMetric(QStringLiteral("consumer_wait_ms"), QStringLiteral("Consumers waiting (not empty)"),
                      double(consumerWaitNs) / 1e6, QStringLiteral("ms"));
    }
};

} // namespace

std::unique_ptr<Scenario> make_condition()
{
    return std::make_unique<ConditionScenario>();
}

} // namespace raceway::scenarios
