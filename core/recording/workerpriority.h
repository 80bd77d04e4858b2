#pragma once

// How the workload's threads and worker processes give way to Raceway's own threads: the collector, the
// samplers and, in the window, the window itself.
namespace raceway::workerpriority {

// Lowers the calling workload thread (threads it starts and processes it forks inherit it): nice 19,
// equal among themselves so how they race does not change. Where the window runs (yieldToWindow), also
// the idle policy (SCHED_IDLE), except for Raceway's own threads that record (the run's controller and
// the samplers it starts, which inherit its name): at nice 19 a thread at nice 0 still waits its turn
// behind every busy thread on its core (the window next to 64 of them: 1-1.5 s of 4 s queued, frames
// late by up to 0.8 s); an idle thread gives way at once. Not on the command line, where nothing draws
// while the run goes on and a busy machine would leave the run next to nothing.
void lower();

// The run's controller thread's name (Runner gives it): the threads that bear it, or the first 15
// characters of it that the kernel keeps, are Raceway's own.
inline constexpr const char *controllerThreadName = "raceway-controller";

// From now on, in this process and in the worker processes it starts (they are given
// `idleVariable`=1 in their environment: see WorkerProcess; nothing else started here, such as a
// traced Python script, sees it). Call before any run starts.
void yieldToWindow();
bool yieldsToWindow(); // here, or in a worker process started from the window
inline constexpr const char *idleVariable = "RACEWAY_WORKERS_IDLE";

} // namespace raceway::workerpriority
