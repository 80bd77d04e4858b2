#pragma once

// What the command-line tests share: the real raceway binary run in a temporary folder.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "../procscan.h"
#include "cli.h"

#include <QElapsedTimer>

#include <csignal>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

class CliTest : public QObject
{
protected:
    // The binary is there and the folder was made: each test's initTestCase.
    void checkBinary();

    struct Result
    {
        int status;
        QByteArray out, err;
    };
    Result raceway(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(RACEWAY_BINARY), args);
        if (!p.waitForFinished(120000)) qFatal("raceway did not finish");
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    QTemporaryDir m_dir;
};

inline void CliTest::checkBinary()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(RACEWAY_BINARY)), RACEWAY_BINARY);
}
