#pragma once

// Append-mostly columns for the trace store. They grow a block at a time instead of doubling, so a
// long run never holds two copies of a column while it grows, never copies what it has, and wastes at
// most one block per column. Times are stored as 32-bit offsets from their block's first time.

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

namespace raceway {

namespace column {
constexpr unsigned blockBits = 12;
constexpr std::size_t blockSize = std::size_t(1) << blockBits; // elements per block
constexpr std::size_t blockMask = blockSize - 1;

// A random-access iterator over anything indexable: Column<T> and TimeColumn share it.
template <typename C, typename Ref> class IndexIterator
{
public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::remove_cv_t<std::remove_reference_t<Ref>>;
    using difference_type = std::ptrdiff_t;
    using reference = Ref;
    using pointer = void;

    IndexIterator() = default;
    IndexIterator(C *c, std::size_t i) : m_c(c), m_i(i) {}
    Ref operator*() const { return (*m_c)[m_i]; }
    Ref operator[](difference_type n) const { return (*m_c)[std::size_t(difference_type(m_i) + n)]; }
    const value_type *operator->() const { return &(*m_c)[m_i]; }
    IndexIterator &operator++()
    {
        ++m_i;
        return *this;
    }
    IndexIterator operator++(int)
    {
        auto t = *this;
        ++m_i;
        return t;
    }
    IndexIterator &operator--()
    {
        --m_i;
        return *this;
    }
    IndexIterator operator--(int)
    {
        auto t = *this;
        --m_i;
        return t;
    }
    IndexIterator &operator+=(difference_type n)
    {
        m_i = std::size_t(difference_type(m_i) + n);
        return *this;
    }
    IndexIterator &operator-=(difference_type n)
    {
        m_i = std::size_t(difference_type(m_i) - n);
        return *this;
    }
    friend IndexIterator operator+(IndexIterator a, difference_type n) { return a += n; }
    friend IndexIterator operator+(difference_type n, IndexIterator a) { return a += n; }
    friend IndexIterator operator-(IndexIterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const IndexIterator &a, const IndexIterator &b)
    {
        return difference_type(a.m_i) - difference_type(b.m_i);
    }
    friend bool operator==(const IndexIterator &a, const IndexIterator &b) { return a.m_i == b.m_i; }
    friend auto operator<=>(const IndexIterator &a, const IndexIterator &b) { return a.m_i <=> b.m_i; }
    std::size_t index() const { return m_i; }

private:
    C *m_c = nullptr;
    std::size_t m_i = 0;
};
} // namespace column

template <typename T> class Column
{
public:
    using value_type = T;
    using iterator = column::IndexIterator<Column, T &>;
    using const_iterator = column::IndexIterator<const Column, const T &>;

    Column() = default;
    Column(std::initializer_list<T> items) { *this = items; }
    Column &operator=(std::initializer_list<T> items)
    {
        clear();
        for (const T &item : items)
            push_back(item);
        return *this;
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    T &operator[](std::size_t i) { return m_blocks[i >> column::blockBits][i & column::blockMask]; }
    const T &operator[](std::size_t i) const
    {
        return m_blocks[i >> column::blockBits][i & column::blockMask];
    }
    // The block holding index i, where index k of that block is at k & column::blockMask: a loop over
    // nearby indices reads it without finding the block for each.
    const T *blockOf(std::size_t i) const { return m_blocks[i >> column::blockBits].data(); }
    T &front() { return (*this)[0]; }
    const T &front() const { return (*this)[0]; }
    T &back() { return (*this)[m_size - 1]; }
    const T &back() const { return (*this)[m_size - 1]; }

    void push_back(const T &v)
    {
        const std::size_t b = m_size >> column::blockBits;
        if (b == m_blocks.size()) {
            m_blocks.emplace_back();
            // The first block grows by doubling (small lanes stay small); the others are allocated whole.
            if (b > 0) m_blocks.back().reserve(column::blockSize);
        }
        m_blocks[b].push_back(v);
        ++m_size;
    }
    // Shrinks (the trace truncates a lane's tail to merge events into it), or grows with copies of v.
    void resize(std::size_t n, const T &v = T())
    {
        while (m_size < n)
            push_back(v);
        if (n >= m_size) return;
        m_size = n;
        // Emptied, it keeps its first block's room: a lane read past the budget is emptied and refilled
        // with a thousand transitions at a time.
        const std::size_t blocks = std::max<std::size_t>(1, (n + column::blockMask) >> column::blockBits);
        m_blocks.resize(blocks);
        m_blocks.back().resize(n - ((blocks - 1) << column::blockBits));
    }
    void clear() { resize(0); }
    void shrink_to_fit()
    {
        if (!m_blocks.empty()) m_blocks.back().shrink_to_fit();
    }
    std::size_t bytes() const
    {
        std::size_t total = m_blocks.capacity() * sizeof(std::vector<T>);
        for (const auto &b : m_blocks)
            total += b.capacity() * sizeof(T);
        return total;
    }

    iterator begin() { return iterator(this, 0); }
    iterator end() { return iterator(this, m_size); }
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, m_size); }

private:
    std::vector<std::vector<T>> m_blocks;
    std::size_t m_size = 0;
};

