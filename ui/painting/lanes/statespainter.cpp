#include "statespainter.h"

#include "columnsearch.h"
#include "rasterfill.h"
#include "vectorshapes.h"

#include <array>
#include <bit>
#include <cmath>

namespace raceway {
namespace {

constexpr int samplesPerColumn = 8;

// Colour keys: one per state, then one per CPU core for process lanes that are running.
constexpr int coreKeys = 8;
constexpr int colourKeys = stateCount + coreKeys;
static_assert(colourKeys <= 32, "a bit per colour key");

struct RunBatcher
{
    // The runs drawn, left to right: columns [x0, x1) in a colour key.
    struct Piece
    {
        int x0, x1, key;
    };
    std::vector<Piece> pieces;
    std::uint32_t keysUsed = 0; // bit per key among the pieces
    int key = int(State::Idle);
    int from = 0, to = 0; // columns [from, to)
    int top = 0, height = 0, left = 0;

    void add(int k, int x0, int x1)
    {
        if (k == key && x0 == to) {
            to = x1;
            return;
        }
        flush();
        key = k;
        from = x0;
        to = x1;
    }
    void flush()
    {
        if (to > from && key != int(State::Idle) && key != int(State::Free)) {
            pieces.push_back({left + from, left + to, key});
            keysUsed |= 1u << key;
        }
        from = to = 0;
        key = int(State::Idle);
    }
};

// One column's states: how long each was seen (or sampled) in it, and the object of its longest piece.
// Only the few states a column touches are read and reset (clearing and scanning every state's slot
// for each column took two fifths of the lanes' painting), found from a bit per state. Times are whole
// nanoseconds: integer sums equal the double ones they replace (exact below 2^53) and chain through
// memory faster from one bucket's vote to the next. Adding has no branch: which state a sample lands
// in, and whether it is the longest yet, are coin tosses in a dense column.
static_assert(stateCount <= 32, "a bit per state");
struct ColumnTally
{
    std::array<std::int64_t, stateCount> share{};
    std::array<std::int64_t, stateCount> longest{};
    std::array<std::uint16_t, stateCount> objOf{};
    std::uint32_t seen = 0; // bit per state in this column

