#include "pipedrain.h"

#include "clock.h"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <unistd.h>

namespace raceway::py {
namespace {
// How long the run's thread may leave the pipe before the drain reads it: under half of what the pipe
// holds at the fastest a tracer records (about 14 million events a second).
constexpr std::int64_t awayNs = 2'000'000;
} // namespace

PipeDrain::PipeDrain(int fd, std::size_t bound) : m_fd(fd), m_bound(bound), m_takenAt(nowNs())
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); // only Raceway's end: the script's writes wait
    m_thread = std::thread([this] { loop(); });
}

PipeDrain::~PipeDrain()
{
    stop();
}

void PipeDrain::stop()
{
    m_stop.store(true, std::memory_order_relaxed);
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

bool PipeDrain::readAvailable(std::string &into, std::size_t bound)
{
    char buf[64 * 1024];
    while (!m_ended && into.size() < bound) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, std::size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        m_ended = true; // every writer closed it, or it failed
    }
    return !m_ended;
}

bool PipeDrain::take(std::string &out)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    out.swap(m_bytes); // first what the drain read; the pipe next time (appended to it, a buffer of
                       // megabytes grew, copied and faulted in anew)
    if (out.empty()) readAvailable(out, SIZE_MAX);
    m_takenAt = nowNs();
    return m_ended && out.empty();
}

void PipeDrain::loop()
{
    // Sleeps between looks rather than waiting on the pipe: a reader waiting on it is woken by every
    // write, which costs the script (a wake-up of another core each time).
    std::unique_lock lock(m_mutex);
    while (!m_stop.load(std::memory_order_relaxed) && !m_ended) {
        if (nowNs() - m_takenAt > awayNs) readAvailable(m_bytes, m_bound);
        m_wake.wait_for(lock, std::chrono::nanoseconds(awayNs / 2));
    }
}

} // namespace raceway::py
