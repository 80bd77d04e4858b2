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
    if (name == QLatin1String("blocked")) return State::Blocked;
    if (name == QLatin1String("set")) return State::Set;
    if (name == QLatin1String("cancelled")) return State::Cancelled;
    if (name == QLatin1String("crashed")) return State::Crashed;
    if (name == QLatin1String("killed")) return State::Killed;
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

} // namespace raceway::chrometrace
