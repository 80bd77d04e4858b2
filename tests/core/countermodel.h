#pragma once

// The shared counter's reads and writes as a model, written for the tests and nothing else: what an
// order of steps loses, and every order there is, found the slow way.

#include <QList>

#include <vector>

namespace raceway::testing {

// Lost updates of a counter whose threads take their steps in this order: each thread's steps are read,
// write, read, write...; a write puts back what that thread read plus one.
inline qlonglong lostBy(const QList<qlonglong> &schedule, int threads)
{
    std::vector<qlonglong> readValue(std::size_t(threads) + 1, 0);
    std::vector<int> steps(std::size_t(threads) + 1, 0);
    qlonglong counter = 0, writes = 0;
    for (const qlonglong t : schedule) {
        if (steps[std::size_t(t)]++ % 2 == 0) {
            readValue[std::size_t(t)] = counter;
        } else {
            counter = readValue[std::size_t(t)] + 1;
            ++writes;
        }
    }
    return writes - counter;
}

// Every order in which threads take left[t] steps each (thread t + 1), listed the slow way.
inline void orders(std::vector<int> &left, QList<qlonglong> &sofar, std::vector<QList<qlonglong>> &out)
{
    bool any = false;
    for (std::size_t t = 0; t < left.size(); ++t) {
        if (left[t] == 0) continue;
        any = true;
        --left[t];
        sofar << qlonglong(t + 1);
        orders(left, sofar, out);
        sofar.removeLast();
        ++left[t];
    }
    if (!any) out.push_back(sofar);
}

} // namespace raceway::testing
