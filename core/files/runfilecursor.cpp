#include "runfilecursor.h"

#include "runfile.h"

#include <cstring>

namespace raceway::runfile {

QVariant readValue(Cursor &c, int depth)
{
    const auto tag = ValueTag(c.get<std::uint8_t>());
    switch (tag) {
    case ValueTag::Invalid:
        return {};
    case ValueTag::Bool:
        return QVariant(c.get<std::uint8_t>() != 0);
    case ValueTag::Int:
        return QVariant(int(c.get<std::int32_t>()));
    case ValueTag::UInt:
        return QVariant(uint(c.get<std::uint32_t>()));
    case ValueTag::LongLong:
        return QVariant(qlonglong(c.get<std::int64_t>()));
    case ValueTag::ULongLong:
        return QVariant(qulonglong(c.get<std::uint64_t>()));
    case ValueTag::Double: {
        const std::uint64_t bits = c.get<std::uint64_t>();
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        return QVariant(d);
    }
    case ValueTag::String:
        return QVariant(c.string(true));
    case ValueTag::List: {
        const std::uint32_t n = c.get<std::uint32_t>();
        if (depth >= 4) {
            c.fail(QStringLiteral("a metric's value nests lists deeper than 4"));
            return {};
        }
        if (qsizetype(n) > c.left()) { // every item takes at least a byte
            c.fail(QStringLiteral("a list of %1 values, only %2 bytes left").arg(n).arg(c.left()));
            return {};
        }
        QVariantList list;
        for (std::uint32_t i = 0; i < n && c.ok(); ++i)
            list.append(readValue(c, depth + 1));
        return list;
    }
    case ValueTag::Map: {
        const std::uint32_t n = c.get<std::uint32_t>();
        if (depth >= 4) {
            c.fail(QStringLiteral("a metric's value nests deeper than 4"));
            return {};
        }
        if (qsizetype(n) > c.left() / 5) { // every entry takes at least a key's length and a tag
            c.fail(QStringLiteral("a map of %1 values, only %2 bytes left").arg(n).arg(c.left()));
            return {};
        }
        QVariantMap map;
        for (std::uint32_t i = 0; i < n && c.ok(); ++i) {
            const QString key = c.string(true);
            map.insert(key, readValue(c, depth + 1));
        }
        return map;
    }
    }
    c.fail(QStringLiteral("unknown value type %1").arg(int(tag)));
    return {};
}

} // namespace raceway::runfile
