// The Python assembler on made-up tracer streams: no interpreter needed, so it also runs under
// ThreadSanitizer. Drawn as the stream arrives, the lanes are what they are when drawn at the end.

#include "clock.h"
#include "procsampler.h"
#include "pyassembler.h"
#include "pystream.h"
#include "recorder.h"
#include "trace.h"

#include <QTest>

#include <map>
#include <random>
#include <unistd.h>

using namespace raceway;

class TestPyAssembler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void streamInPiecesAndDamaged();
    void drawnLiveAsAtTheEnd();
    void lateEventIsDrawnAtTheEdgeAndCounted();
    void silentProcessDoesNotHoldTheEdge();
    void scriptThatNeverSaysHello();
    void sampledStatesAgreeWithEachOther();
};

namespace {

QByteArray record(std::int64_t t, std::uint32_t arg, std::uint16_t lane, std::uint8_t kind, std::uint8_t obj)
{
    Event e{t, arg, lane, EventKind(kind), obj};
    return QByteArray(reinterpret_cast<const char *>(&e), sizeof e);
}

QByteArray ev(std::int64_t t, EventKind kind, std::uint8_t obj = 0, std::uint16_t lane = 0,
              std::uint32_t arg = 0)
{
    return record(t, arg, lane, std::uint8_t(kind), obj);
}

QByteArray meta(std::int64_t t, py::Meta kind, std::uint32_t arg = 0, std::uint8_t obj = 0,
                std::uint16_t lane = 0)
{
    return record(t, arg, lane, std::uint8_t(kind), obj);
}

QByteArray withString(QByteArray head, const QByteArray &text)
{
    head += record(0, std::uint32_t(text.size()), 0, std::uint8_t(py::Meta::String), 0);
    QByteArray padded = text;
    padded.append(QByteArray((16 - text.size() % 16) % 16, '\0'));
    return head + padded;
}

QByteArray unit(std::uint32_t pid, const QByteArray &records)
{
    return record(0, pid, std::uint16_t(records.size() / 16), std::uint8_t(py::Meta::Frame),
                  py::protocolVersion) +
           records;
}

// A process with a main thread that takes a lock, waits for it once and prints a line.
QByteArray sampleStream(std::int64_t t0)
{
    QByteArray r;
    r += meta(t0, py::Meta::Hello, 1);
    r += withString(meta(t0, py::Meta::ThreadName, 4242), "MainThread");
    r += withString(meta(t0, py::Meta::Object, 1, 1), "Lock x.py:1");
    r += ev(t0 + 1, EventKind::ThreadStart, 0, 0, 4242);
    r += ev(t0 + 2, EventKind::LockRequested, 1);
    r += ev(t0 + 5, EventKind::LockAcquired, 1);
    r += ev(t0 + 9, EventKind::LockReleased, 1);
    r += withString(meta(t0 + 10, py::Meta::Print, 6), "hello");
    r += meta(t0 + 11, py::Meta::Stat, 1, std::uint8_t(py::Stat::LockWaits));
    return unit(4242, r);
}

constexpr std::int64_t ms = 1'000'000;

// Two processes in units as the tracers would write them, heartbeats included: the script (4242)
// with two threads contending for a lock, and a multiprocessing child (4243) that prints and exits.
std::vector<QByteArray> twoProcesses(std::int64_t t0)
{
    std::vector<QByteArray> units;
    QByteArray r;
    r += meta(t0, py::Meta::Hello, 1);
    r += withString(meta(t0, py::Meta::ThreadName, 4242), "MainThread");
    r += ev(t0 + 1 * ms, EventKind::ThreadStart, 0, 0, 4242);
    r += withString(meta(t0 + 2 * ms, py::Meta::Object, 1, 1), "Lock x.py:3");
    r += withString(meta(t0 + 2 * ms, py::Meta::ThreadName, 4300, 0, 1), "worker");
    r += ev(t0 + 3 * ms, EventKind::ThreadStart, 0, 1, 4300);
    r += ev(t0 + 4 * ms, EventKind::LockRequested, 1, 1);
    r += ev(t0 + 4 * ms + 1, EventKind::LockAcquired, 1, 1);
    r += meta(t0 + 30 * ms, py::Meta::Tick);
    units.push_back(unit(4242, r));
    r = meta(t0 + 31 * ms, py::Meta::Hello, 4242);
    r += withString(meta(t0 + 31 * ms, py::Meta::ThreadName, 4243), "MainThread");
    r += ev(t0 + 31 * ms + 1, EventKind::ThreadStart, 0, 0, 4243);
    r += withString(meta(t0 + 32 * ms, py::Meta::ProcessName), "Worker-1");
    units.push_back(unit(4243, r));
    r = ev(t0 + 35 * ms, EventKind::LockRequested, 1, 0);
    r += ev(t0 + 40 * ms, EventKind::LockReleased, 1, 1);
    r += ev(t0 + 40 * ms + 1, EventKind::LockAcquired, 1, 0);
    r += withString(meta(t0 + 41 * ms, py::Meta::Print, 3, 0, 1), "hi");
    r += ev(t0 + 42 * ms, EventKind::ThreadEnd, 0, 1);
    r += ev(t0 + 45 * ms, EventKind::LockReleased, 1, 0);
    r += ev(t0 + 46 * ms, EventKind::WaitBegin, 0, 0);
    r += meta(t0 + 60 * ms, py::Meta::Tick);
    units.push_back(unit(4242, r));
    r = ev(t0 + 50 * ms, EventKind::SleepBegin, 0, 0);
    r += ev(t0 + 70 * ms, EventKind::SleepEnd, 0, 0);
    r += withString(meta(t0 + 71 * ms, py::Meta::Print, 6), "child");
    r += meta(t0 + 72 * ms, py::Meta::Exit, 0);
    units.push_back(unit(4243, r));
    r = ev(t0 + 80 * ms, EventKind::WaitEnd, 0, 0);
    r += meta(t0 + 90 * ms, py::Meta::Tick);
    units.push_back(unit(4242, r));
    return units;
}

// Every lane, by name, as text that does not depend on the order lanes and objects were made in.
std::map<QString, QString> describe(const Trace &trace)
{
    std::map<QString, QString> out;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i) {
        const Lane &lane = trace.lane(i);
        QString text;
        trace.forEachInterval(i, [&](const Interval &iv) {
            QString what = QString::number(iv.obj);
            if (iv.state == State::Held && iv.obj < trace.lanes().size())
                what = trace.lane(iv.obj).name;
            else if (iv.state == State::Waiting || iv.state == State::Holding ||
                     iv.state == State::WaitingGil)
                what = trace.objectName(iv.obj);
            text += QStringLiteral("%1-%2 %3 %4\n").arg(iv.start).arg(iv.end).arg(int(iv.state)).arg(what);
        });
        for (const Instant &x : lane.instants)
            text += QStringLiteral("instant %1 %2\n").arg(x.t).arg(x.value);
        out[lane.name] = text;
    }
    return out;
}

