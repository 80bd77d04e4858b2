#include "selfsampler.h"

#include <QDir>
#include <QFile>
#include <QThread>

#include <algorithm>
#include <cmath>

#include <time.h>

namespace raceway {

static std::int64_t processCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

SelfSampler::SelfSampler(Recorder &recorder, int intervalMs)
    : m_recorder(recorder), m_intervalMs(intervalMs), m_cores(std::max(1, QThread::idealThreadCount()))
{
}

SelfSampler::~SelfSampler()
{
    stop();
}

void SelfSampler::start()
{
    // The lane is written at the run's end, when the workers may have spent the budget: its events are
    // held back now (a sample every interval: 4096 of them cover 7 minutes, then they are merged).
    m_heldBack = m_recorder.holdBack(4096);
    m_processStart = processCpuNs();
    read();
    m_startNs = m_lastNs = nowNs();
    const std::chrono::milliseconds every(m_intervalMs);
    m_thread.start(every, [this, every] {
        sample();
        return every;
    });
}

void SelfSampler::stop(std::int64_t until)
{
    if (!m_thread.stop()) return;
    sample();
    while (m_samples.size() > 1 && m_samples.back().first >= until)
        m_samples.pop_back();
    ThreadBuffer *lane =
        m_recorder.createBuffer(m_recorder.addLane(QStringLiteral("Raceway itself"), LaneKind::Observer));
    lane->markObserver();
    lane->keepWriterPriority();
    m_recorder.grant(lane, m_heldBack);
    // More samples than events held back: neighbours merge (weighted by their lengths) until they fit.
    while (m_samples.size() > std::max<std::uint64_t>(m_heldBack, 1)) {
        std::vector<std::pair<std::int64_t, std::uint32_t>> merged;
        for (std::size_t i = 0; i < m_samples.size(); i += 2) {
            if (i + 1 == m_samples.size()) {
                merged.push_back(m_samples[i]);
                break;
            }
            const std::int64_t end = i + 2 < m_samples.size() ? m_samples[i + 2].first : m_lastNs;
            const double a = double(m_samples[i + 1].first - m_samples[i].first);
            const double b = double(end - m_samples[i + 1].first);
            const double mean = a + b > 0 ? (a * m_samples[i].second + b * m_samples[i + 1].second) / (a + b)
                                          : double(m_samples[i].second);
            merged.emplace_back(m_samples[i].first, std::uint32_t(std::lround(mean)));
        }
        m_samples = std::move(merged);
    }
    for (const auto &[at, permille] : m_samples)
        lane->recordAt(at, EventKind::CoreSample, 0, permille);
}

void SelfSampler::record(std::int64_t from, std::int64_t to, std::int64_t ownNs)
{
    // A sample describes the interval that just ended, drawn from that interval's start.
    if (to <= from) return;
    const double share = double(ownNs) / (double(to - from) * m_cores);
    m_samples.emplace_back(from, std::uint32_t(std::lround(std::clamp(share, 0.0, 1.0) * 1000)));
    m_lastNs = to;
}

void SelfSampler::read()
{
    const std::vector<int> workers = m_recorder.workerThreadIds();
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &name : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const int tid = name.toInt();
        QFile stat(tasks.filePath(name + QStringLiteral("/schedstat")));
        if (!stat.open(QIODevice::ReadOnly)) continue; // ended meanwhile
        const QByteArray text = stat.read(64);
        const qsizetype space = text.indexOf(' ');
        bool ok = false;
        const std::int64_t ns = text.left(space).toLongLong(&ok);
        if (!ok) continue;
        auto [it, fresh] = m_tasks.try_emplace(tid);
        // A thread that was there at the start counts from then; one that started later, from its start.
        if (fresh && m_startNs == 0) it->second.first = ns;
        it->second.last = ns;
        it->second.workload = std::binary_search(workers.begin(), workers.end(), tid);
        m_sawWorkload = m_sawWorkload || it->second.workload;
    }
    // Raceway's own threads from their counts; the workload's as the rest of the process's CPU time, so
    // that a worker which ended between two readings is in it.
    m_own = 0;
    for (const auto &[tid, seen] : m_tasks)
        if (!seen.workload) m_own += seen.last - seen.first;
    const std::int64_t process = processCpuNs() - m_processStart;
    m_workload = m_sawWorkload ? std::max<std::int64_t>(0, process - m_own) : 0;
}

void SelfSampler::sample()
{
    const std::int64_t before = m_own;
    read();
    record(m_lastNs, nowNs(), m_own - before);
}

} // namespace raceway
