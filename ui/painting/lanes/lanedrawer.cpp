#include "lanedrawer.h"

#include "handoffs.h"
#include "instantspainter.h"
#include "results.h"
#include "sitestats.h"

#include <QFont>
#include <QFontMetrics>
#include <QLocale>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

namespace raceway {
namespace {

QString duration(std::int64_t ns)
{
    return QString::fromStdString(coords::formatDuration(ns));
}

} // namespace

int LaneDrawer::height(double scale) const
{
    if (scale == 1.0) return baseHeight();
    return std::max(minimumHeight(), int(std::lround(baseHeight() * scale)));
}

int LaneDrawer::heightOf(const Lane &lane, double scale) const
{
    if (scale == 1.0) return laneBaseHeight(lane);
    return std::max(laneMinimumHeight(lane), int(std::lround(laneBaseHeight(lane) * scale)));
}

void LaneDrawer::paintLabel(const TimelineContext &, QPainter &p, const Lane &lane, const QRect &text) const
{
    paintName(p, lane.name, text, Qt::AlignVCenter);
}

QString LaneDrawer::fitName(const QString &name, const QFontMetrics &fm, int width)
{
    if (fm.horizontalAdvance(name) <= width) return name;
    // What tells repeated names apart stays whole: "ThreadP…Worker (tid 29140)", "w0 (2) calls".
    static const QRegularExpression tail(QStringLiteral(R"( \((?:tid |pid )?\d+\)( calls| counters)?$)"));
    const QRegularExpressionMatch m = tail.match(name);
    if (m.hasMatch()) {
        const QString suffix = m.captured(0);
        const int room = width - fm.horizontalAdvance(suffix);
        // Of "process / thread", the thread: the tid is its.
        QString head = name.left(m.capturedStart(0));
        if (const qsizetype slash = head.lastIndexOf(QStringLiteral(" / ")); slash >= 0)
            head = head.mid(slash + 3);
        if (room >= width / 3) return fm.elidedText(head, Qt::ElideMiddle, room) + suffix;
    }
    // A numbered name with a description after it ("task Task-12 (download)"): the number stays.
    static const QRegularExpression numbered(QStringLiteral(R"(^\D*\d+ \([^()]*\)$)"));
    if (numbered.match(name).hasMatch()) return fm.elidedText(name, Qt::ElideRight, width);
    // Elided in the middle: "ThreadPoolExecutor-0_0" and "…-0_2" keep what tells them apart.
    return fm.elidedText(name, Qt::ElideMiddle, width);
}

void LaneDrawer::paintName(QPainter &p, const QString &name, const QRect &text, Qt::Alignment vertical)
{
    p.drawText(text, vertical | Qt::AlignLeft, fitName(name, QFontMetrics(p.font()), text.width()));
}

void LaneDrawer::paintNameAndScale(const TimelineContext &ctx, QPainter &p, const Lane &lane,
                                   const QRect &text, const QString &scale)
{
    if (text.height() < 26) { // too thin for two lines
        paintName(p, lane.name, text, Qt::AlignVCenter);
        return;
    }
    paintName(p, lane.name, text.adjusted(0, 1, 0, 0), Qt::AlignTop);
    p.save();
    const QFont small = scaleFont(p.font());
    p.setFont(small);
    p.setPen(ctx.palette.mutedText);
    p.drawText(text.adjusted(0, 0, 0, -1), Qt::AlignBottom | Qt::AlignLeft,
               QFontMetrics(small).elidedText(scale, Qt::ElideRight, text.width()));
    p.restore();
}

QFont LaneDrawer::scaleFont(const QFont &font)
{
    QFont small = font;
    small.setPixelSize(10);
    return small;
}

void LaneDrawer::legend(const Lane &lane, LegendEntries &entries) const
{
    entries.addStates(lane.statesSeen | lane.pastBudget.statesSeen());
    legendMarkers(lane, entries);
}

void LaneDrawer::legendMarkers(const Lane &lane, LegendEntries &entries)
{
    const TimelinePalette &palette = entries.palette();
    if (!lane.markers.empty())
        entries.add(LegendEntries::LostUpdates,
                    {LegendItem::Marker, palette.lostMarker,
                     QStringLiteral("lost update: a write erased others' increments")});
    if (lane.restoringWrites)
        entries.add(LegendEntries::RestoringWrites,
                    {LegendItem::Restoring, palette.restoredMarker,
                     QStringLiteral("restoring write: a stale write put erased increments back")});
}

QString LaneDrawer::describeState(const Trace &trace, const Lane &, const Interval &iv) const
{
    QString state = stateName(iv.state, iv.obj);
    if ((iv.state == State::Waiting || iv.state == State::Holding || iv.state == State::HoldingReady) &&
        !trace.objectName(iv.obj).isEmpty()) {
        // A lock's waits read "waiting for lock “A”"; an event's, a condition's, a semaphore's name them.
        const int objLane = iv.obj < trace.objects().size() ? trace.objects()[iv.obj].lane : -1;
        const bool lock = objLane >= 0 && std::size_t(objLane) < trace.lanes().size() &&
                          (trace.lane(std::size_t(objLane)).kind == LaneKind::Lock ||
                           trace.lane(std::size_t(objLane)).kind == LaneKind::Gil);
        const QString name = trace.objectName(iv.obj).toHtmlEscaped();
        if (iv.state == State::Waiting)
            state = (lock ? QStringLiteral("waiting for lock “%1”") : QStringLiteral("waiting for “%1”"))
                        .arg(name);
        else
            state = (lock ? QStringLiteral("holding lock “%1”") : QStringLiteral("holding a permit of “%1”"))
                        .arg(name);
        if (iv.state == State::HoldingReady) // the lock stays held while its holder waits for a core
            state += QStringLiteral(", but off its core, waiting for one (whoever waits for it waits too)");
    }
    if (iv.state == State::Held && iv.obj < trace.lanes().size())
        state = QStringLiteral("held by %1").arg(trace.lane(iv.obj).name);
    if (iv.state == State::Task) state = QStringLiteral("running task %1").arg(iv.obj + 1);
    if (iv.state == State::WaitingIo) state = QStringLiteral("waiting on I/O (#%1)").arg(iv.obj + 1);
    return state;
}

namespace {

// "Asked for at bank.py:31 in transfer" for a wait, "Let go at ..." for a hold someone waited for.
QString placeOf(const Trace &trace, std::size_t laneIndex, const Interval &iv)
{
    const Lane &lane = trace.lane(laneIndex);
    if (lane.sites.size() == 0) return {};
    if (iv.state == State::Waiting)
        if (const SitePoint *p = lane.siteAt(iv.start, SiteOf::Wait))
            return QStringLiteral("Asked for at <b>%1</b>").arg(trace.siteName(p->site).toHtmlEscaped());
    if (iv.state != State::Holding && iv.state != State::HoldingReady) return {};
    // The hold's release: the first one at or after this part of it, if the hold reaches back here.
    auto it = std::lower_bound(lane.sites.begin(), lane.sites.end(), iv.end,
                               [](const SitePoint &s, std::int64_t t) { return s.t < t; });
    for (; it != lane.sites.end(); ++it) {
        const SitePoint &p = *it;
        if (p.what != SiteOf::Release) continue;
        if (holdUntil(trace, laneIndex, p.t).from > iv.start) return {};
        return QStringLiteral("Let go at <b>%1</b>, after another thread had waited for it")
            .arg(trace.siteName(p.site).toHtmlEscaped());
    }
    return {};
}

} // namespace

namespace {

// A share in whole percent; what is there but under 1 % says so instead of 0 %.
QString percentOf(std::int64_t part, std::int64_t whole)
{
    if (whole <= 0) return QStringLiteral("0 %");
    const std::int64_t pct = (part * 100 + whole / 2) / whole;
    return pct == 0 && part > 0 ? QStringLiteral("under 1 %") : QStringLiteral("%1 %").arg(pct);
}

// Past the budget: the summary's block under the mouse, in words (shares of its time, largest first).
QString describeSummary(const Trace &trace, const Lane &lane, const TimelineHit &hit)
{
    const StateSummary &s = lane.pastBudget;
    const std::int64_t t0 = trace.start();
    if (hit.summaryBucket < 0)
        return QStringLiteral("Past the event budget, %1 since %2 (its last event; the run goes on)")
            .arg(stateName(State(s.openState())), duration(std::max(s.end(), s.openFrom()) - t0));
    const auto b = std::size_t(hit.summaryBucket);
    const std::int64_t from = std::max(s.bucketStart(b), s.start());
    const std::int64_t to = std::min(s.bucketStart(b) + s.width(), s.end());
    std::vector<std::pair<std::int64_t, std::size_t>> shares;
    std::int64_t total = s.unknownNs(b);
    for (std::size_t st = 0; st < std::size_t(stateCount); ++st)
        if (const std::int64_t ns = s.coveredNs(b, st); ns > 0) {
            shares.push_back({ns, st});
            total += st == std::size_t(State::Idle) ? 0 : ns;
        }
    std::sort(shares.begin(), shares.end(), std::greater<>());
    QStringList parts;
    for (const auto &[ns, st] : shares)
        if (st != std::size_t(State::Idle) || s.unknownNs(b) == 0)
            parts << QStringLiteral("%1 %2 (%3)")
                         .arg(stateName(State(st)), percentOf(ns, to - from), duration(ns));
    if (s.unknownNs(b) > 0)
        parts << QStringLiteral("not known %1 (not kept: the collector fell behind)")
                     .arg(percentOf(s.unknownNs(b), to - from));
    QString text = QStringLiteral("<b>Past the event budget</b>, %1 to %2 drawn as shares: ")
                       .arg(duration(from - t0), duration(to - t0)) +
                   parts.join(QStringLiteral(", "));
    if (const std::int32_t lost = s.bucket(b).lost; lost != 0)
        text += QStringLiteral("; its writes erased %1 there")
                    .arg(countOf(lost, QStringLiteral("increment"), QStringLiteral("increments")));
    if (const std::uint32_t marks = s.bucket(b).marks; marks != 0)
        text += QStringLiteral("; %1").arg(countOf(marks, QStringLiteral("mark"), QStringLiteral("marks")));
    return text;
}

} // namespace

QString LaneDrawer::describe(const TimelineContext &ctx, const TimelineHit &hit) const
{
    if (hit.lane < 0) return {};
    const Trace &trace = ctx.trace;
    const QLocale l;
    const Lane &lane = trace.lane(std::size_t(hit.lane));
    const std::int64_t t0 = trace.start();
    QStringList lines;
    lines << QStringLiteral("<b>%1</b> at %2").arg(lane.name.toHtmlEscaped(), duration(hit.time - t0));
    if (hit.markers > 0 && hit.nearest) {
        const Marker &mk = *hit.nearest;
        const QString coreWait = lane.coreWaitBeforeWrite(mk.t);
        const QString whose = mk.other >= 0 && std::size_t(mk.other) < trace.lanes().size()
                                  ? trace.lane(std::size_t(mk.other)).name
                                  : QStringLiteral("nobody (the initial value)");
        if (hit.markers == 1)
            lines << (mk.value > 0
                          ? QStringLiteral("<b>Lost update</b> at %1: this write erased %2 increment%3; "
                                           "the value it overwrote was written by %4")
                                    .arg(duration(mk.t - t0), l.toString(qlonglong(mk.value)),
                                         mk.value == 1 ? QString() : QStringLiteral("s"), whose) +
                                (coreWait.isEmpty() ? QString()
                                                    : QStringLiteral(". This thread %1: the others went on "
                                                                     "counting meanwhile")
                                                          .arg(coreWait))
                          : QStringLiteral("<b>Restoring write</b> at %1: it put back %2 "
                                           "that an earlier stale write had erased")
                                .arg(duration(mk.t - t0),
                                     countOf(qlonglong(-mk.value), QStringLiteral("increment"),
                                             QStringLiteral("increments"))));
        else {
            // Lost updates and restoring writes are counted apart: a sum of both once read "erasing
            // -1,329 increments".
            QStringList parts;
            if (const int lossy = hit.markers - hit.restoring; lossy > 0)
                parts << QStringLiteral("<b>%1</b> here, erasing %2 in all")
                             .arg(countOf(lossy, QStringLiteral("lost-update write"),
                                          QStringLiteral("lost-update writes")),
                                  countOf(hit.erased, QStringLiteral("increment"),
                                          QStringLiteral("increments")));
            if (hit.restoring > 0)
                parts << QStringLiteral("<b>%1</b> here, putting %2 back")
                             .arg(countOf(hit.restoring, QStringLiteral("restoring write"),
                                          QStringLiteral("restoring writes")),
                                  countOf(hit.restored, QStringLiteral("increment"),
                                          QStringLiteral("increments")));
            lines << parts.join(QStringLiteral("; ")) +
                         QStringLiteral("; the nearest overwrote a value written by %1").arg(whose);
        }
    }
    if (hit.instant) lines << describeInstant(trace, std::size_t(hit.lane), *hit.instant);
    if (hit.sliceIndex >= 0 && std::size_t(hit.sliceRow) < lane.slices.depth()) {
        const auto depth = std::size_t(hit.sliceRow), k = std::size_t(hit.sliceIndex);
        const Slice &s = lane.slices.row(depth)[k];
        const std::int64_t self = lane.slices.selfTime(depth, k), total = s.end - s.start;
        const QString category = trace.sliceName(s.category);
        lines << QStringLiteral("<b>%1</b>%2")
                     .arg(trace.sliceName(s.name).toHtmlEscaped(),
                          category.isEmpty() ? QString()
                                             : QStringLiteral(" (%1)").arg(category.toHtmlEscaped()));
        lines << QStringLiteral("from %1 for %2; self time %3 (%4), the rest in what it called; depth %5")
                     .arg(duration(s.start - t0), duration(total), duration(self), percentOf(self, total))
                     .arg(depth + 1);
        if (const QString args = trace.sliceArgs(s.args); !args.isEmpty()) {
            const QString shown = args.size() > 300 ? args.left(300) + QStringLiteral("…") : args;
            lines << QStringLiteral("args %1").arg(shown.toHtmlEscaped());
        }
    }
    if (hit.summaryBucket >= 0 || hit.summaryOpen) lines << describeSummary(trace, lane, hit);
    if (hit.interval) {
        const Interval &iv = *hit.interval;
        const QString state = describeState(trace, lane, iv);
        if (iv.state != State::Idle && !state.isEmpty())
            lines << QStringLiteral("%1 from %2 for %3")
                         .arg(state, duration(iv.start - t0), duration(iv.end - iv.start));
        // Where in the code: the wait was asked for, the hold another thread waited for was let go.
        if (const QString place = placeOf(trace, std::size_t(hit.lane), iv); !place.isEmpty()) lines << place;
        // A wait that another thread ended: who, and how long the waiter took to run after it.
        if (iv.state == State::Waiting || iv.state == State::WaitingGil)
            if (const auto h = handoffInto(trace, std::size_t(hit.lane), iv.end)) {
                const QString what = h->kind == HandoffKind::Set      ? QStringLiteral("set %1")
                                     : h->kind == HandoffKind::Notify ? QStringLiteral("notified %1")
                                     : h->kind == HandoffKind::Permit
                                         ? QStringLiteral("gave back a permit of %1")
                                         : QStringLiteral("let go of %1");
                lines << QStringLiteral("Woken by %1, which %2 at %3; this thread %4 %5 later "
                                        "(waking up, and any wait for a core, included)")
                             .arg(trace.lane(h->from).name.toHtmlEscaped(),
                                  what.arg(handoffObjectName(trace, *h).toHtmlEscaped()),
                                  duration(h->released - t0),
                                  h->kind == HandoffKind::Set || h->kind == HandoffKind::Notify
                                      ? QStringLiteral("went on")
                                      : QStringLiteral("had it"),
                                  duration(h->latency()));
            }
    }
    if (hit.value)
        if (const QString value = describeValue(*hit.value); !value.isEmpty()) lines << value;
    if (hit.valueBucket >= 0) {
        const SeriesSummary &vs = lane.pastSeries;
        const auto b = std::size_t(hit.valueBucket);
        const SeriesSummary::Bucket &k = vs.bucket(b);
        const QString most = describeValue({hit.time, k.a.high, k.b.high});
        const QString least = describeValue({hit.time, k.a.low, k.b.low});
        if (!most.isEmpty())
            lines << QStringLiteral("<b>Past the event budget</b>, %1 to %2 kept as a range: at most %3; "
                                    "at least %4")
                         .arg(duration(std::max(vs.bucketStart(b), vs.start()) - t0),
                              duration(std::min(vs.bucketStart(b) + vs.width(), vs.end()) - t0), most, least);
    }
    return lines.size() > 1 ? lines.join(QStringLiteral("<br>")) : QString();
}

} // namespace raceway
