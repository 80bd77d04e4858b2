#include "taskgrouplane.h"

#include <QLocale>

#include <algorithm>
#include <array>
#include <cmath>

namespace raceway {
namespace {

// Bottom to top: what the tasks did, then what held them up, then their rest (as a summary's stripes).
constexpr std::array<State, 13> stackOrder = {
    State::Running,  State::Task,    State::Holding,    State::HoldingReady, State::Ready,
    State::LoopBusy, State::Waiting, State::WaitingGil, State::WaitingIo,    State::Blocked,
    State::Sleeping, State::Held,    State::Set,
};

} // namespace

void paintTaskGroup(const TimelineContext &ctx, QPainter &p, const TaskGroup &group, const QRect &r)
{
    const coords::Mapping &m = ctx.mapping;
    const int columns = r.width();
    if (columns <= 0 || group.members.empty()) return;
    std::vector<StateCounts> counts;
    countStates(ctx.trace, group.members, m.toTime(r.left()), m.toTime(r.left() + columns), columns, counts);
    const double perTask = double(r.height() - 2) / double(group.members.size());
    const int bottom = r.bottom();
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    // The lane's scale: a line where all of its tasks would stand.
    p.fillRect(QRect(r.left(), r.top(), r.width(), 1), ctx.palette.grid);
    // Column by column, each state a run of columns of the same height (one rectangle per run).
    std::vector<int> lowY(std::size_t(columns), bottom + 1);
    std::vector<double> below(std::size_t(columns), 0); // per column, the tasks stacked so far
    for (const State st : stackOrder) {
        const auto s = std::size_t(st);
        const QColor colour = ctx.palette.state(st);
        bool used = false;
        int runFrom = -1, runTop = 0, runBottom = 0;
        const auto flush = [&](int x1) {
            if (runFrom >= 0 && runBottom > runTop) {
                p.fillRect(QRect(r.left() + runFrom, runTop, x1 - runFrom, runBottom - runTop), colour);
                used = true;
            }
            runFrom = -1;
        };
        for (int c = 0; c < columns; ++c) {
            const double n = counts[std::size_t(c)][s];
            const int y1 = lowY[std::size_t(c)];
            int y0 = y1;
            if (n > 0.001) {
                // From the counts below it and this one, rounded together: the stack never loses a pixel.
                below[std::size_t(c)] += n;
                y0 = bottom + 1 - int(std::lround(below[std::size_t(c)] * perTask));
                if (y0 >= y1 && n * perTask >= 0.25) y0 = y1 - 1; // one task among thousands still shows
            }
            lowY[std::size_t(c)] = std::min(y0, y1);
            if (runFrom >= 0 && (y0 != runTop || y1 != runBottom)) flush(c);
            if (runFrom < 0 && y0 < y1) {
                runFrom = c;
                runTop = y0;
                runBottom = y1;
            }
        }
        flush(columns);
        if (used) ctx.inked(colour);
    }
    // The key fact, where the tasks were: what most of them did, on average while any was alive here.
    std::array<double, stateCount> sum{};
    int alive = 0, firstAlive = -1;
    for (int c = 0; c < columns; ++c) {
        if (below[std::size_t(c)] < 0.5) continue; // (all of its stack: the tasks alive there)
        ++alive;
        if (firstAlive < 0) firstAlive = c;
        for (const State st : stackOrder)
            sum[std::size_t(st)] += counts[std::size_t(c)][std::size_t(st)];
    }
    std::vector<std::pair<double, State>> means;
    for (const State st : stackOrder)
        if (alive > 0 && sum[std::size_t(st)] / alive >= 0.5)
            means.push_back({sum[std::size_t(st)] / alive, st});
    std::sort(means.begin(), means.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    if (!means.empty() && r.height() >= 24) {
        const QLocale locale;
        QStringList parts;
        for (std::size_t k = 0; k < std::min<std::size_t>(3, means.size()); ++k)
            parts << QStringLiteral("%1 %2").arg(locale.toString(qlonglong(std::llround(means[k].first))),
                                                 stateName(means[k].second));
        const QString text =
            QStringLiteral("on average, of %1: %2")
                .arg(locale.toString(qulonglong(group.members.size())), parts.join(QStringLiteral(" · ")));
        QFont f = p.font();
        f.setPixelSize(11);
        p.setFont(f);
        const QFontMetrics fm(f);
        const int w = std::min(fm.horizontalAdvance(text) + 14, r.width()); // (a little over: never elided)
        const int x = std::clamp(r.left() + firstAlive + 4, r.left(), r.right() - w);
        const QRect box(x, r.top() + 3, w, fm.height() + 2);
        QColor back = ctx.palette.background;
        back.setAlpha(225);
        p.fillRect(box, back);
        p.setPen(ctx.palette.text);
        p.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(text, Qt::ElideRight, w - 8));
    }
    p.restore();
}

void paintTaskGroupLabel(const TimelineContext &ctx, QPainter &p, const TaskGroup &group, const QRect &text)
{
    // "10,000 tasks" over "(worker)": a label column is too narrow for both on one line.
    const qsizetype open = group.label.lastIndexOf(QLatin1String(" ("));
    const QString count = open > 0 ? group.label.left(open) : group.label;
    const QString what = open > 0 ? group.label.mid(open + 1) : QString();
    p.save();
    p.setPen(ctx.palette.text);
    QFont f = p.font();
    const QFontMetrics fm(f);
    int y = text.top() + 2;
    for (const QString &line : {count, what}) {
        if (line.isEmpty()) continue;
        p.drawText(QRect(text.left(), y, text.width(), fm.height()), Qt::AlignLeft | Qt::AlignTop,
                   fm.elidedText(line, Qt::ElideMiddle, text.width()));
        y += fm.height();
    }
    f.setPixelSize(10);
    p.setFont(f);
    p.setPen(ctx.palette.mutedText);
    const QFontMetrics small(f);
    const QString lines = QStringLiteral("how many in each state\nscale 0 to %1")
                              .arg(QLocale().toString(qulonglong(group.members.size())));
    if (text.bottom() - y >= 2 * small.height())
        p.drawText(QRect(text.left(), y + 1, text.width(), text.bottom() - y), Qt::AlignLeft | Qt::AlignTop,
                   lines);
    p.restore();
}

QString describeTaskGroupAt(const Trace &trace, const TaskGroup &group, std::int64_t t)
{
    const StateCounts counts = statesAt(trace, group.members, t);
    const QLocale locale;
    QStringList parts;
    for (std::size_t s = 0; s < std::size_t(stateCount); ++s)
        if (counts[s] > 0 && State(s) != State::Idle)
            parts << QStringLiteral("%1 %2").arg(locale.toString(qlonglong(counts[s])), stateName(State(s)));
    std::size_t seen = 0;
    for (const float c : counts)
        seen += std::size_t(c);
    if (seen < group.members.size())
        parts
            << QStringLiteral("%1 not started").arg(locale.toString(qulonglong(group.members.size() - seen)));
    return QStringLiteral("%1: %2").arg(group.label, parts.join(QStringLiteral(", ")));
}

} // namespace raceway
