#include "params.h"

#include <algorithm>
#include <map>

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

const ParamSpec *ParamSpec::lockSwitch(const QList<ParamSpec> &specs)
{
    for (const ParamSpec &spec : specs)
        if (spec.guardsSharedData && spec.type == ParamType::Bool) return &spec;
    return nullptr;
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

ParamSpec ParamSpec::intList(const QString &name, const QList<qlonglong> &def, std::int64_t min,
                             std::int64_t max, int maxItems, const QString &help)
{
    ParamSpec s;
    s.name = name;
    s.type = ParamType::IntList;
    QVariantList v;
    for (qlonglong x : def)
        v << x;
    s.defaultValue = v;
    s.min = min;
    s.max = max;
    s.maxItems = maxItems;
    s.help = help;
    return s;
}

ParamSpec ParamSpec::text(const QString &name, const QString &def, int maxLength,
                          const QStringList &suggestions, const QString &help)
{
    ParamSpec s;
    s.name = name;
    s.type = ParamType::Text;
    s.defaultValue = def;
    s.max = maxLength;
    s.choices = suggestions;
    s.help = help;
    return s;
}

namespace {

bool plainText(const QString &text, std::int64_t maxLength)
{
    return !text.isEmpty() && text.size() <= maxLength && std::none_of(text.begin(), text.end(), [](QChar c) {
        return c.category() == QChar::Other_Control;
    });
}

} // namespace

QString ParamSpec::label() const
{
    // Names mean the same in every scenario that has them; the help says the rest.
    static const std::map<QString, QString> labels = {
        {QStringLiteral("window_ns"), QStringLiteral("Race window")},
        {QStringLiteral("window_sleep_ms"), QStringLiteral("Race window sleep")},
        {QStringLiteral("pace_us"), QStringLiteral("Pause per step")},
        {QStringLiteral("task_ms"), QStringLiteral("Time per task")},
        {QStringLiteral("work_us"), QStringLiteral("CPU work per step")},
        {QStringLiteral("work_ms"), QStringLiteral("Job CPU time")},
        {QStringLiteral("switch_ms"), QStringLiteral("GIL switch interval")},
        {QStringLiteral("switch_at"), QStringLiteral("GIL may switch at")},
        {QStringLiteral("io_ms"), QStringLiteral("I/O wait per step")},
        {QStringLiteral("min_ms"), QStringLiteral("Shortest download")},
        {QStringLiteral("max_ms"), QStringLiteral("Longest download")},
        {QStringLiteral("delay_ms"), QStringLiteral("Await delay")},
        {QStringLiteral("timeout_ms"), QStringLiteral("Time limit")},
        {QStringLiteral("steps"), QStringLiteral("Awaits each")},
        {QStringLiteral("increments"), QStringLiteral("Increments each")},
        {QStringLiteral("iterations"), QStringLiteral("Iterations each")},
        {QStringLiteral("seed"), QStringLiteral("Random seed")},
        {QStringLiteral("fault"), QStringLiteral("Make a worker fail")},
        {QStringLiteral("work"), QStringLiteral("Kind of work")},
        {QStringLiteral("gil"), QStringLiteral("GIL")},
    };
    if (const auto it = labels.find(name); it != labels.end()) return it->second;
    QString text = name;
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!text.isEmpty()) text[0] = text[0].toUpper();
    return text;
}

QString ParamSpec::typeName() const
{
    switch (type) {
    case ParamType::Int:
        return QStringLiteral("integer");
    case ParamType::Bool:
        return QStringLiteral("switch");
    case ParamType::Choice:
        return QStringLiteral("choice");
    case ParamType::IntList:
        return QStringLiteral("list of integers");
    case ParamType::Text:
        return QStringLiteral("text");
    }
    return {};
}

QString ParamSpec::allowedValues() const
{
    switch (type) {
    case ParamType::Int:
        return QString::number(min) + QStringLiteral("..") + QString::number(max);
    case ParamType::Bool:
        return QStringLiteral("on, off");
    case ParamType::Choice:
        return choices.join(QStringLiteral(", "));
    case ParamType::IntList:
        return QStringLiteral("%1 %2 comma-separated whole numbers, each %3..%4%5")
            .arg(minItems == 0 ? QStringLiteral("up to") : QStringLiteral("%1 to").arg(minItems))
            .arg(maxItems)
            .arg(min)
            .arg(max)
            .arg(minItems == 0 ? QStringLiteral(", or nothing") : QString());
    case ParamType::Text:
        return QStringLiteral("%1, or text of at most %2 characters").arg(defaultValue.toString()).arg(max);
    }
    return {};
}

