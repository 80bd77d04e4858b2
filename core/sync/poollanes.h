#pragma once

#include "recorder.h"

#include <QThread>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace raceway {

// Lanes for the threads of a QThreadPool: each pool thread claims one the first time it runs a task and
// keeps it, so every lane still has exactly one writer. Claiming takes a lock, once per task: not hot.
class PoolLanes
{
public:
    explicit PoolLanes(std::vector<ThreadBuffer *> lanes) : m_lanes(std::move(lanes)) {}

    ThreadBuffer &forThisThread()
    {
        std::lock_guard lock(m_mutex);
        auto [it, fresh] = m_claimed.try_emplace(QThread::currentThread(), nullptr);
        if (fresh) // a pool never runs more threads than it has lanes; clamp all the same
            it->second = m_lanes[std::min(m_claimed.size(), m_lanes.size()) - 1];
        return *it->second;
    }
    std::size_t used() const
    {
        std::lock_guard lock(m_mutex);
        return m_claimed.size();
    }

private:
    std::vector<ThreadBuffer *> m_lanes;
    mutable std::mutex m_mutex;
    std::map<QThread *, ThreadBuffer *> m_claimed;
};

} // namespace raceway
