#pragma once

// A 64-bit counter in POSIX shared memory that several worker processes increment, with an optional
// process-shared robust mutex: the seeds' multiprocessing.Value, made visible.

#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <pthread.h>

namespace raceway {

// The most workers that can take steps one at a time (as many as the scenario allows).
constexpr int maxSteppingWorkers = 64;

struct SharedBlock
{
    std::atomic<std::uint64_t> value;    // value in the low 56 bits, 1 + the writer's index in the top 8
    std::atomic<std::uint32_t> ready;    // workers attached and waiting at the start line
    std::atomic<std::uint32_t> go;       // the parent's start signal
    std::atomic<std::int64_t> completed; // increments that reached their write, counted just before it
    pthread_mutex_t mutex; // process-shared and robust: a crashed holder does not wedge the rest
    // Steps one at a time (a schedule, or the window's step mode), per worker (writer - 1): it says how
    // many step points it has reached (before each read and each write) and waits there until the parent
    // has let that many through, or opened the gate for everyone.
    std::atomic<std::uint32_t> stepping; // set before go: the workers stop at their step points
    std::atomic<std::uint32_t> open;     // the steps are over: nobody stops any more
    std::atomic<std::uint32_t> arrived[maxSteppingWorkers];
    std::atomic<std::uint32_t> granted[maxSteppingWorkers];
    std::atomic<std::uint32_t> finished[maxSteppingWorkers]; // it has no step points left
    std::atomic<std::uint64_t> lastRead[maxSteppingWorkers]; // what it read, to write back plus one
};

// The parent's handle: creates the segment under a unique name ("/raceway-<pid>-<n>"). The name is
// removed as soon as every worker has mapped the segment (unlinkName), or at the latest when the handle
// is destroyed; names left by a raceway that was killed before that are swept on the next creation.
class SharedCounterSegment
{
public:
    SharedCounterSegment();
    ~SharedCounterSegment();
    SharedCounterSegment(const SharedCounterSegment &) = delete;
    SharedCounterSegment &operator=(const SharedCounterSegment &) = delete;

    bool isValid() const { return m_block != nullptr; }
    QString name() const { return m_name; }
    QString error() const { return m_error; }
    SharedBlock *block() const { return m_block; }
    void unlinkName(); // the mappings stay valid; nobody new can attach
    // Removes segments named by raceway processes that no longer exist. Returns how many it removed.
    static int sweepStale(const QString &directory = QStringLiteral("/dev/shm"));

private:
    QString m_name;
    QString m_error;
    SharedBlock *m_block = nullptr;
    bool m_linked = false;
};

namespace worker {
int sharedCounterJob(const QStringList &args);
}

} // namespace raceway
