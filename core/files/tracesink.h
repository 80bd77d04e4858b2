#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <cstdint>
#include <memory>

namespace raceway {

// Where an export's bytes go: a small buffer in front of a device, optionally gzip-compressed on the
// way (a stream that `gunzip`, Perfetto UI and speedscope all read). The document never exists whole
// in memory, so a run of millions of events exports in constant space.
class TraceSink
{
public:
    enum class Compression { None, Gzip };

    TraceSink(QIODevice &out, Compression compression);
    ~TraceSink();
    TraceSink(const TraceSink &) = delete;
    TraceSink &operator=(const TraceSink &) = delete;

    void append(const char *s) { m_buf.append(s); }
    void append(const QByteArray &s) { m_buf.append(s); }
    void append(char c) { m_buf.append(c); }
    void appendNumber(std::int64_t v);
    // Nanoseconds as microseconds: an integer when it is one, else with exactly three decimals.
    void appendMicros(std::int64_t ns);
    // Call between records: writes out once the buffer is full enough.
    void maybeFlush()
    {
        if (m_buf.size() >= flushAt) flush();
    }
    // Flushes and ends the compressed stream. False if any write failed; error() says why.
    bool finish();
    QString error() const { return m_error; }
    // Bytes of JSON text written so far, before compression.
    std::int64_t textBytes() const { return m_textBytes + m_buf.size(); }

    static bool wantsGzip(const QIODevice &out); // a file whose name ends in ".gz"

private:
    static constexpr qsizetype flushAt = 256 * 1024;
    void flush();
    void writeOut(const char *data, qsizetype size);

    struct Deflater;
    QIODevice &m_out;
    QByteArray m_buf;
    std::unique_ptr<Deflater> m_deflater;
    std::int64_t m_textBytes = 0;
    QString m_error;
};

} // namespace raceway
