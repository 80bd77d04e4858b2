#include "sharedcounter.h"

#include "clock.h"
#include "racywork.h"
#include "workerprotocol.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

namespace raceway {

int SharedCounterSegment::sweepStale(const QString &directory)
{
    int removed = 0;
    const QStringList names =
        QDir(directory).entryList({QStringLiteral("raceway-*")}, QDir::Files | QDir::System);
    for (const QString &name : names) {
        const QStringList parts = name.split(QLatin1Char('-'));
        bool ok = false;
        const qlonglong pid = parts.value(1).toLongLong(&ok);
        if (parts.size() != 3 || !ok || pid <= 0 || pid > INT_MAX) continue;
        // Alive (or not ours to judge): leave it.
        if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
        if (QFile::remove(QDir(directory).filePath(name))) ++removed;
    }
    return removed;
}

void SharedCounterSegment::unlinkName()
{
    if (m_linked && shm_unlink(m_name.toLocal8Bit().constData()) == 0) m_linked = false;
}

SharedCounterSegment::SharedCounterSegment()
{
    sweepStale();
    static std::atomic<int> serial{0};
    m_name = QStringLiteral("/raceway-%1-%2").arg(getpid()).arg(serial.fetch_add(1));
    const QByteArray n = m_name.toLocal8Bit();
    const int fd = shm_open(n.constData(), O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        m_error = QStringLiteral("cannot create shared memory %1: %2")
                      .arg(m_name, QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    if (ftruncate(fd, sizeof(SharedBlock)) != 0) {
        m_error =
            QStringLiteral("cannot size shared memory: ") + QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        shm_unlink(n.constData());
        return;
    }
    void *p = mmap(nullptr, sizeof(SharedBlock), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        m_error = QStringLiteral("cannot map shared memory: ") + QString::fromLocal8Bit(std::strerror(errno));
        shm_unlink(n.constData());
        return;
    }
    m_block = new (p) SharedBlock{};
    m_linked = true;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m_block->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

SharedCounterSegment::~SharedCounterSegment()
{
    if (!m_block) return;
    pthread_mutex_destroy(&m_block->mutex);
    munmap(m_block, sizeof(SharedBlock));
    unlinkName();
}

namespace worker {

int sharedCounterJob(const QStringList &args)
{
    // shared NAME INCREMENTS LOCK WINDOW_NS WRITER
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    const QByteArray name = args.value(1).toLocal8Bit();
    const qlonglong increments = args.value(2).toLongLong(&ok1);
    const bool useLock = args.value(3).toInt(&ok2) != 0;
    const qlonglong windowNs = args.value(4).toLongLong(&ok3);
    const int writer = args.value(5).toInt(&ok4);
    if (name.isEmpty() || !ok1 || !ok2 || !ok3 || !ok4 || writer < 1 || writer > 255) {
        std::fputs("raceway-worker: shared NAME INCREMENTS LOCK WINDOW_NS WRITER\n", stderr);
        return 2;
    }
    const int fd = shm_open(name.constData(), O_RDWR, 0600);
    if (fd < 0) {
        std::fprintf(stderr, "raceway-worker: cannot open shared memory %s: %s\n", name.constData(),
                     std::strerror(errno));
        return 1;
    }
    void *p = mmap(nullptr, sizeof(SharedBlock), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        std::fprintf(stderr, "raceway-worker: cannot map shared memory: %s\n", std::strerror(errno));
        return 1;
    }
    auto *block = static_cast<SharedBlock *>(p);
    StreamWriter out;
    out.event(EventKind::Hello, protocolVersion, std::uint32_t(getpid()));
    out.event(EventKind::OnCpu, 0, std::uint32_t(sched_getcpu()));
    out.flush();
    block->ready.fetch_add(1, std::memory_order_acq_rel);
    while (!block->go.load(std::memory_order_acquire))
        sched_yield();
    out.event(EventKind::ThreadStart);
    out.event(EventKind::Progress, 1, 0);
    const std::uint64_t me = racy::tag(unsigned(writer));
    const qlonglong stride = std::max<qlonglong>(1, increments / 256);
    std::int64_t lost = 0, lossy = 0, waitNs = 0, acquisitions = 0;
    // Steps one at a time: before its read (object 3) and its write (object 4) the worker says it is there
    // and waits, drawn waiting for its turn, until the parent lets it through.
    const bool stepping =
        block->stepping.load(std::memory_order_acquire) != 0 && writer <= maxSteppingWorkers;
    const std::size_t slot = std::size_t(writer - 1);
    std::uint32_t arrivals = 0;
    const auto stepPoint = [&](std::uint8_t turn) {
        if (!stepping || block->open.load(std::memory_order_acquire)) return;
        out.event(EventKind::WaitBegin, turn, 0);
        out.flush(); // drawn waiting while it waits
        block->arrived[slot].store(++arrivals, std::memory_order_release);
        while (block->granted[slot].load(std::memory_order_acquire) < arrivals &&
               !block->open.load(std::memory_order_acquire))
            usleep(100);
        out.event(EventKind::WaitEnd, turn, 0);
    };
    qlonglong done = 0;
    for (; done < increments; ++done) {
        stepPoint(3);
        if (useLock) {
            int rc = pthread_mutex_trylock(&block->mutex);
            if (rc == EBUSY) {
                const std::int64_t requested = nowNs();
                out.eventAt(requested, EventKind::LockRequested, 2, 0);
                rc = pthread_mutex_lock(&block->mutex);
                const std::int64_t acquired = nowNs();
                out.eventAt(acquired, EventKind::LockAcquired, 2, 0);
                waitNs += acquired - requested;
            } else {
                out.event(EventKind::LockAcquired, 2, 0);
            }
            if (rc == EOWNERDEAD) // the last holder died mid-increment; the value is still consistent
                pthread_mutex_consistent(&block->mutex);
            ++acquisitions;
        }
        const std::uint64_t read = racy::value(block->value.load(std::memory_order_relaxed));
        if (stepping) block->lastRead[slot].store(read, std::memory_order_relaxed);
        if (windowNs > 0) {
            const std::int64_t until = nowNs() + windowNs;
            while (nowNs() < until) {
            }
        }
        stepPoint(4);
        block->completed.fetch_add(1,
                                   std::memory_order_relaxed); // read with the value by the parent's sampler
        const std::uint64_t old = block->value.exchange(me | (read + 1), std::memory_order_acq_rel);
        const std::int64_t erased = racy::erased(old, read);
        if (erased != 0) {
            const std::int64_t t = nowNs();
            const auto high = std::uint32_t(std::uint64_t(erased) >> 32);
            if (high) out.eventAt(t, EventKind::ArgHigh, 0, high);
            out.eventAt(t, EventKind::LostUpdate, racy::writer(old), std::uint32_t(erased));
            lost += erased;
            ++lossy;
        }
        if (useLock) {
            out.event(EventKind::LockReleased, 2, 0);
            pthread_mutex_unlock(&block->mutex);
        }
        if ((done + 1) % stride == 0) out.event(EventKind::Progress, 1, std::uint32_t(done + 1));
    }
    if (done % stride != 0) out.event(EventKind::Progress, 1, std::uint32_t(done));
    if (stepping) block->finished[slot].store(1, std::memory_order_release);
    out.event(EventKind::ThreadEnd);
    out.text(QByteArray("done=") + QByteArray::number(done) + " lost=" + QByteArray::number(lost) +
             " lossy=" + QByteArray::number(lossy) + " wait_ns=" + QByteArray::number(waitNs) +
             " acquisitions=" + QByteArray::number(acquisitions));
    out.event(EventKind::Bye);
    munmap(p, sizeof(SharedBlock));
    return out.flush() ? 0 : 1;
}

} // namespace worker
} // namespace raceway
