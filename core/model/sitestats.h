#pragma once

#include "trace.h"

#include <cstdint>
#include <vector>

namespace raceway {

// One place in the code (a traced script's "bank.py:31 in transfer") and what happened there inside a
// time range: the waits asked for there (how many began in the range, and their time waiting inside
// it) and the holds another thread waited for that were let go there (how many ended in the range, and
// their time held inside it).
struct SiteTotals
{
    std::uint32_t site = 0;
    QString place;
    std::int64_t waits = 0, waitNs = 0;
    std::int64_t releases = 0, heldNs = 0;
};

// [start, end) in absolute ns; the places with the most time first (a profiler's table).
std::vector<SiteTotals> siteTotals(const Trace &trace, std::int64_t start, std::int64_t end);

// The wait that began at `at` on `lane` (Waiting, and what interrupts a wait: a wait for a core, a
// blocked stretch), and the hold that ended there (back to its acquisition): [from, to).
struct Span
{
    std::int64_t from = 0, to = 0;
};
Span waitFrom(const Trace &trace, std::size_t lane, std::int64_t at);
Span holdUntil(const Trace &trace, std::size_t lane, std::int64_t at);

} // namespace raceway
