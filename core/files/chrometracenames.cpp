#include "chrometracenames.h"

#include <cmath>

namespace raceway::chrometrace {

QString idText(const QJsonValue &v)
{
    if (v.isString()) return v.toString();
    // Ids are whole numbers in practice; anything else keeps its own spelling (a cast would overflow).
    if (v.isDouble()) {
        const double d = v.toDouble();
        return std::abs(d) < 9e15 && d == std::floor(d) ? QString::number(qint64(d))
                                                        : QString::number(d, 'g', 17);
    }
    return QStringLiteral("0");
}

// Raceway's own slice names (see traceexport.cpp) back into states; anything else is a task.
State stateOf(const QString &name, QString *object, std::uint16_t *number)
{
    const auto after = [&](const QString &prefix) {
        *object = name.mid(prefix.size());
        return true;
    };
    *number = 0;
    if (name == QLatin1String("run")) return State::Running;
    if (name.startsWith(QLatin1String("run cpu"))) {
        bool ok = false;
        const uint core = name.mid(7).toUInt(&ok);
        if (ok && core < 65536) {
            *number = std::uint16_t(core);
            return State::Running;
        }
    }
    if (name == QLatin1String("sleep")) return State::Sleeping;
    if (name == QLatin1String("wait GIL")) return State::WaitingGil;
    if (name == QLatin1String("io wait")) return State::WaitingIo;
    if (name == QLatin1String("wait core")) return State::Ready;
    if (name == QLatin1String("ready, loop busy")) return State::LoopBusy;
    if (name == QLatin1String("blocked")) return State::Blocked;
    if (name == QLatin1String("set")) return State::Set;
    if (name == QLatin1String("cancelled")) return State::Cancelled;
    if (name == QLatin1String("crashed")) return State::Crashed;
    if (name == QLatin1String("killed")) return State::Killed;
    if (name == QLatin1String("done")) return State::Done;
    if (name == QLatin1String("timed out")) return State::TimedOut;
    if (name == QLatin1String("wait") ||
        (name.startsWith(QLatin1String("wait ")) && after(QStringLiteral("wait "))))
        return State::Waiting;
    if (name == QLatin1String("hold, wait core") ||
        (name.startsWith(QLatin1String("hold, wait core ")) && after(QStringLiteral("hold, wait core "))))
        return State::HoldingReady;
    if (name == QLatin1String("hold") ||
        (name.startsWith(QLatin1String("hold ")) && after(QStringLiteral("hold "))))
        return State::Holding;
    if (name.startsWith(QLatin1String("held by ")) && after(QStringLiteral("held by "))) return State::Held;
    if (name.startsWith(QLatin1String("task "))) {
        bool ok = false;
        const uint id = name.mid(5).toUInt(&ok);
        if (ok && id < 65536) {
            *number = std::uint16_t(id);
            return State::Task;
        }
    }
    *object = name;
    return State::Task;
}

MarkKind markOf(const QString &name)
{
    for (int k = 1; k < markKindCount; ++k)
        if (markKindName(MarkKind(k)) == name) return MarkKind(k);
    return MarkKind::Instant; // another tool's: drawn as a plain instant, never as one of Raceway's own
}

std::pair<const char *, const char *> seriesKeys(LaneKind kind)
{
    switch (kind) {
    case LaneKind::Counter:
        return {"expected", "actual"};
    case LaneKind::Value:
        return {"value", nullptr};
    case LaneKind::Core:
        return {"busy_permille", nullptr};
    case LaneKind::Observer:
        return {"share_of_all_cores_permille", nullptr};
    case LaneKind::Lock:
    case LaneKind::Gil:
        return {"waiting", nullptr};
    case LaneKind::Queue:
        return {"queued", nullptr};
    case LaneKind::Semaphore:
        return {"waiting", "inside"};
    case LaneKind::Signal:
        return {"waiting", nullptr};
    default:
        return {"value", nullptr};
    }
}

QString sliceName(const Trace &trace, const Lane &lane, State state, std::uint16_t obj)
{
    const auto laneName = [&](std::uint16_t i) {
        return i < trace.lanes().size() ? trace.lane(i).name : QStringLiteral("?");
    };
    const auto withObject = [&](const QString &what) {
        const QString name = trace.objectName(obj);
        return name.isEmpty() ? what : what + QLatin1Char(' ') + name;
    };
    switch (state) {
    case State::Idle:
    case State::Free:
        return {};
    case State::Done: // a thread that has finished: from its end to the run's
        return QStringLiteral("done");
    // A process lane's running state carries the core it ran on (thread lanes do not record one).
    case State::Running:
        return lane.kind == LaneKind::Process ? QStringLiteral("run cpu%1").arg(obj) : QStringLiteral("run");
    case State::Waiting:
        return withObject(QStringLiteral("wait"));
    case State::Holding:
        return withObject(QStringLiteral("hold"));
    case State::HoldingReady:
        return withObject(QStringLiteral("hold, wait core"));
    case State::Sleeping:
        return QStringLiteral("sleep");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    case State::Held:
        return lane.kind == LaneKind::CoreRuns ? laneName(obj) : QStringLiteral("held by ") + laneName(obj);
    case State::Task:
        return QStringLiteral("task %1").arg(obj);
    case State::WaitingGil:
        return QStringLiteral("wait GIL");
    case State::WaitingIo:
        return QStringLiteral("io wait");
    case State::Set:
        return QStringLiteral("set");
    case State::Ready:
        return QStringLiteral("wait core");
    case State::LoopBusy:
        return QStringLiteral("ready, loop busy");
    case State::Blocked:
        return QStringLiteral("blocked");
    case State::Crashed:
    case State::Killed:
    case State::TimedOut:
        return stateName(state);
    }
    return stateName(state);
}

} // namespace raceway::chrometrace
