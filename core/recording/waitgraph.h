#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace raceway {

// Who holds which traced lock and who waits for which, read by waiting threads to find wait-for
// cycles (deadlocks). Writers store with release order, readers load with acquire order; a reader
// can see a moment that never existed as a whole, so a cycle counts only when it is seen twice, one
// check interval apart, with the same members (a real deadlock does not go away by itself).
class WaitGraph
{
public:
    static constexpr int maxLanes = 65536;
    static constexpr int maxObjects = 256;

    WaitGraph();

    void setHolder(std::uint8_t obj, std::uint16_t lane) noexcept
    {
        m_holder[obj].store(int(lane), std::memory_order_release);
    }
    void clearHolder(std::uint8_t obj) noexcept { m_holder[obj].store(-1, std::memory_order_release); }
    int holder(std::uint8_t obj) const noexcept { return m_holder[obj].load(std::memory_order_acquire); }

    // The lane starts waiting for obj at time t (0 for obj: it stops waiting).
    void setWaiting(std::uint16_t lane, std::uint8_t obj, std::int64_t t) noexcept
    {
        m_waitSince[lane].store(t, std::memory_order_relaxed);
        m_waitingFor[lane].store(obj, std::memory_order_release);
    }
    void clearWaiting(std::uint16_t lane) noexcept { m_waitingFor[lane].store(0, std::memory_order_release); }

    struct Step
    {
        std::uint16_t lane; // waits for obj...
        std::uint8_t obj;   // ...which the next step's lane holds
        std::int64_t waitingSince;
    };
    // The cycle that `lane`'s wait closes, starting with `lane`, or empty when there is none.
    std::vector<Step> cycleThrough(std::uint16_t lane) const;

private:
    std::unique_ptr<std::atomic<int>[]> m_holder;
    std::unique_ptr<std::atomic<std::uint8_t>[]> m_waitingFor;
    std::unique_ptr<std::atomic<std::int64_t>[]> m_waitSince;
};

} // namespace raceway
