#include "workerpriority.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/resource.h>

namespace raceway::workerpriority {
namespace {

std::atomic<bool> g_idle{false};

} // namespace

bool yieldsToWindow()
{
    if (g_idle.load(std::memory_order_relaxed)) return true;
    const char *inherited = std::getenv(idleVariable);
    return inherited && std::strcmp(inherited, "1") == 0;
}

void lower(pid_t tid)
{
    ::setpriority(PRIO_PROCESS, id_t(tid), 19);
    if (!yieldsToWindow()) return;
    const sched_param none{};
    ::sched_setscheduler(tid, SCHED_IDLE, &none); // refused (a sandbox): nice 19 stays
}

void yieldToWindow()
{
    g_idle.store(true, std::memory_order_relaxed);
}

} // namespace raceway::workerpriority
