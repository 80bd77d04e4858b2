#pragma once

#include <QString>

#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

namespace raceway {

// Named slices of code on one lane, as other tools trace them (a profiler's function calls, Chromium's
// tasks, viztracer's frames): one row per nesting depth. Within a row slices never overlap, so both their
// starts and their ends are sorted, and what a window shows is found with two binary searches.
struct Slice
{
    std::int64_t start, end;
    std::uint32_t name;         // Trace::sliceNames() index
    std::uint32_t args;         // Trace::sliceArgs() index, 0: none
    std::uint16_t category = 0; // Trace::sliceNames() index of its category (0: none); see SliceStack
};

class SliceStack
{
public:
    bool empty() const { return m_count == 0; }
    std::size_t size() const { return m_count; }
    std::size_t depth() const { return m_rows.size(); }
    const std::vector<Slice> &row(std::size_t depth) const { return m_rows[depth]; }

    // Slices given in any order, each at the depth its nesting says: sorted by start, the longer first
    // at one start (the parent), a slice goes one row under the innermost one still open at its start.
    // A slice that ends after the one it starts inside is kept where it starts (formats allow it).
    // Deeper than `maxDepth` is not kept: the count of those is returned.
    std::size_t build(std::vector<Slice> slices, std::size_t maxDepth = 256);
    // Built as calls happen instead (a traced program's): a call begins at t nested in the ones still
    // open, and the innermost open one ends. An open call is the last of its row, ending where
    // extendOpen() last said (so far); deeper than `deepest` is counted, not kept.
    void begin(std::int64_t t, std::uint32_t name, std::uint16_t category);
    void end(std::int64_t t);
    void extendOpen(std::int64_t t);
    // Recording stops at t (the lane's first event past the budget, which may be read before its last
    // ones within it): calls still open when those are read end there.
    void cut(std::int64_t t);
    std::size_t open() const { return m_open; }
    // Slices not kept for being deeper than the rows allow (build's maxDepth, or `deepest`).
    std::size_t notKept() const { return m_notKept; }
    static constexpr std::size_t deepest = 256;
    // Indices [first, last) of row `depth` that overlap [from, to).
    std::pair<std::size_t, std::size_t> visible(std::size_t depth, std::int64_t from, std::int64_t to) const;
    // The slice of row `depth` that contains t, or -1.
    std::ptrdiff_t at(std::size_t depth, std::int64_t t) const;
    // Its time in none of its children (the row under it, clipped to it).
    std::int64_t selfTime(std::size_t depth, std::size_t index) const;
    std::size_t bytesStored() const;

private:
    std::vector<std::vector<Slice>> m_rows;
    std::size_t m_count = 0;
    std::size_t m_open = 0;    // calls begun and not ended that have a row: the last of rows [0, m_open)
    std::size_t m_tooDeep = 0; // ... and those deeper than `deepest`, open inside them
    std::int64_t m_cutAt = INT64_MAX;
    std::size_t m_notKept = 0;
};

// A name's colour hue, the same on every machine and in every run (FNV-1a over its UTF-16).
int sliceHue(const QString &name);

} // namespace raceway
