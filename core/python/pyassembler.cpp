#include "pyassembler.h"

#include <algorithm>
#include <set>

namespace raceway::py {
namespace {

LaneKind laneKindOf(ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::Lock:
    case ObjectKind::RLock:
        return LaneKind::Lock;
    case ObjectKind::Semaphore:
        return LaneKind::Semaphore;
    case ObjectKind::Event:
        return LaneKind::Signal;
    case ObjectKind::Condition:
    case ObjectKind::Queue:
        return LaneKind::Queue;
    }
    return LaneKind::Lock;
}

bool usesObject(EventKind k)
{
    switch (k) {
    case EventKind::LockRequested:
    case EventKind::LockAcquired:
    case EventKind::LockReleased:
    case EventKind::WaitBegin:
    case EventKind::WaitEnd:
    case EventKind::Signal:
        return true;
    default:
        return false;
    }
}

int firstCpuOf(const std::vector<ThreadSample> &samples)
{
    for (const ThreadSample &x : samples)
        if (x.state == 'R') return x.cpu;
    return -1;
}

// What the tracer says a thread is doing: the overlay from the samples only applies while it runs.
enum class Base { NotStarted, Running, Holding, Waiting, LockWait, Sleeping, Done };

struct ThreadWork
{
    std::int64_t pid;
    const PyThread *thread;
    std::uint16_t lane;
    std::vector<Event> out;
};

} // namespace