// Sorted-mostly nanosecond times, 4 bytes each: a block keeps its first time in full and every other
// as an offset from it. The rare time that does not fit (more than 4.3 s after its block's first, or
// before it while a lane is being re-merged) is kept whole on the side.
class TimeColumn
{
public:
    using value_type = std::int64_t;
    using const_iterator = column::IndexIterator<const TimeColumn, std::int64_t>;
    using iterator = const_iterator;

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::int64_t operator[](std::size_t i) const
    {
        const Block &b = m_blocks[i >> column::blockBits];
        const std::uint32_t off = b.offsets[i & column::blockMask];
        return off != escape ? b.base + std::int64_t(off) : b.escaped(i & column::blockMask);
    }
    std::int64_t front() const { return (*this)[0]; }
    std::int64_t back() const { return (*this)[m_size - 1]; }
    // The block holding index i, for a loop over nearby indices (see Column::blockOf): its first time and
    // its offsets; an offset equal to `escaped` means: read (*this)[k] instead.
    static constexpr std::uint32_t escaped = UINT32_MAX;
    const std::uint32_t *offsetsOf(std::size_t i, std::int64_t *base) const
    {
        const Block &b = m_blocks[i >> column::blockBits];
        *base = b.base;
        return b.offsets.data();
    }

    void push_back(std::int64_t t)
    {
        const std::size_t bi = m_size >> column::blockBits;
        const std::size_t k = m_size & column::blockMask;
        if (bi == m_blocks.size()) {
            m_blocks.emplace_back();
            if (bi > 0) m_blocks.back().offsets.reserve(column::blockSize);
        }
        Block &b = m_blocks[bi];
        if (k == 0) b.base = t;
        // Computed in unsigned arithmetic: no signed overflow whatever the times are.
        const std::uint64_t delta = std::uint64_t(t) - std::uint64_t(b.base);
        if (t >= b.base && delta < escape) {
            b.offsets.push_back(std::uint32_t(delta));
        } else {
            b.offsets.push_back(escape);
            b.wide.push_back({std::uint32_t(k), t});
        }
        ++m_size;
    }
    void resize(std::size_t n)
    {
        if (n >= m_size) return; // only ever shrinks
        m_size = n;
        const std::size_t blocks = std::max<std::size_t>(1, (n + column::blockMask) >> column::blockBits);
        m_blocks.resize(blocks); // (emptied, it keeps its first block's room, as Column does)
        Block &b = m_blocks.back();
        const std::size_t keep = n - ((blocks - 1) << column::blockBits);
        b.offsets.resize(keep);
        while (!b.wide.empty() && b.wide.back().index >= keep)
            b.wide.pop_back();
    }
    void clear() { resize(0); }
    void shrink_to_fit()
    {
        if (!m_blocks.empty()) m_blocks.back().offsets.shrink_to_fit();
    }
    std::size_t bytes() const
    {
        std::size_t total = m_blocks.capacity() * sizeof(Block);
        for (const Block &b : m_blocks)
            total += b.offsets.capacity() * sizeof(std::uint32_t) + b.wide.capacity() * sizeof(Wide);
        return total;
    }
    // First index whose time is greater than t (as std::upper_bound), in O(log n).
    std::size_t upperBound(std::int64_t t) const
    {
        return std::size_t(std::upper_bound(begin(), end(), t) - begin());
    }

    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, m_size); }

private:
    static constexpr std::uint32_t escape = UINT32_MAX;
    struct Wide
    {
        std::uint32_t index;
        std::int64_t t;
    };
    struct Block
    {
        std::int64_t base = 0;
        std::vector<std::uint32_t> offsets;
        std::vector<Wide> wide; // in index order
        std::int64_t escaped(std::size_t k) const
        {
            const auto it = std::lower_bound(wide.begin(), wide.end(), k,
                                             [](const Wide &w, std::size_t i) { return w.index < i; });
            return it->t;
        }
    };
    std::vector<Block> m_blocks;
    std::size_t m_size = 0;
};

} // namespace raceway