struct Drawn
{
    Trace trace;
    py::Assembled assembled;
    std::uint64_t eventsBeforeEnd = 0;
    std::int64_t lastEdge = 0;
};

// Feeds the units one by one, drawing after each (live) or only at the end, and collects the lanes
// as the window does, committing up to the recorder's watermark.
void draw(const std::vector<QByteArray> &units, std::int64_t t0, std::int64_t end, bool live, Drawn &d)
{
    Recorder rec(100000);
    py::StreamParser parser;
    py::ProcSampler sampler; // watches nothing: its rounds complete at once
    sampler.start();
    QTest::qWait(5);
    py::Assembler assembler(rec, parser, sampler, 4242, QStringLiteral("x.py"), t0);
    const auto collect = [&] {
        d.trace.setRegistry(rec.lanes(), rec.objects());
        rec.drain([&](const Event *events, std::size_t n) { d.trace.ingest(events, n); });
        d.trace.commit(rec.watermark());
    };
    for (const QByteArray &u : units) {
        parser.feed(u.constData(), std::size_t(u.size()));
        if (!live) continue;
        const std::int64_t edge = assembler.advance(nowNs());
        QVERIFY(edge >= d.lastEdge);
        d.lastEdge = edge;
        rec.holdWatermark(edge);
        collect();
        d.eventsBeforeEnd = d.trace.eventCount();
    }
    sampler.stop();
    py::Assembler::MainProcess main;
    main.endNs = end;
    d.assembled = assembler.finish(main, end);
    rec.holdWatermark(INT64_MAX);
    collect();
    d.trace.commit();
    d.trace.setEnd(end);
}

} // namespace

