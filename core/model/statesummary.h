#pragma once

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace raceway {

// A lane's time kept as shares instead of transitions, in fixed memory whatever the run's length: what a
// lane did past the event budget. Buckets of one power-of-two width lie on one grid (so every lane's
// buckets line up); each says how long the lane spent in each state in it,
// and how many updates its writes erased there. When a lane would need more than `cap` buckets,
// neighbours merge pairwise and the width doubles.
class StateSummary
{
public:
    static constexpr std::size_t states = 20; // stateCount (trace.h checks)
    static constexpr std::size_t cap = 512;
    static constexpr int firstWidthShift = 20; // 1.05 ms

    struct Bucket
    {
        // Time in each state, in units of (1 << unitShift()) ns: 1 ns while a bucket is under 2.1 s wide.
        std::array<std::uint32_t, states> covered{};
        std::int32_t lost = 0;   // updates erased by the lane's writes in it, net of any given back
        std::uint32_t marks = 0; // instants (ticks, overdrafts, printed lines) in it
        // Of its time, how much is not known (the lane's events were not kept: the collector was too far
        // behind), in the same units; that time is in Idle's share too.
        std::uint32_t unknown = 0;
    };

    // Starts covering at `from`, on the grid that begins at `origin`.
    void begin(std::int64_t origin, std::int64_t from);
    bool started() const { return m_started; }
    // [from, to) in `state`: the part before start() or already covered by extendTo() is left out.
    void add(std::int64_t from, std::int64_t to, std::size_t state)
    {
        // Mostly within the last bucket, at its finest unit: added here (a summary past the budget adds
        // two intervals an event).
        from = std::max(from, m_end);
        if (m_started && state < states && from < to && m_widthShift <= 31 && !m_buckets.empty() &&
            from >= m_lastStart && to - m_lastStart <= width()) {
            std::uint32_t &covered = m_buckets.back().covered[state];
            covered = std::uint32_t(
                std::min<std::uint64_t>(std::uint64_t(covered) + std::uint64_t(to - from), UINT32_MAX));
            m_seen |= 1u << state;
            m_end = to;
            return;
        }
        addPieces(from, to, state);
    }
    void addLost(std::int64_t t, std::int64_t n);
    void addMark(std::int64_t t);
    void addUnknown(std::int64_t from, std::int64_t to); // [from, to) is not known (see Bucket::unknown)
    std::int64_t unknownNs(std::size_t i) const { return std::int64_t(m_buckets[i].unknown) << unitShift(); }
    // The lane is in `state` from `t` on, until the next add: extendTo() covers that much of it.
    // Only at the run's end: a wait for a core is known when it ends, so a state still open may yet turn
    // out to have been something else. While a run goes on, the open state is drawn from openFrom() on.
    void setOpen(std::int64_t t, std::size_t state)
    {
        m_open = true;
        m_openFrom = t;
        m_openState = state;
    }
    void extendTo(std::int64_t t);
    bool hasOpen() const { return m_open; }
    std::int64_t openFrom() const { return m_openFrom; }
    std::size_t openState() const { return m_openState; }

    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; } // covered up to here
    int widthShift() const { return m_widthShift; }
    std::int64_t width() const { return std::int64_t(1) << m_widthShift; }
    int unitShift() const { return m_widthShift > 31 ? m_widthShift - 31 : 0; }
    std::size_t size() const { return m_buckets.size(); }
    const Bucket &bucket(std::size_t i) const { return m_buckets[i]; }
    // Where bucket i begins on the grid (it may begin before start()).
    std::int64_t bucketStart(std::size_t i) const
    {
        return m_origin + ((m_first + std::int64_t(i)) << m_widthShift);
    }
    std::int64_t coveredNs(std::size_t i, std::size_t state) const
    {
        return std::int64_t(m_buckets[i].covered[state]) << unitShift();
    }
    std::uint32_t statesSeen() const { return m_seen; } // bit per state with time in some bucket
    std::int64_t lostTotal() const;
    std::size_t bytes() const { return m_buckets.capacity() * sizeof(Bucket); }

    // For saved runs: the whole summary as it stands, and back (false: the parts do not fit together).
    struct Parts
    {
        std::int64_t origin = 0, start = 0, end = 0, first = 0;
        int widthShift = firstWidthShift;
        std::vector<Bucket> buckets;
    };
    Parts parts() const { return {m_origin, m_start, m_end, m_first, m_widthShift, m_buckets}; }
    bool restore(Parts parts);

private:
    Bucket &at(std::int64_t t); // the bucket holding t, made (and the width doubled) as needed
    // Calls piece(bucket, units) for each bucket's part of [from, to), in time order.
    template <typename Piece> void forEachPiece(std::int64_t from, std::int64_t to, Piece piece);
    void coarsen();
    void addPieces(std::int64_t from, std::int64_t to, std::size_t state); // add()'s general case

    bool m_started = false;
    std::int64_t m_origin = 0, m_start = 0, m_end = 0;
    std::int64_t m_first = 0;     // grid index of m_buckets[0]
    std::int64_t m_lastStart = 0; // where the last bucket begins
    int m_widthShift = firstWidthShift;
    std::uint32_t m_seen = 0;
    std::int64_t m_openFrom = 0;
    std::size_t m_openState = 0;
    bool m_open = false;
    std::vector<Bucket> m_buckets;
};

} // namespace raceway
