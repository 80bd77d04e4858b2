// libFuzzer: arbitrary text as `name=value` arguments to every scenario's parameter parser and its
// cross-parameter checks. Bad input must come back as one line naming the problem, never a crash.

#include "params.h"
#include "registry.h"

#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace raceway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0) return 0;
    const auto scenarios = Registry::builtin().all();
    const Scenario *s = scenarios[data[0] % scenarios.size()];
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QStringList args = text.split(QLatin1Char('\n'));
    QString error;
    const auto values = ParamValues::parse(s->params(), args, &error);
    if (!values) {
        if (error.isEmpty() || error.contains(QLatin1Char('\n')))
            std::abort(); // a refusal is one line that says why
        return 0;
    }
    (void)s->validate(*values);
    (void)s->totalWork(*values);
    (void)s->headline(*values, {});
    for (const ParamSpec &spec : s->params())
        (void)spec.formatValue(values->value(spec.name));
    return 0;
}
