#pragma once

#include <QObject>

class QSocketNotifier;

namespace raceway {

// SIGINT and SIGTERM are caught, never left to kill the process mid-run: a run that is interrupted
// still joins its threads, reaps its workers, unlinks its shared memory and finishes or removes the
// files it was writing. The handler only records the signal and wakes an event loop through a pipe.
class Termination : public QObject
{
    Q_OBJECT
public:
    // Installs the handlers (once per process). Safe to call again.
    static void install();
    static int firstSignal(); // the first signal caught, or 0
    static int count();       // how many have been caught
    static void reset();      // forget what was caught (tests)
    static int exitStatus(int signal) { return 128 + signal; }

    // For programs with an event loop: emits requested() on this object's thread for every signal.
    explicit Termination(QObject *parent = nullptr);
    ~Termination() override;

Q_SIGNALS:
    void requested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace raceway
