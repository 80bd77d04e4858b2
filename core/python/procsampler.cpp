#include "procsampler.h"

#include "clock.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

namespace raceway::py {
namespace {

int openProc(std::int64_t pid, std::int64_t tid, const char *file)
{
    char path[96];
    std::snprintf(path, sizeof path, "/proc/%lld/task/%lld/%s", static_cast<long long>(pid),
                  static_cast<long long>(tid), file);
    return ::open(path, O_RDONLY | O_CLOEXEC);
}

// Reads a small /proc file from its start into buf (NUL-terminated); the length, or -1.
ssize_t readFrom0(int fd, char *buf, std::size_t size)
{
    ssize_t n;
    do
        n = ::pread(fd, buf, size - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    buf[n] = '\0';
    return n;
}

} // namespace

ProcSampler::~ProcSampler()
{
    stop();
    for (Watched &w : m_watched)
        for (int fd : {w.stat, w.schedstat, w.wchan, w.children})
            if (fd >= 0) ::close(fd);
}

void ProcSampler::setTracerFd(int fd)
{
    m_tracerFd = fd;
    struct stat st
    {
    };
    if (fd >= 0 && ::fstat(fd, &st) == 0) {
        m_pipeDev = std::uint64_t(st.st_dev);
        m_pipeIno = std::uint64_t(st.st_ino);
    }
}

bool ProcSampler::holdsTracerPipe(std::int64_t pid) const
{
    if (m_pipeIno == 0) return false;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%lld/fd/%d", static_cast<long long>(pid), m_tracerFd);
    struct stat st
    {
    };
    return ::stat(path, &st) == 0 && std::uint64_t(st.st_dev) == m_pipeDev &&
           std::uint64_t(st.st_ino) == m_pipeIno;
}

void ProcSampler::start()
{
    m_stop.store(false, std::memory_order_relaxed);
    m_thread = std::thread([this] { loop(); });
}

void ProcSampler::stop()
{
    if (!m_thread.joinable()) return;
    m_stop.store(true, std::memory_order_relaxed);
    m_thread.join();
}

void ProcSampler::watchProcess(std::int64_t pid)
{
    std::lock_guard lock(m_mutex);
    m_newProcesses.push_back(pid);
}

void ProcSampler::watchThread(std::int64_t pid, std::int64_t tid)
{
    std::lock_guard lock(m_mutex);
    m_newThreads.emplace_back(pid, tid);
}

std::map<std::int64_t, std::vector<ThreadSample>> ProcSampler::take(std::int64_t *complete)
{
    std::lock_guard lock(m_takeMutex);
    if (m_complete != 0) *complete = m_complete;
    return std::exchange(m_taken, {});
}

void ProcSampler::addRound(std::int64_t t, const std::vector<std::pair<std::int64_t, ThreadSample>> &samples)
{
    std::lock_guard lock(m_takeMutex);
    for (const auto &[tid, s] : samples)
        m_taken[tid].push_back(s);
    m_complete = std::max(m_complete, t);
}

void ProcSampler::adopt(std::int64_t pid, std::int64_t tid)
{
    if (!m_known.insert(tid).second) return;
    Watched w{pid, tid};
    w.stat = openProc(pid, tid, "stat");
    if (w.stat < 0) return; // already gone
    w.schedstat = openProc(pid, tid, "schedstat");
    w.wchan = openProc(pid, tid, "wchan");
    w.children = openProc(pid, tid, "children");
    m_watched.push_back(w);
}

void ProcSampler::scanTasks(std::int64_t now)
{
    m_lastScan = now;
    // Processes the watched threads started that hold the tracer's pipe: traced, watched from now on.
    // (Announced by their first events too, but those are read by a thread that gives way to the script
    // and may come late: four busy processes on two cores were once all gone before it read them.)
    char list[16 * 1024];
    for (const Watched &w : m_watched) {
        ssize_t n = w.children >= 0 ? readFrom0(w.children, list, sizeof list) : -1;
        // "pid pid ... ": a list that filled the buffer may end in a cut number, left for the next scan.
        if (n == ssize_t(sizeof list) - 1)
            while (n > 0 && list[n - 1] != ' ')
                list[--n] = '\0';
        for (char *p = list; n > 0;) {
            char *after = nullptr;
            const long long child = std::strtoll(p, &after, 10);
            if (after == p) break;
            p = after;
            if (m_processes.count(child) || !m_children.insert(child).second) continue;
            if (holdsTracerPipe(child)) m_processes.insert(child);
        }
    }
    for (std::int64_t pid : m_processes) {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%lld/task", static_cast<long long>(pid));
        DIR *dir = ::opendir(path);
        if (!dir) continue;
        while (const dirent *entry = ::readdir(dir)) {
            char *end = nullptr;
            const long long tid = std::strtoll(entry->d_name, &end, 10);
            if (end != entry->d_name && *end == '\0') adopt(pid, tid);
        }
        ::closedir(dir);
    }
}

bool ProcSampler::sample(Watched &w, std::int64_t t)
{
    char buf[1024];
    if (readFrom0(w.stat, buf, sizeof buf) < 0) return false;
    // "tid (comm) S ppid ...": the name may hold anything, so fields are counted from the last ')'.
    const char *p = std::strrchr(buf, ')');
    if (!p || p[1] != ' ') return false;
    p += 2;
    ThreadSample s{t, 0, std::int32_t(w.pid), 0, *p, false};
    // Field 3 is the state; the processor is field 39, 36 spaces further on.
    int field = 3;
    while (*p && field < 39) {
        if (*p++ == ' ') ++field;
    }
    if (field == 39) s.cpu = std::uint16_t(std::strtoul(p, nullptr, 10));
    if (w.schedstat >= 0 && readFrom0(w.schedstat, buf, sizeof buf) > 0) {
        // "on-CPU ns, run-queue ns, timeslices"
        char *end = nullptr;
        s.runNs = std::strtoll(buf, &end, 10);
        s.runDelayNs = std::strtoll(end, nullptr, 10);
    }
    if (s.state != 'R' && w.wchan >= 0 && readFrom0(w.wchan, buf, sizeof buf) > 0) {
        s.futex = std::strstr(buf, "futex") != nullptr;
        // Waiting for room in a pipe: the tracer's own (its write(2) or writev(2) names the tracer's
        // descriptor), rarely enough that the syscall file is opened only then.
        if (m_tracerFd >= 0 && std::strstr(buf, "pipe_write") != nullptr) {
            char path[96];
            std::snprintf(path, sizeof path, "/proc/%lld/task/%lld/syscall", static_cast<long long>(w.pid),
                          static_cast<long long>(w.tid));
            const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                if (readFrom0(fd, buf, sizeof buf) > 0) {
                    char *end = nullptr;
                    const long nr = std::strtol(buf, &end, 10);
                    const long long arg = end ? std::strtoll(end, nullptr, 16) : -1;
                    s.tracerWrite = (nr == SYS_write || nr == SYS_writev) && arg == m_tracerFd;
                }
                ::close(fd);
            }
        }
    }
    m_round.emplace_back(w.tid, s);
    return true;
}

void ProcSampler::loop()
{
    timespec next{};
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!m_stop.load(std::memory_order_relaxed)) {
        {
            std::lock_guard lock(m_mutex);
            for (std::int64_t pid : m_newProcesses)
                m_processes.insert(pid);
            m_newProcesses.clear();
            for (const auto &[pid, tid] : m_newThreads) {
                m_processes.insert(pid);
                adopt(pid, tid);
            }
            m_newThreads.clear();
        }
        const std::int64_t t = nowNs();
        if (t - m_lastScan >= 10'000'000) scanTasks(t);
        if (!m_watched.empty()) {
            if (m_rounds == 0) m_firstRound = t;
            m_lastRound = t;
            ++m_rounds;
        }
        for (std::size_t i = 0; i < m_watched.size();) {
            if (sample(m_watched[i], t)) {
                ++i;
                continue;
            }
            // The thread is gone: its files go, and its last sample stays.
            for (int fd :
                 {m_watched[i].stat, m_watched[i].schedstat, m_watched[i].wchan, m_watched[i].children})
                if (fd >= 0) ::close(fd);
            m_watched[i] = m_watched.back();
            m_watched.pop_back();
        }
        {
            std::lock_guard lock(m_takeMutex);
            for (const auto &[tid, s] : m_round)
                m_taken[tid].push_back(s);
            m_complete = t;
        }
        m_round.clear();
        // Rounds keep to a fixed grid, so a round that was late is made up for by the next ones; after a
        // stall of several periods (a loaded machine) the grid starts again from now.
        std::int64_t due = std::int64_t(next.tv_sec) * 1'000'000'000 + next.tv_nsec + m_periodNs;
        const std::int64_t after = nowNs();
        if (due < after - 5 * m_periodNs) due = after;
        next.tv_sec = time_t(due / 1'000'000'000);
        next.tv_nsec = long(due % 1'000'000'000);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr) == EINTR) {
        }
    }
    timespec used{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
    m_cpuNs = std::int64_t(used.tv_sec) * 1'000'000'000 + used.tv_nsec;
}

} // namespace raceway::py
