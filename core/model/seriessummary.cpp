#include "seriessummary.h"

#include <algorithm>
#include <climits>

namespace raceway {

namespace {

SeriesSummary::Channel held(std::int64_t v)
{
    return {v, v, v};
}

} // namespace

void SeriesSummary::begin(std::int64_t origin, std::int64_t from, std::int64_t a, std::int64_t b)
{
    *this = SeriesSummary();
    m_started = true;
    m_origin = origin;
    m_start = m_end = std::max(origin, from);
    m_a = m_lowA = m_highA = a;
    m_b = m_lowB = m_highB = b;
    at(m_start);
}

SeriesSummary::Bucket &SeriesSummary::at(std::int64_t t)
{
    std::int64_t index = (t - m_origin) >> m_widthShift;
    if (m_buckets.empty()) m_first = index;
    while (index - m_first >= std::int64_t(cap)) {
        coarsen();
        index = (t - m_origin) >> m_widthShift;
    }
    while (std::int64_t(m_buckets.size()) <= index - m_first)
        m_buckets.push_back({held(m_a), held(m_b)}); // what was held when it began
    return m_buckets[std::size_t(std::max<std::int64_t>(0, index - m_first))];
}

void SeriesSummary::coarsen()
{
    ++m_widthShift;
    const std::int64_t first = m_first >> 1;
    std::vector<Bucket> merged;
    merged.reserve(cap);
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        const std::size_t to = std::size_t(((m_first + std::int64_t(i)) >> 1) - first);
        const Bucket &from = m_buckets[i];
        if (to >= merged.size()) {
            merged.push_back(from);
            continue;
        }
        Bucket &into = merged[to];
        into.a = {std::min(into.a.low, from.a.low), std::max(into.a.high, from.a.high), from.a.last};
        into.b = {std::min(into.b.low, from.b.low), std::max(into.b.high, from.b.high), from.b.last};
    }
    m_buckets = std::move(merged);
    m_first = first;
}

void SeriesSummary::addToNewBucket(std::int64_t t, std::int64_t a, std::int64_t b)
{
    if (!m_started) return;
    const std::size_t before = m_buckets.size();
    Bucket &bucket = at(t);
    // A bucket that begins right here never held the values before.
    const bool fresh = m_buckets.size() > before && &bucket == &m_buckets.back() &&
                       bucketStart(m_buckets.size() - 1) == t && t > m_start;
    if (fresh) bucket = {held(a), held(b)};
    store(bucket, t, a, b);
}

void SeriesSummary::extendTo(std::int64_t t)
{
    if (!m_started || t <= m_end) return;
    at(t - 1);
    m_end = t;
}

void SeriesSummary::shift(std::int64_t da, std::int64_t db)
{
    if (!m_started || (da == 0 && db == 0)) return;
    for (Bucket &bucket : m_buckets) {
        bucket.a = {bucket.a.low + da, bucket.a.high + da, bucket.a.last + da};
        bucket.b = {bucket.b.low + db, bucket.b.high + db, bucket.b.last + db};
    }
    m_a += da;
    m_b += db;
    m_lowA += da;
    m_highA += da;
    m_lowB += db;
    m_highB += db;
}

bool SeriesSummary::restore(Parts parts)
{
    if (parts.widthShift < firstWidthShift || parts.widthShift > 62 || parts.buckets.empty() ||
        parts.buckets.size() > cap || parts.origin < 0 || parts.start < parts.origin ||
        parts.end < parts.start || parts.first < 0 ||
        parts.first != (parts.start - parts.origin) >> parts.widthShift)
        return false;
    // The grid's end after the last bucket, computed only where it cannot overflow.
    const std::int64_t after = parts.first + std::int64_t(parts.buckets.size());
    if (after > ((INT64_MAX - parts.origin) >> parts.widthShift) ||
        parts.end > parts.origin + (after << parts.widthShift))
        return false;
    for (const Bucket &b : parts.buckets)
        for (const Channel &c : {b.a, b.b})
            if (c.low > c.last || c.last > c.high) return false;
    *this = SeriesSummary();
    m_started = true;
    m_origin = parts.origin;
    m_start = parts.start;
    m_end = parts.end;
    m_first = parts.first;
    m_widthShift = parts.widthShift;
    m_buckets = std::move(parts.buckets);
    m_a = m_buckets.back().a.last;
    m_b = m_buckets.back().b.last;
    m_lowA = m_lowB = INT64_MAX;
    m_highA = m_highB = INT64_MIN;
    for (const Bucket &b : m_buckets) {
        m_lowA = std::min(m_lowA, b.a.low);
        m_lowB = std::min(m_lowB, b.b.low);
        m_highA = std::max(m_highA, b.a.high);
        m_highB = std::max(m_highB, b.b.high);
    }
    return true;
}

} // namespace raceway
