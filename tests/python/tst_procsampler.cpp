// The /proc sampler on processes made here (no interpreter): a traced script's child processes are
// found by the sampler itself. Not under ThreadSanitizer, which cannot follow fork() in a threaded
// program.

#include "procsampler.h"

#include <QTest>
#include <QThread>

#include <map>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace raceway;

class TestProcSampler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findsTracedChildrenItself();
};

void TestProcSampler::findsTracedChildrenItself()
{
    // A traced process's child is sampled from its start, found by the sampler itself: its first events
    // are read by a thread that gives way to the script and can come late (four busy processes on two
    // cores were once gone before they were read, and so never sampled: no wait for a core drawn). A
    // child is traced when it holds the tracer's pipe; one that closed it (a program run untraced) is not.
    // No interpreter: a process made here stands for the script, its two children for what it starts.
    int fds[2], report[2]; // the tracer's pipe; where the children say who they are
    QVERIFY(::pipe(fds) == 0);
    QVERIFY(::pipe(report) == 0);
    struct Told
    {
        char which;
        pid_t pid;
    };
    const auto child = [&](char which) {
        const pid_t pid = ::fork();
        if (pid != 0) return pid;
        if (which == 'u') ::close(fds[1]); // untraced
        const Told told{which, ::getpid()};
        if (::write(report[1], &told, sizeof told) != ssize_t(sizeof told)) ::_exit(1);
        const timespec wait{0, 500'000'000};
        ::nanosleep(&wait, nullptr);
        ::_exit(0);
    };
    const pid_t script = ::fork();
    if (script == 0) {
        const pid_t a = child('t'), b = child('u');
        int status = 0;
        for (pid_t p : {a, b})
            if (p > 0) ::waitpid(p, &status, 0);
        ::_exit(a > 0 && b > 0 ? 0 : 1);
    }
    QVERIFY(script > 0);
    std::map<char, pid_t> children;
    while (children.size() < 2) {
        pollfd p{report[0], POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1) break;
        Told told{};
        if (::read(report[0], &told, sizeof told) != ssize_t(sizeof told)) break;
        children[told.which] = told.pid;
    }
    // Told of the script only, once both children are there as they will stay.
    py::ProcSampler sampler;
    sampler.setTracerFd(fds[1]);
    sampler.watchProcess(script);
    sampler.start();
    QThread::msleep(200); // twenty scans
    std::int64_t complete = 0;
    const auto samples = sampler.take(&complete);
    sampler.stop();
    int status = -1;
    ::waitpid(script, &status, 0);
    for (int fd : {fds[0], fds[1], report[0], report[1]})
        ::close(fd);
    QCOMPARE(children.size(), std::size_t(2));
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    QVERIFY2(samples.count(script), "the process it was told of");
    QVERIFY2(samples.count(children['t']), "a child holding the tracer's pipe, never announced");
    QVERIFY2(!samples.count(children['u']), "a child that closed the pipe");
    const std::vector<py::ThreadSample> &v = samples.at(children['t']);
    QVERIFY(!v.empty());
    QCOMPARE(v.front().pid, std::int32_t(children['t']));
}

QTEST_MAIN(TestProcSampler)
#include "tst_procsampler.moc"
