#pragma once

// The saved-run file (`raceway run ... --save run.raceway`), shared by its writer and reader.
//
// A run is saved as what the collector did, not as what it built: the registry snapshots, the drained
// event batches and the commits, in the order the Runner made them. Reading replays them into a Trace
// through the same ingest and commit code, so every lane, marker, instant and series comes back exactly
// as the run had them (the counter series fold at commit boundaries, which is why commits are kept).
//
// Layout, all integers little-endian:
//   header (24 bytes, uncompressed): magic "RACEWAY\x1a", u32 version (1), u32 flags (0),
//                                    u64 the run's event budget (bounds what a reader accepts)
//   blocks, each: u32 stored size, u32 inflated size (at most blockRawLimit), then a zlib stream
//   the inflated blocks hold records, none split across blocks; each starts with a u8 tag:
//     1 registry  u32 lanes, per lane u8 kind, u16 name bytes, UTF-8 name;
//                 u32 objects, per object i32 lane (-1: none), u16 name bytes, UTF-8 name
//     2 events    u32 n, then the n 16-byte events as 16 byte planes of n bytes each (byte k of every
//                 event, then byte k + 1 ...), times and arguments as differences from the previous
//                 event of the record: that is what makes them compress (about 10x)
//     3 commit    i64 up to
//     4 result    what `run --json` reports (see SavedRun), once, after the last events
//     5 end       u64 events in the file; nothing may follow its block
//     6 sites     u32 places, per place u16 bytes, UTF-8 ("bank.py:31 in transfer"): every place in the
//                 code the Site events so far name (append-only: each record repeats and extends the last)
//     7 summary   a lane past the event budget (Lane::pastBudget), once per such lane, before the result:
//                 u32 lane, i64 origin, start, end, first bucket's index, u8 width shift, u32 buckets
//                 (at most StateSummary::cap), per bucket 19 u32 times in state, i32 lost, u32 marks, u32 not
//                 known
//     8 values    a value lane past the event budget (Lane::pastSeries), once per such lane, before the
//                 result: u32 lane, i64 origin, start, end, first bucket's index, u8 width shift, u32 buckets
//                 (at most SeriesSummary::cap), per bucket 6 i64: low, high, last of each of its two values

#include "results.h"
#include "seriessummary.h"
#include "statesummary.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <utility>
#include <vector>

namespace raceway::runfile {

constexpr char magic[8] = {'R', 'A', 'C', 'E', 'W', 'A', 'Y', '\x1a'};
constexpr std::uint32_t version = 1;
constexpr std::size_t headerSize = 24;
constexpr std::size_t blockHeaderSize = 8;
constexpr std::uint32_t blockRawLimit = 1u << 20;
// zlib's worst case for a 1 MiB block is a little over 1 MiB; anything larger is not ours.
constexpr std::uint32_t blockStoredLimit = blockRawLimit + blockRawLimit / 8;

enum class Tag : std::uint8_t {
    Registry = 1,
    Events = 2,
    Commit = 3,
    Result = 4,
    End = 5,
    Sites = 6,
    Summary = 7, // a lane's summary of 19 states per bucket (before "ready, loop busy"): still read
    Values = 8,
    States = 9 // a lane's summary, one share per state (StateSummary::states) in each bucket
};
enum class ValueTag : std::uint8_t {
    Invalid = 0,
    Bool,
    LongLong,
    Int,
    Double,
    String,
    List,
    ULongLong,
    UInt,
    Map // a count, then each key (a string) and its value: a slow step's task, duration and place
};

// What a saved run reports besides its trace: everything `run --json` prints.
struct SavedRun
{
    QString scenario;
    QStringList params; // name=value, as the scenario's specs format and parse them
    QList<Metric> metrics;
    double wallMs = 0;
    std::uint64_t events = 0;
    std::uint64_t droppedEvents = 0;
    std::uint64_t maxEvents = 0;
    bool cancelled = false;
    QStringList problems;
    std::int64_t budgetReachedNs = 0;
    int signal = 0; // the signal that interrupted the run, 0: none
    std::int64_t traceStart = 0, traceEnd = 0;
    // Each lane's summary past the event budget (not replayed from events: there are none).
    std::vector<std::pair<std::uint32_t, StateSummary::Parts>> summaries;
    std::vector<std::pair<std::uint32_t, SeriesSummary::Parts>> valueSummaries;
};

} // namespace raceway::runfile
