#include "summarypainter.h"

#include <array>
#include <cmath>

namespace raceway {
namespace {

// Top to bottom: what the lane did, then what held it up, then its rest.
constexpr std::array<State, 18> stripeOrder = {
    State::Running,  State::Task,    State::Holding,    State::HoldingReady, State::Ready,
    State::LoopBusy, State::Waiting, State::WaitingGil, State::WaitingIo,    State::Blocked,
    State::Sleeping, State::Held,    State::Set,        State::Done,         State::Cancelled,
    State::Crashed,  State::Killed,  State::TimedOut,
};

} // namespace

std::int64_t summaryResolution(const Trace &trace)
{
    std::int64_t widest = 0;
    for (const Lane &lane : trace.lanes()) {
        if (lane.pastBudget.started()) widest = std::max(widest, lane.pastBudget.width());
        if (lane.pastSeries.started()) widest = std::max(widest, lane.pastSeries.width());
    }
    return widest;
}

void paintPastBudget(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r)
{
    const StateSummary &s = lane.pastBudget;
    const coords::Mapping &m = ctx.mapping;
    if (!s.started() || s.start() >= m.end) return;
    const auto xOf = [&](std::int64_t t) {
        return int(std::lround(std::clamp(m.toX(t), double(r.left()) - 1, double(r.right()) + 2)));
    };
    const int inset = r.height() >= 10 ? 2 : 0;
    const int top = r.top() + inset, height = r.height() - 2 * inset;
    // What the lane's last transition would draw on from here is not what happened: cleared first.
    const int clearFrom = std::max(r.left(), xOf(s.start()));
    const int clearTo = std::min(r.right() + 1, xOf(std::max(s.end(), ctx.trace.end())));
    if (clearTo <= clearFrom) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(QRect(clearFrom, r.top(), clearTo - clearFrom, r.height()), ctx.palette.background);

    const bool seams = double(s.width()) / m.nsPerPixel() >= 6.0;
    std::array<std::int64_t, stateCount> ns{};
    std::int64_t lost = 0, unknown = 0;
    int groupFrom = -1;
    bool any = false;
    const auto flush = [&](int x1) {
        if (groupFrom < 0 || x1 <= groupFrom) return;
        // A lock's or an event's time free is its share of the height left empty, at the bottom.
        std::int64_t total = unknown + ns[std::size_t(State::Free)];
        for (const State st : stripeOrder)
            total += ns[std::size_t(st)];
        if (total > 0 && ns[std::size_t(State::Done)] == total) { // done: a thin line, as its events draw it
            const int h = std::max(2, height / 4);
            const QColor colour = ctx.palette.state(State::Done);
            p.fillRect(QRect(groupFrom, top + (height - h) / 2, x1 - groupFrom, h), colour);
            ctx.inked(colour);
        } else if (total > 0) {
            std::int64_t cumulative = 0;
            int y = top;
            for (const State st : stripeOrder) {
                const std::int64_t part = ns[std::size_t(st)];
                if (part == 0) continue;
                cumulative += part;
                const int y1 = top + int(std::llround(double(cumulative) / double(total) * height));
                if (y1 > y) {
                    const QColor colour = ctx.palette.state(st);
                    p.fillRect(QRect(groupFrom, y, x1 - groupFrom, y1 - y), colour);
                    ctx.inked(colour);
                }
                y = y1;
            }
            // What is not known (the collector fell too far behind to keep it), hatched as unrecorded time.
            if (unknown > 0 && top + height > y) {
                QColor hatch = ctx.palette.mutedText;
                hatch.setAlpha(140);
                p.fillRect(QRect(groupFrom, y, x1 - groupFrom, top + height - y),
                           QBrush(hatch, Qt::BDiagPattern));
            }
            // A seam between blocks wide enough to see: the resolution shows (decided by the buckets'
            // width, not by each block's rounded one: seams came and went along the lane).
            if (seams) p.fillRect(QRect(x1 - 1, top, 1, height), ctx.palette.background);
        }
        if (lost > 0) { // erased on the whole (a block that gave back more shows nothing)
            p.fillRect(QRect(groupFrom, r.bottom() - 2, std::max(1, x1 - groupFrom - 1), 3),
                       ctx.palette.lostMarker);
            ctx.inked(ctx.palette.lostMarker);
        }
        ns.fill(0);
        lost = 0;
        unknown = 0;
        any = false;
        groupFrom = -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const std::int64_t b0 = std::max(s.bucketStart(i), s.start());
        const std::int64_t b1 = std::min(s.bucketStart(i) + s.width(), s.end());
        if (b1 <= m.start || b1 <= b0) continue;
        if (b0 >= m.end) break;
        const int x0 = std::max(clearFrom, xOf(b0)), x1 = std::min(clearTo, xOf(b1));
        // A block spans two pixels at least: narrower buckets are drawn together.
        if (groupFrom < 0) groupFrom = x0;
        for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
            ns[st] += s.coveredNs(i, st);
        lost += s.bucket(i).lost;
        unknown += s.unknownNs(i);
        any = true;
        if (x1 - groupFrom >= 2) flush(x1);
    }
    if (any) flush(std::max(groupFrom + 1, std::min(clearTo, xOf(s.end()))));
    // While the run goes on: the state the lane is in since its last event, up to the live edge.
    if (s.hasOpen() && ctx.trace.end() > s.end()) {
        const auto state = State(s.openState());
        const int x0 = std::max(clearFrom, xOf(std::max(s.end(), s.openFrom())));
        if (clearTo > x0 && state != State::Idle) {
            const QColor colour = ctx.palette.state(state);
            const int h = state == State::Done ? std::max(2, height / 4) : height;
            p.fillRect(QRect(x0, top + (height - h) / 2, clearTo - x0, h), colour);
            ctx.inked(colour);
        }
    }
    p.restore();
}

} // namespace raceway
