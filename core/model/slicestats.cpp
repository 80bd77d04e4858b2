#include "slicestats.h"

#include <algorithm>
#include <climits>

namespace raceway {

namespace {

// Sums of times a file gave (each up to ~31 years): they stop at the largest instead of overflowing.
void addTo(std::int64_t &total, std::int64_t ns)
{
    if (__builtin_add_overflow(total, ns, &total)) total = ns > 0 ? INT64_MAX : INT64_MIN;
}

} // namespace

std::vector<SliceTotals> sliceTotals(const Trace &trace, std::int64_t start, std::int64_t end)
{
    std::vector<SliceTotals> byName(trace.sliceNames().size());
    const auto clipped = [&](std::int64_t a, std::int64_t b) {
        return std::max<std::int64_t>(0, std::min(b, end) - std::max(a, start));
    };
    for (const Lane &lane : trace.lanes()) {
        const SliceStack &stack = lane.slices;
        for (std::size_t d = 0; d < stack.depth(); ++d) {
            const std::vector<Slice> &row = stack.row(d);
            const auto [first, last] = stack.visible(d, start, end);
            for (std::size_t k = first; k < last; ++k) {
                const Slice &s = row[k];
                if (s.name >= byName.size()) continue;
                SliceTotals &t = byName[s.name];
                const std::int64_t ns = clipped(s.start, s.end);
                ++t.count;
                addTo(t.totalNs, ns);
                addTo(t.selfNs, ns);
                t.longestNs = std::max(t.longestNs, s.end - s.start);
                if (d == 0) continue;
                // What this slice took from the one it sits in is not that one's own time.
                const std::ptrdiff_t parent = stack.at(d - 1, s.start);
                if (parent < 0) continue;
                const Slice &p = stack.row(d - 1)[std::size_t(parent)];
                if (p.name < byName.size())
                    addTo(byName[p.name].selfNs,
                          -clipped(std::max(s.start, p.start), std::min(s.end, p.end)));
            }
        }
    }
    std::vector<SliceTotals> out;
    for (std::size_t i = 0; i < byName.size(); ++i)
        if (byName[i].count > 0) {
            byName[i].name = trace.sliceName(std::uint32_t(i));
            byName[i].selfNs = std::max<std::int64_t>(0, byName[i].selfNs);
            out.push_back(std::move(byName[i]));
        }
    std::sort(out.begin(), out.end(), [](const SliceTotals &a, const SliceTotals &b) {
        return a.totalNs != b.totalNs ? a.totalNs > b.totalNs : a.name < b.name;
    });
    return out;
}

} // namespace raceway
