#pragma once

// The stream Raceway's Python tracer (resources/python/raceway_tracer) writes on an inherited pipe:
// 16-byte records laid out as Raceway's events, in units of at most PIPE_BUF bytes, each starting
// with a frame record naming the process (see wire.py there for the full description). Every
// process of the traced run writes into the same pipe; units never interleave.

#include "event.h"

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace raceway::py {

constexpr std::uint8_t protocolVersion = 1;

// Record kinds of the Python stream only; the others are EventKind values.
enum class Meta : std::uint8_t {
    Hello = 0xE0,       // arg = parent pid; obj = flags (PyProcess::helloFlags)
    ThreadName = 0xE1,  // lane, arg = native thread id; text: the name
    Object = 0xE2,      // obj, arg = ObjectKind; text: "Kind file:line"
    ProcessName = 0xE3, // text: multiprocessing's name for the process
    Print = 0xE4,       // lane, arg = bytes; text: the line (its start)
    Exit = 0xE5,        // arg = exit code
    Stat = 0xE6,        // obj = Stat, arg = value
    Tick = 0xE7,        // the process has written everything it recorded before t (give or take a GIL switch)
    Site = 0xE8,        // arg = a place in the code (from 1); text: "bank.py:31 in transfer". A wait's or a
                        // release's arg names it (LockRequested, WaitBegin: asked for there; LockReleased:
                        // a hold another thread waited for, let go there)
    Watch = 0xE9,       // obj = a number of the script's watched (from 1), arg = 1: it has an expected value;
                        // text: its name (raceway trace --watch)
    WatchValue = 0xEA,  // obj = the watch: its value now, 48 bits (arg: the low 32, lane: the high 16)
    WatchExpected = 0xEB, // the same for the value it should have, just before its WatchValue
    GilOn = 0xEC,  // a free-threaded build's GIL turned on at t; text: the module imported then, or empty
    String = 0xEF, // arg = bytes; raw records follow
    Frame = 0xF0,  // arg = pid, lane = records that follow, obj = version
};

enum class ObjectKind : std::uint8_t {
    Lock = 1,
    RLock = 2,
    Semaphore = 3,
    Condition = 4,
    Event = 5,
    Queue = 6
};

enum class Stat : std::uint8_t {
    LockWaits = 1,
    Events = 2,
    CostPs = 3,
    OutputBytes = 4,
    ObjectsUntraced = 5,
    StartupNs = 6,
    Accelerated = 7,   // 1: the tracer's C accelerator records its locks and events, 0: pure Python
    Calls = 8,         // function calls recorded (--calls), two events each
    CallCostPs = 9,    // calibrated cost of one recorded call
    CallsSkipped = 10, // calls the profile function saw and did not record
    SkipCostPs = 11,   // calibrated cost of one of those
};

struct PyThread
{
    std::uint16_t local = 0;
    QString name;
    std::int64_t tid = 0;
    std::vector<Event> events; // Event::lane holds the local lane; times clamped to be in order
    std::size_t drawn = 0;     // events before this one are drawn (let go of now and then, not each time)
    std::int64_t lastTime = 0;
};

struct PyObject
{
    ObjectKind kind = ObjectKind::Lock;
    QString label; // "Lock counter.py:9"
};

struct PrintedLine
{
    std::int64_t t;
    std::uint16_t lane; // local
    QString text;
};

// A reading of a watched number: its value, and what it should be where the script says (or the value).
struct WatchReading
{
    std::int64_t t = 0;
    std::int64_t expected = 0, value = 0;
};

struct PyWatch
{
    QString name;
    bool hasExpected = false;
    std::vector<WatchReading> readings; // in time order; the assembler takes them away as it draws them
    std::int64_t pendingExpected = 0;
    bool pending = false; // a WatchExpected waits for its WatchValue
    std::int64_t lastT = 0;
    std::uint64_t dropped = 0; // readings beyond the cap, each but the last let go
};

struct PyProcess
{
    std::int64_t pid = 0;
    std::int64_t ppid = 0;
    std::int64_t helloNs = 0;
    std::uint8_t helloFlags =
        0; // HELLO's: 1 a free-threaded build, 2 its GIL on at the start, 4 calls traced
    // Only a free-threaded build can be without its GIL.
    bool gilEnabled() const { return !(helloFlags & 1) || (helloFlags & 2); }
    // When a free-threaded build without its GIL at the start turned it on (0: it did not), and the
    // module whose import did, where the tracer saw one.
    std::int64_t gilOnNs = 0;
    QString gilOnBy;
    // Its threads' function calls come as CallBegin and CallEnd (raceway trace --calls).
    bool tracesCalls() const { return (helloFlags & 4) != 0; }
    QString name;
    std::optional<int> exitCode;
    std::int64_t exitNs = 0;
    std::int64_t tickNs = 0; // its last heartbeat
    std::map<std::uint16_t, PyThread> threads;
    std::map<std::uint8_t, PyObject> objects;
    std::map<std::uint32_t, QString> sites;  // at most maxSites
    std::map<std::uint8_t, PyWatch> watches; // at most maxWatches
    std::vector<PrintedLine> lines;
    std::map<Stat, std::uint32_t> stats;
    std::uint32_t stat(Stat s) const
    {
        const auto it = stats.find(s);
        return it == stats.end() ? 0 : it->second;
    }
};

// Parses the stream as it arrives, in any pieces. A stream that breaks the format stops being read
// (corrupt() says why); what came before stays. Limits keep a hostile stream from taking all memory.
class StreamParser
{
public:
    explicit StreamParser(std::uint64_t maxEvents = 50'000'000) : m_maxEvents(maxEvents) {}

    // Called when a process introduces itself and when a thread is named: the sampler starts
    // watching it at once.
    std::function<void(std::int64_t pid, std::int64_t tid)> onThread;

    void feed(const char *data, std::size_t size);
    bool corrupt() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    // In the order they said hello.
    const std::vector<std::int64_t> &order() const { return m_order; }
    const std::map<std::int64_t, PyProcess> &processes() const { return m_processes; }
    // For the assembler, which takes each thread's events away as it draws them.
    std::map<std::int64_t, PyProcess> &processes() { return m_processes; }
    std::uint64_t events() const { return m_events; }
    // The assembler took n events away (drawn, or let go). What the budget bounds is the events held
    // here, not all of a run's: past the budget the recorder keeps what comes as the lanes' summaries.
    void taken(std::size_t n) { m_held -= std::min<std::uint64_t>(n, m_held); }
    std::uint64_t dropped() const { return m_dropped; }
    std::uint64_t bytes() const { return m_bytes; }

    static constexpr std::size_t maxProcesses = 1024;
    // Threads and asyncio tasks drawn per process (10,000 tasks fit; each lane costs a few hundred bytes
    // however little it does): later ones are counted, not drawn.
    static constexpr std::size_t maxThreads = 16384;
    std::uint64_t lanesRefused() const { return m_lanesRefused; }
    static constexpr std::size_t maxLines = 100'000;
    static constexpr std::size_t maxSites = 4096; // places in the code, per process
    static constexpr std::size_t maxWatches = 8;  // watched numbers, per process
    // Readings of one watch not drawn yet: past this the last one is replaced (its final value is kept).
    static constexpr std::size_t maxReadings = 100'000;

private:
    // Parses the whole units at the start of data (`offset` bytes into the stream); returns their length.
    std::size_t units(const char *data, std::size_t avail, std::uint64_t offset);
    void unit(std::int64_t pid, const char *records, std::size_t count);
    void fail(const QString &why);
    PyProcess *process(std::int64_t pid);

    QByteArray m_partial;
    QString m_error;
    std::vector<std::int64_t> m_order;
    std::map<std::int64_t, PyProcess> m_processes;
    std::uint64_t m_maxEvents;
    std::uint64_t m_events = 0, m_dropped = 0, m_bytes = 0, m_lanesRefused = 0;
    std::uint64_t m_held = 0; // parsed, not yet taken
};

} // namespace raceway::py
