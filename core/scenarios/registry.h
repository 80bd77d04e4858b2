#pragma once

#include "scenario.h"

#include <memory>
#include <vector>

namespace raceway {

class Registry
{
public:
    static const Registry &builtin();

    void add(std::unique_ptr<Scenario> scenario);
    const Scenario *find(const QString &id) const;
    std::vector<const Scenario *> all() const;
    QStringList ids() const;

private:
    std::vector<std::unique_ptr<Scenario>> m_scenarios;
};

} // namespace raceway
