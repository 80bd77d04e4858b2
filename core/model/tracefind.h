#pragma once

#include "trace.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace raceway {

// What F3 looks for in a run.
enum class FindKind { LostUpdate, LongWait, Failure, Deadlock, Marked, Slice };

// One thing found: where it is on which lane, and a line for people that says what it was.
struct Finding
{
    std::size_t lane = 0;
    std::int64_t start = 0;         // absolute ns
    std::int64_t end = 0;           // == start for a marker
    std::int64_t amount = 0;        // a marker's increments erased (negative: given back); a kill's signal
    int other = -1;                 // a marker's overwritten lane
    State state = State::Idle;      // a wait's or failure's state
    MarkKind mark = MarkKind::Tick; // a marked moment's kind
    std::uint32_t name = 0;         // a slice's name (Trace::sliceName)
    std::size_t depth = 0;          // and its row
};

// Every occurrence of one kind in a trace, in time order (then lane order): lost-update markers (and
// writes that gave increments back), waits for a lock or the GIL at least `minWaitNs` long, and lanes
// that crashed, were killed or timed out, deadlocks found, and moments marked as going wrong (an
// overdraft, a line out of turn, a daemon cut off), and named slices whose name contains `text` (any
// case). The list is a snapshot: build a new one when the trace grows.
class TraceFinder
{
public:
    TraceFinder(const Trace &trace, FindKind kind, std::int64_t minWaitNs = 1'000'000,
                const QString &text = {});

    FindKind kind() const { return m_kind; }
    const std::vector<Finding> &findings() const { return m_found; }
    std::size_t size() const { return m_found.size(); }
    // The first finding that starts after `t` (strictly), or -1; the last one that starts before it.
    std::ptrdiff_t nextAfter(std::int64_t t) const;
    std::ptrdiff_t previousBefore(std::int64_t t) const;
    // "thread 3 erased 5 increments of thread 1" (built when asked: a run can hold millions)
    QString what(std::size_t index) const;
    // "lost update 37 of 1,204: thread 3 erased 5 increments of thread 1"
    QString describe(std::size_t index) const;
    static QString kindName(FindKind kind); // "lost update", "long wait", "failure"

private:
    const Trace &m_trace;
    FindKind m_kind;
    std::vector<Finding> m_found;
};

} // namespace raceway