Assembled Assembler::assemble(const MainProcess &main, std::int64_t endNs)
{
    const std::int64_t mainPid = main.pid;
    const QString &mainName = main.name;
    Assembled a;
    const auto &processes = m_stream.processes();
    const auto &samples = m_sampler.samples();

    // Where an object a process uses was made: in it, or (inherited through fork) in an ancestor.
    const auto findObject = [&](std::int64_t pid, std::uint8_t obj) -> const PyObject * {
        for (int depth = 0; depth < 64; ++depth) {
            const auto p = processes.find(pid);
            if (p == processes.end()) return nullptr;
            const auto o = p->second.objects.find(obj);
            if (o != p->second.objects.end()) return &o->second;
            pid = p->second.ppid;
        }
        return nullptr;
    };

    std::map<std::pair<std::int64_t, std::uint8_t>, std::uint8_t> objects; // (pid, local) -> global
    std::map<std::pair<std::int64_t, std::uint16_t>, std::uint16_t> threadLanes;
    std::map<std::int64_t, std::uint8_t> gils;
    std::map<std::int64_t, std::uint16_t> processLanes;
    std::vector<ThreadWork> work;
    std::set<QString> threadNames;

    for (std::int64_t pid : m_stream.order()) {
        const PyProcess &p = processes.at(pid);
        ++a.processes;
        const QString name = pid == mainPid ? mainName : p.name.isEmpty() ? QStringLiteral("python") : p.name;
        const QString prefix = pid == mainPid ? QString() : name + QStringLiteral(": ");
        processLanes[pid] =
            m_recorder.addLane(name + QStringLiteral(" (pid %1)").arg(pid), LaneKind::Process);
        const std::uint16_t gilLane =
            m_recorder.addLane(prefix + QStringLiteral("GIL (inferred)"), LaneKind::Gil);
        gils[pid] = m_recorder.addObject(prefix + QStringLiteral("GIL (inferred)"), gilLane);
        for (const auto &[local, t] : p.threads) {
            QString laneName = prefix + t.name;
            for (int n = 2; threadNames.count(laneName); ++n)
                laneName = prefix + t.name + QStringLiteral(" (%1)").arg(n);
            threadNames.insert(laneName);
            const std::uint16_t lane = m_recorder.addLane(laneName, LaneKind::Thread);
            threadLanes[{pid, local}] = lane;
            work.push_back({pid, &t, lane, {}});
            ++(t.tid != 0 ? a.threads : a.tasks); // an asyncio task's lane has no thread of its own
        }
        // Lanes for the objects this process really used, in the order it first used them.
        for (const auto &[local, t] : p.threads)
            for (const Event &e : t.events) {
                if (!usesObject(e.kind) || e.obj == 0 || objects.count({pid, e.obj})) continue;
                const PyObject *o = findObject(pid, e.obj);
                if (!o) continue;
                const std::uint16_t lane = m_recorder.addLane(prefix + o->label, laneKindOf(o->kind));
                const std::uint8_t id = m_recorder.addObject(prefix + o->label, lane);
                objects[{pid, e.obj}] = id; // 0 once the run's 255 objects are spent
                if (id == 0) ++a.objectsUntraced;
            }
        a.lockWaitsTraced += p.stat(Stat::LockWaits);
        a.tracerEvents += p.stat(Stat::Events);
        // Processes run side by side: the run is slowed by the most any one of them spent tracing.
        // In unsigned arithmetic: a damaged stream's tallies may be anything.
        const std::uint64_t cost =
            std::uint64_t(p.stat(Stat::Events)) * p.stat(Stat::CostPs) / 1000 + p.stat(Stat::StartupNs);
        a.tracerCostNs = std::max(a.tracerCostNs, std::int64_t(std::min<std::uint64_t>(cost, INT64_MAX)));
        a.lines += p.lines.size();
        a.objectsUntraced += p.stat(Stat::ObjectsUntraced);
        if (p.exitCode) a.exitCodes[pid] = *p.exitCode;
    }

    // When each process ended: as its parent saw it (the script), as it said (multiprocessing's
    // children), or at the last thing it reported or was seen doing.
    std::map<std::int64_t, std::int64_t> processEnd;
    for (std::int64_t pid : m_stream.order()) {
        const PyProcess &p = processes.at(pid);
        std::int64_t last = p.helloNs;
        for (const auto &[local, t] : p.threads) {
            if (!t.events.empty()) last = std::max(last, t.events.back().t);
            const auto found = samples.find(t.tid);
            if (found != samples.end())
                for (const ThreadSample &x : found->second)
                    if (x.state != 'Z' && x.state != 'X') last = std::max(last, x.t);
        }
        const std::int64_t end = pid == mainPid ? main.endNs : p.exitCode ? p.exitNs : std::min(last, endNs);
        processEnd[pid] = std::max(end, p.helloNs);
    }

    const auto isLockLike = [&](std::int64_t pid, std::uint8_t obj) {
        const PyObject *o = findObject(pid, obj);
        return o && laneKindOf(o->kind) != LaneKind::Queue && laneKindOf(o->kind) != LaneKind::Signal;
    };

    // Per process: at each sampling round, the threads that run Python and are runnable.
    std::map<std::int64_t, std::map<std::int64_t, std::vector<std::size_t>>> rounds;
    for (std::size_t w = 0; w < work.size(); ++w) {
        ThreadWork &tw = work[w];
        const PyThread &t = *tw.thread;
        const std::uint8_t gil = gils[tw.pid];
        auto &round = rounds[tw.pid];
        static const std::vector<ThreadSample> none;
        const auto found = samples.find(t.tid);
        const std::vector<ThreadSample> &ss = found == samples.end() ? none : found->second;
        if (!ss.empty()) a.cpuNs += ss.back().runNs;
        Base base = Base::NotStarted, beforeSleep = Base::Running;
        bool overlay = false; // the lane shows an inferred wait the tracer did not report
        int lastCpu = -1;
        std::int64_t lockWaitFrom = 0;
        std::size_t s = 0;
        const auto applySample = [&](const ThreadSample &x) {
            if (base == Base::NotStarted || base == Base::Done) return;
            if (x.state == 'Z' || x.state == 'X' || x.t >= processEnd[tw.pid]) return; // already gone
            round[x.t]; // every round in the thread's life counts towards the GIL's span
            if (x.state == 'R' && x.cpu != lastCpu) {
                tw.out.push_back({x.t, x.cpu, tw.lane, EventKind::OnCpu, 0});
                lastCpu = x.cpu;
            }
            if (base == Base::Running) {
                if (x.state == 'R' && overlay) {
                    tw.out.push_back({x.t, 0, tw.lane, EventKind::IoEnd, 0});
                    overlay = false;
                } else if (x.state != 'R') {
                    const Event last = tw.out.empty() ? Event{} : tw.out.back();
                    const bool gilWait = x.futex;
                    const bool same = overlay && ((gilWait && last.kind == EventKind::GilWait) ||
                                                  (!gilWait && last.kind == EventKind::IoBegin));
                    if (!same) {
                        tw.out.push_back(gilWait ? Event{x.t, 0, tw.lane, EventKind::GilWait, gil}
                                                 : Event{x.t, 0, tw.lane, EventKind::IoBegin, 0});
                        overlay = true;
                    }
                }
            }
            if ((base == Base::Running || base == Base::Holding) && x.state == 'R') round[x.t].push_back(w);
        };
        for (const Event &e0 : t.events) {
            while (s < ss.size() && ss[s].t < e0.t)
                applySample(ss[s++]);
            if (overlay) {
                tw.out.push_back({e0.t, 0, tw.lane, EventKind::IoEnd, 0});
                overlay = false;
            }
            Event e = e0;
            e.lane = tw.lane;
            if (usesObject(e.kind) && e.obj != 0) {
                const auto it = objects.find({tw.pid, e.obj});
                e.obj = it == objects.end() ? 0 : it->second;
            }
            switch (e.kind) {
            case EventKind::ThreadStart:
                base = Base::Running;
                if (const int cpu = firstCpuOf(ss); cpu >= 0 && lastCpu < 0) {
                    tw.out.push_back({e.t, std::uint32_t(cpu), tw.lane, EventKind::OnCpu, 0});
                    lastCpu = cpu;
                }
                break;
            case EventKind::ThreadEnd:
                base = Base::Done;
                break;
            case EventKind::LockRequested:
                base = Base::LockWait;
                lockWaitFrom = e.t;
                if (isLockLike(tw.pid, e0.obj)) ++a.lockWaits;
                break;
            case EventKind::LockAcquired:
                if (base == Base::LockWait && isLockLike(tw.pid, e0.obj)) a.lockWaitNs += e.t - lockWaitFrom;
                base = Base::Holding;
                break;
            case EventKind::LockReleased:
                base = Base::Running;
                break;
            case EventKind::WaitBegin:
                base = Base::Waiting;
                break;
            case EventKind::WaitEnd:
                if (base == Base::LockWait && isLockLike(tw.pid, e0.obj)) a.lockWaitNs += e.t - lockWaitFrom;
                base = Base::Running;
                break;
            case EventKind::SleepBegin:
                beforeSleep = base;
                base = Base::Sleeping;
                break;
            case EventKind::SleepEnd:
                base = beforeSleep;
                break;
            case EventKind::Mark:
                if (e.obj == std::uint8_t(MarkKind::Joined)) {
                    const auto it = threadLanes.find({tw.pid, std::uint16_t(e.arg)});
                    e.arg = it == threadLanes.end() ? 0 : it->second;
                }
                break;
            default:
                break;
            }
            tw.out.push_back(e);
        }
        while (s < ss.size())
            applySample(ss[s++]);
        if (base != Base::Done && base != Base::NotStarted) {
            // Still running when its process ended (its main thread, a daemon thread) or was killed.
            const std::int64_t last = std::max(tw.out.empty() ? 0 : tw.out.back().t, processEnd[tw.pid]);
            tw.out.push_back({last, 0, tw.lane, EventKind::ThreadEnd, 0});
        }
    }

    // Each interpreter's GIL, inferred round by round.
    for (auto &[pid, byTime] : rounds) {
        const std::uint8_t gil = gils[pid];
        std::ptrdiff_t holder = -1;
        std::int64_t previous = 0;
        std::int64_t first = 0;
        for (const auto &[t, candidates] : byTime) {
            if (first == 0) first = t;
            if (holder >= 0 && previous != 0 && pid == mainPid) a.gilHeldNs += t - previous;
            previous = t;
            std::ptrdiff_t next = -1;
            if (candidates.size() == 1)
                next = std::ptrdiff_t(candidates.front());
            else if (!candidates.empty())
                next =
                    std::find(candidates.begin(), candidates.end(), std::size_t(holder)) != candidates.end()
                        ? holder
                        : std::ptrdiff_t(candidates.front());
            if (next == holder) continue;
            if (holder >= 0)
                work[std::size_t(holder)].out.push_back(
                    {t, 0, work[std::size_t(holder)].lane, EventKind::Holder, gil});
            if (next >= 0)
                work[std::size_t(next)].out.push_back(
                    {t, 1, work[std::size_t(next)].lane, EventKind::Holder, gil});
            holder = next;
        }
        if (holder >= 0) {
            ThreadWork &tw = work[std::size_t(holder)];
            tw.out.push_back({std::max(previous, tw.out.empty() ? previous : tw.out.back().t), 0, tw.lane,
                              EventKind::Holder, gil});
        }
        if (pid == mainPid) a.gilSpanNs = previous - first;
    }

    // Printed lines as instants on the lanes of the threads that printed them.
    for (std::int64_t pid : m_stream.order()) {
        const PyProcess &p = processes.at(pid);
        std::uint32_t place = 0;
        for (const PrintedLine &line : p.lines) {
            ++place;
            const auto it = threadLanes.find({pid, line.lane});
            if (it == threadLanes.end()) continue;
            for (ThreadWork &tw : work)
                if (tw.lane == it->second)
                    tw.out.push_back(
                        {line.t, place, tw.lane, EventKind::Mark, std::uint8_t(MarkKind::Print)});
        }
    }

    for (ThreadWork &tw : work) {
        std::stable_sort(tw.out.begin(), tw.out.end(),
                         [](const Event &x, const Event &y) { return x.t < y.t; });
        ThreadBuffer *buffer = m_recorder.createBuffer(tw.lane);
        for (const Event &e : tw.out)
            buffer->recordAt(e.t, e.kind, e.obj, e.arg);
    }
    for (std::int64_t pid : m_stream.order()) {
        const PyProcess &p = processes.at(pid);
        ThreadBuffer *buffer = m_recorder.createBuffer(processLanes[pid]);
        const std::int64_t end = processEnd[pid];
        // The process runs where its main thread runs (from the start: where it is first seen running).
        const auto found = samples.find(pid);
        const int firstCpu = found == samples.end() ? -1 : firstCpuOf(found->second);
        if (firstCpu >= 0) buffer->recordAt(p.helloNs, EventKind::OnCpu, 0, std::uint32_t(firstCpu));
        buffer->recordAt(p.helloNs, EventKind::ThreadStart, 0, 0);
        if (found != samples.end()) {
            int lastCpu = firstCpu;
            for (const ThreadSample &x : found->second)
                if (x.t >= p.helloNs && x.t < end && x.state == 'R' && x.cpu != lastCpu) {
                    buffer->recordAt(x.t, EventKind::OnCpu, 0, x.cpu);
                    lastCpu = x.cpu;
                }
        }
        ExitKind how = main.killed ? ExitKind::Killed : ExitKind::Normal;
        if (pid == mainPid)
            how = main.how;
        else if (p.exitCode)
            how = *p.exitCode == 0 ? ExitKind::Normal : ExitKind::Crashed;
        buffer->recordAt(end, EventKind::ProcessExit, 0, std::uint32_t(how));
    }
    return a;
}

} // namespace raceway::py
