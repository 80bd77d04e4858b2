#include "tracesink.h"

#include <QFileDevice>

#include <zlib.h>

#include <array>

namespace raceway {

struct TraceSink::Deflater
{
    z_stream stream{};
    bool open = false;
    std::array<char, 64 * 1024> out{};
};

TraceSink::TraceSink(QIODevice &out, Compression compression) : m_out(out)
{
    m_buf.reserve(flushAt + 4096);
    if (compression == Compression::Gzip) {
        m_deflater = std::make_unique<Deflater>();
        // windowBits 15 + 16 asks zlib for a gzip header and trailer rather than a zlib one. Level 3
        // keeps export time close to the plain write; JSON this repetitive compresses ~10x anyway.
        if (deflateInit2(&m_deflater->stream, 3, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
            m_deflater->open = true;
        else
            m_error = QStringLiteral("cannot start gzip compression");
    }
}

TraceSink::~TraceSink()
{
    if (m_deflater && m_deflater->open) deflateEnd(&m_deflater->stream);
}

bool TraceSink::wantsGzip(const QIODevice &out)
{
    const auto *file = qobject_cast<const QFileDevice *>(&out);
    return file && file->fileName().endsWith(QLatin1String(".gz"), Qt::CaseInsensitive);
}

void TraceSink::appendNumber(std::int64_t v)
{
    m_buf.append(QByteArray::number(qlonglong(v)));
}

void TraceSink::appendMicros(std::int64_t ns)
{
    if (ns < 0) {
        m_buf.append('-');
        ns = -ns;
    }
    m_buf.append(QByteArray::number(qlonglong(ns / 1000)));
    const int frac = int(ns % 1000);
    if (frac == 0) return;
    const char digits[] = {'.', char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10)};
    m_buf.append(digits, sizeof digits);
}

void TraceSink::writeOut(const char *data, qsizetype size)
{
    if (!m_error.isEmpty() || size == 0) return;
    if (m_out.write(data, size) != size) m_error = m_out.errorString();
}

void TraceSink::flush()
{
    m_textBytes += m_buf.size();
    if (!m_deflater) {
        writeOut(m_buf.constData(), m_buf.size());
        m_buf.clear();
        return;
    }
    if (m_deflater->open && m_error.isEmpty()) {
        z_stream &z = m_deflater->stream;
        z.next_in = reinterpret_cast<Bytef *>(m_buf.data());
        z.avail_in = uInt(m_buf.size());
        do {
            z.next_out = reinterpret_cast<Bytef *>(m_deflater->out.data());
            z.avail_out = uInt(m_deflater->out.size());
            deflate(&z, Z_NO_FLUSH);
            writeOut(m_deflater->out.data(), qsizetype(m_deflater->out.size() - z.avail_out));
        } while (z.avail_out == 0 && m_error.isEmpty());
    }
    m_buf.clear();
}

bool TraceSink::finish()
{
    flush();
    if (m_deflater && m_deflater->open && m_error.isEmpty()) {
        z_stream &z = m_deflater->stream;
        z.next_in = nullptr;
        z.avail_in = 0;
        int rc = Z_OK;
        while (rc == Z_OK && m_error.isEmpty()) {
            z.next_out = reinterpret_cast<Bytef *>(m_deflater->out.data());
            z.avail_out = uInt(m_deflater->out.size());
            rc = deflate(&z, Z_FINISH);
            writeOut(m_deflater->out.data(), qsizetype(m_deflater->out.size() - z.avail_out));
        }
        if (rc != Z_STREAM_END && m_error.isEmpty()) m_error = QStringLiteral("gzip compression failed");
    }
    return m_error.isEmpty();
}

} // namespace raceway
