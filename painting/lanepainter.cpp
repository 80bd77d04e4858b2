// The per-lane drawing of TimelinePainter, level of detail included: every lane walks pixel columns,
// not events. A column covered by one state jumps straight to the column of the next transition; a
// column holding several transitions is drawn in the state that fills most of it.

#include "timelinepainter.h"

#include <QPainterPath>

#include <array>
#include <cmath>

namespace raceway {
namespace {

constexpr int samplesPerColumn = 16;

struct RunBatcher
{
    std::array<QVector<QRect>, stateCount> rects;
    State state = State::Idle;
    int from = 0, to = 0; // columns [from, to)
    int top = 0, height = 0, left = 0;

    void add(State s, int x0, int x1)
    {
        if (s == state && x0 == to) {
            to = x1;
            return;
        }
        flush();
        state = s;
        from = x0;
        to = x1;
    }
    void flush()
    {
        if (to > from && state != State::Idle && state != State::Free) {
            // Finished lanes shrink to a thin line so that the live ones stand out.
            const int h = state == State::Done ? std::max(2, height / 4) : height;
            rects[int(state)].append(QRect(left + from, top + (height - h) / 2, to - from, h));
        }
        from = to = 0;
        state = State::Idle;
    }
};

} // namespace

void TimelinePainter::paintStates(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &T = lane.times;
    const std::size_t n = T.size();
    if (n == 0)
        return;
    const std::int64_t laneEnd = std::max(m_trace.end(), T.back());
    const double npp = m.nsPerPixel();
    const int width = r.width();
    RunBatcher batch;
    batch.top = r.top() + 2;
    batch.height = r.height() - 4;
    batch.left = r.left();
    struct Label
    {
        int x0, x1;
        std::uint16_t obj;
    };
    std::vector<Label> labels;

    int x = std::max(0, int(std::floor(double(T[0] - m.start) / npp)));
    auto columnStart = [&](int col) { return m.start + std::int64_t(std::floor(double(col) * npp)); };
    while (x < width) {
        const std::int64_t ta = columnStart(x);
        const std::int64_t tb = columnStart(x + 1);
        if (ta >= laneEnd)
            break;
        auto i = std::size_t(std::max<std::ptrdiff_t>(0, lane.indexAt(ta)));
        const auto j = std::size_t(std::lower_bound(T.begin() + std::ptrdiff_t(i) + 1, T.end(), tb) - T.begin());
        if (j == i + 1) {
            // One state covers this column and every column up to the next transition.
            const std::int64_t next = j < n ? T[j] : laneEnd;
            const int xNext = std::min(width, std::max(x + 1, int(std::floor(double(next - m.start) / npp))));
            batch.add(lane.states[i], x, xNext);
            if (lane.states[i] == State::Held && xNext - x > 70)
                labels.push_back({x, xNext, lane.objs[i]});
            x = xNext;
            continue;
        }
        std::array<double, stateCount> share{};
        if (j - i <= samplesPerColumn) {
            for (std::size_t k = i; k < j; ++k) {
                const std::int64_t s0 = std::max(T[k], ta);
                const std::int64_t s1 = std::min(k + 1 < n ? T[k + 1] : laneEnd, tb);
                if (s1 > s0)
                    share[int(lane.states[k])] += double(s1 - s0);
            }
        } else {
            // Many transitions in one pixel: estimate each state's share of the time by sampling it.
            auto lo = T.begin() + std::ptrdiff_t(i);
            const auto hi = T.begin() + std::ptrdiff_t(j);
            for (int q = 0; q < samplesPerColumn; ++q) {
                const std::int64_t t = ta + std::int64_t((double(q) + 0.5) * double(tb - ta) / samplesPerColumn);
                const auto it = std::upper_bound(lo, hi, t);
                if (it == T.begin())
                    continue;
                lo = it - 1;
                share[int(lane.states[std::size_t(lo - T.begin())])] += 1;
            }
        }
        share[int(State::Idle)] = -1;
        const auto best = State(std::max_element(share.begin(), share.end()) - share.begin());
        batch.add(best, x, x + 1);
        ++x;
    }
    batch.flush();

    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    for (int s = 0; s < stateCount; ++s) {
        if (batch.rects[std::size_t(s)].isEmpty())
            continue;
        p.setBrush(m_palette.state(State(s)));
        p.drawRects(batch.rects[std::size_t(s)]);
    }
    p.setPen(Qt::white);
    for (const Label &l : labels) {
        if (l.obj < m_trace.lanes().size())
            p.drawText(QRect(r.left() + l.x0 + 4, r.top(), l.x1 - l.x0 - 8, r.height()),
                       Qt::AlignVCenter | Qt::AlignLeft, m_trace.lane(l.obj).name);
    }
    p.restore();
}

void TimelinePainter::paintMarkers(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &M = lane.markers;
    if (M.empty())
        return;
    const double npp = m.nsPerPixel();
    auto byTime = [](const Marker &mk, std::int64_t t) { return mk.t < t; };
    auto k = std::size_t(std::lower_bound(M.begin(), M.end(), m.start, byTime) - M.begin());
    QPainterPath lost, restored;
    QVector<QLine> ticks;
    double lastX = -1e9;
    const double top = r.top() + 0.5;
    while (k < M.size() && M[k].t <= m.end) {
        const double col = std::floor(double(M[k].t - m.start) / npp);
        const double x = r.left() + col + 0.5;
        const std::int64_t colEnd = m.start + std::int64_t((col + 1) * npp);
        const auto k2 = std::size_t(std::lower_bound(M.begin() + std::ptrdiff_t(k) + 1, M.end(), colEnd, byTime) -
                                    M.begin());
        // Several writes in one column draw one glyph; a glyph every few pixels at most.
        const bool anyLost = M[k].value > 0 || k2 - k > 1;
        if (x - lastX >= 4) {
            if (anyLost) {
                lost.addPolygon(QPolygonF({QPointF(x - 4.5, top), QPointF(x + 4.5, top), QPointF(x, top + 8)}));
                lost.closeSubpath();
                ticks.append(QLine(int(x), r.top() + 8, int(x), r.bottom()));
            } else {
                const double b = r.bottom() - 0.5;
                restored.addPolygon(QPolygonF({QPointF(x - 3.5, b), QPointF(x + 3.5, b), QPointF(x, b - 6)}));
                restored.closeSubpath();
            }
            lastX = x;
        }
        k = k2;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(m_palette.lostOutline, 1));
    p.drawLines(ticks);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setBrush(m_palette.lostMarker);
    p.drawPath(lost);
    p.setBrush(m_palette.restoredMarker);
    p.setPen(Qt::NoPen);
    p.drawPath(restored);
    p.restore();
}

void TimelinePainter::paintCounter(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &S = lane.series;
    if (S.empty())
        return;
    std::int64_t top = 1;
    for (const SeriesPoint &pt : {S.front(), S.back()})
        top = std::max({top, pt.a, pt.b});
    const double y0 = r.bottom() - 3, scale = double(r.height() - 8) / double(top);
    auto yOf = [&](std::int64_t v) { return y0 - double(v) * scale; };
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    QPolygonF expected, actual;
    const int width = r.width();
    const std::int64_t lastT = std::max(m_trace.end(), S.back().t);
    const double firstX = std::max(0.0, std::floor(double(S.front().t - m.start) / m.nsPerPixel()));
    for (int x = int(firstX); x <= width; ++x) {
        const std::int64_t t = m.toTime(r.left() + x);
        if (t > lastT)
            break;
        const auto it = std::upper_bound(S.begin(), S.end(), t, before);
        const SeriesPoint &pt = it == S.begin() ? S.front() : *(it - 1);
        expected << QPointF(r.left() + x, yOf(pt.a));
        actual << QPointF(r.left() + x, yOf(pt.b));
    }
    if (expected.isEmpty())
        return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    QPolygonF gap = expected;
    for (auto it = actual.crbegin(); it != actual.crend(); ++it)
        gap << *it;
    p.setPen(Qt::NoPen);
    p.setBrush(m_palette.lostArea);
    p.drawPolygon(gap);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(m_palette.expectedLine, 1.5));
    p.drawPolyline(expected);
    p.setPen(QPen(m_palette.actualLine, 2));
    p.drawPolyline(actual);
    p.restore();
}

void TimelinePainter::paintWaiters(QPainter &p, const Lane &lane, const QRect &r, const coords::Mapping &m) const
{
    const auto &S = lane.series;
    if (S.empty())
        return;
    std::int64_t most = 1;
    for (const SeriesPoint &pt : S)
        most = std::max(most, pt.a);
    auto before = [](std::int64_t t, const SeriesPoint &pt) { return t < pt.t; };
    QVector<QRect> bars;
    const int maxH = r.height() / 3;
    for (int x = 0; x < r.width(); ++x) {
        const std::int64_t t = m.toTime(r.left() + x);
        const auto it = std::upper_bound(S.begin(), S.end(), t, before);
        if (it == S.begin())
            continue;
        const std::int64_t v = (it - 1)->a;
        if (v <= 0)
            continue;
        const int h = std::max(1, int(std::lround(double(v) * maxH / double(most))));
        bars.append(QRect(r.left() + x, r.bottom() - h, 1, h));
    }
    p.save();
    p.setPen(Qt::NoPen);
    p.setBrush(m_palette.waitersFill);
    p.drawRects(bars);
    p.restore();
}

} // namespace raceway
