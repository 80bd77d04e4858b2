#pragma once

#include <sys/types.h>

// How the workload's threads and worker processes give way to Raceway's own threads: the collector, the
// samplers and, in the window, the window itself.
namespace raceway::workerpriority {

// Lowers a workload thread (`tid`; 0 is the calling thread; threads it starts and processes it forks
// inherit it): nice 19, equal among themselves so how they race does not change. Where the window
// runs (yieldToWindow), also the idle policy (SCHED_IDLE), except for Raceway's own threads that record
// (the run's controller and the samplers it starts): at nice 19 a thread at nice 0 still waits
// its turn behind every busy thread on its core (the window next to 64 of them: 1-1.5 s of 4 s queued,
// frames late by up to 0.8 s); an idle thread gives way at once. Not on the command line, where nothing
// draws while the run goes on and a busy machine would leave the run next to nothing.
void lower(pid_t tid = 0);

// From now on, in this process and in the worker processes it starts (they are given
// `idleVariable`=1 in their environment: see WorkerProcess; nothing else started here, such as a
// traced Python script, sees it). Call before any run starts.
void yieldToWindow();
bool yieldsToWindow(); // here, or in a worker process started from the window
inline constexpr const char *idleVariable = "RACEWAY_WORKERS_IDLE";

} // namespace raceway::workerpriority
