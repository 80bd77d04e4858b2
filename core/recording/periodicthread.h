#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace raceway {

// A sampler's own thread: calls tick() after each wait until stop(), which wakes it from its wait at
// once and joins it. tick() says how long to wait before the next call.
class PeriodicThread
{
public:
    using Tick = std::function<std::chrono::nanoseconds()>;

    PeriodicThread() = default;
    ~PeriodicThread() { stop(); }
    PeriodicThread(const PeriodicThread &) = delete;
    PeriodicThread &operator=(const PeriodicThread &) = delete;

    // `first`: the wait before the first tick.
    void start(std::chrono::nanoseconds first, Tick tick)
    {
        m_stopping = false;
        m_thread = std::thread([this, first, tick = std::move(tick)] {
            std::unique_lock lock(m_mutex);
            for (auto wait = first; !m_wake.wait_for(lock, wait, [this] { return m_stopping; });) {
                lock.unlock();
                wait = tick();
                lock.lock();
            }
        });
    }
    // False when it was not running (never started, or stopped already).
    bool stop()
    {
        if (!m_thread.joinable()) return false;
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        m_thread.join();
        return true;
    }

private:
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
};

} // namespace raceway
