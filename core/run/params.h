#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <cstdint>
#include <map>
#include <optional>

namespace raceway {

enum class ParamType { Int, Bool, Choice, IntList, Text };

// One typed, documented scenario parameter. The CLI parses name=value against it and the window
// builds its form from it, so both accept exactly the same values.
struct ParamSpec
{
    QString name;
    ParamType type = ParamType::Int;
    QVariant defaultValue;
    std::int64_t min = 0;
    std::int64_t max = 0;
    QStringList choices; // Choice: the values allowed; Text: suggestions only
    QString unit;        // shown after numbers: "ms", "ns", ...
    QString help;
    // The value the window starts with when it differs from the command line's: a pace a person can
    // follow live instead of a run that is over in milliseconds.
    QVariant watchValue;

    ParamSpec withWatchValue(const QVariant &v) const
    {
        ParamSpec s = *this;
        s.watchValue = v;
        return s;
    }
    QVariant windowDefault() const { return watchValue.isValid() ? watchValue : defaultValue; }
    // The on/off parameter that guards the shared data: the window shows it as the big lock switch,
    // the Ctrl+L action and the menu entry, all one state. At most one per scenario.
    bool guardsSharedData = false;
    ParamSpec asLockSwitch() const
    {
        ParamSpec s = *this;
        s.guardsSharedData = true;
        return s;
    }
    // The scenario's lock switch parameter, or nullptr when it has none.
    static const ParamSpec *lockSwitch(const QList<ParamSpec> &specs);

    static ParamSpec integer(const QString &name, std::int64_t def, std::int64_t min, std::int64_t max,
                             const QString &unit, const QString &help);
    static ParamSpec boolean(const QString &name, bool def, const QString &help);
    static ParamSpec choice(const QString &name, const QString &def, const QStringList &choices,
                            const QString &help);
    // A comma-separated list of 1..maxItems whole numbers, each in [min, max].
    static ParamSpec intList(const QString &name, const QList<qlonglong> &def, std::int64_t min,
                             std::int64_t max, int maxItems, const QString &help);
    int maxItems = 0; // IntList only
    int minItems = 1; // IntList only: 0 lets it be empty (written as nothing: `schedule=`)
    ParamSpec orEmpty() const
    {
        ParamSpec s = *this;
        s.minItems = 0;
        return s;
    }
    // Any text of at most maxLength characters with no control characters (a path); `suggestions`
    // are offered, not required.
    static ParamSpec text(const QString &name, const QString &def, int maxLength,
                          const QStringList &suggestions, const QString &help);

    // What people read in the window: "Race window" for window_ns (its unit shows with the value).
    QString label() const;
    QString typeName() const;      // "integer", "on|off", "choice"
    QString allowedValues() const; // "1..64", "on, off", "spin, sleep"
    QString formatValue(const QVariant &value) const;
    // The typed value, or an error line naming the parameter and the allowed values.
    std::optional<QVariant> parse(const QString &text, QString *error) const;
    bool accepts(const QVariant &value) const;
};

// Parameter values by name, always complete once built from specs (missing ones take defaults).
class ParamValues
{
public:
    ParamValues() = default;
    static ParamValues defaults(const QList<ParamSpec> &specs);
    static ParamValues windowDefaults(const QList<ParamSpec> &specs);
    // Parses name=value arguments; on failure returns nullopt and one error line.
    static std::optional<ParamValues> parse(const QList<ParamSpec> &specs, const QStringList &args,
                                            QString *error);

    void set(const QString &name, const QVariant &value) { m_values[name] = value; }
    QVariant value(const QString &name) const;
    std::int64_t integer(const QString &name) const { return value(name).toLongLong(); }
    bool flag(const QString &name) const { return value(name).toBool(); }
    QString text(const QString &name) const { return value(name).toString(); }
    QList<qlonglong> integers(const QString &name) const;
    void setIntegers(const QString &name, const QList<qlonglong> &values);
    const std::map<QString, QVariant> &all() const { return m_values; }

private:
    std::map<QString, QVariant> m_values;
};

} // namespace raceway
