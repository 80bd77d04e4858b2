#pragma once

// The bank's and the deadlock's step points as models, written for the tests and nothing else: what an
// order of steps does to the account, and which orders the deadlock's threads can take and how many of
// them deadlock, found the slow way.

#include <QList>

#include <algorithm>
#include <map>
#include <vector>

namespace raceway::testing {

// An account that threads only withdraw from: each thread's steps are check, write, check, write...; a
// check remembers whether the balance covered `amount`; a write takes `amount` (reading the balance as it
// writes) if its check said so, and writes nothing otherwise.
struct BankOutcome
{
    qlonglong balance = 0;
    qlonglong overdrafts = 0; // writes that left the balance below zero
    qlonglong refused = 0;
};

inline BankOutcome withdrawals(const QList<qlonglong> &schedule, int threads, qlonglong initial,
                               qlonglong amount)
{
    BankOutcome o{initial, 0, 0};
    std::vector<bool> covered(std::size_t(threads) + 1, false);
    std::vector<int> steps(std::size_t(threads) + 1, 0);
    for (const qlonglong t : schedule) {
        if (steps[std::size_t(t)]++ % 2 == 0) {
            covered[std::size_t(t)] = o.balance >= amount;
        } else if (!covered[std::size_t(t)]) {
            ++o.refused;
        } else {
            o.balance -= amount;
            if (o.balance < 0) ++o.overdrafts;
        }
    }
    return o;
}

// Ping (thread 1) and Pong (thread 2) print one line a step: the lines that repeat the word before them
// (Ping is expected first).
inline qlonglong outOfTurn(const QList<qlonglong> &schedule)
{
    qlonglong last = 2, out = 0;
    for (const qlonglong t : schedule) {
        out += t == last ? 1 : 0;
        last = t;
    }
    return out;
}

// Philosophers around a table: thread i (from 0) asks for lock i, then lock i + 1 (mod n), `rounds` times,
// giving both back after each round. Asking for a held lock makes it wait. When the waits close a circle
// the highest-numbered thread in it gives its lock back and starts its round again.
class Philosophers
{
public:
    Philosophers(int threads, int rounds)
        : m_owner(std::size_t(threads), -1), m_phase(std::size_t(threads), Phase::Idle),
          m_rounds(std::size_t(threads), rounds)
    {
    }

    bool canMove(int t) const
    {
        return m_rounds[std::size_t(t)] > 0 &&
               (m_phase[std::size_t(t)] == Phase::Idle || m_phase[std::size_t(t)] == Phase::HasLeft);
    }
    bool done() const
    {
        return std::all_of(m_rounds.begin(), m_rounds.end(), [](int r) { return r == 0; });
    }
    int deadlocks() const { return m_deadlocks; }
    int threads() const { return int(m_phase.size()); }

    void move(int t)
    {
        m_phase[std::size_t(t)] =
            m_phase[std::size_t(t)] == Phase::Idle ? Phase::WantsLeft : Phase::WantsRight;
        for (;;) {
            // Hand out free locks to whoever waits for one; a thread with both finishes its round.
            bool changed = false;
            for (int u = 0; u < int(m_phase.size()); ++u) {
                const int lock = wanted(u);
                if (lock < 0 || m_owner[std::size_t(lock)] >= 0) continue;
                m_owner[std::size_t(lock)] = u;
                changed = true;
                if (m_phase[std::size_t(u)] == Phase::WantsLeft) {
                    m_phase[std::size_t(u)] = Phase::HasLeft;
                } else {
                    m_owner[std::size_t(u)] = -1;
                    m_owner[(std::size_t(u) + 1) % m_owner.size()] = -1;
                    m_phase[std::size_t(u)] = Phase::Idle;
                    --m_rounds[std::size_t(u)];
                }
            }
            if (changed) continue;
            // Every thread waiting for its right-hand lock while holding its left: a circle only when all of
            // them do (each waits for the next one's left lock).
            const std::size_t n = m_phase.size();
            std::size_t waiting = 0;
            for (std::size_t u = 0; u < n; ++u)
                waiting += m_phase[u] == Phase::WantsRight ? 1 : 0;
            if (waiting < n) return;
            ++m_deadlocks;
            const std::size_t victim = n - 1;
            m_owner[victim] = -1;
            m_phase[victim] = Phase::Idle;
        }
    }

private:
    enum class Phase { Idle, WantsLeft, HasLeft, WantsRight };
    int wanted(int u) const
    {
        if (m_phase[std::size_t(u)] == Phase::WantsLeft) return u;
        if (m_phase[std::size_t(u)] == Phase::WantsRight) return (u + 1) % int(m_phase.size());
        return -1;
    }

    std::vector<int> m_owner;
    std::vector<Phase> m_phase;
    std::vector<int> m_rounds;
    int m_deadlocks = 0;
};

// Every order the philosophers can take their steps in (threads numbered from 1), with its deadlocks.
inline void philosopherOrders(const Philosophers &at, QList<qlonglong> &sofar,
                              std::vector<std::pair<QList<qlonglong>, int>> &out)
{
    if (at.done()) {
        out.emplace_back(sofar, at.deadlocks());
        return;
    }
    for (int t = 0; t < at.threads(); ++t) {
        if (!at.canMove(t)) continue;
        Philosophers next = at;
        next.move(t);
        sofar << qlonglong(t + 1);
        philosopherOrders(next, sofar, out);
        sofar.removeLast();
    }
}

} // namespace raceway::testing
