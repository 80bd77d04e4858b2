#pragma once

// How the trace's pending lists (what several threads add to one lane) are put in time order and
// taken up to a moment: traceingest.cpp's commit() and tracepastbudget.cpp's commitPastBudget().

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace raceway::pendingmerge {

// Merges the sorted [a, aEnd) and [b, bEnd) into out, stably (a first among equals). Without a branch
// on which side comes next: threads' events interleave at random, and a mispredicted branch an item
// was most of what merging cost (half of summarising past the budget). Each item's choice waits for the
// last one's, so two chains go at once: from the front the smallest items, from the back the largest,
// as many of each as the shorter side holds (neither can then read past its side, and the two never
// meet), and what is left in the middle from the front alone.
template <typename T, typename Less>
T *mergeInto(const T *a, const T *aEnd, const T *b, const T *bEnd, T *out, Less less)
{
    T *const end = out + (aEnd - a) + (bEnd - b);
    T *back = end;
    const std::ptrdiff_t steps = std::min(aEnd - a, bEnd - b);
    for (std::ptrdiff_t i = 0; i < steps; ++i) {
        const bool fromB = less(*b, *a);
        *out++ = *(fromB ? b : a);
        b += fromB;
        a += !fromB;
        // At the back, equals go b last.
        const bool lastFromA = less(bEnd[-1], aEnd[-1]);
        *--back = *(lastFromA ? aEnd - 1 : bEnd - 1);
        aEnd -= lastFromA;
        bEnd -= !lastFromA;
    }
    while (a != aEnd && b != bEnd) {
        const bool fromB = less(*b, *a);
        *out++ = *(fromB ? b : a);
        b += fromB;
        a += !fromB;
    }
    out = std::copy(a, aEnd, out);
    std::copy(b, bEnd, out);
    return end;
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

// Sorts v stably by time, and among equal times by tie(item) (0 or 1), which is what `less` says too,
// through spare as sortRuns does (true: the result is in spare). A commit past the budget finds one run
// per thread, a dozen or more, merged in four or more passes that each wait on every comparison; a radix
// sort of the times since the earliest reads each item once and writes it once a digit of 11 bits, two
// digits for the span of a commit. Few runs, or a span too wide, are merged.
template <typename T, typename Less, typename Tie>
bool sortByTime(std::vector<T> &v, std::vector<T> &spare, Less less, Tie tie)
{
    constexpr int digit = 11;
    constexpr std::size_t radix = std::size_t(1) << digit;
    std::size_t runs = 1;
    std::int64_t low = v.empty() ? 0 : v.front().t, high = low;
    for (std::size_t i = 1; i < v.size(); ++i) {
        runs += less(v[i], v[i - 1]);
        low = std::min(low, v[i].t);
        high = std::max(high, v[i].t);
    }
    if (runs <= 1) return false;
    const std::uint64_t span = std::uint64_t(high) - std::uint64_t(low);
    if (runs <= 4 || span >= (std::uint64_t(1) << (3 * digit - 1))) return sortRuns(v, spare, less);
    const auto key = [low, &tie](const T &x) {
        return ((std::uint64_t(x.t) - std::uint64_t(low)) << 1) | std::uint64_t(tie(x));
    };
    int passes = 1;
    while (passes < 3 && ((span << 1) | 1) >> (passes * digit) != 0)
        ++passes;
    thread_local std::vector<std::uint32_t> counts;
    counts.assign(std::size_t(passes) * radix, 0);
    for (const T &x : v) {
        const std::uint64_t k = key(x);
        for (int p = 0; p < passes; ++p)
            ++counts[std::size_t(p) * radix + ((k >> (p * digit)) & (radix - 1))];
    }
    spare.resize(v.size());
    T *from = v.data(), *to = spare.data();
    bool inSpare = false;
    for (int p = 0; p < passes; ++p) {
        std::uint32_t *count = counts.data() + std::size_t(p) * radix;
        const std::uint64_t first = (key(*from) >> (p * digit)) & (radix - 1);
        if (count[first] == v.size()) continue; // every item has this digit: nothing moves
        std::uint32_t sum = 0;
        for (std::size_t d = 0; d < radix; ++d)
            sum += std::exchange(count[d], sum);
        for (const T *x = from, *end = from + v.size(); x != end; ++x)
            to[count[(key(*x) >> (p * digit)) & (radix - 1)]++] = *x;
        std::swap(from, to);
        inSpare = !inSpare;
    }
    return inSpare;
}

// Sorts what arrived since the last commit into the sorted part (as sortByTime), then moves everything
// before `upTo` into `taken` (in order; its earlier contents go, its room stays: a live run commits sixty
// times a second, and a fresh vector each time was a fresh mapping to fault in), the rest staying for
// later.
template <typename List, typename Less, typename Tie, typename Out>
void takeBefore(List &list, std::int64_t upTo, Less less, Tie tie, Out &taken)
{
    auto &v = list.items;
    const auto before = [upTo](const auto &x) { return x.t < upTo; };
    if (sortByTime(v, taken, less, tie)) {
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
