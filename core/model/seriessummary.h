#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace raceway {

// A value lane's readings past the event budget (threads queued for a lock, a queue's length, a
// semaphore's threads inside and waiting), in fixed memory whatever the run's length: per bucket of one
// power-of-two width, on the grid StateSummary uses, the lowest and highest value each of its two
// channels held in it and the value at its end. When more than `cap` buckets would be needed,
// neighbours merge pairwise and the width doubles.
class SeriesSummary
{
public:
    static constexpr std::size_t cap = 512;
    static constexpr int firstWidthShift = 20; // as StateSummary's

    struct Channel
    {
        std::int64_t low = 0, high = 0, last = 0;
    };
    struct Bucket
    {
        Channel a, b;
    };

    // Starts at `from` on the grid that begins at `origin`, the channels holding a and b there.
    void begin(std::int64_t origin, std::int64_t from, std::int64_t a, std::int64_t b);
    bool started() const { return m_started; }
    // The channels hold a and b from t on; t before end() counts as end() (readings arrive in time order,
    // bar one read late: it is placed where the summary has got to, within its bucket's resolution).
    void add(std::int64_t t, std::int64_t a, std::int64_t b)
    {
        t = std::max(t, m_end);
        if (m_started && !m_buckets.empty() &&
            ((t - m_origin) >> m_widthShift) == m_first + std::int64_t(m_buckets.size()) - 1) {
            // Mostly in the last bucket, which held the values before: taken here (a summary past the
            // budget takes a lock's queue at every change).
            store(m_buckets.back(), t, a, b);
            return;
        }
        addToNewBucket(t, a, b);
    }
    // Where the last bucket ends (every reading before it, from end() on, lands in it).
    std::int64_t lastBucketEnd() const
    {
        if (m_buckets.empty()) return INT64_MIN;
        const std::int64_t start = bucketStart(m_buckets.size() - 1);
        return start > INT64_MAX - width() ? INT64_MAX : start + width();
    }
    // The last values held until t.
    void extendTo(std::int64_t t);
    // Every value from start() on changed by da and db (a change from before it, read late).
    void shift(std::int64_t da, std::int64_t db);

    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; }
    std::int64_t lastA() const { return m_a; }
    std::int64_t lastB() const { return m_b; }
    std::int64_t lowA() const { return m_lowA; } // over the whole summary
    std::int64_t lowB() const { return m_lowB; }
    std::int64_t highA() const { return m_highA; }
    std::int64_t highB() const { return m_highB; }
    int widthShift() const { return m_widthShift; }
    std::int64_t width() const { return std::int64_t(1) << m_widthShift; }
    std::size_t size() const { return m_buckets.size(); }
    const Bucket &bucket(std::size_t i) const { return m_buckets[i]; }
    std::int64_t bucketStart(std::size_t i) const
    {
        return m_origin + ((m_first + std::int64_t(i)) << m_widthShift);
    }
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
    Bucket &at(std::int64_t t); // the bucket holding t; the ones made on the way hold the last values
    void coarsen();
    void addToNewBucket(std::int64_t t, std::int64_t a, std::int64_t b); // add()'s other case
    // `bucket` (the one t falls in) takes a and b, which the channels hold from t on.
    void store(Bucket &bucket, std::int64_t t, std::int64_t a, std::int64_t b)
    {
        take(bucket.a, a);
        take(bucket.b, b);
        m_a = a;
        m_b = b;
        m_lowA = std::min(m_lowA, a);
        m_lowB = std::min(m_lowB, b);
        m_highA = std::max(m_highA, a);
        m_highB = std::max(m_highB, b);
        m_end = t;
    }
    static void take(Channel &c, std::int64_t v)
    {
        c.low = std::min(c.low, v);
        c.high = std::max(c.high, v);
        c.last = v;
    }

    bool m_started = false;
    std::int64_t m_origin = 0, m_start = 0, m_end = 0, m_first = 0;
    int m_widthShift = firstWidthShift;
    std::int64_t m_a = 0, m_b = 0, m_lowA = 0, m_lowB = 0, m_highA = 0, m_highB = 0;
    std::vector<Bucket> m_buckets;
};

} // namespace raceway
