// Who ended a wait: a lock let go, an event set, a permit given back by another thread, each drawn and
// exported as a hand-off with its latency; and the critical path through the run, which adds up.

#include "criticalpath.h"
#include "handoffs.h"
#include "tracechecks.h"
#include "traceexport.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <map>
#include <set>

using namespace raceway;
using namespace raceway::testing;

class TestHandoffs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handoffsEndWaitsAndAreExported();
    void eventsAndPermitsHandOff();
    void notifyWakesAConditionsWaiter();
    void criticalPathAddsUp();
};

void TestHandoffs::handoffsEndWaitsAndAreExported()
{
    // Three threads taking turns on one lock: every wait that another thread's release ended is one
    // hand-off, counted here from the thread lanes alone (a wait [a, b) into holding, and another
    // thread's hold ending inside it), and each is a flow in the Chrome trace with its exact latency.
    auto r = runScenario(QStringLiteral("counter"),
                         args({"threads=3", "iterations=2000", "lock=on", "window_ns=5000"}));
    const Trace &t = r->trace();
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    std::vector<std::vector<Interval>> holds(t.lanes().size());
    for (std::size_t lane : threads)
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state == State::Holding) holds[lane].push_back(iv);
        });
    std::int64_t waitsEnded = 0;
    for (std::size_t lane : threads) {
        std::vector<Interval> ivs;
        t.forEachInterval(lane, [&](const Interval &iv) { ivs.push_back(iv); });
        for (std::size_t k = 0; k + 1 < ivs.size(); ++k) {
            if (ivs[k].state != State::Waiting || ivs[k + 1].state != State::Holding) continue;
            bool released = false;
            for (std::size_t other : threads)
                if (other != lane)
                    for (const Interval &h : holds[other])
                        released =
                            released || (h.end >= ivs[k].start && h.end <= ivs[k].end && h.end > h.start);
            waitsEnded += released;
        }
    }
    const std::vector<Handoff> handoffs = allHandoffs(t);
    qInfo("%lld waits ended by another thread's release; %zu hand-offs", qlonglong(waitsEnded),
          handoffs.size());
    QVERIFY(waitsEnded > 0);
    QCOMPARE(qlonglong(handoffs.size()), qlonglong(waitsEnded));
    for (const Handoff &h : handoffs) {
        QVERIFY(h.from != h.to && h.released <= h.woke);
        QVERIFY(handoffInto(t, h.to, h.woke).has_value());
    }
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    ChromeTraceOptions fine;
    fine.resolutionNs = 1000;
    QVERIFY(writeChromeTrace(t, out, fine));
    std::map<qint64, QJsonObject> starts, finishes;
    for (const QJsonValue v :
         QJsonDocument::fromJson(out.data()).object().value(QStringLiteral("traceEvents")).toArray()) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QStringLiteral("ph")).toString();
        if (ph == QLatin1String("s")) starts[e.value(QStringLiteral("id")).toInteger()] = e;
        if (ph == QLatin1String("f")) finishes[e.value(QStringLiteral("id")).toInteger()] = e;
    }
    QVERIFY(!finishes.empty());
    QCOMPARE(starts.size(), finishes.size());
    std::multiset<qint64> latencies;
    for (const Handoff &h : handoffs)
        latencies.insert(h.latency());
    for (const auto &[id, f] : finishes) {
        QVERIFY(starts.count(id) == 1);
        QVERIFY(f.value(QStringLiteral("ts")).toInteger() >=
                starts[id].value(QStringLiteral("ts")).toInteger());
        QVERIFY(latencies.count(f.value(QStringLiteral("args"))
                                    .toObject()
                                    .value(QStringLiteral("wake_latency_ns"))
                                    .toInteger()) > 0);
    }
}

