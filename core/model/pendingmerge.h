#pragma once

// How the trace's pending lists (what several threads add to one lane) are put in time order and
// taken up to a moment: traceingest.cpp's commit() and tracepastbudget.cpp's commitPastBudget().

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <type_traits>
#include <vector>

namespace raceway::pendingmerge {

// A stable sort that costs n log(runs): what arrives is one sorted run per thread drained, so the runs
// already there are found and merged pairwise (a general sort took a fifth of summarising past the
// budget).
template <typename It, typename Less> void sortRuns(It begin, It end, Less less)
{
    std::vector<It> bounds{begin};
    for (It it = begin; it != end && std::next(it) != end; ++it)
        if (less(*std::next(it), *it)) bounds.push_back(std::next(it));
    bounds.push_back(end);
    while (bounds.size() > 2) {
        std::vector<It> merged{bounds.front()};
        for (std::size_t i = 0; i + 2 < bounds.size(); i += 2) {
            std::inplace_merge(bounds[i], bounds[i + 1], bounds[i + 2], less);
            merged.push_back(bounds[i + 2]);
        }
        if (bounds.size() % 2 == 0) merged.push_back(bounds.back()); // an odd run out: as it is
        bounds = std::move(merged);
    }
}

// Sorts what arrived since the last commit into the sorted part, then moves everything before `upTo`
// into `taken` (in order; its earlier contents go, its room stays: a live run commits sixty times a
// second, and a fresh vector each time was a fresh mapping to fault in), the rest staying for later.
template <typename List, typename Less, typename Out>
void takeBefore(List &list, std::int64_t upTo, Less less, Out &taken)
{
    auto &v = list.items;
    const auto mid = v.begin() + std::ptrdiff_t(list.sorted);
    sortRuns(mid, v.end(), less);
    std::inplace_merge(v.begin(), mid, v.end(), less);
    const auto split =
        std::lower_bound(v.begin(), v.end(), upTo, [](const auto &x, std::int64_t t) { return x.t < t; });
    taken.assign(v.begin(), split);
    v.erase(v.begin(), split);
    list.sorted = v.size();
}

} // namespace raceway::pendingmerge
