#pragma once

// What /proc says about raceway-worker processes: for tests that check nothing is left behind.

#include <QDir>
#include <QFile>
#include <QList>

namespace raceway::testing {

// The raceway-worker processes whose parent is `parent` (zombies included).
inline QList<qint64> workerChildrenOf(qint64 parent)
{
    QList<qint64> out;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!isPid || !stat.open(QIODevice::ReadOnly)) continue;
        const QByteArray s = stat.readAll(); // "pid (comm) state ppid ..."
        if (s.contains("(raceway-worker)") &&
            s.mid(s.lastIndexOf(')') + 2).split(' ').value(1).toLongLong() == parent)
            out << pid;
    }
    return out;
}

// Gone, or dead and only waiting to be reaped.
inline bool isGoneOrZombie(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return true;
    const QByteArray s = stat.readAll();
    return s.mid(s.lastIndexOf(')') + 2, 1) == "Z";
}

} // namespace raceway::testing