void TestHandoffs::eventsAndPermitsHandOff()
{
    // An event set once: every worker waiting at that moment went on after it, and each such wait has
    // one hand-off from the thread the event's lane names as its setter, at the set.
    {
        auto r = runScenario(QStringLiteral("event"), {});
        const Trace &t = r->trace();
        const auto signals = lanesOfKind(t, LaneKind::Signal);
        QCOMPARE(signals.size(), 1u);
        std::vector<Interval> sets;
        t.forEachInterval(signals[0], [&](const Interval &iv) {
            if (iv.state == State::Set) sets.push_back(iv);
        });
        QCOMPARE(sets.size(), 1u);
        const std::vector<Handoff> handoffs = allHandoffs(t);
        int waits = 0;
        for (std::size_t lane : lanesOfKind(t, LaneKind::Thread))
            t.forEachInterval(lane, [&](const Interval &iv) {
                if (iv.state != State::Waiting || iv.start > sets[0].start || iv.end <= sets[0].start) return;
                ++waits;
                const auto h = handoffInto(t, lane, iv.end);
                QVERIFY(h.has_value());
                QCOMPARE(int(h->kind), int(HandoffKind::Set));
                QCOMPARE(h->from, std::size_t(sets[0].obj));
                QCOMPARE(h->released, sets[0].start);
                QCOMPARE(h->object, signals[0]);
            });
        QCOMPARE(waits, 5); // the scenario's five workers all wait for "go"
        QCOMPARE(int(handoffs.size()), waits);
    }
    // A semaphore: every wait for a permit ended with a permit another thread gave back during it, and
    // no permit given back ended two waits.
    {
        auto r = runScenario(QStringLiteral("semaphore"), args({"rounds=30"}));
        const Trace &t = r->trace();
        const auto threads = lanesOfKind(t, LaneKind::Thread);
        std::map<std::pair<std::size_t, std::int64_t>, int> permitsGiven; // (thread, when) -> waits ended
        int waited = 0;
        for (std::size_t lane : threads) {
            std::vector<Interval> ivs;
            t.forEachInterval(lane, [&](const Interval &iv) { ivs.push_back(iv); });
            for (std::size_t k = 0; k + 1 < ivs.size(); ++k) {
                if (ivs[k].state != State::Waiting || ivs[k + 1].state != State::Holding) continue;
                ++waited;
                const auto h = handoffInto(t, lane, ivs[k].end);
                QVERIFY2(h.has_value(), "a wait for a permit ended by nobody's");
                QCOMPARE(int(h->kind), int(HandoffKind::Permit));
                QVERIFY(h->from != lane && h->released >= ivs[k].start && h->released <= ivs[k].end);
                // The giver's hold of a permit ends exactly there.
                const Lane &giver = t.lane(h->from);
                const std::ptrdiff_t i = giver.indexAt(h->released);
                QVERIFY(i >= 1 && giver.times[std::size_t(i)] == h->released &&
                        giver.states[std::size_t(i - 1)] == State::Holding);
                permitsGiven[{h->from, h->released}] += 1;
            }
        }
        QCOMPARE(waited, int(metric(*r, "waits")));
        QVERIFY(waited > 0);
        for (const auto &[given, ended] : permitsGiven)
            QVERIFY2(ended == 1, "one permit given back ended two waits");
        const std::vector<Handoff> handoffs = allHandoffs(t);
        QCOMPARE(int(handoffs.size()), waited);
        // Exported as flows named after the semaphore's lane.
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        ChromeTraceOptions fine;
        fine.resolutionNs = 1000;
        QVERIFY(writeChromeTrace(t, out, fine));
        int flows = 0;
        const QString name = t.lane(lanesOfKind(t, LaneKind::Semaphore).front()).name;
        for (const QJsonValue v :
             QJsonDocument::fromJson(out.data()).object().value(QStringLiteral("traceEvents")).toArray())
            flows += v.toObject().value(QStringLiteral("ph")).toString() == QLatin1String("f") &&
                     v.toObject().value(QStringLiteral("name")).toString() == name;
        qInfo("%d waits for a permit, %d flows exported (one per cell)", waited, flows);
        QVERIFY(flows > 0 && flows <= waited);
    }
}

