#include "workerpriority.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace raceway::workerpriority {
namespace {

std::atomic<bool> g_idle{false};
// The run's controller thread (runner.cpp names it raceway-controller; the kernel keeps 15 characters).
constexpr const char *ownThreads = "raceway-control";

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
    // Raceway's own threads that record keep the normal policy: the run's controller (which also reads
    // a traced script's events and drives a schedule's steps) and the samplers it starts, which inherit
    // its name. At the idle policy a counter's sampler read the bank's balance only at the run's end,
    // and its lane showed the overdraft 5 ms late.
    char name[16] = {};
    if (tid == 0 || tid == pid_t(::syscall(SYS_gettid))) {
        ::prctl(PR_GET_NAME, name);
        if (std::strncmp(name, ownThreads, std::strlen(ownThreads)) == 0) return;
    }
    const sched_param none{};
    ::sched_setscheduler(tid, SCHED_IDLE, &none); // refused (a sandbox): nice 19 stays
}

void yieldToWindow()
{
    g_idle.store(true, std::memory_order_relaxed);
}

} // namespace raceway::workerpriority
