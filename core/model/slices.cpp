#include "slices.h"

#include <algorithm>

namespace raceway {

std::size_t SliceStack::build(std::vector<Slice> slices, std::size_t maxDepth)
{
    std::stable_sort(slices.begin(), slices.end(), [](const Slice &a, const Slice &b) {
        return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    m_rows.clear();
    m_count = 0;
    m_notKept = 0;
    std::size_t dropped = 0;
    std::vector<std::int64_t> open; // ends of the slices enclosing the next one, outermost first
    for (const Slice &s : slices) {
        while (!open.empty() && open.back() <= s.start)
            open.pop_back();
        const std::size_t depth = open.size();
        if (depth >= maxDepth) {
            ++dropped;
            continue;
        }
        if (depth >= m_rows.size()) m_rows.resize(depth + 1);
        m_rows[depth].push_back(s);
        open.push_back(s.end);
        ++m_count;
    }
    for (auto &row : m_rows)
        row.shrink_to_fit();
    m_notKept = dropped;
    return dropped;
}

void SliceStack::begin(std::int64_t t, std::uint32_t name, std::uint16_t category)
{
    if (m_tooDeep > 0 || m_open >= deepest) {
        ++m_tooDeep;
        ++m_notKept;
        return;
    }
    if (m_open >= m_rows.size()) m_rows.resize(m_open + 1);
    std::vector<Slice> &row = m_rows[m_open];
    // Times of one thread's events only go forward; a row never goes back in time.
    if (!row.empty()) t = std::max(t, row.back().end);
    row.push_back({t, t, name, 0, category});
    ++m_open;
    ++m_count;
}

void SliceStack::end(std::int64_t t)
{
    if (m_tooDeep > 0) {
        --m_tooDeep;
        return;
    }
    if (m_open == 0) return; // a return from a call begun before tracing did
    Slice &s = m_rows[--m_open].back();
    s.end = std::max(t, s.start);
}

void SliceStack::extendOpen(std::int64_t t)
{
    t = std::min(t, m_cutAt);
    for (std::size_t d = 0; d < m_open; ++d) {
        Slice &s = m_rows[d].back();
        s.end = std::max(s.end, t);
    }
}

void SliceStack::cut(std::int64_t t)
{
    m_cutAt = std::min(m_cutAt, t);
    for (std::size_t d = 0; d < m_open; ++d) {
        Slice &s = m_rows[d].back();
        s.end = std::clamp(s.end, s.start, std::max(s.start, m_cutAt));
    }
}

std::pair<std::size_t, std::size_t> SliceStack::visible(std::size_t depth, std::int64_t from,
                                                        std::int64_t to) const
{
    const auto &r = m_rows[depth];
    const auto first =
        std::upper_bound(r.begin(), r.end(), from, [](std::int64_t t, const Slice &s) { return t < s.end; });
    const auto last =
        std::lower_bound(first, r.end(), to, [](const Slice &s, std::int64_t t) { return s.start < t; });
    return {std::size_t(first - r.begin()), std::size_t(last - r.begin())};
}

std::ptrdiff_t SliceStack::at(std::size_t depth, std::int64_t t) const
{
    if (depth >= m_rows.size()) return -1;
    const auto &r = m_rows[depth];
    const auto it =
        std::upper_bound(r.begin(), r.end(), t, [](std::int64_t x, const Slice &s) { return x < s.start; });
    if (it == r.begin()) return -1;
    const auto k = std::size_t(it - r.begin()) - 1;
    return t < r[k].end ? std::ptrdiff_t(k) : -1;
}

std::int64_t SliceStack::selfTime(std::size_t depth, std::size_t index) const
{
    const Slice &s = m_rows[depth][index];
    std::int64_t self = s.end - s.start;
    if (depth + 1 >= m_rows.size()) return self;
    const auto [first, last] = visible(depth + 1, s.start, s.end);
    for (std::size_t k = first; k < last; ++k) {
        const Slice &c = m_rows[depth + 1][k];
        self -= std::min(c.end, s.end) - std::max(c.start, s.start);
    }
    return std::max<std::int64_t>(self, 0);
}

std::size_t SliceStack::bytesStored() const
{
    std::size_t bytes = m_rows.capacity() * sizeof(m_rows[0]);
    for (const auto &r : m_rows)
        bytes += r.capacity() * sizeof(Slice);
    return bytes;
}

int sliceHue(const QString &name)
{
    std::uint32_t h = 2166136261u;
    for (const QChar c : name) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    h ^= h >> 15; // neighbouring names ("task 1", "task 2") should not share a hue
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return int(h % 360);
}

} // namespace raceway
