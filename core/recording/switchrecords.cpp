#include "switchrecords.h"

#include <algorithm>
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

SwitchRecords::~SwitchRecords()
{
    if (m_map) munmap(m_map, m_mapBytes);
    if (m_fd >= 0) close(m_fd);
}

bool SwitchRecords::open() noexcept
{
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_DUMMY; // counts nothing: only the side-band switch records are wanted
    attr.context_switch = 1;
    attr.sample_id_all = 1;
    attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    attr.use_clockid = 1;
    attr.clockid = CLOCK_MONOTONIC; // the recorder's clock: the records line up with the events
    const int fd = int(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) return false;
    // A ring of 4 pages holds 512 records: 256 switches, drained whenever the thread records. Where the
    // locked-memory allowance is spent (64 threads of an unprivileged user), one page still serves.
    const long page = sysconf(_SC_PAGESIZE);
    for (const long pages : {4L, 1L}) {
        const std::uint64_t bytes = std::uint64_t(page) * std::uint64_t(pages + 1);
        void *map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) continue;
        auto *meta = static_cast<perf_event_mmap_page *>(map);
        m_fd = fd;
        m_map = map;
        m_mapBytes = bytes;
        m_head = reinterpret_cast<const std::uint64_t *>(&meta->data_head);
        m_tailWord = reinterpret_cast<std::uint64_t *>(&meta->data_tail);
        m_data = static_cast<const unsigned char *>(map) + page;
        m_dataBytes = std::uint64_t(page) * std::uint64_t(pages);
        m_tail = __atomic_load_n(m_tailWord, __ATOMIC_RELAXED);
        return true;
    }
    close(fd);
    return false;
}

bool SwitchRecords::next(Switch &out) noexcept
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
        if (h.type == PERF_RECORD_SWITCH && h.size >= sizeof h + sizeof(SampleId) && h.size <= sizeof buf) {
            copy(at, h.size);
            SampleId id;
            std::memcpy(&id, buf + sizeof h, sizeof id);
            out.t = std::int64_t(id.time);
            out.in = !(h.misc & PERF_RECORD_MISC_SWITCH_OUT);
            out.preempted = (h.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) != 0;
            out.cpu = id.cpu;
            out.pos = at;
            __atomic_store_n(m_tailWord, m_tail, __ATOMIC_RELEASE);
            return true;
        }
        if (h.type == PERF_RECORD_LOST && h.size <= sizeof buf) {
            copy(at, h.size);
            std::uint64_t lost[2];
            std::memcpy(lost, buf + sizeof h, sizeof lost);
            m_lost += lost[1];
            m_outAt = 0; // its switch-in may be among the lost
        }
    }
    __atomic_store_n(m_tailWord, m_tail, __ATOMIC_RELEASE);
    return false;
}

} // namespace raceway
