#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace raceway::py {

// The tracer's pipe, read by the run's thread as events come (take()), and by a thread of its own while
// the run's thread is busy elsewhere: the pipe holds a few milliseconds of a busy script (1 MiB, 65,536
// events), and a round of drawing can take longer; the script then waited, its GIL held (4 x 250,000
// `with lock` traced 4.2x as long as untraced, 3.0x with this). What the second reader reads is kept, up
// to `bound` bytes (then the pipe fills and the script waits, as before), until take() hands it over, in
// the order it came.
class PipeDrain
{
public:
    PipeDrain(int fd, std::size_t bound);
    ~PipeDrain(); // stops reading (the pipe is left open: it is its owner's)
    PipeDrain(const PipeDrain &) = delete;
    PipeDrain &operator=(const PipeDrain &) = delete;

    // Replaces `out` with what was read for the caller and what the pipe holds now. True once the pipe
    // has ended (every writer closed it, or it failed) and nothing is left to take.
    bool take(std::string &out);
    void stop();

private:
    void loop();
    bool readAvailable(std::string &into, std::size_t bound); // under m_mutex; false once ended

    const int m_fd;
    const std::size_t m_bound;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_bytes;
    bool m_ended = false;
    std::int64_t m_takenAt = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace raceway::py
