#include "stepfeed.h"

#include <chrono>

namespace raceway {

void StepFeed::push(int thread)
{
    const std::lock_guard lock(m_mutex);
    m_queue.push_back(thread);
    m_pushed.notify_all();
}

void StepFeed::release()
{
    const std::lock_guard lock(m_mutex);
    m_released = true;
    m_pushed.notify_all();
}

int StepFeed::take(const std::function<bool()> &stop)
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_released) return 0;
        if (!m_queue.empty()) {
            const int thread = m_queue.front();
            m_queue.pop_front();
            return thread;
        }
        if (stop()) return 0;
        m_pushed.wait_for(lock, std::chrono::milliseconds(5));
    }
}

void StepFeed::publish(State state)
{
    const std::lock_guard lock(m_mutex);
    m_state = std::move(state);
}

StepFeed::State StepFeed::state() const
{
    const std::lock_guard lock(m_mutex);
    return m_state;
}

} // namespace raceway
