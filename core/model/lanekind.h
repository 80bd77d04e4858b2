#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace raceway {

// What a lane shows and what events name: shared by the recorder that makes them and the trace,
// painter and files that read them.

// Semaphore: its series are waiters (a) and threads inside (b). Signal: an event object, set or clear.
enum class LaneKind : std::uint8_t {
    Thread,
    Lock,
    Counter,
    Process,
    Core,
    Queue,
    Gil,
    CoreRuns,
    Semaphore,
    Signal,
    Observer, // Raceway's own threads: the share of all cores they used, per sample
    Slices,   // another tool's named, nested slices on one thread (Lane::slices)
    Value     // a number the program holds, sampled (both channels of its series hold it)
};
QString laneKindName(LaneKind kind);
// The kind laneKindName() gives this name, or nothing.
std::optional<LaneKind> laneKindFromName(const QString &name);

struct LaneInfo
{
    QString name;
    LaneKind kind = LaneKind::Thread;
};

// Something events refer to by a one-byte id: a lock, a counter. Its lane shows it, if it has one.
struct ObjectInfo
{
    QString name;
    int lane = -1;
};

} // namespace raceway