    void add(std::size_t st, std::int64_t length, std::uint16_t obj)
    {
        seen |= 1u << st;
        share[st] += std::max<std::int64_t>(length, 0);
        const bool longer = length > longest[st];
        longest[st] = longer ? length : longest[st];
        objOf[st] = longer ? obj : objOf[st];
    }
    // A vote of `weight` for `st`; the object of its first vote stays.
    void vote(std::size_t st, std::int64_t weight, std::uint16_t obj)
    {
        const std::uint32_t bit = 1u << st;
        objOf[st] = (seen & bit) ? objOf[st] : obj;
        seen |= bit;
        share[st] += weight;
    }
    // The state with the most time, Idle only where nothing else came (a column is drawn as what happened
    // in it); the first of equals in the order of states. Then empty again.
    std::pair<State, std::uint16_t> take()
    {
        std::size_t best = std::size_t(State::Idle);
        std::int64_t most = -1;
        for (std::uint32_t m = seen & ~(1u << std::size_t(State::Idle)); m != 0; m &= m - 1) {
            const auto st = std::size_t(std::countr_zero(m));
            if (share[st] > most) {
                most = share[st];
                best = st;
            }
        }
        const std::uint16_t obj = objOf[best];
        for (std::uint32_t m = seen; m != 0; m &= m - 1) {
            const auto st = std::size_t(std::countr_zero(m));
            share[st] = longest[st] = 0;
            objOf[st] = 0;
        }
        seen = 0;
        return {State(best), obj};
    }
};

} // namespace

void paintStates(const TimelineContext &ctx, QPainter &p, const Lane &lane, const QRect &r, StateStyle style)
{
    const coords::Mapping &m = ctx.mapping;
    const auto &T = lane.times;
    const std::size_t n = T.size();
    if (n == 0) return;
    const std::int64_t laneEnd = std::max(ctx.trace.end(), T.back());
    const double npp = m.nsPerPixel();
    const int width = r.width();
    RunBatcher batch;
    const int inset = r.height() >= 10 ? 2 : 0; // a thin row of a collapsed group uses all of it
    batch.top = r.top() + inset;
    batch.height = r.height() - 2 * inset;
    batch.left = r.left();
    struct Label
    {
        int x0, x1;
        std::uint16_t obj;
        State state;
    };
    std::vector<Label> labels;
    // Process lanes show which core they run on by colour.
    const bool byCore = style.runningByCore;
    const bool heldAsRunning = style.heldAsRunning;
    auto keyOf = [byCore, heldAsRunning](State st, std::uint16_t obj) {
        if (heldAsRunning && st == State::Held) return int(State::Running);
        return byCore && st == State::Running ? stateCount + obj % coreKeys : int(st);
    };

    // Runs of one state and object, so that two holders or two tasks that meet get a seam between them.
    struct Run
    {
        int x0, x1;
        State state;
        std::uint16_t obj;
    };
    std::vector<Run> runs;
    auto addRun = [&](State st, std::uint16_t obj, int x0, int x1) {
        batch.add(keyOf(st, obj), x0, x1);
        if (!runs.empty() && runs.back().state == st && runs.back().obj == obj && runs.back().x1 == x0)
            runs.back().x1 = x1;
        else
            runs.push_back({x0, x1, st, obj});
    };

    int x = std::max(0, int(std::floor(double(T[0] - m.start) / npp)));
    // col * npp is never negative: truncation is its floor, without a library call.
    auto columnStart = [&](int col) { return m.start + std::int64_t(double(col) * npp); };

    // Very dense lanes (many buckets per pixel) are drawn from the bucket summaries alone: a linear
    // walk over an array 32 times smaller than the transitions, in which every column's buckets vote
    // with their dominant state's time; denser still (two or more of them a column), over the mid
    // buckets, 4 times smaller, or the coarse ones, 32 times smaller (then the levels below, after the
    // last bucket of each). The transitions themselves are touched only past the last complete bucket.
    ColumnTally tally;
    const std::ptrdiff_t visible = lane.indexAt(m.end) - std::max<std::ptrdiff_t>(0, lane.indexAt(m.start));
    // Columns from x on while they end by `end`, each from the buckets of `Bk` that start in it.
    auto walk = [&](const Column<Bucket> &Bk, std::int64_t end) {
        // b: the first bucket that starts at or after the current column's start.
        auto b = std::size_t(std::lower_bound(Bk.begin(), Bk.end(), columnStart(x),
                                              [](const Bucket &k, std::int64_t t) { return k.start < t; }) -
                             Bk.begin());
        while (x < width && columnStart(x + 1) <= end) {
            const std::int64_t tb = columnStart(x + 1);
            // Each state's object from the first bucket it dominates: the chosen state's (a process running
            // is coloured by its own core, never by the lock another bucket waited for).
            const std::size_t first = b;
            // Read by pointer within each block of the column (finding the block for each bucket was a
            // third of the walk).
            while (b < Bk.size()) {
                const std::size_t stop = std::min(Bk.size(), (b | column::blockMask) + 1);
                const Bucket *k = Bk.blockOf(b) + (b & column::blockMask);
                for (; b < stop && k->start < tb; ++b, ++k)
                    tally.vote(std::size_t(k->dominant), std::int64_t(k->dominantNs) + 1, k->obj);
                if (b < stop) break; // this column's buckets end here
            }
            if (b == first) { // no bucket starts in this column: the one spanning it colours it
                const Bucket &spanning = Bk[b == 0 ? 0 : b - 1];
                tally.vote(std::size_t(spanning.dominant), 1, spanning.obj);
            }
            const auto [best, bestObj] = tally.take();
            addRun(best, bestObj, x, x + 1);
            ++x;
        }
    };
    constexpr double perBucket = Lane::bucketSize;
    constexpr double perMid = Lane::midSize * perBucket;
    if (double(visible) > double(width) * 2 * perBucket * perBucket && !lane.coarse.empty())
        walk(lane.coarse, T[lane.coarse.size() * Lane::bucketSize * Lane::bucketSize]);
    if (double(visible) > double(width) * 2 * perMid && !lane.mid.empty())
        walk(lane.mid, T[lane.mid.size() * Lane::midSize * Lane::bucketSize]);
    if (double(visible) > double(width) * 4 * perBucket && !lane.buckets.empty())
        walk(lane.buckets, T[lane.buckets.size() * Lane::bucketSize]);
    const auto less = [](std::int64_t a, std::int64_t b) { return a < b; };
    std::size_t cursor = std::size_t(std::max<std::ptrdiff_t>(0, lane.indexAt(columnStart(x))));
    bool cursorExact = false; // true when cursor is known to be the transition in force at ta
    std::size_t lastCount = 1;
    while (x < width) {
        const std::int64_t ta = columnStart(x);
        const std::int64_t tb = columnStart(x + 1);
        if (ta >= laneEnd) break;
        // The transition in force at ta, and the first one at or after tb.
        std::size_t i = cursor;
        if (!cursorExact) {
            const auto after = gallop(T.begin() + std::ptrdiff_t(cursor), T.end(), ta, less);
            i = after == T.begin() ? 0 : std::size_t(after - T.begin()) - 1;
        }
        const auto guess = T.begin() + std::ptrdiff_t(std::min(n, i + lastCount));
        const auto j =
            std::size_t(gallopNear(T.begin() + std::ptrdiff_t(i), T.end(), guess, tb - 1, less) - T.begin());
        if (j <= i) { // the column ends before the lane's first transition
            ++x;
            cursorExact = false;
            continue;
        }
        lastCount = j - i;
        // The next column starts at tb: the transition in force there is j if it starts exactly at tb.
        cursor = (j < n && T[j] == tb) ? j : j - 1;
        cursorExact = true;
        if (j == i + 1) {
            // One state covers this column and every column up to the next transition.
            const std::int64_t next = j < n ? T[j] : laneEnd;
            const int xNext = std::min(width, std::max(x + 1, int(std::floor(double(next - m.start) / npp))));
            addRun(lane.states[i], lane.objs[i], x, xNext);
            cursorExact = xNext == x + 1;
            if ((lane.states[i] == State::Task || lane.states[i] == State::WaitingIo) && xNext - x > 44)
                labels.push_back({x, xNext, lane.objs[i], lane.states[i]});
            x = xNext;
            continue;
        }
        // Each state's time in this column, and the object of its longest piece there: who held the lock,
        // which task ran.
        if (j - i <= samplesPerColumn) {
            for (std::size_t k = i; k < j; ++k) {
                const std::int64_t s0 = std::max(T[k], ta);
                const std::int64_t s1 = std::min(k + 1 < n ? T[k + 1] : laneEnd, tb);
                if (s1 > s0) tally.add(std::size_t(lane.states[k]), s1 - s0, lane.objs[k]);
            }
        } else {
            // Many transitions in one pixel: sample intervals at evenly spaced indices and weight each
            // by its length. That estimates every state's share of the column's time without bias, and
            // costs a few loads instead of a search per sample.
            const auto sample = [&](auto timeAt, auto stateAt, auto objAt) {
                for (std::size_t q = 0; q < std::size_t(samplesPerColumn); ++q) {
                    const std::size_t k = i + (q * (j - i)) / samplesPerColumn; // as q * stride, truncated
                    const std::int64_t s0 = std::max(timeAt(k), ta);
                    const std::int64_t s1 = std::min(k + 1 < n ? timeAt(k + 1) : laneEnd, tb);
                    tally.add(std::size_t(stateAt(k)), s1 - s0, objAt(k));
                }
            };
            if ((i >> column::blockBits) == (std::min(j, n - 1) >> column::blockBits)) {
                // Mostly all in one block of the columns: read there, without finding the block for each
                // (that was a fifth of painting the lanes).
                std::int64_t base = 0;
                const std::uint32_t *offsets = T.offsetsOf(i, &base);
                const State *states = lane.states.blockOf(i);
                const std::uint16_t *objs = lane.objs.blockOf(i);
                sample(
                    [&](std::size_t k) {
                        const std::uint32_t off = offsets[k & column::blockMask];
                        return off != TimeColumn::escaped ? base + std::int64_t(off) : T[k];
                    },
                    [&](std::size_t k) { return states[k & column::blockMask]; },
                    [&](std::size_t k) { return objs[k & column::blockMask]; });
            } else {
                sample([&](std::size_t k) { return T[k]; }, [&](std::size_t k) { return lane.states[k]; },
                       [&](std::size_t k) { return lane.objs[k]; });
            }
        }
        const auto [best, bestObj] = tally.take();
        addRun(best, bestObj, x, x + 1);
        ++x;
    }
    batch.flush();
    // A holder's name where its stretch is wide enough: as drawn, so that gaps too short to see (a core
    // that ran something else for a few microseconds) do not hide it.
    // And what a long wait waits for, where it has a name ("lock A", "its turn to read").
    for (const Run &run : runs)
        if ((run.state == State::Held ||
             (run.state == State::Waiting && !ctx.trace.objectName(run.obj).isEmpty())) &&
            run.x1 - run.x0 > 56)
            labels.push_back({run.x0, run.x1, run.obj, run.state});
    // A seam where one holder hands the lock to the next, or one task follows another on a pool thread,
    // wherever both sides are wide enough to see (zoom in to see every hand-over).
    std::vector<int> seams;
    for (std::size_t k = 1; k < runs.size(); ++k) {
        const Run &a = runs[k - 1], &b = runs[k];
        if (a.x1 == b.x0 && a.state == b.state && a.obj != b.obj &&
            (a.state == State::Held || a.state == State::Task) && a.x1 - a.x0 >= 3 && b.x1 - b.x0 >= 3)
            seams.push_back(b.x0);
    }

    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    // A vector file gets one shape per colour instead of one per run.
    const bool vector = isVectorDevice(p);
    const auto colourOf = [&ctx](int key) {
        return key < stateCount ? ctx.palette.state(State(key)) : TimelinePalette::core(key - stateCount);
    };
    // Each key's colour looked up once, not once a run (thousands a lane zoomed out).
    std::array<QColor, colourKeys> colours;
    bool opaque = true;
    for (int s = 0; s < colourKeys; ++s)
        if (batch.keysUsed & (1u << s)) {
            colours[std::size_t(s)] = colourOf(s);
            opaque &= s == int(State::Done) || colours[std::size_t(s)].alpha() == 255;
        }
    // On an image, every full-height run in one go (see fillOpaqueColumns); Done's thin ones as rectangles.
    bool fullHeightDrawn = false;
    if (!vector && opaque) {
        std::vector<ColumnSpan> spans;
        spans.reserve(batch.pieces.size());
        for (const RunBatcher::Piece &piece : batch.pieces)
            if (piece.key != int(State::Done))
                spans.push_back({piece.x0, piece.x1, colours[std::size_t(piece.key)].rgba()});
        fullHeightDrawn = fillOpaqueColumns(p, spans, batch.top, batch.height);
    }
    for (int s = 0; s < colourKeys; ++s) {
        if (!(batch.keysUsed & (1u << s))) continue;
        const QColor &colour = colours[std::size_t(s)];
        ctx.inked(colour);
        if (fullHeightDrawn && s != int(State::Done)) continue;
        // Finished lanes shrink to a thin line so that the live ones stand out.
        const int h = s == int(State::Done) ? std::max(2, batch.height / 4) : batch.height;
        QVector<QRect> rects;
        for (const RunBatcher::Piece &piece : batch.pieces)
            if (piece.key == s)
                rects.append(QRect(piece.x0, batch.top + (batch.height - h) / 2, piece.x1 - piece.x0, h));
        if (vector) {
            fillColumns(p, rects, colour);
        } else if (!fillOpaqueRects(p, rects, colour)) {
            p.setBrush(colour);
            p.drawRects(rects);
        }
    }
    if (vector) {
        QVector<QRect> seamRects;
        for (int sx : seams)
            seamRects.append(QRect(r.left() + sx, batch.top, 1, batch.height));
        fillColumns(p, seamRects, ctx.palette.background);
    } else {
        for (int sx : seams)
            p.fillRect(QRect(r.left() + sx, batch.top, 1, batch.height), ctx.palette.background);
    }
    p.setPen(Qt::white);
    for (const Label &l : labels) {
        const QString text = l.state == State::Task             ? QStringLiteral("task %1").arg(l.obj + 1)
                             : l.state == State::WaitingIo      ? QStringLiteral("#%1").arg(l.obj + 1)
                             : l.state == State::Waiting        ? ctx.trace.objectName(l.obj)
                             : l.obj < ctx.trace.lanes().size() ? ctx.trace.lane(l.obj).name
                                                                : QString();
        const QRect box(r.left() + l.x0 + 4, r.top(), l.x1 - l.x0 - 8, r.height());
        p.drawText(box, Qt::AlignVCenter | Qt::AlignLeft,
                   p.fontMetrics().elidedText(text, Qt::ElideRight, box.width()));
    }
    p.restore();
}

} // namespace raceway
