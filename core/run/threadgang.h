#pragma once

#include "clock.h"
#include "scenario.h"

#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace raceway {

// Starts `count` QThreads that all begin `body(i)` at the same moment (the run's start), and joins
// them. What the bodies wrote is visible to the caller afterwards (published through an atomic:
// QThread::wait() is invisible to ThreadSanitizer).
inline void runTogether(RunContext &ctx, int count, const std::function<void(int)> &body,
                        const std::function<void()> &whileRunning = {},
                        const std::function<void(int)> &beforeGate = {})
{
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int> finished{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back(QThread::create([&, i] {
            if (beforeGate) beforeGate(i); // on thread i, before it counts as ready
            ready.fetch_add(1, std::memory_order_acq_rel);
            // Blocked until released, not yielding: a thread that yielded here switched hundreds of times,
            // and the kernel's ring of its switches overflowed just before its lane began.
            go.wait(false, std::memory_order_acquire);
            body(i);
            finished.fetch_add(1, std::memory_order_release);
        }));
        threads.back()->start();
    }
    while (ready.load(std::memory_order_acquire) < count)
        QThread::yieldCurrentThread();
    ctx.markStart(nowNs());
    go.store(true, std::memory_order_release);
    go.notify_all();
    if (whileRunning) whileRunning();
    for (auto &t : threads)
        t->wait();
    while (finished.load(std::memory_order_acquire) < count)
        QThread::yieldCurrentThread();
}

} // namespace raceway
