#include "switchrecords.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace raceway {

namespace {

// The fields every record carries after its own (sample_id_all), in the kernel's order: pid and tid,
// time, cpu.
struct SampleId
{
    std::uint32_t pid, tid;
    std::uint64_t time;
    std::uint32_t cpu, reserved;
};

} // namespace

SwitchRing::~SwitchRing()
{
    if (m_map) munmap(m_map, m_mapBytes);
    if (m_fd >= 0) close(m_fd);
}

bool SwitchRing::open(pid_t pid, int cpu, bool inherit, std::initializer_list<long> pages) noexcept
{
    // RACEWAY_SWITCH_RECORDS=off: as where the kernel refuses (to see, and to test, what Raceway does
    // there: estimate from each thread's CPU clock, or sample /proc). Read at each open: a thread's.
    if (const char *v = std::getenv("RACEWAY_SWITCH_RECORDS"); v != nullptr && std::strcmp(v, "off") == 0)
        return false;
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_DUMMY; // counts nothing: only the side-band switch records are wanted
    attr.context_switch = 1;
    attr.sample_id_all = 1;
    attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    attr.inherit = inherit ? 1 : 0;
    attr.use_clockid = 1;
    attr.clockid = CLOCK_MONOTONIC; // the recorder's clock: the records line up with the events
    const int fd = int(syscall(SYS_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) return false;
    const long page = sysconf(_SC_PAGESIZE);
    for (const long count : pages) {
        const std::uint64_t bytes = std::uint64_t(page) * std::uint64_t(count + 1);
        void *map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) continue;
        auto *meta = static_cast<perf_event_mmap_page *>(map);
        m_fd = fd;
        m_map = map;
        m_mapBytes = bytes;
        m_head = reinterpret_cast<const std::uint64_t *>(&meta->data_head);
        m_tailWord = reinterpret_cast<std::uint64_t *>(&meta->data_tail);
        m_data = static_cast<const unsigned char *>(map) + page;
        m_dataBytes = std::uint64_t(page) * std::uint64_t(count);
        m_tail = __atomic_load_n(m_tailWord, __ATOMIC_RELAXED);
        return true;
    }
    close(fd);
    return false;
}

bool SwitchRing::next(SwitchRecord &out, std::uint64_t &lost) noexcept
{
    const std::uint64_t head = __atomic_load_n(m_head, __ATOMIC_ACQUIRE);
    while (m_tail < head) {
        // A record may wrap round the ring's end: copy it out in two parts then.
        unsigned char buf[64];
        const auto copy = [&](std::uint64_t from, std::size_t n) {
            const std::uint64_t at = from % m_dataBytes;
            const std::size_t first = std::size_t(std::min<std::uint64_t>(n, m_dataBytes - at));
            std::memcpy(buf, m_data + at, first);
            if (first < n) std::memcpy(buf + first, m_data, n - first);
        };
        copy(m_tail, sizeof(perf_event_header));
        perf_event_header h;
        std::memcpy(&h, buf, sizeof h);
        if (h.size < sizeof h) { // never written by a kernel; give up on the ring rather than spin
            m_tail = head;
            break;
        }
        const std::uint64_t at = m_tail;
        m_tail += h.size;
        // A core-wide switch record names the other thread before the fields every record carries.
        const std::size_t idAt = sizeof h + (h.type == PERF_RECORD_SWITCH_CPU_WIDE ? 8 : 0);
        if ((h.type == PERF_RECORD_SWITCH || h.type == PERF_RECORD_SWITCH_CPU_WIDE) &&
            h.size >= idAt + sizeof(SampleId) && h.size <= sizeof buf) {
            copy(at, h.size);
            SampleId id;
            std::memcpy(&id, buf + idAt, sizeof id);
            out.t = std::int64_t(id.time);
            out.tid = id.tid;
            out.cpu = id.cpu;
            out.in = !(h.misc & PERF_RECORD_MISC_SWITCH_OUT);
            out.preempted = (h.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) != 0;
            out.pos = at;
            __atomic_store_n(m_tailWord, m_tail, __ATOMIC_RELEASE);
            return true;
        }
        if (h.type == PERF_RECORD_LOST && h.size <= sizeof buf) {
            copy(at, h.size);
            std::uint64_t count[2];
            std::memcpy(count, buf + sizeof h, sizeof count);
            lost += count[1];
        }
    }
    __atomic_store_n(m_tailWord, m_tail, __ATOMIC_RELEASE);
    return false;
}

bool SwitchRecords::open() noexcept
{
    // A ring of 4 pages holds 512 records: 256 switches, drained whenever the thread records. Where the
    // locked-memory allowance is spent (64 threads of an unprivileged user), one page still serves.
    return m_ring.open(0, -1, false, {4, 1});
}

bool ProcessSwitches::open(pid_t pid) noexcept
{
    const long cores = sysconf(_SC_NPROCESSORS_CONF);
    for (long c = 0; c < std::max(1L, cores); ++c) {
        auto ring = std::make_unique<SwitchRing>();
        // Read every 15 ms or so: 64 pages hold 8,192 records, a thread switching every 4 µs. A core
        // that is offline is skipped.
        if (!ring->open(pid, int(c), true, {64, 16, 4, 1})) {
            if (errno == ENODEV) continue;
            m_rings.clear();
            return false;
        }
        m_rings.push_back(std::move(ring));
    }
    return !m_rings.empty();
}

void ProcessSwitches::take(std::int64_t upTo, std::map<std::int64_t, std::vector<OffCore>> &out)
{
    // The rings are read one after another, so a thread's switch out of one core and back onto another
    // may be read in either order: what is read is sorted by time, and only what lies before upTo (a
    // moment before the first ring was read) is paired now.
    std::vector<SwitchRecord> records;
    records.swap(m_later);
    SwitchRecord s;
    for (const auto &ring : m_rings)
        while (ring->next(s, m_lost))
            records.push_back(s);
    std::stable_sort(records.begin(), records.end(),
                     [](const SwitchRecord &a, const SwitchRecord &b) { return a.t < b.t; });
    for (const SwitchRecord &r : records) {
        if (r.t >= upTo) {
            m_later.push_back(r);
            continue;
        }
        if (!r.in) {
            m_out[r.tid] = r;
            continue;
        }
        const auto o = m_out.find(r.tid);
        if (o == m_out.end()) continue;
        if (r.t > o->second.t)
            out[r.tid].push_back({o->second.t, r.t, o->second.cpu, r.cpu, o->second.preempted});
        m_out.erase(o);
    }
}

} // namespace raceway
