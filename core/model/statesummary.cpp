#include "statesummary.h"

#include <algorithm>
#include <climits>

namespace raceway {

namespace {

std::uint32_t saturatingAdd(std::uint32_t a, std::uint64_t b)
{
    return std::uint32_t(std::min<std::uint64_t>(std::uint64_t(a) + b, UINT32_MAX));
}

std::int32_t clampedAdd(std::int32_t a, std::int64_t b)
{
    return std::int32_t(std::clamp<std::int64_t>(std::int64_t(a) + b, INT32_MIN, INT32_MAX));
}

} // namespace

void StateSummary::begin(std::int64_t origin, std::int64_t from)
{
    *this = StateSummary();
    m_started = true;
    m_origin = origin;
    m_start = m_end = std::max(origin, from);
}

StateSummary::Bucket &StateSummary::at(std::int64_t t)
{
    std::int64_t index = (t - m_origin) >> m_widthShift;
    if (m_buckets.empty()) m_first = index;
    while (index - m_first >= std::int64_t(cap)) {
        coarsen();
        index = (t - m_origin) >> m_widthShift;
    }
    if (index < m_first) return m_buckets.front(); // never: nothing before start() is added
    if (std::size_t(index - m_first) >= m_buckets.size()) m_buckets.resize(std::size_t(index - m_first) + 1);
    m_lastStart = bucketStart(m_buckets.size() - 1);
    return m_buckets[std::size_t(index - m_first)];
}

void StateSummary::coarsen()
{
    const int oldUnit = unitShift();
    ++m_widthShift;
    const int drop = unitShift() - oldUnit;
    const std::int64_t first = m_first >> 1;
    std::vector<Bucket> merged;
    merged.reserve(cap);
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        const std::size_t to = std::size_t(((m_first + std::int64_t(i)) >> 1) - first);
        if (to >= merged.size()) merged.resize(to + 1);
        Bucket &into = merged[to];
        const Bucket &from = m_buckets[i];
        for (std::size_t s = 0; s < states; ++s)
            into.covered[s] = saturatingAdd(into.covered[s], from.covered[s] >> drop);
        into.lost = clampedAdd(into.lost, from.lost);
        into.marks = saturatingAdd(into.marks, from.marks);
        into.unknown = saturatingAdd(into.unknown, from.unknown >> drop);
    }
    m_buckets = std::move(merged);
    m_first = first;
}

template <typename Piece> void StateSummary::forEachPiece(std::int64_t from, std::int64_t to, Piece piece)
{
    for (std::int64_t t = from; t < to;) {
        // Mostly in the last bucket: found without a division.
        const bool inLast = !m_buckets.empty() && t >= m_lastStart && t - m_lastStart < width();
        Bucket &b = inLast ? m_buckets.back() : at(t);
        const std::int64_t bucketEnd = m_origin + ((((t - m_origin) >> m_widthShift) + 1) << m_widthShift);
        const std::int64_t length = std::min(to, bucketEnd) - t;
        piece(b, std::uint64_t(length) >> unitShift());
        t += length;
    }
}

void StateSummary::addPieces(std::int64_t from, std::int64_t to, std::size_t state)
{
    if (!m_started || state >= states) return;
    forEachPiece(from, to, [&](Bucket &b, std::uint64_t units) {
        b.covered[state] = saturatingAdd(b.covered[state], units);
        if (units != 0) m_seen |= 1u << state;
    });
    m_end = std::max(m_end, to);
}

void StateSummary::addLost(std::int64_t t, std::int64_t n)
{
    if (!m_started || n == 0 || t < m_start) return;
    Bucket &b = at(t);
    b.lost = clampedAdd(b.lost, n);
}

void StateSummary::addMark(std::int64_t t)
{
    if (!m_started || t < m_start) return;
    Bucket &b = at(t);
    b.marks = saturatingAdd(b.marks, 1);
}

void StateSummary::addUnknown(std::int64_t from, std::int64_t to)
{
    if (!m_started) return;
    forEachPiece(std::max(from, m_start), to,
                 [](Bucket &b, std::uint64_t units) { b.unknown = saturatingAdd(b.unknown, units); });
}

void StateSummary::extendTo(std::int64_t t)
{
    if (m_open) add(m_openFrom, t, m_openState);
}

std::int64_t StateSummary::lostTotal() const
{
    std::int64_t total = 0;
    for (const Bucket &b : m_buckets)
        total += b.lost;
    return total;
}

bool StateSummary::restore(Parts parts)
{
    if (parts.widthShift < firstWidthShift || parts.widthShift > 62 || parts.buckets.size() > cap ||
        parts.origin < 0 || parts.start < parts.origin || parts.end < parts.start || parts.first < 0)
        return false;
    if (!parts.buckets.empty()) {
        // Its first bucket holds the first thing added, which may come after its start (a lost update
        // before any time in a state): from the start's bucket to the end's.
        if (parts.first < (parts.start - parts.origin) >> parts.widthShift ||
            parts.first > (parts.end - parts.origin) >> parts.widthShift)
            return false;
        // The grid's end after the last bucket, computed only where it cannot overflow.
        const std::int64_t after = parts.first + std::int64_t(parts.buckets.size());
        if (after > ((INT64_MAX - parts.origin) >> parts.widthShift) ||
            parts.end > parts.origin + (after << parts.widthShift))
            return false;
    }
    *this = StateSummary();
    m_started = true;
    m_origin = parts.origin;
    m_start = parts.start;
    m_end = parts.end;
    m_first = parts.first;
    m_widthShift = parts.widthShift;
    m_buckets = std::move(parts.buckets);
    if (!m_buckets.empty()) m_lastStart = bucketStart(m_buckets.size() - 1);
    for (const Bucket &b : m_buckets)
        for (std::size_t s = 0; s < states; ++s)
            if (b.covered[s] != 0) m_seen |= 1u << s;
    return true;
}

} // namespace raceway
