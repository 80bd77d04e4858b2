#include "registry.h"

namespace raceway {

namespace scenarios {
#define RACEWAY_SCENARIO(name) std::unique_ptr<Scenario> make_##name();
#include "list.h"
#undef RACEWAY_SCENARIO
} // namespace scenarios

const Registry &Registry::builtin()
{
    static const Registry registry = [] {
        Registry r;
#define RACEWAY_SCENARIO(name) r.add(scenarios::make_##name());
#include "list.h"
#undef RACEWAY_SCENARIO
        return r;
    }();
    return registry;
}

void Registry::add(std::unique_ptr<Scenario> scenario)
{
    m_scenarios.push_back(std::move(scenario));
}

const Scenario *Registry::find(const QString &id) const
{
    for (const auto &s : m_scenarios)
        if (s->id() == id) return s.get();
    return nullptr;
}

std::vector<const Scenario *> Registry::all() const
{
    std::vector<const Scenario *> out;
    for (const auto &s : m_scenarios)
        out.push_back(s.get());
    return out;
}

QStringList Registry::ids() const
{
    QStringList out;
    for (const auto &s : m_scenarios)
        out << s->id();
    return out;
}

} // namespace raceway
