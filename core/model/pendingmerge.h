#pragma once

// How the trace's pending lists (what several threads add to one lane) are put in time order and
// taken up to a moment: traceingest.cpp's commit() and tracepastbudget.cpp's commitPastBudget().

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace raceway::pendingmerge {

// Merges the sorted [a, aEnd) and [b, bEnd) into out, stably (a first among equals). Without a branch
// on which side comes next: threads' events interleave at random, and a mispredicted branch an item
// was most of what merging cost (half of summarising past the budget).
template <typename T, typename Less>
T *mergeInto(const T *a, const T *aEnd, const T *b, const T *bEnd, T *out, Less less)
{
    while (a != aEnd && b != bEnd) {
        const bool fromB = less(*b, *a);
        *out++ = *(fromB ? b : a);
        b += fromB;
        a += !fromB;
    }
    out = std::copy(a, aEnd, out);
    return std::copy(b, bEnd, out);
}

// Sorts v stably, in n log(runs): what arrives is one sorted run per thread drained (after what was
// sorted already), so the runs there are found and merged pairwise, back and forth between v and
// spare. Returns true where the result ended in spare (v then holds nothing of use).
template <typename T, typename Less> bool sortRuns(std::vector<T> &v, std::vector<T> &spare, Less less)
{
    thread_local std::vector<std::size_t> bounds, next;
    bounds.assign(1, 0);
    for (std::size_t i = 1; i < v.size(); ++i)
        if (less(v[i], v[i - 1])) bounds.push_back(i);
    bounds.push_back(v.size());
    if (bounds.size() <= 2) return false;
    spare.resize(v.size());
    T *from = v.data(), *to = spare.data();
    bool inSpare = false;
    while (bounds.size() > 2) {
        next.assign(1, 0);
        std::size_t i = 0;
        for (; i + 2 < bounds.size(); i += 2) {
            mergeInto(from + bounds[i], from + bounds[i + 1], from + bounds[i + 1], from + bounds[i + 2],
                      to + bounds[i], less);
            next.push_back(bounds[i + 2]);
        }
        if (i + 1 < bounds.size()) { // an odd run out: copied as it is
            std::copy(from + bounds[i], from + bounds[i + 1], to + bounds[i]);
            next.push_back(bounds[i + 1]);
        }
        std::swap(bounds, next);
        std::swap(from, to);
        inSpare = !inSpare;
    }
    return inSpare;
}

// Sorts what arrived since the last commit into the sorted part, then moves everything before `upTo`
// into `taken` (in order; its earlier contents go, its room stays: a live run commits sixty times a
// second, and a fresh vector each time was a fresh mapping to fault in), the rest staying for later.
template <typename List, typename Less, typename Out>
void takeBefore(List &list, std::int64_t upTo, Less less, Out &taken)
{
    auto &v = list.items;
    const auto before = [upTo](const auto &x) { return x.t < upTo; };
    if (sortRuns(v, taken, less)) {
        // Sorted into taken: what comes later goes back.
        const auto split = std::partition_point(taken.begin(), taken.end(), before);
        v.assign(split, taken.end());
        taken.erase(split, taken.end());
    } else {
        const auto split = std::partition_point(v.begin(), v.end(), before);
        taken.assign(v.begin(), split);
        v.erase(v.begin(), split);
    }
}

} // namespace raceway::pendingmerge
