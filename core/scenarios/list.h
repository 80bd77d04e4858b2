// Every built-in scenario, one line each, in the order they are listed. A scenario named X is defined
// in scenarios/X.cpp as `std::unique_ptr<Scenario> raceway::scenarios::make_X()`.
RACEWAY_SCENARIO(counter)
RACEWAY_SCENARIO(pool)
RACEWAY_SCENARIO(processes)
RACEWAY_SCENARIO(processpool)
RACEWAY_SCENARIO(sharedvalue)
RACEWAY_SCENARIO(gil)
RACEWAY_SCENARIO(download)
RACEWAY_SCENARIO(eventloop)
RACEWAY_SCENARIO(compare)