void TestPyAssembler::streamInPiecesAndDamaged()
{
    const std::int64_t t0 = nowNs() - 1'000'000;
    const QByteArray stream = sampleStream(t0) + sampleStream(t0 + 100);
    py::StreamParser whole;
    whole.feed(stream.constData(), std::size_t(stream.size()));
    QVERIFY(!whole.corrupt());
    QCOMPARE(whole.events(), std::uint64_t(8));
    const py::PyProcess &p = std::as_const(whole).processes().at(4242);
    QCOMPARE(p.threads.at(0).name, QStringLiteral("MainThread"));
    QCOMPARE(p.objects.at(1).label, QStringLiteral("Lock x.py:1"));
    QCOMPARE(p.lines.size(), std::size_t(2));
    QCOMPARE(p.lines[0].text, QStringLiteral("hello"));
    // The same bytes one at a time: the same result.
    py::StreamParser bytewise;
    for (char c : stream)
        bytewise.feed(&c, 1);
    QCOMPARE(bytewise.events(), whole.events());
    QCOMPARE(std::as_const(bytewise).processes().at(4242).lines.size(), std::size_t(2));
    // Many units in reads of any length (a unit cut anywhere, several whole ones in one read): the same.
    QByteArray many;
    for (int k = 0; k < 400; ++k)
        many += sampleStream(t0 + 100 * k);
    py::StreamParser all;
    all.feed(many.constData(), std::size_t(many.size()));
    QCOMPARE(all.events(), std::uint64_t(1600));
    std::mt19937 pieces(3);
    for (int round = 0; round < 20; ++round) {
        py::StreamParser parser;
        for (qsizetype at = 0; at < many.size();) {
            const qsizetype n = std::min<qsizetype>(many.size() - at, 1 + qsizetype(pieces() % 12000));
            parser.feed(many.constData() + at, std::size_t(n));
            at += n;
        }
        QVERIFY(!parser.corrupt());
        QCOMPARE(parser.events(), all.events());
        QCOMPARE(std::as_const(parser).processes().at(4242).lines.size(), std::size_t(400));
    }
    // Damaged copies, fed in pieces and drawn as they come, never crash anything and never leave a
    // lane out of order.
    std::mt19937 rng(7);
    py::ProcSampler sampler;
    sampler.start();
    for (int round = 0; round < 300; ++round) {
        QByteArray bad = stream;
        for (int k = 0; k < 1 + round % 5; ++k)
            bad[int(rng() % std::uint32_t(bad.size()))] = char(rng());
        bad.truncate(int(rng() % std::uint32_t(bad.size() + 1)));
        py::StreamParser parser(1000);
        Recorder rec(100000);
        py::Assembler assembler(rec, parser, sampler, 4242, QStringLiteral("x.py"), t0);
        for (qsizetype at = 0; at < bad.size();) {
            const qsizetype n = std::min<qsizetype>(bad.size() - at, 1 + qsizetype(rng() % 200));
            parser.feed(bad.constData() + at, std::size_t(n));
            at += n;
            assembler.advance(nowNs());
        }
        py::Assembler::MainProcess main;
        main.endNs = nowNs();
        assembler.finish(main, main.endNs);
        Trace trace;
        trace.setRegistry(rec.lanes(), rec.objects());
        rec.drain([&](const Event *events, std::size_t n) { trace.ingest(events, n); });
        trace.commit();
        for (const Lane &lane : trace.lanes())
            QVERIFY(std::is_sorted(lane.times.begin(), lane.times.end()));
    }
    sampler.stop();
}

void TestPyAssembler::drawnLiveAsAtTheEnd()
{
    const std::int64_t t0 = nowNs() - 1000 * ms;
    const std::int64_t end = t0 + 100 * ms;
    const std::vector<QByteArray> units = twoProcesses(t0);
    Drawn live, once;
    draw(units, t0, end, true, live);
    draw(units, t0, end, false, once);
    // Lanes were drawn while the stream came in, up to the heartbeats less the margin.
    QVERIFY(live.eventsBeforeEnd > 0);
    QCOMPARE(live.lastEdge, t0 + 90 * ms - py::Assembler::marginNs);
    QCOMPARE(live.assembled.lateEvents, std::uint64_t(0));
    // And they are exactly what drawing everything at the end gives.
    const auto a = describe(live.trace), b = describe(once.trace);
    QCOMPARE(a.size(), b.size());
    for (const auto &[name, text] : b) {
        QVERIFY2(a.count(name), qPrintable(name));
        QCOMPARE(a.at(name), text);
    }
    QVERIFY(a.count(QStringLiteral("Worker-1 (pid 4243)")));
    QVERIFY(a.count(QStringLiteral("Lock x.py:3")));
    QCOMPARE(live.assembled.lockWaits, std::uint64_t(2));
    QCOMPARE(live.assembled.lockWaitNs, once.assembled.lockWaitNs);
    QCOMPARE(live.assembled.lockWaitNs, std::int64_t(1 + 5 * ms + 1));
    QCOMPARE(live.assembled.processes, 2);
    QCOMPARE(live.assembled.threads, 3);
    QCOMPARE(live.assembled.lines, std::uint64_t(2));
    QCOMPARE(live.assembled.exitCodes.at(4243), 0);
}

