#pragma once

#include "procsampler.h"
#include "pystream.h"
#include "recorder.h"
#include "switchrecords.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <vector>

namespace raceway::py {

// What a traced run adds up to, measured from the lanes as they are recorded.
struct Assembled
{
    int threads = 0;                   // thread lanes
    int tasks = 0;                     // asyncio task lanes
    int processes = 0;                 // processes that said hello
    std::int64_t cpuNs = 0;            // on-CPU time of every traced thread (schedstat)
    std::int64_t lockWaitNs = 0;       // drawn waits for traced locks and semaphores
    std::uint64_t lockWaits = 0;       // how many such waits are drawn
    std::uint64_t lockWaitsTraced = 0; // how many the tracers counted (STAT)
    std::int64_t gilHeldNs = 0;        // the script's interpreter: time some thread ran Python
    std::int64_t gilSpanNs = 0;        // ... out of this much sampled time
    // asyncio steps that held their event loop (the tracer's threshold, 100 ms by default): the task's
    // lane, when the step ended and how long it took (the first 1,000).
    struct SlowStep
    {
        std::uint16_t lane;
        std::int64_t endNs, ns;
        QString place; // where it ran: "blocker.py:6-8 in blocker" (empty: not said)
    };
    std::vector<SlowStep> slowSteps;
    // The script's numbers watched (raceway trace --watch): the last reading, where one was made.
    struct Watched
    {
        QString name;
        bool hasExpected = false;
        bool read = false; // it held a number at least once
        std::int64_t expected = 0, value = 0;
        std::uint64_t readings = 0; // drawn
    };
    std::vector<Watched> watched;
    bool freeThreaded = false;      // the script's interpreter was built without the GIL
    bool gilEnabled = true;         // ... and had its GIL on all the same (PYTHON_GIL=1), or at the end
    std::int64_t gilOnNs = 0;       // where it turned it on during the run (0: it did not)
    QString gilOnBy;                // ... importing this module (empty: not known)
    std::uint64_t tracerEvents = 0; // what the tracers say they recorded
    std::uint64_t callsTraced = 0;  // function calls they recorded (raceway trace --calls)
    std::int64_t tracerCostNs = 0;  // the largest of any process's events × calibrated cost
    std::uint64_t lines = 0;        // printed lines
    std::uint64_t objectsUntraced = 0;
    std::uint64_t lateEvents = 0; // events that arrived after their moment was drawn (drawn then)
    // Every process sent its final tally (events, lock waits): not so when one was killed, and then the
    // tracers' counts and the overhead are unknown rather than what the others said.
    bool talliesComplete = true;
    std::map<std::int64_t, int> exitCodes; // by pid, as the processes reported them
    // Wait-for cycles among a process's threads and locks (threading.Lock, RLock): how many, and the
    // first one, a clause per thread ("transfer-ab holds Lock dl.py:2, waits for Lock dl.py:3").
    std::uint64_t deadlocks = 0;
    QStringList firstCycle;
};

// Turns what the tracer says and what the sampler sees into lanes while the script runs. For each
// thread, the tracer's events are exact; where the tracer says the thread runs Python, the samples
// add what it cannot say: on which core it runs, or that it sleeps in a futex (waiting for the GIL,
// inferred) or elsewhere (waiting outside Python). Each interpreter gets a GIL lane, inferred: at
// each sampling round, the one thread of the process that is running Python and runnable holds it.
//
// A process's lanes are drawn up to its heartbeat (the tracer writes everything it recorded, then a
// tick, every 50 ms) less a margin, and never past the sampler's last complete round: what is drawn is
// never taken back. An event that still arrives for a moment already drawn (its thread lost the GIL
// between taking the time and buffering it, for longer than the margin) is drawn where its lane has got
// to, and counted (lateEvents).
class Assembler
{
public:
    // mainPid: the script's interpreter, whose process lane is called mainName. startNs: the run's
    // start, where the live edge stays until the script says hello.
    Assembler(Recorder &recorder, StreamParser &stream, ProcSampler &sampler, std::int64_t mainPid,
              QString mainName, std::int64_t startNs);