QString ParamSpec::formatValue(const QVariant &value) const
{
    switch (type) {
    case ParamType::Int:
        return QString::number(value.toLongLong());
    case ParamType::Bool:
        return value.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    case ParamType::Choice:
        return value.toString();
    case ParamType::IntList: {
        QStringList parts;
        for (const QVariant &v : value.toList())
            parts << QString::number(v.toLongLong());
        return parts.join(QLatin1Char(','));
    }
    case ParamType::Text:
        return value.toString();
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
    case ParamType::Bool:
        return value.typeId() == QMetaType::Bool;
    case ParamType::Choice:
        return choices.contains(value.toString());
    case ParamType::IntList: {
        const QVariantList list = value.toList();
        if (value.typeId() != QMetaType::QVariantList || list.size() < minItems || list.size() > maxItems)
            return false;
        return std::all_of(list.begin(), list.end(), [this](const QVariant &v) {
            bool ok = false;
            const qlonglong x = v.toLongLong(&ok);
            return ok && x >= min && x <= max;
        });
    }
    case ParamType::Text:
        return value.typeId() == QMetaType::QString && plainText(value.toString(), max);
    }
    return false;
}

std::optional<QVariant> ParamSpec::parse(const QString &raw, QString *error) const
{
    const QString text = raw.trimmed();
    const QString allowed = QStringLiteral(" (allowed: ") + allowedValues() + QLatin1Char(')');
    auto fail = [&](const QString &why) {
        if (error) *error = QStringLiteral("parameter '") + name + QStringLiteral("': ") + why + allowed;
        return std::nullopt;
    };
    if (text.isEmpty() && type == ParamType::IntList && minItems == 0) return QVariant(QVariantList());
    if (text.isEmpty()) return fail(QStringLiteral("empty value"));
    switch (type) {
    case ParamType::Int: {
        bool ok = false;
        const qlonglong v = text.toLongLong(&ok, 10);
        if (!ok) return fail(QLatin1Char('\'') + text + QStringLiteral("' is not a whole number"));
        if (v < min || v > max) return fail(text + QStringLiteral(" is out of range"));
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
    case ParamType::IntList: {
        const QStringList parts = text.split(QLatin1Char(','));
        if (parts.size() > maxItems) return fail(QStringLiteral("%1 values are too many").arg(parts.size()));
        QVariantList values;
        for (const QString &part : parts) {
            bool ok = false;
            const qlonglong v = part.trimmed().toLongLong(&ok, 10);
            if (!ok)
                return fail(QLatin1Char('\'') + part.trimmed() + QStringLiteral("' is not a whole number"));
            if (v < min || v > max) return fail(part.trimmed() + QStringLiteral(" is out of range"));
            values << v;
        }
        return QVariant(values);
    }
    case ParamType::Text:
        if (!plainText(text, max))
            return fail(QStringLiteral("the text is too long or holds control characters"));
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
        auto spec =
            std::find_if(specs.begin(), specs.end(), [&](const ParamSpec &s) { return s.name == name; });
        if (spec == specs.end()) {
            if (error)
                *error = QStringLiteral("unknown parameter '") + name + QStringLiteral("' (parameters: ") +
                         names.join(QStringLiteral(", ")) + QLatin1Char(')');
            return std::nullopt;
        }
        auto parsed = spec->parse(arg.mid(eq + 1), error);
        if (!parsed) return std::nullopt;
        values.set(name, *parsed);
    }
    return values;
}

QList<qlonglong> ParamValues::integers(const QString &name) const
{
    QList<qlonglong> out;
    for (const QVariant &v : value(name).toList())
        out << v.toLongLong();
    return out;
}

void ParamValues::setIntegers(const QString &name, const QList<qlonglong> &values)
{
    QVariantList list;
    for (const qlonglong v : values)
        list << v;
    set(name, list);
}

QVariant ParamValues::value(const QString &name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? QVariant() : it->second;
}

} // namespace raceway
