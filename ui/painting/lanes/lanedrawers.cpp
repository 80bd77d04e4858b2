#include "lanedrawers.h"

#include "corelane.h"
#include "corerunslane.h"
#include "counterlane.h"
#include "gillane.h"
#include "locklane.h"
#include "processlane.h"
#include "queuelane.h"
#include "semaphorelane.h"
#include "signallane.h"
#include "slicelane.h"
#include "threadlane.h"

namespace raceway {

const LaneDrawer &drawerFor(LaneKind kind)
{
    static const ThreadLane thread;
    static const LockLane lock;
    static const CounterLane counter;
    static const ProcessLane process;
    static const CoreLane core;
    static const QueueLane queue;
    static const GilLane gil;
    static const CoreRunsLane coreRuns;
    static const SemaphoreLane semaphore;
    static const SignalLane signal;
    static const ObserverLane observer;
    static const SliceLane slices;
    static const ValueLane value;
    // No default: a kind added to LaneKind without a drawer is a -Wswitch error here, not a lane drawn
    // as something it is not.
    switch (kind) {
    case LaneKind::Thread:
        return thread;
    case LaneKind::Lock:
        return lock;
    case LaneKind::Counter:
        return counter;
    case LaneKind::Process:
        return process;
    case LaneKind::Core:
        return core;
    case LaneKind::Queue:
        return queue;
    case LaneKind::Gil:
        return gil;
    case LaneKind::CoreRuns:
        return coreRuns;
    case LaneKind::Semaphore:
        return semaphore;
    case LaneKind::Observer:
        return observer;
    case LaneKind::Signal:
        return signal;
    case LaneKind::Slices:
        return slices;
    case LaneKind::Value:
        return value;
    }
    return thread; // a value outside the enumeration (a newer file's kind): a lane of states
}

} // namespace raceway
