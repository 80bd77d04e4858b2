#pragma once

// Pure time <-> pixel maths for the timeline. Header-only, no Qt, unit-tested on its own.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace raceway::coords {

// A visible time window [start, end) in nanoseconds mapped onto [left, left + width) pixels.
struct Mapping
{
    std::int64_t start = 0;
    std::int64_t end = 1;
    double left = 0;
    double width = 1;

    double nsPerPixel() const { return double(end - start) / std::max(1.0, width); }
    double toX(std::int64_t t) const { return left + double(t - start) / nsPerPixel(); }
    std::int64_t toTime(double x) const
    {
        return start + std::int64_t(std::llround((x - left) * nsPerPixel()));
    }
};

// A tick step of 1, 2 or 5 times a power of ten nanoseconds, at least minStepNs.
inline std::int64_t niceStep(double minStepNs)
{
    if (!(minStepNs > 1)) return 1;
    std::int64_t decade = 1;
    while (double(decade) * 10 <= minStepNs && decade < (std::int64_t(1) << 60) / 10)
        decade *= 10;
    for (const std::int64_t m : {1, 2, 5, 10}) {
        if (double(decade * m) >= minStepNs) return decade * m;
    }
    return decade * 10;
}

// The unit that reads best for labels spaced `step` nanoseconds apart.
struct Unit
{
    const char *suffix;
    std::int64_t ns;
};
inline Unit unitForStep(std::int64_t step)
{
    if (step >= 1'000'000'000) return {"s", 1'000'000'000};
    if (step >= 1'000'000) return {"ms", 1'000'000};
    if (step >= 1'000) return {"µs", 1'000};
    return {"ns", 1};
}

// "12.5 ms": a duration with three significant digits in the unit that fits it.
inline std::string formatDuration(std::int64_t ns)
{
    const double a = std::fabs(double(ns));
    const Unit u = unitForStep(a >= 1e9 ? 1'000'000'000 : a >= 1e6 ? 1'000'000 : a >= 1e3 ? 1'000 : 1);
    const double v = double(ns) / double(u.ns);
    char buf[48];
    const int decimals = u.ns == 1 ? 0 : (std::fabs(v) >= 100 ? 1 : std::fabs(v) >= 10 ? 2 : 3);
    std::snprintf(buf, sizeof buf, "%.*f %s", decimals, v, u.suffix);
    return buf;
}

// Zooms the window by `factor` (< 1 zooms in) keeping the time under `anchorX` fixed on screen,
// clamped to [minStart, maxEnd] and to at least minSpan nanoseconds.
inline Mapping zoomAround(const Mapping &m, double anchorX, double factor, std::int64_t minStart,
                          std::int64_t maxEnd, std::int64_t minSpan = 1000)
{
    const std::int64_t anchor = m.toTime(anchorX);
    const double frac = std::clamp((anchorX - m.left) / std::max(1.0, m.width), 0.0, 1.0);
    const std::int64_t full = std::max<std::int64_t>(1, maxEnd - minStart);
    std::int64_t span = std::int64_t(std::llround(double(m.end - m.start) * factor));
    span = std::clamp<std::int64_t>(span, std::min(minSpan, full), full);
    std::int64_t start = anchor - std::int64_t(std::llround(frac * double(span)));
    start = std::clamp(start, minStart, maxEnd - span);
    Mapping out = m;
    out.start = start;
    out.end = start + span;
    return out;
}

} // namespace raceway::coords
