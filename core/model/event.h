#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace raceway {

// What happened. The numeric values are part of the worker stream format: append only.
enum class EventKind : std::uint8_t {
    ThreadStart = 1,   // lane begins running
    ThreadEnd = 2,     // lane is done
    LockRequested = 3, // obj = lock id; the lane waits from here
    LockAcquired = 4,  // obj = lock id; the lane holds the lock from here
    LockReleased = 5,  // obj = lock id; back to running
    SleepBegin = 6,    // pace or a sleeping race window
    SleepEnd = 7,
    LostUpdate = 8,   // arg = increments erased (signed), obj = writer whose value was overwritten
    Progress = 9,     // arg = operations this lane has completed so far
    ArgHigh = 10,     // arg = high 32 bits of the next event's argument from the same thread
    Cancelled = 11,   // the lane stopped early because the run was cancelled
    Hello = 12,       // a worker process introduces itself: arg = pid, obj = protocol version
    Bye = 13,         // a worker process is about to exit normally
    TaskBegin = 14,   // arg = task id, obj = the queue it came from; the lane runs the task
    TaskEnd = 15,     // the task is done: the lane is idle again
    TaskQueued = 16,  // on a queue lane: arg = task id; one more task waits
    OnCpu = 17,       // arg = the CPU core the lane's thread or process runs on now
    CoreSample = 18,  // on a core lane: arg = busy per mille over the last sample interval
    ProcessExit = 19, // arg = ExitKind: how a worker process ended
    Text = 20,    // arg = byte count; that many bytes follow in ceil(n / 16) raw records (worker stream only)
    IoBegin = 21, // the lane waits on I/O (a download, an awaited timer); arg = what it waits for
                  // (ioBlockedUntraced: blocked on something no event names, drawn as such)
    IoEnd = 22,   // the I/O is done: back to running
    IdleBegin = 23,       // the lane has nothing to do (an event loop waiting for its next callback)
    CounterExpected = 24, // obj = counter: increments made so far (a reading; CounterActual completes it)
    CounterActual = 25,   // obj = counter: the counter's value at the same instant as CounterExpected
    WaitBegin = 26,       // obj = what the lane now waits for (an event, a condition, a semaphore, a thread)
    WaitEnd = 27,         // obj = the same: the wait is over and the lane runs again
    Signal = 28,          // obj = an event object: arg = 1 when it is set, 0 when it is cleared
    Mark = 29,            // obj = MarkKind: an instant worth pointing at on this lane; arg = its value
    GilWait = 30,         // obj = a GIL: the lane waits to run Python (inferred from outside; IoEnd ends it)
    Holder = 31,  // obj = a lock-like object: its lane shows this lane holding it from now (arg = 1) or
                  // nobody (arg = 0); this lane's own state does not change (an inferred GIL's holder)
    OffCore = 32, // arg = ns: the lane's thread was off its core that long, just before now; obj 0: had work
                  // (estimated from its CPU clock), 1: had work (context switches), 2: had work (its
                  // run-queue time sampled from /proc, placed at the sample), 3: gave it up, 4: gave
                  // it up, and the lane does not draw that (a Python thread's: it waits for the GIL so).
                  // From context switches, an ArgHigh before it names the cores: bits 0-15 the core
                  // it left + 1, bits 16-31 the core it came back on + 1 (0: not known)
    Site = 33,    // arg = a place in the code (Trace::sites()); obj = SiteOf: what happened there, now
    SummaryGap = 34, // past the event budget only: this lane's events of the last arg ns (an ArgHigh before
                     // it holds the high bits) were not kept, the collector being too far behind
    CallBegin = 35,  // on a lane of kind Slices: a function call begins, nested in the ones still open; arg =
                     // the place in the code that names it (Trace::sites(): "bank.py:28 in transfer", or
                     // "time.sleep" for a C function)
    CallEnd = 36,    // on a lane of kind Slices: the innermost call still open returns
};

