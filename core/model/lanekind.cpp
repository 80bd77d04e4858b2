#include "lanekind.h"

namespace raceway {

QString laneKindName(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Thread:
        return QStringLiteral("thread");
    case LaneKind::Lock:
        return QStringLiteral("lock");
    case LaneKind::Counter:
        return QStringLiteral("counter");
    case LaneKind::Process:
        return QStringLiteral("process");
    case LaneKind::Core:
        return QStringLiteral("core");
    case LaneKind::Queue:
        return QStringLiteral("queue");
    case LaneKind::Gil:
        return QStringLiteral("gil");
    case LaneKind::CoreRuns:
        return QStringLiteral("core-runs");
    case LaneKind::Semaphore:
        return QStringLiteral("semaphore");
    case LaneKind::Signal:
        return QStringLiteral("event");
    case LaneKind::Observer:
        return QStringLiteral("raceway");
    case LaneKind::Slices:
        return QStringLiteral("slices");
    case LaneKind::Value:
        return QStringLiteral("value");
    }
    return QStringLiteral("thread");
}

std::optional<LaneKind> laneKindFromName(const QString &name)
{
    for (int k = 0; k <= int(LaneKind::Value); ++k)
        if (laneKindName(LaneKind(k)) == name) return LaneKind(k);
    return std::nullopt;
}

} // namespace raceway
