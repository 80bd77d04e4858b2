#include "pyassembler.h"

// The assembler's view of the script's synchronisation objects: which of the run's objects and lanes
// each one the tracer describes becomes (named as the script names it, never twice the same), and the
// wait-for cycles among a process's threads and locks (see findDeadlocks).

#include <algorithm>

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

} // namespace

const PyObject *Assembler::findObject(std::int64_t pid, std::uint8_t obj) const
{
    // Made in the process that uses it, or (inherited through fork) in an ancestor.
    const auto &processes = std::as_const(m_stream).processes();
    for (int depth = 0; depth < 64; ++depth) {
        const auto p = processes.find(pid);
        if (p == processes.end()) return nullptr;
        const auto o = p->second.objects.find(obj);
        if (o != p->second.objects.end()) return &o->second;
        pid = p->second.ppid;
    }
    return nullptr;
}

bool Assembler::isLockLike(std::int64_t pid, std::uint8_t obj) const
{
    const PyObject *o = findObject(pid, obj);
    return o && laneKindOf(o->kind) != LaneKind::Queue && laneKindOf(o->kind) != LaneKind::Signal;
}

bool Assembler::isLock(std::int64_t pid, std::uint8_t obj) const
{
    const PyObject *o = findObject(pid, obj);
    return o && (o->kind == ObjectKind::Lock || o->kind == ObjectKind::RLock);
}

std::uint8_t Assembler::objectFor(ProcessState &ps, std::uint8_t local)
{
    if (const auto it = ps.objects.find(local); it != ps.objects.end()) return it->second;
    // A lane for each object the process really uses, made when it is first used.
    const PyObject *o = findObject(ps.pid, local);
    if (!o) return 0; // not described (yet): drawn without it
    // Two objects made on one line ("Lock dl.py:2" twice) never share a label: the second is "#2".
    QString label = ps.prefix + o->label;
    if (const int seen = m_labels[label]++; seen > 0) label += QStringLiteral(" #%1").arg(seen + 1);
    const std::uint16_t lane = m_recorder.addLane(label, laneKindOf(o->kind));
    const std::uint8_t id = m_recorder.addObject(label, lane); // 0 once 255 are spent
    ps.objects[local] = id;
    return id;
}

std::uint32_t Assembler::siteFor(ProcessState &ps, std::uint32_t local)
{
    if (const auto it = ps.sites.find(local); it != ps.sites.end()) return it->second;
    const PyProcess &p = m_stream.processes().at(ps.pid);
    const auto named = p.sites.find(local);
    if (named == p.sites.end()) return UINT32_MAX;
    const std::uint32_t id = m_recorder.addSite(named->second); // one id per place, whichever process
    ps.sites[local] = id;
    return id;
}

void Assembler::findDeadlocks(ProcessState &ps)
{
    // From each waiting thread: the holder of the lock it waits for, what that one waits for, and so
    // on; back at the start, the threads wait for each other and none will ever go on.
    const std::vector<LaneInfo> lanes = m_recorder.lanes();
    const std::vector<ObjectInfo> objects = m_recorder.objects();
    const auto laneName = [&](std::size_t index) {
        const std::uint16_t lane = m_threads[index].lane;
        return lane < lanes.size() ? lanes[lane].name : QString();
    };
    const auto objectName = [&](int obj) {
        return obj >= 0 && std::size_t(obj) < objects.size() ? objects[std::size_t(obj)].name : QString();
    };
    const std::vector<QString> sites = m_recorder.sites();
    for (const auto &[local, start] : ps.threads) {
        if (m_threads[start].waitingFor < 0 || m_threads[start].inCycle) continue;
        std::vector<std::size_t> cycle{start};
        bool closed = false;
        for (std::size_t at = start; cycle.size() <= ps.threads.size();) {
            const auto h = ps.holders.find(std::uint8_t(m_threads[at].waitingFor));
            if (h == ps.holders.end() || h->second == at || m_threads[h->second].base == Base::Done) break;
            at = h->second;
            if (at == start) {
                closed = true;
                break;
            }
            if (m_threads[at].waitingFor < 0 || m_threads[at].inCycle ||
                std::find(cycle.begin(), cycle.end(), at) != cycle.end())
                break; // not waiting, or a cycle that does not come back here (found from its own threads)
            cycle.push_back(at);
        }
        if (!closed) continue;
        // The thread whose wait closed it (the last to start waiting) carries the mark, as a built-in
        // scenario's does: the lanes show the whole cycle just after its request.
        const auto closer = *std::max_element(cycle.begin(), cycle.end(), [&](std::size_t a, std::size_t b) {
            return m_threads[a].lockWaitFrom < m_threads[b].lockWaitFrom;
        });
        ThreadState &c = m_threads[closer];
        const std::uint32_t number = m_recorder.noteDeadlock();
        push(c, {std::max(c.lockWaitFrom + 1, c.lastT), number, c.lane, EventKind::Mark,
                 std::uint8_t(MarkKind::Deadlock)});
        ++m_deadlocks;
        // Each thread holds what the one before it waits for (the first: what the last waits for).
        QStringList clauses;
        for (std::size_t k = 0; k < cycle.size(); ++k) {
            const std::size_t before = cycle[(k + cycle.size() - 1) % cycle.size()];
            const std::uint32_t site = m_threads[cycle[k]].waitSite;
            clauses << QStringLiteral("%1 holds %2, waits for %3")
                               .arg(laneName(cycle[k]), objectName(m_threads[before].waitingFor),
                                    objectName(m_threads[cycle[k]].waitingFor)) +
                           (site < sites.size() ? QStringLiteral(" at ") + sites[site] : QString());
            m_threads[cycle[k]].inCycle = true;
        }
        if (m_firstDeadlockNs == 0) {
            m_firstDeadlockNs = std::max<std::int64_t>(1, nowNs());
            m_firstCycle = clauses;
        }
    }
}

} // namespace raceway::py
