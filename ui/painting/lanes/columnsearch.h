#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace raceway {

// First element in [from, end) greater than t, searching outward from `from`: columns advance
// monotonically, so the answer is usually a few steps away and the search stays in cache.
template <typename It, typename Less> It gallop(It from, It end, std::int64_t t, Less less)
{
    std::ptrdiff_t step = 1;
    It lo = from;
    while (lo != end) {
        const It probe = end - lo > step ? lo + step : end;
        if (probe == end || less(t, *probe)) return std::upper_bound(lo, probe, t, less);
        lo = probe;
        step *= 2;
    }
    return end;
}

// The same answer, starting from a guess (the previous column's count of transitions is a good one).
template <typename It, typename Less> It gallopNear(It lo, It end, It guess, std::int64_t t, Less less)
{
    if (guess <= lo || guess >= end) return gallop(lo, end, t, less);
    if (!less(t, *guess)) return gallop(guess, end, t, less);
    std::ptrdiff_t step = 1;
    It hi = guess;
    for (;;) {
        const It probe = hi - lo > step ? hi - step : lo;
        if (probe == lo || !less(t, *probe)) return std::upper_bound(probe, hi, t, less);
        hi = probe;
        step *= 2;
    }
}

} // namespace raceway
