#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace raceway {

// Turns one lane's back-to-back intervals into slices on a fixed time grid, the way the painter turns
// them into pixel columns: each cell of `cellNs` takes the key that fills most of its time (on a tie,
// the one that came first in the cell), and runs of cells with the same key become one slice. An
// interval that covers whole cells costs O(1) however many cells it spans.
//
// Every slice starts and ends on a cell boundary, so slices of one lane abut exactly and never
// overlap, whatever arithmetic a viewer uses on them. Key 0 is "nothing to show" and competes for
// cells like any other key, but its runs are not reported.
class SliceGrid
{
public:
    // Cells first..end (exclusive), counted from the grid's origin.
    using Emit = std::function<void(std::int64_t firstCell, std::int64_t endCell, std::uint32_t key)>;

    SliceGrid(std::int64_t origin, std::int64_t cellNs, Emit emit);

    // Intervals must come in time order and not overlap; parts before the origin are ignored.
    void add(std::int64_t start, std::int64_t end, std::uint32_t key);
    void finish();

private:
    struct Share
    {
        std::uint32_t key;
        std::int64_t ns;
    };
    void closeCell();
    void extendRun(std::int64_t first, std::int64_t end, std::uint32_t key);
    void emitRun();

    std::int64_t m_origin, m_cellNs;
    Emit m_emit;
    std::int64_t m_cell = -1;    // the partly filled cell, or -1
    std::vector<Share> m_shares; // its keys in order of first appearance
    std::int64_t m_runFirst = 0, m_runEnd = 0;
    std::uint32_t m_runKey = 0;
};

} // namespace raceway
