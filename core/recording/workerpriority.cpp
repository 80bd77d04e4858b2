#include "workerpriority.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/resource.h>

namespace raceway::workerpriority {
namespace {

constexpr const char *idleVariable = "RACEWAY_WORKERS_IDLE";
std::atomic<bool> g_idle{false};

bool idle()
{
    if (g_idle.load(std::memory_order_relaxed)) return true;
    const char *inherited = std::getenv(idleVariable);
    return inherited && std::strcmp(inherited, "1") == 0;
}

} // namespace

void lower(pid_t tid)
{
    ::setpriority(PRIO_PROCESS, id_t(tid), 19);
    if (!idle()) return;
    const sched_param none{};
    ::sched_setscheduler(tid, SCHED_IDLE, &none); // refused (a sandbox): nice 19 stays
}

void yieldToWindow()
{
    g_idle.store(true, std::memory_order_relaxed);
    ::setenv(idleVariable, "1", 1);
}

} // namespace raceway::workerpriority