void TestHandoffs::notifyWakesAConditionsWaiter()
{
    // Slow producers, quick consumers: the consumers wait on "not empty" and each producer's notify()
    // after it queued an item wakes one. Every wait on it that a producer's notify() fell inside is a
    // hand-off of kind Notify from that producer, released at the notify (a mark on the producer's lane),
    // counted here from the lanes alone; each is a flow named after the condition in the Chrome trace.
    auto r = runScenario(QStringLiteral("condition"), args({"producers=2", "consumers=2", "capacity=4",
                                                            "items=40", "produce_us=2000", "consume_us=0"}));
    const Trace &t = r->trace();
    const auto threads = lanesOfKind(t, LaneKind::Thread);
    std::vector<std::pair<std::size_t, std::int64_t>> notifies; // (lane, t) of each notify of "not empty"
    std::uint16_t notEmpty = 0;
    for (std::size_t lane : threads)
        for (const Instant &in : t.lane(lane).instants)
            if (in.markKind() == MarkKind::Notify &&
                t.objectName(std::uint16_t(in.value)) == QLatin1String("not empty")) {
                notifies.push_back({lane, in.t});
                notEmpty = std::uint16_t(in.value);
            }
    QVERIFY(!notifies.empty());
    std::int64_t waits = 0, notified = 0, handedOff = 0;
    for (std::size_t lane : threads)
        t.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state != State::Waiting || iv.obj != notEmpty || iv.end >= t.end()) return;
            ++waits;
            std::int64_t last = INT64_MIN;
            std::size_t by = SIZE_MAX;
            for (const auto &[from, at] : notifies)
                if (from != lane && at >= iv.start && at <= iv.end && at > last) {
                    last = at;
                    by = from;
                }
            const auto h = handoffInto(t, lane, iv.end);
            if (by == SIZE_MAX) {
                QVERIFY(!h.has_value() || h->kind != HandoffKind::Notify);
                return;
            }
            ++notified;
            QVERIFY(h.has_value());
            QCOMPARE(int(h->kind), int(HandoffKind::Notify));
            QCOMPARE(h->from, by);
            QCOMPARE(h->released, last);
            QCOMPARE(handoffObjectName(t, *h), QStringLiteral("not empty"));
            ++handedOff;
        });
    qInfo("%lld waits on not empty, %lld with a notify inside, %lld hand-offs", qlonglong(waits),
          qlonglong(notified), qlonglong(handedOff));
    QVERIFY(notified > 0);
    QCOMPARE(handedOff, notified);
    std::int64_t inAll = 0;
    for (const Handoff &h : allHandoffs(t))
        inAll += h.kind == HandoffKind::Notify && h.obj == notEmpty;
    QCOMPARE(inAll, notified);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QVERIFY(writeChromeTrace(t, out, ChromeTraceOptions{}));
    bool named = false;
    for (const QJsonValue v :
         QJsonDocument::fromJson(out.data()).object().value(QStringLiteral("traceEvents")).toArray())
        named =
            named || (v.toObject().value(QStringLiteral("ph")).toString() == QLatin1String("s") &&
                      v.toObject().value(QStringLiteral("name")).toString() == QLatin1String("not empty"));
    QVERIFY2(named, "no flow from a notify in the Chrome trace");
}

void TestHandoffs::criticalPathAddsUp()
{
    // Three threads taking turns on one lock: the path back from the last one to finish is contiguous
    // from the trace's start to that thread's end, each segment is what its lane draws there, and it
    // crosses to another thread only where that thread's release woke the one it leaves.
    auto r = runScenario(QStringLiteral("counter"),
                         args({"threads=3", "iterations=2000", "lock=on", "window_ns=5000"}));
    const Trace &t = r->trace();
    const CriticalPath whole = criticalPath(t);
    QVERIFY(whole.complete());
    const std::vector<PathSegment> &path = whole.segments;
    QVERIFY(!path.empty());
    QCOMPARE(whole.start, t.start());
    QCOMPARE(whole.end, path.back().end);
    QCOMPARE(path.front().start, t.start());
    std::int64_t sum = 0, lastEnd = 0;
    std::size_t crossings = 0;
    for (std::size_t k = 0; k < path.size(); ++k) {
        const PathSegment &s = path[k];
        QVERIFY(s.end > s.start);
        if (k > 0) QCOMPARE(s.start, path[k - 1].end);
        sum += s.ns();
        lastEnd = std::max(lastEnd, s.end);
        const Lane &lane = t.lane(s.lane);
        if (s.state != State::Idle) { // the drawn state all along the segment
            const std::ptrdiff_t from = lane.indexAt(s.start), to = lane.indexAt(s.end - 1);
            QVERIFY(from >= 0);
            for (std::ptrdiff_t i = from; i <= to; ++i)
                QCOMPARE(lane.states[std::size_t(i)], s.state);
        }
        if (k + 1 < path.size() && path[k + 1].lane != s.lane) {
            ++crossings; // into a waiter's wait, from its waker's release
            const auto h = handoffInto(t, path[k + 1].lane, path[k + 1].end);
            QVERIFY(h.has_value());
            QCOMPARE(h->from, s.lane);
            QCOMPARE(h->released, s.end);
        }
    }
    QCOMPARE(sum, lastEnd - t.start());
    std::int64_t shared = 0;
    for (const PathShare &s : whole.shares)
        shared += s.ns;
    QCOMPARE(shared, sum);
    // Keeping only the last few segments changes nothing else: the same end, count and shares.
    const CriticalPath tail = criticalPath(t, std::nullopt, 5);
    QCOMPARE(tail.total, whole.total);
    QCOMPARE(tail.segments.size(), std::min<std::size_t>(5, whole.total));
    QCOMPARE(tail.segments.back().end, path.back().end);
    QCOMPARE(tail.segments.front().start, path[path.size() - tail.segments.size()].start);
    QCOMPARE(tail.shares.size(), whole.shares.size());
    qInfo("critical path %.3f ms in %zu segments, %zu crossings between threads", double(sum) / 1e6,
          path.size(), crossings);
    QVERIFY(crossings > 0);
}

QTEST_MAIN(TestHandoffs)
#include "tst_handoffs.moc"
