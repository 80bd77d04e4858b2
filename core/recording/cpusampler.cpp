#include "cpusampler.h"

#include "clock.h"

#include <QFile>

#include <chrono>

namespace raceway {

std::optional<CpuTimes> readCpuTimes(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    CpuTimes t;
    // "cpuN user nice system idle iowait irq softirq steal guest guest_nice"; guest time is inside user.
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.startsWith("cpu") || line.size() < 4 || line[3] < '0' || line[3] > '9') continue;
        const QList<QByteArray> f2 = line.simplified().split(' ');
        if (f2.size() < 8) continue;
        const int core = f2[0].mid(3).toInt();
        std::uint64_t v[8] = {};
        for (int i = 0; i < 8 && i + 1 < f2.size(); ++i)
            v[i] = f2[i + 1].toULongLong();
        const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        const std::uint64_t idle = v[3] + v[4];
        if (std::size_t(core) >= t.busy.size()) {
            t.busy.resize(std::size_t(core) + 1, 0);
            t.total.resize(std::size_t(core) + 1, 0);
        }
        t.busy[std::size_t(core)] = busy;
        t.total[std::size_t(core)] = busy + idle;
    }
    if (t.busy.empty()) return std::nullopt;
    return t;
}

std::vector<double> utilisationBetween(const CpuTimes &a, const CpuTimes &b)
{
    std::vector<double> out(std::max(a.busy.size(), b.busy.size()), 0.0);
    for (std::size_t i = 0; i < out.size() && i < a.busy.size() && i < b.busy.size(); ++i) {
        const double total = double(b.total[i]) - double(a.total[i]);
        if (total > 0)
            out[i] = std::clamp(100.0 * (double(b.busy[i]) - double(a.busy[i])) / total, 0.0, 100.0);
    }
    return out;
}

std::optional<std::int64_t> processCpuNs(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/schedstat").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    bool ok = false;
    const qlonglong ns = f.readAll().split(' ').value(0).toLongLong(&ok);
    return ok ? std::optional<std::int64_t>(ns) : std::nullopt;
}

CpuSampler::CpuSampler(Recorder &recorder, int intervalMs) : m_recorder(recorder), m_intervalMs(intervalMs)
{
    const auto now = readCpuTimes();
    const std::size_t cores = now ? now->busy.size() : 0;
    for (std::size_t i = 0; i < cores; ++i)
        m_lanes.push_back(
            recorder.createBuffer(recorder.addLane(QStringLiteral("cpu %1").arg(i), LaneKind::Core)));
}

CpuSampler::~CpuSampler()
{
    stop();
}

void CpuSampler::start()
{
    m_first = readCpuTimes();
    m_previous = m_first;
    m_previousT = nowNs();
    const std::chrono::milliseconds every(m_intervalMs);
    m_thread.start(every, [this, every] {
        sample();
        return every;
    });
}

void CpuSampler::stop()
{
    if (!m_thread.stop()) return;
    const auto last = readCpuTimes();
    if (m_first && last) m_mean = utilisationBetween(*m_first, *last);
}

void CpuSampler::sample()
{
    const auto now = readCpuTimes();
    if (!now || !m_previous) return;
    const std::int64_t t = nowNs();
    const std::vector<double> u = utilisationBetween(*m_previous, *now);
    // A sample describes the interval that just ended, so it is drawn from that interval's start.
    for (std::size_t i = 0; i < m_lanes.size() && i < u.size(); ++i)
        m_lanes[i]->recordAt(m_previousT, EventKind::CoreSample, 0, std::uint32_t(std::lround(u[i] * 10)));
    m_previous = now;
    m_previousT = t;
}

} // namespace raceway