    // Where the kernel gives context-switch records of the script's threads (opened on its process as
    // soon as it started): each thread's lane says where it waited for a core, and the cores which
    // thread ran when. Call before the first advance().
    void watchSwitches(ProcessSwitches *switches);

    static constexpr std::int64_t marginNs = 10'000'000;
    // A process silent this long no longer holds the live edge back (a C call holding the GIL, a
    // tracer that lost its pipe): its lanes catch up when it speaks again.
    static constexpr std::int64_t staleNs = 1'000'000'000;

    // While the run goes on: draws what is known to be complete and returns the live edge, the time
    // before which every lane is drawn (never decreasing).
    std::int64_t advance(std::int64_t now);

    // How the script's own process ended, as its parent saw it.
    struct MainProcess
    {
        ExitKind how = ExitKind::Normal;
        int signal = 0; // what killed it, where a signal did (ExitKind::Killed)
        std::int64_t endNs = 0;
        bool killed = false; // the run killed what was left: children that said nothing were killed
    };
    // Once the sampler has stopped and the stream is read: draws the rest and closes every lane.
    // endNs: where lanes still running at the end stop.
    Assembled finish(const MainProcess &main, std::int64_t endNs);

    // When the first wait-for cycle was found drawing the lanes (0: none yet), and its clauses.
    std::int64_t firstDeadlockNs() const { return m_firstDeadlockNs; }
    const QStringList &firstCycle() const { return m_firstCycle; }

private:
    // What the tracer says a thread is doing: the overlay from the samples only applies while it runs.
    enum class Base { NotStarted, Running, Holding, Waiting, LockWait, Sleeping, Done };

    struct Samples
    {
        std::vector<ThreadSample> s;
        std::size_t threadPos = 0, processPos = 0; // how far the thread's lane and its process's have got
        std::int64_t runNs = 0;                    // CPU time in its last sample
        std::int64_t lastSeen = 0;                 // its last sample as a live thread
    };
    struct ThreadState
    {
        std::int64_t pid = 0;
        std::uint16_t local = 0;
        std::int64_t tid = 0;
        std::uint16_t lane = 0;
        ThreadBuffer *buffer = nullptr;
        // Its function calls' lane, where the process traces them (raceway trace --calls), and the
        // time its last call event was recorded at.
        ThreadBuffer *calls = nullptr;
        std::int64_t callsT = 0;
        std::vector<Event> callsOut; // this round's, in time order
        Base base = Base::NotStarted, beforeSleep = Base::Running;
        bool overlay = false;                // the lane shows an inferred wait the tracer did not report
        std::uint32_t overlayArg = 0;        // its IoBegin's argument (ioBlockedUntraced or 0)
        std::uint32_t waitSite = UINT32_MAX; // where its last lock wait was asked for (the run's site id)
        std::uint32_t stepPlace = 0; // where the slow asyncio step about to be marked ran (0: not said)
        EventKind lastPushed = EventKind::Progress;
        int lastCpu = -1;
        std::int64_t runDelayNs = -1; // its run-queue time in the last sample (-1: none yet)
        std::int64_t lockWaitFrom = 0;
        bool lockWaitCounted = false; // a wait for a lock or a semaphore: it counts in lock_wait_ms
        int waitingFor = -1;          // the run's object of the lock it waits for (-1: none)
        bool inCycle = false;         // in a wait-for cycle already reported
        std::int64_t doneTo = 0;      // everything before this is recorded on the lane
        std::int64_t lastT = 0;       // the last event recorded
        std::vector<Event> out;       // this round's events, recorded in time order at its end
    };
    // A watched number's lane (a counter's when it has an expected value, else a value's).
    struct WatchLane
    {
        std::uint16_t lane = 0;
        std::uint8_t obj = 0;
        ThreadBuffer *buffer = nullptr;
        Assembled::Watched seen;
        std::int64_t lastT = 0; // the last reading recorded
    };
    struct ProcessState
    {
        std::int64_t pid = 0;
        QString prefix;
        std::uint16_t lane = 0;
        ThreadBuffer *buffer = nullptr;
        std::uint8_t gil = 0;
        std::int64_t gilFrom = 0; // where its GIL lane starts: a free-threaded build's turned on mid-run
        std::map<std::uint16_t, std::size_t> threads;            // local lane -> m_threads index
        std::map<std::uint8_t, std::uint8_t> objects;            // local object -> the run's (0: none left)
        std::map<std::uint32_t, std::uint32_t> sites;            // local place in the code -> the run's
        std::map<std::uint8_t, std::size_t> holders;             // the run's lock object -> m_threads index
        std::map<std::uint8_t, WatchLane> watches;               // by the process's watch number
        std::map<std::int64_t, std::vector<std::size_t>> rounds; // sampling round -> GIL candidates
        std::ptrdiff_t holder = -1;
        std::int64_t previousRound = 0, firstRound = 0, gilHeldNs = 0;
        std::size_t lines = 0; // printed lines drawn
        int lastCpu = -1;
        bool started = false, closed = false;
        bool idle = false; // none of its threads ran at the last sampling round
        std::int64_t doneTo = 0;
        std::int64_t end = INT64_MAX; // known once it has ended
        std::int64_t lastEvent = 0;
    };

