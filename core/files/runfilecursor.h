#pragma once

// A saved run's bytes as runfilereader.cpp reads them: bounds-checked reads from one inflated block, and
// a metric's value of any type.

#include <QByteArray>
#include <QString>
#include <QVariant>
#include <QtEndian>

#include <cstdint>

namespace raceway::runfile {

// Bounds-checked reads from one inflated block. The first failure is kept with its offset.
class Cursor
{
public:
    Cursor(const QByteArray &data, QString *error) : m_data(data), m_error(error) {}

    bool ok() const { return m_ok; }
    qsizetype pos() const { return m_pos; }
    qsizetype left() const { return m_data.size() - m_pos; }
    bool atEnd() const { return m_pos >= m_data.size(); }
    bool fail(const QString &what, qsizetype at = -1)
    {
        if (m_ok) {
            m_ok = false;
            m_failPos = at < 0 ? m_pos : at;
            *m_error = what;
        }
        return false;
    }
    qsizetype failPos() const { return m_failPos; }

    template <typename T> T get()
    {
        if (!m_ok) return T{};
        if (left() < qsizetype(sizeof(T))) {
            fail(QStringLiteral("record cut short (%1 more bytes needed, %2 left)")
                     .arg(sizeof(T))
                     .arg(left()));
            return T{};
        }
        const T v = qFromLittleEndian<T>(m_data.constData() + m_pos);
        m_pos += qsizetype(sizeof(T));
        return v;
    }
    QString string(bool wide)
    {
        const std::uint32_t n = wide ? get<std::uint32_t>() : get<std::uint16_t>();
        if (!m_ok) return {};
        if (qsizetype(n) > left()) {
            fail(QStringLiteral("a text of %1 bytes, only %2 left in the block").arg(n).arg(left()));
            return {};
        }
        const QString s = QString::fromUtf8(m_data.constData() + m_pos, qsizetype(n));
        m_pos += qsizetype(n);
        return s;
    }
    const char *take(qsizetype n)
    {
        const char *p = m_data.constData() + m_pos;
        m_pos += n;
        return p;
    }

private:
    const QByteArray &m_data;
    QString *m_error;
    qsizetype m_pos = 0;
    qsizetype m_failPos = 0;
    bool m_ok = true;
};

// A metric's value (see ValueTag), lists and maps nested at most 4 deep.
QVariant readValue(Cursor &c, int depth = 0);

} // namespace raceway::runfile
