#pragma once

// Steps given while a run goes: the window's step mode, where the user says which thread moves next,
// one click at a time. The window pushes; the run's StepGate takes them in order and says where every
// thread stands. Safe from any thread.

#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace raceway {

class StepFeed
{
public:
    // Set before the run starts: after its schedule, every thread stays held until a step is pushed for
    // it or the rest is released.
    void setLive(bool on) { m_live.store(on, std::memory_order_relaxed); }
    bool live() const { return m_live.load(std::memory_order_relaxed); }
    // One more step for thread `thread` (from 1).
    void push(int thread);
    // Every thread runs freely from now on.
    void release();
    // The next thread pushed, waiting for one; 0 once the rest is released or when `stop()` says to give
    // up (asked every few milliseconds).
    int take(const std::function<bool()> &stop);

    // Where the run stands, as its gate last said.
    struct State
    {
        QList<qlonglong> taken; // the steps taken so far, as a schedule
        QStringList next;       // per thread: the step it is held at ("read"), empty once it has none left
        QStringList notes;      // per thread: what it holds that its next step uses ("read 0"), if anything
        QStringList waits;      // per thread: the lock it waits for, past its step point ("lock B"), if any
        QString refused;        // why the last step asked for could not be taken (empty: it was)
        QString said;           // what the last step did, in a sentence ("thread 2 wrote 1 over …")
        bool holding = false;   // threads are held, waiting for a step
    };
    void publish(State state);
    State state() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_pushed;
    std::deque<int> m_queue;
    bool m_released = false;
    std::atomic<bool> m_live{false};
    State m_state;
};

} // namespace raceway
