#pragma once

// A synthetic trace for render benchmarks: `events` state changes spread over 16 thread lanes, with a
// lost-update marker every 50 events and a counter lane, built through the real ingest path.

#include "recorder.h"
#include "trace.h"

#include <memory>
#include <random>

namespace raceway::bench {

inline std::unique_ptr<Trace> makeSyntheticTrace(std::int64_t events, int lanes = 16)
{
    auto trace = std::make_unique<Trace>();
    std::vector<LaneInfo> infos;
    for (int i = 0; i < lanes; ++i)
        infos.push_back({QStringLiteral("thread %1").arg(i + 1), LaneKind::Thread});
    infos.push_back({QStringLiteral("counter"), LaneKind::Counter});
    trace->setRegistry(infos, {{QStringLiteral("counter"), lanes}});
    trace->setStart(0);
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> step(20, 400);
    const std::int64_t perLane = events / lanes;
    std::vector<Event> batch;
    batch.reserve(std::size_t(perLane) + 2);
    const EventKind cycle[] = {EventKind::LockRequested, EventKind::LockAcquired, EventKind::LockReleased};
    for (int lane = 0; lane < lanes; ++lane) {
        batch.clear();
        std::int64_t t = 0;
        batch.push_back({t, 0, std::uint16_t(lane), EventKind::Progress, 0});
        for (std::int64_t i = 0; i < perLane; ++i) {
            t += step(rng);
            if (i % 50 == 49)
                batch.push_back({t, 3, std::uint16_t(lane), EventKind::LostUpdate, 0});
            else if (i % 500 == 0)
                batch.push_back({t, std::uint32_t(i), std::uint16_t(lane), EventKind::Progress, 0});
            else
                batch.push_back({t, 0, std::uint16_t(lane), cycle[i % 3], 1});
        }
        trace->ingest(batch.data(), batch.size());
        trace->commit();
    }
    return trace;
}

} // namespace raceway::bench
