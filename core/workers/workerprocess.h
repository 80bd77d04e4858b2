#pragma once

#include "recorder.h"
#include "scenario.h"
#include "workerprotocol.h"

#include <QObject>
#include <QProcess>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace raceway {

// Where raceway-worker lives, found from the running executable and never through PATH: next to it (the
// build tree), else in RACEWAY_WORKER_RELATIVE_DIR from its directory (installed: ../libexec/raceway).
// Returns an empty string and an error line naming the places looked at when it is in neither.
QString workerPath(QString *error);
void setWorkerPathOverride(const QString &path); // tests, whose executables live elsewhere

// One raceway-worker process and its lane. Its event stream is copied onto the lane as it arrives;
// how it ended (normally, crashed, killed, timed out) is recorded there too. Lives on the thread that
// runs the scenario, which also writes the lane.
class WorkerProcess : public QObject
{
    Q_OBJECT
public:
    WorkerProcess(ThreadBuffer &lane, std::uint8_t progressObject, QObject *parent = nullptr);
    ~WorkerProcess() override;

    void start(const QString &program, const QStringList &args);
    void terminate(ExitKind why); // kill it, recording why
    bool isDone() const { return m_exit.has_value(); }
    ExitKind exitKind() const { return m_exit.value_or(ExitKind::Normal); }
    qint64 pid() const { return m_pid; }
    const QList<QByteArray> &texts() const { return m_texts; }
    std::uint64_t events() const { return m_reader.events(); }
    QProcess &process() { return m_process; }
    // The worker knows no parent object ids: it numbers its own (1 = progress/counter, 2 = lock, ...).
    void setObjectMapper(std::function<std::uint8_t(EventKind, std::uint8_t)> map) { m_map = std::move(map); }
    void writeLine(const QByteArray &line); // to the worker's standard input
    void closeInput();

Q_SIGNALS:
    void done();
    void textReceived(const QByteArray &text);

private:
    void readOutput();
    void finish(ExitKind kind);

    ThreadBuffer &m_lane;
    std::uint8_t m_progressObject;
    std::function<std::uint8_t(EventKind, std::uint8_t)> m_map;
    QProcess m_process;
    worker::StreamReader m_reader;
    std::optional<ExitKind> m_exit;
    std::optional<ExitKind> m_killedAs;
    QList<QByteArray> m_texts;
    qint64 m_pid = 0;
    std::int64_t m_lastTime = 0; // the worker's last event time, after clamping
};

// Runs a set of workers to the end on the scenario's thread: an event loop that also watches for
// cancellation (kills: "killed") and a timeout (kills: "timed out"). Every process is reaped.
class WorkerGroup
{
public:
    explicit WorkerGroup(RunContext &ctx) : m_ctx(ctx) {}
    ~WorkerGroup();
    WorkerProcess *add(ThreadBuffer &lane, const QStringList &args, std::uint8_t progressObject = 0);
    void waitAll(int timeoutMs);
    void setTick(std::function<void()> fn) { m_tick = std::move(fn); } // called every 20 ms while waiting
    const std::vector<std::unique_ptr<WorkerProcess>> &workers() const { return m_workers; }
    int failures() const; // workers that did not end normally
    // Reports every worker that ended badly without being asked to (not a kill by Stop, not a fault
    // the user requested) as a problem of the run, named by `what` and its number: "worker 2 crashed".
    void reportUnexpected(const QString &what,
                          const std::function<bool(int index, ExitKind)> &requested = {}) const;

private:
    RunContext &m_ctx;
    QString m_program;
    std::vector<std::unique_ptr<WorkerProcess>> m_workers;
    std::function<void()> m_tick;
};

// "key=value key=value" as the workers report results.
QString textField(const QByteArray &text, const char *key);

} // namespace raceway
