#include "params.h"

namespace raceway {

ParamSpec ParamSpec::integer(const QString &name, std::int64_t def, std::int64_t min, std::int64_t max,
                             const QString &unit, const QString &help)
{
    ParamSpec s;
    s.name = name;
    s.type = ParamType::Int;
    s.defaultValue = QVariant::fromValue<qlonglong>(def);
    s.min = min;
    s.max = max;
    s.unit = unit;
    s.help = help;
    return s;
}

ParamSpec ParamSpec::boolean(const QString &name, bool def, const QString &help)
{
    ParamSpec s;
    s.name = name;
    s.type = ParamType::Bool;
    s.defaultValue = def;
    s.help = help;
    return s;
}

ParamSpec ParamSpec::choice(const QString &name, const QString &def, const QStringList &choices,
                            const QString &help)
{
    ParamSpec s;
    s.name = name;
    s.type = ParamType::Choice;
    s.defaultValue = def;
    s.choices = choices;
    s.help = help;
    return s;
}

QString ParamSpec::typeName() const
{
    switch (type) {
    case ParamType::Int: return QStringLiteral("integer");
    case ParamType::Bool: return QStringLiteral("switch");
    case ParamType::Choice: return QStringLiteral("choice");
    }
    return {};
}

QString ParamSpec::allowedValues() const
{
    switch (type) {
    case ParamType::Int: return QString::number(min) + QStringLiteral("..") + QString::number(max);
    case ParamType::Bool: return QStringLiteral("on, off");
    case ParamType::Choice: return choices.join(QStringLiteral(", "));
    }
    return {};
}

QString ParamSpec::formatValue(const QVariant &value) const
{
    switch (type) {
    case ParamType::Int: return QString::number(value.toLongLong());
    case ParamType::Bool: return value.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    case ParamType::Choice: return value.toString();
    }
    return {};
}

bool ParamSpec::accepts(const QVariant &value) const
{
    switch (type) {
    case ParamType::Int: {
        bool ok = false;
        const qlonglong v = value.toLongLong(&ok);
        return ok && v >= min && v <= max;
    }
    case ParamType::Bool: return value.typeId() == QMetaType::Bool;
    case ParamType::Choice: return choices.contains(value.toString());
    }
    return false;
}

std::optional<QVariant> ParamSpec::parse(const QString &raw, QString *error) const
{
    const QString text = raw.trimmed();
    const QString allowed = QStringLiteral(" (allowed: ") + allowedValues() + QLatin1Char(')');
    auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("parameter '") + name + QStringLiteral("': ") + why + allowed;
        return std::nullopt;
    };
    if (text.isEmpty())
        return fail(QStringLiteral("empty value"));
    switch (type) {
    case ParamType::Int: {
        bool ok = false;
        const qlonglong v = text.toLongLong(&ok, 10);
        if (!ok)
            return fail(QLatin1Char('\'') + text + QStringLiteral("' is not a whole number"));
        if (v < min || v > max)
            return fail(text + QStringLiteral(" is out of range"));
        return QVariant::fromValue<qlonglong>(v);
    }
    case ParamType::Bool: {
        const QString t = text.toLower();
        if (t == QLatin1String("on") || t == QLatin1String("true") || t == QLatin1String("yes") ||
            t == QLatin1String("1"))
            return QVariant(true);
        if (t == QLatin1String("off") || t == QLatin1String("false") || t == QLatin1String("no") ||
            t == QLatin1String("0"))
            return QVariant(false);
        return fail(QLatin1Char('\'') + text + QStringLiteral("' is not on or off"));
    }
    case ParamType::Choice:
        if (!choices.contains(text))
            return fail(QLatin1Char('\'') + text + QStringLiteral("' is not one of the choices"));
        return QVariant(text);
    }
    return fail(QStringLiteral("unsupported type"));
}

ParamValues ParamValues::defaults(const QList<ParamSpec> &specs)
{
    ParamValues v;
    for (const ParamSpec &s : specs)
        v.set(s.name, s.defaultValue);
    return v;
}

ParamValues ParamValues::windowDefaults(const QList<ParamSpec> &specs)
{
    ParamValues v;
    for (const ParamSpec &s : specs)
        v.set(s.name, s.windowDefault());
    return v;
}

std::optional<ParamValues> ParamValues::parse(const QList<ParamSpec> &specs, const QStringList &args,
                                              QString *error)
{
    ParamValues values = defaults(specs);
    QStringList names;
    for (const ParamSpec &s : specs)
        names << s.name;
    for (const QString &arg : args) {
        const auto eq = arg.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            if (error)
                *error = QStringLiteral("expected name=value, got '") + arg +
                         QStringLiteral("' (parameters: ") + names.join(QStringLiteral(", ")) +
                         QLatin1Char(')');
            return std::nullopt;
        }
        const QString name = arg.left(eq);
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec &s) { return s.name == name; });
        if (spec == specs.end()) {
            if (error)
                *error = QStringLiteral("unknown parameter '") + name + QStringLiteral("' (parameters: ") +
                         names.join(QStringLiteral(", ")) + QLatin1Char(')');
            return std::nullopt;
        }
        auto parsed = spec->parse(arg.mid(eq + 1), error);
        if (!parsed)
            return std::nullopt;
        values.set(name, *parsed);
    }
    return values;
}

QVariant ParamValues::value(const QString &name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? QVariant() : it->second;
}

} // namespace raceway