// What a Site event says happened at its place in the code.
enum class SiteOf : std::uint8_t {
    Wait = 1,    // the wait that begins now was asked for there
    Release = 2, // the hold that ends now, one another thread waited for, was let go there
    Step = 3, // the asyncio step that ends now (one that held its event loop) ran there: "from line to line"
};

// IoBegin's argument for a thread seen blocked on something untraced (a futex no traced thread holds).
constexpr std::uint32_t ioBlockedUntraced = 0xFFFF;
// IoBegin's argument for an asyncio task that is ready to run while its loop runs another task's step
// (State::LoopBusy)
constexpr std::uint32_t ioLoopBusy = 0xFFFE;

// What a Mark event points at. The numeric values are part of the worker stream format: append only.
enum class MarkKind : std::uint8_t {
    Tick = 1,       // a timer fired: arg = how late against its place on the grid, in ns (signed)
    Overdraft = 2,  // a withdrawal took the account below zero: arg = the amount
    Refused = 3,    // a withdrawal was refused for want of funds: arg = the amount
    Print = 4,      // a line was printed: arg = its place in the output (from 1)
    OutOfOrder = 5, // a line came out of turn: arg = its place in the output
    AliveCheck = 6, // is_alive() was asked: arg = 1 alive, 0 not
    CutOff = 7,     // a daemon thread was cut off as the program ended
    Deadlock = 8,   // this lane closed a wait-for cycle: arg = the cycle's number (from 1)
    Rollback = 9,   // this lane gave up its locks to break a deadlock: arg = the cycle's number
    Joined = 10,    // join() returned: arg = the lane that was joined
    Instant = 11,   // an instant another tool's trace marked, by a name Raceway does not know
    Notify = 12,    // notify() on a condition: arg = the condition's object; it wakes a thread waiting on it
    SlowStep = 13,  // one step of an asyncio task held its event loop: arg = how long, in µs (at its end)
};
constexpr int markKindCount = 14;

// How a worker process ended, as recorded by ProcessExit.
enum class ExitKind : std::uint32_t { Normal = 0, Crashed = 1, Killed = 2, TimedOut = 3, FailedToStart = 4 };

// 16 bytes, trivially copyable: the hot path writes integers only (lanes and locks are interned).
struct Event
{
    std::int64_t t;     // nanoseconds, CLOCK_MONOTONIC
    std::uint32_t arg;  // kind-specific argument (low 32 bits; see ArgHigh)
    std::uint16_t lane; // interned lane id
    EventKind kind;
    std::uint8_t obj; // interned object id (lock, victim writer, ...)
};
static_assert(sizeof(Event) == 16, "events must stay 16 bytes");

// A thread's time off its core from the kernel's switch records, as the trace reads it: an ArgHigh
// naming the core it left and the core it came back on, then the OffCore event itself (obj: see OffCore),
// both at `in`. Off for longer than the argument holds, the core it left is not told (its last stretch
// on that core is not drawn).
inline std::array<Event, 2> offCoreEvents(std::uint16_t lane, std::int64_t out, std::int64_t in,
                                          std::uint32_t left, std::uint32_t back, std::uint8_t obj)
{
    // UINT32_MAX: not known (0, as 'not told').
    const auto core = [](std::uint32_t c) {
        return c == UINT32_MAX ? 0 : std::min<std::uint32_t>(c + 1, 0xffff);
    };
    const bool tooLong = in - out > std::int64_t(UINT32_MAX);
    const std::uint32_t cores = (tooLong ? 0 : core(left)) | core(back) << 16;
    const auto ns = std::uint32_t(tooLong ? UINT32_MAX : in - out);
    return {Event{in, cores, lane, EventKind::ArgHigh, 0}, Event{in, ns, lane, EventKind::OffCore, obj}};
}
// The cores an OffCore event's 64-bit argument names: the one left and the one come back on (-1: not told).
struct CoreHop
{
    int left = -1, back = -1;
};
inline CoreHop coreHopOf(std::int64_t offCoreArg)
{
    const auto cores = std::uint64_t(offCoreArg) >> 32;
    return {int(cores & 0xffff) - 1, int(cores >> 16 & 0xffff) - 1};
}

} // namespace raceway
