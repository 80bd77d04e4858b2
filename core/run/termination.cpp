#include "termination.h"

#include <QSocketNotifier>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace raceway {
namespace {

std::atomic<int> g_first{0};
std::atomic<int> g_count{0};
int g_pipe[2] = {-1, -1};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

extern "C" void onTerminationSignal(int signal)
{
    const int saved = errno;
    int none = 0;
    g_first.compare_exchange_strong(none, signal);
    g_count.fetch_add(1);
    if (g_pipe[1] >= 0) {
        const char byte = char(signal);
        [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &byte, 1); // full pipe: already woken
    }
    errno = saved;
}

} // namespace

void Termination::install()
{
    static const bool done = [] {
        if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
        struct sigaction sa = {};
        sa.sa_handler = onTerminationSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        return true;
    }();
    (void)done;
}

int Termination::firstSignal()
{
    return g_first.load();
}

int Termination::count()
{
    return g_count.load();
}

void Termination::reset()
{
    g_first.store(0);
    g_count.store(0);
}

Termination::Termination(QObject *parent) : QObject(parent)
{
    install();
    if (g_pipe[0] < 0) return;
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char bytes[16];
        const ssize_t n = ::read(g_pipe[0], bytes, sizeof bytes);
        for (ssize_t i = 0; i < n; ++i)
            Q_EMIT requested(int(bytes[i]));
    });
}

Termination::~Termination() = default;

} // namespace raceway