void TestPyAssembler::lateEventIsDrawnAtTheEdgeAndCounted()
{
    const std::int64_t t0 = nowNs() - 1000 * ms;
    std::vector<QByteArray> units;
    QByteArray r = meta(t0, py::Meta::Hello, 1);
    r += withString(meta(t0, py::Meta::ThreadName, 4242), "MainThread");
    r += ev(t0 + 1 * ms, EventKind::ThreadStart, 0, 0, 4242);
    r += meta(t0 + 50 * ms, py::Meta::Tick);
    units.push_back(unit(4242, r));
    // Stamped before the heartbeat, written after it (its thread lost the GIL in between).
    units.push_back(
        unit(4242, ev(t0 + 20 * ms, EventKind::SleepBegin) + ev(t0 + 60 * ms, EventKind::SleepEnd)));
    Drawn d;
    draw(units, t0, t0 + 100 * ms, true, d);
    QCOMPARE(d.assembled.lateEvents, std::uint64_t(1));
    // The sleep is drawn from where the lane had got to, not before: nothing drawn is taken back.
    const Trace &trace = d.trace;
    std::size_t lane = SIZE_MAX;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i)
        if (trace.lane(i).name == QStringLiteral("MainThread")) lane = i;
    QVERIFY(lane != SIZE_MAX);
    std::int64_t sleptFrom = 0;
    trace.forEachInterval(lane, [&](const Interval &iv) {
        if (iv.state == State::Sleeping) sleptFrom = iv.start;
    });
    QCOMPARE(sleptFrom, t0 + 50 * ms - py::Assembler::marginNs);
}

void TestPyAssembler::silentProcessDoesNotHoldTheEdge()
{
    // A child that said hello long ago and never ticked (its tracer lost the pipe, or one C call holds
    // its GIL) leaves the edge to the others.
    const std::int64_t t0 = nowNs() - 5000 * ms;
    Recorder rec(100000);
    py::StreamParser parser;
    py::ProcSampler sampler;
    sampler.start();
    QTest::qWait(5);
    py::Assembler assembler(rec, parser, sampler, 4242, QStringLiteral("x.py"), t0);
    QByteArray child = meta(t0 + 1 * ms, py::Meta::Hello, 4242);
    child += withString(meta(t0 + 1 * ms, py::Meta::ThreadName, 4243), "MainThread");
    child += withString(meta(t0 + 1 * ms, py::Meta::ProcessName), "Worker-1");
    QByteArray main = meta(t0, py::Meta::Hello, 1);
    main += withString(meta(t0, py::Meta::ThreadName, 4242), "MainThread");
    main += meta(t0 + 4500 * ms, py::Meta::Tick);
    const QByteArray stream = unit(4242, main) + unit(4243, child);
    parser.feed(stream.constData(), std::size_t(stream.size()));
    QCOMPARE(assembler.advance(nowNs()), t0 + 4500 * ms - py::Assembler::marginNs);
    sampler.stop();
}

void TestPyAssembler::scriptThatNeverSaysHello()
{
    // Until the script's interpreter says hello, nothing is drawn past the start; if it never does
    // (the tracer did not load), the edge follows the sampler after a second, so the cores stay live.
    Recorder rec(100000);
    py::StreamParser parser;
    py::ProcSampler sampler;
    sampler.start();
    QTest::qWait(5);
    const std::int64_t now = nowNs();
    py::Assembler fresh(rec, parser, sampler, 4242, QStringLiteral("x.py"), now - 100 * ms);
    QCOMPARE(fresh.advance(now), now - 100 * ms);
    py::Assembler silent(rec, parser, sampler, 4242, QStringLiteral("x.py"), now - 2000 * ms);
    QTest::qWait(5);
    const std::int64_t edge = silent.advance(nowNs());
    QVERIFY(edge > now - 1000 * ms);
    QVERIFY(edge <= nowNs());
    sampler.stop();
}

