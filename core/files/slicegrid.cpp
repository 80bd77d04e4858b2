#include "slicegrid.h"

#include <algorithm>
#include <utility>

namespace raceway {

SliceGrid::SliceGrid(std::int64_t origin, std::int64_t cellNs, Emit emit)
    : m_origin(origin), m_cellNs(std::max<std::int64_t>(1, cellNs)), m_emit(std::move(emit))
{
    m_shares.reserve(8);
}

void SliceGrid::add(std::int64_t start, std::int64_t end, std::uint32_t key)
{
    start = std::max(start, m_origin);
    while (start < end) {
        const std::int64_t cell = (start - m_origin) / m_cellNs;
        const std::int64_t cellStart = m_origin + cell * m_cellNs;
        const std::int64_t cellEnd = cellStart + m_cellNs;
        if (cell != m_cell) {
            closeCell();
            m_cell = cell;
        }
        if (start == cellStart && end >= cellEnd && m_shares.empty()) {
            // Whole cells: this key fills them, so they need no per-cell bookkeeping.
            const std::int64_t whole = (end - cellStart) / m_cellNs;
            extendRun(cell, cell + whole, key);
            m_cell = -1;
            start = cellStart + whole * m_cellNs;
            continue;
        }
        const std::int64_t upto = std::min(end, cellEnd);
        auto it =
            std::find_if(m_shares.begin(), m_shares.end(), [key](const Share &s) { return s.key == key; });
        if (it == m_shares.end())
            m_shares.push_back({key, upto - start});
        else
            it->ns += upto - start;
        start = upto;
        if (start == cellEnd) closeCell();
    }
}

void SliceGrid::closeCell()
{
    if (m_cell >= 0 && !m_shares.empty()) {
        // max_element keeps the first of equal maxima: ties go to the key that came first.
        const auto best = std::max_element(m_shares.begin(), m_shares.end(),
                                           [](const Share &a, const Share &b) { return a.ns < b.ns; });
        extendRun(m_cell, m_cell + 1, best->key);
    }
    m_shares.clear();
    m_cell = -1;
}

void SliceGrid::extendRun(std::int64_t first, std::int64_t end, std::uint32_t key)
{
    if (key == m_runKey && first == m_runEnd && m_runEnd > m_runFirst) {
        m_runEnd = end;
        return;
    }
    emitRun();
    m_runFirst = first;
    m_runEnd = end;
    m_runKey = key;
}

void SliceGrid::emitRun()
{
    if (m_runKey != 0 && m_runEnd > m_runFirst) m_emit(m_runFirst, m_runEnd, m_runKey);
    m_runFirst = m_runEnd = 0;
    m_runKey = 0;
}

void SliceGrid::finish()
{
    closeCell();
    emitRun();
}

} // namespace raceway
