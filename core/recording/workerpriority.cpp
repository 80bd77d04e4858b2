#include "workerpriority.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/prctl.h>
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

void lower()
{
    ::setpriority(PRIO_PROCESS, 0, 19); // 0: the calling thread
    if (!yieldsToWindow()) return;
    // Raceway's own threads that record keep the normal policy: the run's controller (which also reads
    // a traced script's events and drives a schedule's steps) and the samplers it starts. At the idle
    // policy a counter's sampler read the bank's balance only at the run's end, and its lane showed the
    // overdraft 5 ms late.
    char name[16] = {}; // what the kernel keeps of a thread's name, NUL included
    ::prctl(PR_GET_NAME, name);
    if (std::strncmp(name, controllerThreadName, sizeof name - 1) == 0) return;
    const sched_param none{};
    ::sched_setscheduler(0, SCHED_IDLE, &none); // refused (a sandbox): nice 19 stays
}

void yieldToWindow()
{
    g_idle.store(true, std::memory_order_relaxed);
}

} // namespace raceway::workerpriority
