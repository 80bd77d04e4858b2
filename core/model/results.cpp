#include "results.h"

#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace raceway {

QString formatDurationNs(std::int64_t ns)
{
    // Three significant digits ("10.3 ms", "673 ns"; "10.290 ms" and "673.207 ns" were noise).
    const QLocale l;
    const std::int64_t size = ns < 0 ? -ns : ns;
    const auto inUnit = [&l](double v) {
        const double a = std::abs(v);
        return l.toString(v, 'f', a >= 100 ? 0 : a >= 10 ? 1 : 2);
    };
    if (size >= 1'000'000'000) return inUnit(double(ns) / 1e9) + QStringLiteral(" s");
    if (size >= 1'000'000) return inUnit(double(ns) / 1e6) + QStringLiteral(" ms");
    if (size >= 1'000) return inUnit(double(ns) / 1e3) + QStringLiteral(" µs");
    return l.toString(qlonglong(ns)) + QStringLiteral(" ns");
}

QString formatNumber(double v)
{
    const double size = std::abs(v);
    const int decimals = size == 0 || size >= 100 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 3;
    return QLocale().toString(v, 'f', decimals);
}

QString formatWhole(qlonglong v)
{
    return QLocale().toString(v).replace(QLatin1Char('-'), QChar(0x2212));
}

QString countOf(qlonglong n, const QString &one, const QString &many)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

bool isForPeople(const Metric &m)
{
    if (m.value.typeId() != QMetaType::QVariantList) return true;
    const QVariantList items = m.value.toList();
    return std::none_of(items.begin(), items.end(),
                        [](const QVariant &v) { return v.typeId() == QMetaType::QVariantMap; });
}

QString formatMetric(const Metric &m)
{
    const QLocale l;
    QString v;
    if (!m.value.isValid())
        return QStringLiteral("—"); // nothing was measured (a worker that crashed before reporting)
    if (m.value.typeId() == QMetaType::QVariantList || m.value.typeId() == QMetaType::QStringList) {
        QStringList parts;
        for (const QVariant &item : m.value.toList())
            parts << formatMetric({m.key, m.label, item, {}});
        v = parts.join(QStringLiteral(", "));
    } else if (m.value.typeId() == QMetaType::QVariantMap) {
        QStringList parts;
        const QVariantMap map = m.value.toMap();
        for (auto it = map.begin(); it != map.end(); ++it)
            parts << it.key() + QLatin1Char(' ') + formatMetric({it.key(), {}, it.value(), {}});
        v = QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
    } else if (m.unit == QLatin1String("share")) {
        // A fraction for programs (--json keeps 0.996), a percentage for people.
        return formatNumber(m.value.toDouble() * 100) + QStringLiteral(" %");
    } else if (m.value.typeId() == QMetaType::Double) {
        v = formatNumber(m.value.toDouble());
    } else if (m.value.typeId() == QMetaType::Bool) {
        v = m.value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    } else if (m.value.typeId() == QMetaType::QString || m.value.typeId() == QMetaType::QByteArray) {
        v = m.value.toString();
    } else {
        v = l.toString(m.value.toLongLong());
    }
    return m.unit.isEmpty() ? v : v + QLatin1Char(' ') + m.unit;
}

QString raceSummary(const QList<Metric> &metrics)
{
    const QVariant expected = metricValue(metrics, QStringLiteral("expected"));
    const QLocale l;
    if (!expected.isValid()) {
        const QVariant actual = metricValue(metrics, QStringLiteral("actual"));
        if (!actual.isValid()) return {};
        return QStringLiteral(" — %1 counted, lost updates unknown (a worker did not finish)")
            .arg(l.toString(actual.toLongLong()));
    }
    return QStringLiteral(" — %1 of %2 counted, %3 lost")
        .arg(l.toString(metricValue(metrics, QStringLiteral("actual")).toLongLong()),
             l.toString(expected.toLongLong()),
             l.toString(metricValue(metrics, QStringLiteral("lost_updates")).toLongLong()));
}

QVariant metricValue(const QList<Metric> &metrics, const QString &key)
{
    for (const Metric &m : metrics)
        if (m.key == key) return m.value;
    return {};
}

} // namespace raceway
