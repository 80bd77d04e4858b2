#include "workerprocess.h"

#include "clock.h"
#include "workerpriority.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include <csignal>

namespace raceway {
namespace {
QString g_override;
}

void setWorkerPathOverride(const QString &path)
{
    g_override = path;
}

QString workerPath(QString *error)
{
    // Built: next to raceway in the build tree. Installed: in libexec, found by the same relative path
    // from bin that the install uses (computed from GNUInstallDirs when the build was configured).
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList places =
        !g_override.isEmpty()
            ? QStringList{g_override}
            : QStringList{appDir + QStringLiteral("/raceway-worker"),
                          QDir::cleanPath(appDir +
                                          QStringLiteral("/" RACEWAY_WORKER_RELATIVE_DIR "/raceway-worker"))};
    for (const QString &path : places) {
        const QFileInfo info(path);
        if (info.exists() && info.isFile() && info.isExecutable()) return info.absoluteFilePath();
    }
    if (error && places.size() == 1)
        *error = QStringLiteral("the worker program is missing or not executable: ") + places.first();
    else if (error)
        *error = QStringLiteral("the worker program is missing or not executable: looked for raceway-worker "
                                "next to raceway (") +
                 places.first() + QStringLiteral(") and where it is installed (") + places.last() +
                 QLatin1Char(')');
    return {};
}

QString textField(const QByteArray &text, const char *key)
{
    const QByteArray prefix = QByteArray(key) + '=';
    for (const QByteArray &part : text.split(' '))
        if (part.startsWith(prefix)) return QString::fromUtf8(part.mid(prefix.size()));
    return {};
}

WorkerProcess::WorkerProcess(ThreadBuffer &lane, std::uint8_t progressObject, QObject *parent)
    : QObject(parent), m_lane(lane), m_progressObject(progressObject)
{
    m_reader.onEvent = [this](const Event &e) {
        // The worker writes its own lane as 0 and knows no object ids: the parent maps both.
        const std::uint8_t obj = m_map                           ? m_map(e.kind, e.obj)
                                 : e.kind == EventKind::Progress ? m_progressObject
                                                                 : e.obj;
        m_lane.recordAt(worker::saneTime(e.t, m_lastTime, nowNs()), e.kind, obj, e.arg);
    };
    m_reader.onText = [this](const QByteArray &text) {
        m_texts.append(text);
        Q_EMIT textReceived(text);
    };
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &WorkerProcess::readOutput);
    // A worker only writes to stderr when it is misused or fails: let that reach the user as it is.
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        readOutput();
        if (m_killedAs)
            finish(*m_killedAs);
        else if (status == QProcess::CrashExit && (code == SIGKILL || code == SIGTERM))
            finish(ExitKind::Killed); // by someone else: the user, the OOM killer
        else if (status == QProcess::CrashExit || code != 0 || !m_reader.sawBye())
            finish(ExitKind::Crashed);
        else
            finish(ExitKind::Normal);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) finish(ExitKind::FailedToStart);
    });
}

WorkerProcess::~WorkerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void WorkerProcess::start(const QString &program, const QStringList &args)
{
    m_process.setProgram(program);
    m_process.setArguments(args);
    if (workerpriority::yieldsToWindow()) { // the worker gives way to the window as the threads do
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(workerpriority::idleVariable), QStringLiteral("1"));
        m_process.setProcessEnvironment(env);
    }
    m_process.start(QIODevice::ReadWrite);
    m_pid = m_process.processId();
}

void WorkerProcess::writeLine(const QByteArray &line)
{
    m_process.write(line + '\n');
}

void WorkerProcess::closeInput()
{
    m_process.closeWriteChannel();
}

void WorkerProcess::terminate(ExitKind why)
{
    if (m_exit || m_process.state() == QProcess::NotRunning) return;
    m_killedAs = why;
    m_process.kill();
}

void WorkerProcess::readOutput()
{
    const QByteArray data = m_process.readAllStandardOutput();
    if (!data.isEmpty()) m_reader.feed(data.constData(), std::size_t(data.size()));
}

void WorkerProcess::finish(ExitKind kind)
{
    if (m_exit) return;
    m_exit = kind;
    m_lane.record(EventKind::ProcessExit, 0, std::uint32_t(kind));
    Q_EMIT done();
}

WorkerGroup::~WorkerGroup() = default; // each WorkerProcess kills and reaps its process if still running

WorkerProcess *WorkerGroup::add(ThreadBuffer &lane, const QStringList &args, std::uint8_t progressObject)
{
    if (m_program.isEmpty()) m_program = workerPath(nullptr);
    auto w = std::make_unique<WorkerProcess>(lane, progressObject);
    w->start(m_program, args);
    m_workers.push_back(std::move(w));
    return m_workers.back().get();
}

void WorkerGroup::waitAll(int timeoutMs)
{
    QEventLoop loop;
    QTimer tick;
    const std::int64_t deadline = nowNs() + std::int64_t(timeoutMs) * 1'000'000;
    auto check = [&] {
        if (m_tick) m_tick();
        bool allDone = true;
        for (auto &w : m_workers)
            allDone &= w->isDone();
        if (allDone) {
            loop.quit();
            return;
        }
        const ExitKind why = m_ctx.cancelled() ? ExitKind::Killed : ExitKind::TimedOut;
        if (m_ctx.cancelled() || nowNs() > deadline)
            for (auto &w : m_workers)
                w->terminate(why);
    };
    QObject::connect(&tick, &QTimer::timeout, &loop, check);
    for (auto &w : m_workers)
        QObject::connect(w.get(), &WorkerProcess::done, &loop, check, Qt::QueuedConnection);
    tick.start(20);
    check();
    if (loop.isRunning() ||
        std::any_of(m_workers.begin(), m_workers.end(), [](auto &w) { return !w->isDone(); }))
        loop.exec();
    for (auto &w : m_workers) // reap: no zombies
        w->process().waitForFinished(5000);
}

void WorkerGroup::reportUnexpected(const QString &what,
                                   const std::function<bool(int, ExitKind)> &requested) const
{
    static const char *const how[] = {"ended normally", "crashed", "was killed", "timed out",
                                      "failed to start"};
    for (std::size_t i = 0; i < m_workers.size(); ++i) {
        const ExitKind kind = m_workers[i]->exitKind();
        if (kind == ExitKind::Normal || (kind == ExitKind::Killed && m_ctx.cancelled())) continue;
        if (requested && requested(int(i), kind)) continue;
        m_ctx.reportProblem(
            QStringLiteral("%1 %2 %3").arg(what).arg(i + 1).arg(QString::fromLatin1(how[int(kind)])));
    }
}

int WorkerGroup::failures() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(),
                             [](const auto &w) { return w->exitKind() != ExitKind::Normal; }));
}

} // namespace raceway
