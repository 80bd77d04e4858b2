// The pipe drain that reads a traced script's output while Raceway is busy elsewhere: what it hands
// over is every byte written, in order, and it never reads more than its bound ahead.

#include "pipedrain.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace raceway;

class TestPipeDrain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pipeDrainKeepsTheOrderAndReadsWhileAway();
};

void TestPipeDrain::pipeDrainKeepsTheOrderAndReadsWhileAway()
{
    const auto pattern = [](std::size_t i) { return char((i * 2654435761u) >> 13); };
    for (const std::size_t bound : {std::size_t(16) << 20, std::size_t(256) << 10}) {
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        ::fcntl(fds[1], F_SETPIPE_SZ, 64 * 1024);
        const std::size_t total = std::size_t(4) << 20;
        std::atomic<bool> written{false};
        std::thread writer([&] {
            std::vector<char> chunk(3000);
            for (std::size_t at = 0; at < total;) {
                const std::size_t n = std::min(chunk.size(), total - at);
                for (std::size_t k = 0; k < n; ++k)
                    chunk[k] = pattern(at + k);
                const ssize_t w = ::write(fds[1], chunk.data(), n);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) break;
                at += std::size_t(w);
            }
            written.store(true);
            ::close(fds[1]);
        });
        std::string got, piece;
        {
            py::PipeDrain drain(fds[0], bound);
            // Nobody takes for a while: the drain reads everything, up to its bound.
            if (bound > total) {
                QTRY_VERIFY_WITH_TIMEOUT(written.load(), 20000);
            } else {
                QTest::qWait(300);
                QVERIFY2(!written.load(), "the drain read past its bound");
            }
            std::mt19937 rng(11);
            for (;;) {
                const bool ended = drain.take(piece);
                got += piece;
                if (ended) break;
                if (rng() % 4 == 0) QThread::msleep(rng() % 5);
            }
        }
        writer.join();
        ::close(fds[0]);
        QVERIFY(written.load());
        QCOMPARE(got.size(), total);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < total; ++i)
            wrong += got[i] != pattern(i);
        QCOMPARE(wrong, std::size_t(0));
    }
}

QTEST_GUILESS_MAIN(TestPipeDrain)
#include "tst_pipedrain.moc"
