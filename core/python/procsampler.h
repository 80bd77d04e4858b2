#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace raceway::py {

// What /proc said about one thread at one moment.
struct ThreadSample
{
    std::int64_t t;     // when the round that took it began (CLOCK_MONOTONIC ns)
    std::int64_t runNs; // its CPU time so far (schedstat)
    std::int32_t pid;   // the process it belongs to
    std::uint16_t cpu;  // the core it last ran on
    char state;         // R running or runnable, S sleeping, D uninterruptible, ...
    bool futex;         // asleep in a futex wait (how a thread waits for the GIL or a lock)
    bool tracerWrite =
        false; // blocked writing into the tracer's pipe (setTracerFd): the tracer's, not the script's
    std::int64_t runDelayNs = 0; // its time so far runnable but waiting for a core (schedstat)
};

// Reads /proc/PID/task/TID/stat, schedstat and wchan of every watched thread about once a
// millisecond, on its own thread, without any privilege. Files stay open between rounds (pread from
// 0 re-reads them); each process's task list is rescanned every 10 ms for threads nobody announced,
// and each thread's children for processes that hold the tracer's pipe (a traced process forked or
// spawned): those are watched from then on without waiting for anyone to read their first events.
class ProcSampler
{
public:
    explicit ProcSampler(int periodUs = 1000) : m_periodNs(std::int64_t(periodUs) * 1000) {}
    ~ProcSampler();
    ProcSampler(const ProcSampler &) = delete;
    ProcSampler &operator=(const ProcSampler &) = delete;

    // The descriptor the tracer writes its stream to, in every traced process (call before start(),
    // while it is open here): a thread blocked writing to it is the tracer's doing, not the script's
    // I/O, and a child process holding the same pipe at that number is traced, so it is watched.
    void setTracerFd(int fd);
    void start();
    void stop(); // joins; the samples may be read afterwards
    // Any thread may call these.
    void watchProcess(std::int64_t pid);
    void watchThread(std::int64_t pid, std::int64_t tid);

    // Any one thread, while sampling goes on and after: the samples of the rounds completed since the
    // last call, by thread id, each thread's in time order. Every round that began before `*complete`
    // (set to when the last complete round began, or left alone when none completed) is in them.
    std::map<std::int64_t, std::vector<ThreadSample>> take(std::int64_t *complete);
    // A round taken elsewhere (a recorded one replayed, as the tests do), each thread's sample by thread
    // id: handed out by take() as if sampled here. Rounds must come in time order.
    void addRound(std::int64_t t, const std::vector<std::pair<std::int64_t, ThreadSample>> &samples);

    // After stop():
    std::uint64_t rounds() const { return m_rounds; }
    std::int64_t firstRoundNs() const { return m_firstRound; }
    std::int64_t lastRoundNs() const { return m_lastRound; }
    std::int64_t cpuNs() const { return m_cpuNs; } // what sampling cost: the sampler thread's CPU time

private:
    struct Watched
    {
        std::int64_t pid, tid;
        int stat = -1, schedstat = -1, wchan = -1, children = -1;
    };
    void loop();
    void scanTasks(std::int64_t now);
    bool sample(Watched &w, std::int64_t t);
    void adopt(std::int64_t pid, std::int64_t tid); // sampler thread only
    bool holdsTracerPipe(std::int64_t pid) const;

    std::int64_t m_periodNs;
    int m_tracerFd = -1;
    std::uint64_t m_pipeDev = 0, m_pipeIno = 0; // the tracer's pipe (setTracerFd)
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex; // guards m_newThreads and m_newProcesses
    std::vector<std::pair<std::int64_t, std::int64_t>> m_newThreads;
    std::vector<std::int64_t> m_newProcesses;
    // Sampler thread only until stop() has joined it.
    std::vector<Watched> m_watched;
    std::set<std::int64_t> m_known; // tids ever watched
    std::set<std::int64_t> m_processes;
    std::set<std::int64_t> m_children; // processes ever looked at as a watched thread's child
    std::vector<std::pair<std::int64_t, ThreadSample>> m_round; // the round being taken
    std::mutex m_takeMutex;                                     // guards m_taken and m_complete
    std::map<std::int64_t, std::vector<ThreadSample>> m_taken;
    std::int64_t m_complete = 0;
    std::uint64_t m_rounds = 0;
    std::int64_t m_firstRound = 0, m_lastRound = 0, m_lastScan = 0, m_cpuNs = 0;
};

} // namespace raceway::py
