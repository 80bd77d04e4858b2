#pragma once

// The window's thread's events timed one by one, for benchmarks of a live window: each from its delivery
// to its return (the outermost only: events sent from inside another count in it). A poll of the run
// (a timer event: the collector's slice) and a frame (a paint) are events of their own, so the longest
// event is the longest the window could not answer input.

#include <string>
#include <vector>

namespace raceway::bench {

struct EventTiming
{
    bool recording = false;
    std::vector<double> ms;
    double longestMs = 0;
    std::string longest; // the longest event's type and receiver, for the benchmark's label
};
EventTiming &eventTiming();

} // namespace raceway::bench
