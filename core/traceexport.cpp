#include "traceexport.h"

namespace raceway {
namespace {

class JsonStream
{
public:
    explicit JsonStream(QIODevice &out) : m_out(out) { m_buf.reserve(1 << 20); }

    JsonStream &raw(const char *s)
    {
        m_buf.append(s);
        return maybeFlush();
    }
    JsonStream &str(const QString &s)
    {
        m_buf.append('"');
        for (const char ch : s.toUtf8()) {
            const auto u = static_cast<unsigned char>(ch);
            if (u == '"' || u == '\\') {
                m_buf.append('\\');
                m_buf.append(ch);
            } else if (u < 0x20) {
                m_buf.append("\\u00");
                m_buf.append("0123456789abcdef"[u >> 4]);
                m_buf.append("0123456789abcdef"[u & 15]);
            } else {
                m_buf.append(ch);
            }
        }
        m_buf.append('"');
        return *this;
    }
    JsonStream &num(std::int64_t v)
    {
        m_buf.append(QByteArray::number(qlonglong(v)));
        return *this;
    }
    // Nanoseconds as microseconds with three decimals: exact, no floating point rounding.
    JsonStream &micros(std::int64_t ns)
    {
        if (ns < 0) {
            m_buf.append('-');
            ns = -ns;
        }
        m_buf.append(QByteArray::number(qlonglong(ns / 1000)));
        const int frac = int(ns % 1000);
        m_buf.append('.');
        m_buf.append(char('0' + frac / 100));
        m_buf.append(char('0' + frac / 10 % 10));
        m_buf.append(char('0' + frac % 10));
        return *this;
    }
    bool finish()
    {
        flush();
        return m_ok;
    }

private:
    JsonStream &maybeFlush()
    {
        if (m_buf.size() > (1 << 20) - 4096)
            flush();
        return *this;
    }
    void flush()
    {
        if (m_ok && !m_buf.isEmpty() && m_out.write(m_buf) != m_buf.size())
            m_ok = false;
        m_buf.clear();
    }

    QIODevice &m_out;
    QByteArray m_buf;
    bool m_ok = true;
};

} // namespace

bool writeChromeTrace(const Trace &trace, QIODevice &out, QString *error)
{
    JsonStream j(out);
    const std::int64_t t0 = trace.start();
    bool first = true;
    auto open = [&](const char *ph, std::size_t lane) -> JsonStream & {
        j.raw(first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
        first = false;
        return j.raw(ph).raw("\",\"pid\":1,\"tid\":").num(std::int64_t(lane) + 1);
    };
    j.raw("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"Raceway\"},\"traceEvents\":[");
    open("M", 0).raw(",\"name\":\"process_name\",\"args\":{\"name\":\"Raceway run\"}}");
    const auto &lanes = trace.lanes();
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        open("M", i).raw(",\"name\":\"thread_name\",\"args\":{\"name\":").str(lanes[i].name).raw("}}");
        open("M", i).raw(",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":").num(std::int64_t(i)).raw("}}");
    }
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        const Lane &lane = lanes[i];
        trace.forEachInterval(i, [&](const Interval &iv) {
            if (iv.state == State::Idle || iv.state == State::Done || iv.state == State::Free)
                return;
            QString name = stateName(iv.state);
            if (iv.state == State::Held && iv.obj < lanes.size())
                name = QStringLiteral("held by ") + lanes[iv.obj].name;
            open("X", i).raw(",\"cat\":\"state\",\"name\":").str(name).raw(",\"ts\":").micros(iv.start - t0);
            j.raw(",\"dur\":").micros(iv.end - iv.start);
            if (iv.state == State::Waiting || iv.state == State::Holding)
                j.raw(",\"args\":{\"lock\":").str(trace.objectName(iv.obj)).raw("}");
            j.raw("}");
        });
        for (const Marker &m : lane.markers) {
            open("i", i).raw(",\"s\":\"t\",\"cat\":\"race\",\"name\":\"lost update\",\"ts\":").micros(m.t - t0);
            j.raw(",\"args\":{\"erased\":").num(m.value);
            if (m.other >= 0 && std::size_t(m.other) < lanes.size())
                j.raw(",\"overwrote\":").str(lanes[std::size_t(m.other)].name);
            j.raw("}}");
        }
        for (const SeriesPoint &p : lane.series) {
            open("C", i).raw(",\"name\":").str(lane.name).raw(",\"ts\":").micros(p.t - t0);
            if (lane.kind == LaneKind::Counter)
                j.raw(",\"args\":{\"expected\":").num(p.a).raw(",\"actual\":").num(p.b).raw("}}");
            else
                j.raw(",\"args\":{\"waiting\":").num(p.a).raw("}}");
        }
    }
    j.raw("\n]}\n");
    if (!j.finish()) {
        if (error)
            *error = out.errorString();
        return false;
    }
    return true;
}

} // namespace raceway