void TestPyAssembler::sampledStatesAgreeWithEachOther()
{
    // Two threads of one process, sampled from outside: a futex wait is drawn as waiting for the GIL
    // only while the other thread runs (and the GIL lane shows it holding); with nobody running it is
    // blocked on something untraced (a multiprocessing queue's lock, say); a thread waiting for room in
    // the tracer's pipe is not drawn as the script's I/O.
    const std::int64_t t0 = nowNs() - 100 * ms; // a stream from the future is clamped to now
    QByteArray r;
    r += meta(t0, py::Meta::Hello, 1);
    r += withString(meta(t0, py::Meta::ThreadName, 4242), "MainThread");
    r += withString(meta(t0, py::Meta::ThreadName, 4300, 0, 1), "worker");
    r += ev(t0 + 1 * ms, EventKind::ThreadStart, 0, 0, 4242);
    r += ev(t0 + 1 * ms, EventKind::ThreadStart, 0, 1, 4300);
    r += ev(t0 + 60 * ms, EventKind::ThreadEnd, 0, 1);
    r += ev(t0 + 60 * ms, EventKind::ThreadEnd, 0, 0);
    r += meta(t0 + 61 * ms, py::Meta::Exit, 0);
    Recorder rec(100000);
    py::StreamParser parser;
    py::ProcSampler sampler; // not started: only the rounds below
    const QByteArray u = unit(4242, r);
    parser.feed(u.constData(), std::size_t(u.size()));
    const auto sample = [&](std::int64_t at, char state, bool futex, bool tracerWrite = false) {
        py::ThreadSample s{t0 + at, 0, 4242, 0, state, futex};
        s.tracerWrite = tracerWrite;
        return s;
    };
    // 10 ms: the main thread waits in a futex while the worker runs; 20 ms: both wait in futexes;
    // 30 ms: the main thread waits for room in the tracer's pipe; 40 ms: both run.
    sampler.addRound(t0 + 10 * ms, {{4242, sample(10 * ms, 'S', true)}, {4300, sample(10 * ms, 'R', false)}});
    sampler.addRound(t0 + 20 * ms, {{4242, sample(20 * ms, 'S', true)}, {4300, sample(20 * ms, 'S', true)}});
    sampler.addRound(t0 + 30 * ms,
                     {{4242, sample(30 * ms, 'S', false, true)}, {4300, sample(30 * ms, 'R', false)}});
    sampler.addRound(t0 + 40 * ms,
                     {{4242, sample(40 * ms, 'R', false)}, {4300, sample(40 * ms, 'R', false)}});
    py::Assembler assembler(rec, parser, sampler, 4242, QStringLiteral("x.py"), t0);
    py::Assembler::MainProcess main;
    main.endNs = t0 + 61 * ms;
    assembler.finish(main, main.endNs);
    Trace trace;
    trace.setRegistry(rec.lanes(), rec.objects());
    rec.drain([&](const Event *events, std::size_t n) { trace.ingest(events, n); });
    trace.commit();
    const auto laneNamed = [&](const QString &name) {
        for (std::size_t i = 0; i < trace.lanes().size(); ++i)
            if (trace.lane(i).name == name) return i;
        return SIZE_MAX;
    };
    const std::size_t mainLane = laneNamed(QStringLiteral("MainThread")),
                      worker = laneNamed(QStringLiteral("worker"));
    QVERIFY(mainLane != SIZE_MAX && worker != SIZE_MAX);
    const auto stateAt = [&](std::size_t lane, std::int64_t at) {
        const std::ptrdiff_t k = trace.lane(lane).indexAt(t0 + at);
        return k < 0 ? State::Idle : trace.lane(lane).states[std::size_t(k)];
    };
    QCOMPARE(stateAt(mainLane, 15 * ms), State::WaitingGil);
    QCOMPARE(stateAt(mainLane, 25 * ms), State::Blocked);
    QCOMPARE(stateAt(worker, 25 * ms), State::Blocked);
    QCOMPARE(stateAt(mainLane, 35 * ms), State::Running); // not the script's I/O
    // No lane waits for the GIL where the GIL lane shows nobody else holding it.
    std::size_t gil = SIZE_MAX;
    for (std::size_t i = 0; i < trace.lanes().size(); ++i)
        if (trace.lane(i).kind == LaneKind::Gil) gil = i;
    QVERIFY(gil != SIZE_MAX);
    for (std::size_t lane : {mainLane, worker})
        trace.forEachInterval(lane, [&](const Interval &iv) {
            if (iv.state != State::WaitingGil) return;
            trace.forEachInterval(gil, [&](const Interval &g) {
                if (g.end <= iv.start || g.start >= iv.end) return;
                QVERIFY2(g.state == State::Held && g.obj != lane,
                         qPrintable(QStringLiteral("%1 waits for the GIL while the GIL lane shows it %2")
                                        .arg(trace.lane(lane).name, stateName(g.state))));
            });
        });
}

// The pipe is read by the run's thread when it takes, and by the drain while it does not: what comes out
// is every byte, in the order written; a writer is never held up by a taker that is busy (the pipe
// holds 64 KiB here, the writer writes 4 MiB), only by the drain's bound.
QTEST_GUILESS_MAIN(TestPyAssembler)
#include "tst_pyassembler.moc"
