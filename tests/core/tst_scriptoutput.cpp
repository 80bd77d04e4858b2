// A traced script's output handed from the thread that reads its pipes to the window: bounded, in
// order, and every byte accounted for — kept, or counted as left out where it was left out.

#include "scriptoutput.h"

#include <QTest>

#include <thread>

using namespace raceway::py;

class TestScriptOutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keptAndLeftOutAddUpInOrder();
    void nothingIsKeptBeyondTheLimit();
};

// Byte i of a stream is i mod 251: where a chunk starts shows where it came from.
static char patternAt(std::uint64_t i)
{
    return char(i % 251);
}

void TestScriptOutput::keptAndLeftOutAddUpInOrder()
{
    ScriptOutput output(64 * 1024);
    const std::uint64_t total = 8 * 1024 * 1024;
    std::thread writer([&] {
        std::uint64_t offset[2] = {0, 0};
        std::vector<char> buf(40000);
        std::uint32_t seed = 12345;
        while (offset[0] + offset[1] < total) {
            seed = seed * 1664525u + 1013904223u;
            const int which = int(seed >> 31);
            const std::size_t n =
                std::min<std::uint64_t>(1 + (seed >> 8) % buf.size(), total - offset[0] - offset[1]);
            for (std::size_t i = 0; i < n; ++i)
                buf[i] = patternAt(offset[which] + i);
            output.append(which ? ScriptOutput::Stream::Err : ScriptOutput::Stream::Out, buf.data(), n);
            offset[which] += n;
        }
    });
    // The reader takes while the writer writes, as the window does every frame.
    std::uint64_t kept = 0, leftOut = 0;
    std::uint64_t position[2] = {0,
                                 0}; // where each stream's next kept byte should come from, as far as known
    bool positionKnown[2] = {true, true};
    bool ordered = true;
    const auto check = [&](const std::vector<ScriptOutput::Chunk> &chunks) {
        for (const ScriptOutput::Chunk &c : chunks) {
            const int which = c.stream == ScriptOutput::Stream::Err ? 1 : 0;
            leftOut += c.droppedBefore;
            kept += std::uint64_t(c.bytes.size());
            // Bytes left out may come from either stream: after a gap, a stream's place is learnt again.
            if (c.droppedBefore > 0) positionKnown[0] = positionKnown[1] = false;
            if (!positionKnown[which]) {
                position[which] = std::uint64_t(std::uint8_t(c.bytes[0]));
                positionKnown[which] = true;
                // Only the residue is known: follow the pattern from the chunk's own first byte.
                for (qsizetype i = 1; i < c.bytes.size(); ++i)
                    ordered =
                        ordered && std::uint8_t(c.bytes[i]) == (position[which] + std::uint64_t(i)) % 251;
                position[which] += std::uint64_t(c.bytes.size());
                continue;
            }
            for (qsizetype i = 0; i < c.bytes.size(); ++i)
                ordered = ordered && c.bytes[i] == patternAt(position[which] + std::uint64_t(i));
            position[which] += std::uint64_t(c.bytes.size());
        }
    };
    while (output.totalBytes() < total) {
        check(output.take());
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    writer.join();
    check(output.take());
    leftOut += output.droppedAtEnd();
    QVERIFY(ordered);
    QCOMPARE(output.totalBytes(), total);
    QCOMPARE(kept + leftOut, total);
    QCOMPARE(leftOut, output.droppedBytes());
    qInfo("8 MiB through a 64 KiB window: %llu kept, %llu left out", qulonglong(kept), qulonglong(leftOut));
}

void TestScriptOutput::nothingIsKeptBeyondTheLimit()
{
    ScriptOutput output(1000);
    const QByteArray line(300, 'x');
    for (int i = 0; i < 10; ++i)
        output.append(ScriptOutput::Stream::Out, line.constData(), std::size_t(line.size()));
    const auto chunks = output.take();
    std::uint64_t kept = 0;
    for (const auto &c : chunks)
        kept += std::uint64_t(c.bytes.size());
    QCOMPARE(kept, std::uint64_t(1000)); // the first 1,000 bytes; the rest counted
    QCOMPARE(output.droppedBytes(), std::uint64_t(2000));
    QCOMPARE(output.droppedAtEnd(), std::uint64_t(2000));
    // Taken: room again, and the next chunk says what was left out before it.
    output.append(ScriptOutput::Stream::Err, "abc", 3);
    const auto next = output.take();
    QCOMPARE(next.size(), std::size_t(1));
    QCOMPARE(next[0].droppedBefore, std::uint64_t(2000));
    QCOMPARE(next[0].bytes, QByteArray("abc"));
    QCOMPARE(output.droppedAtEnd(), std::uint64_t(0));
    QCOMPARE(output.totalBytes(), std::uint64_t(3003));
}

QTEST_MAIN(TestScriptOutput)
#include "tst_scriptoutput.moc"
