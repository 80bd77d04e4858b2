#pragma once

// Every order of a run's step points, each run on fresh threads held to it, and how many orders give
// each outcome: `raceway explore` and the window's Run > Explore Every Order.

#include "scenario.h"

#include <QList>

#include <cstdint>
#include <functional>
#include <vector>

namespace raceway {

struct ExploreOutcome
{
    qlonglong value = 0;      // the plan's outcome metric: 2 lost updates
    std::uint64_t orders = 0; // how many orders gave it
    QList<qlonglong> example; // the first order (in lexical order) that gave it
};

struct ExploreResult
{
    std::uint64_t total = 0;              // orders there are
    std::uint64_t runs = 0;               // orders run
    std::uint64_t unknown = 0;            // runs whose outcome could not be known
    std::vector<ExploreOutcome> outcomes; // by value, ascending
    QString error;                        // a run could not do its work (then the rest was not run)
    bool stopped = false;                 // `stop()` ended it before every order had run
};

// Runs every order of `plan` (counted already: `total`) for `scenario` with `params` (no schedule),
// one after the other; `stop` is asked between runs and during each (a run stops at its next step
// point), `progress` is told after each run.
ExploreResult exploreOrders(const Scenario &scenario, const ParamValues &params, const StepPlan &plan,
                            std::uint64_t total, const std::function<bool()> &stop,
                            const std::function<void(const ExploreResult &)> &progress = {});

// "200,000,000 steps in each order, more than the 10,000 a schedule holds", else empty.
QString tooManySteps(const StepPlan &plan);
// "2,308,743,493,056 orders of the steps, more than the limit of 100,000" when the plan has more orders
// than `limit`, else empty.
QString tooManyOrders(const StepPlan &plan, std::uint64_t limit);

} // namespace raceway