    void takeSamples();
    void discover(std::int64_t now, bool all);
    const PyObject *findObject(std::int64_t pid, std::uint8_t obj) const;
    bool isLockLike(std::int64_t pid, std::uint8_t obj) const;
    bool isLock(std::int64_t pid, std::uint8_t obj) const; // one holder at a time: Lock, RLock
    void findDeadlocks(ProcessState &ps);
    std::uint8_t objectFor(ProcessState &ps, std::uint8_t local);
    void drawUpTo(ProcessState &ps, std::int64_t limit);
    void drawThread(ProcessState &ps, std::size_t index, PyThread &t, std::int64_t limit);
    void drawWatches(ProcessState &ps, std::int64_t limit, bool final);
    void applySample(ProcessState &ps, std::size_t index, const ThreadSample &x);
    void push(ThreadState &ts, const Event &e);
    // signal: what killed it (how == Killed): its lane and its threads still running end "killed (SIGTERM)".
    // The run's id of a place in the code the process named (UINT32_MAX: it never said where that is).
    std::uint32_t siteFor(ProcessState &ps, std::uint32_t local);
    // Another of the process's threads was sampled running (so may hold its GIL) in the round at t.
    bool anotherRuns(const ProcessState &ps, std::size_t index, std::int64_t t) const;
    void close(ProcessState &ps, std::int64_t end, ExitKind how, int signal = 0);
    void dropSamples(std::int64_t now);
    void takeSwitches(std::int64_t now);
    void pushSwitches(ThreadState &ts, std::int64_t limit);

    Recorder &m_recorder;
    StreamParser &m_stream;
    ProcSampler &m_sampler;
    ProcessSwitches *m_switches = nullptr;
    std::map<std::int64_t, std::vector<ProcessSwitches::OffCore>> m_offCore; // by tid, not drawn yet
    std::uint64_t m_switchesLost = 0;
    std::int64_t m_mainPid;
    QString m_mainName;
    std::int64_t m_startNs;
    std::int64_t m_complete = 0; // the sampler's last complete round
    std::int64_t m_edge = 0;
    std::map<std::int64_t, Samples> m_samples; // by thread id
    std::deque<ThreadState> m_threads;
    std::map<std::int64_t, ProcessState> m_processes;
    std::set<QString> m_threadNames;
    std::int64_t m_lockWaitNs = 0;
    std::uint64_t m_lockWaits = 0, m_late = 0;
    std::map<QString, int> m_labels; // object labels given so far, and how many times
    std::uint64_t m_deadlocks = 0;
    std::vector<Assembled::SlowStep> m_slowSteps;
    struct RoundEvent
    {
        Event e;
        ThreadState *ts;
        bool calls; // for its calls lane
    };
    std::vector<RoundEvent> m_round, m_roundSpare; // a round's events of one process, to record in time order
    std::vector<Event> m_outSpare;                 // where a thread's round is sorted
    std::int64_t m_firstDeadlockNs = 0;
    QStringList m_firstCycle;
};

} // namespace raceway::py
