#pragma once

// What tst_pythonwindow and tst_pythonruns share: a folder for the scripts they write, tracing one in a
// window to its end, a run's metric, whether a process still lives.

#include "mainwindow.h"
#include "outputpanel.h"
#include "preferencesdialog.h"
#include "pythonform.h"
#include "pythonjob.h"
#include "timelineview.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cerrno>
#include <csignal>

class PythonWindowTest : public QObject
{
protected:
    QString script(const QString &name, const QByteArray &source)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(source) != source.size()) {
            qWarning("cannot write %s: %s", qPrintable(path), qPrintable(f.errorString()));
            return {};
        }
        return path;
    }
    // Traces `path` in `w` to its end (or until `wait` ms pass).
    static bool trace(raceway::MainWindow &w, const QString &path, int wait = 120000)
    {
        QSignalSpy done(&w, &raceway::MainWindow::runFinished);
        QString error;
        if (!w.traceScript(path, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return done.wait(wait) && !w.isRunning();
    }
    static QVariant metric(const raceway::MainWindow &w, const QString &key)
    {
        return raceway::metricValue(w.current()->result().metrics, key);
    }
    static bool alive(pid_t pid)
    {
        if (::kill(pid, 0) != 0) return errno != ESRCH;
        // A zombie waiting for init to reap it is dead for this purpose.
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly)) return false;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        return close < 0 || line.mid(close + 2, 1) != "Z";
    }

    QTemporaryDir m_dir;
};
