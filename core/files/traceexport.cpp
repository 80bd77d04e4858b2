#include "traceexport.h"

#include "chrometracenames.h"
#include "handoffs.h"
#include "slicegrid.h"
#include "traceexportmeta.h"
#include "tracesink.h"

#include <algorithm>
#include <unordered_map>

namespace raceway {
namespace {

using chrometrace::seriesKeys;
using chrometrace::sliceName;
using traceexport::jsonString;
using traceexport::otherData;
using traceexport::tidOf;

constexpr std::int64_t maxCellsPerLane = 100'000;
constexpr std::int64_t countersPerRun = 250;
// The first step of 1, 2, 5 x 10^k microseconds that is at least `ns`.
std::int64_t ladderAtLeast(std::int64_t ns)
{
    for (std::int64_t decade = 1000;; decade *= 10)
        for (std::int64_t step : {1, 2, 5})
            if (step * decade >= ns || decade > (std::int64_t(1) << 50)) return step * decade;
}

std::int64_t wholeMicros(std::int64_t ns)
{
    return std::max<std::int64_t>(1000, (ns + 999) / 1000 * 1000);
}

// The trace model's markers and series, read in one place each: their storage is about to change.
template <typename Fn> void forEachMarker(const Trace &trace, std::size_t lane, Fn &&fn)
{
    for (const Marker &m : trace.lane(lane).markers)
        fn(m.t, m.value, m.other);
}
template <typename Fn> void forEachSeriesPoint(const Trace &trace, std::size_t lane, Fn &&fn)
{
    for (const SeriesPoint &p : trace.lane(lane).series)
        fn(p.t, p.a, p.b);
}

class Writer
{
public:
    Writer(const Trace &trace, TraceSink &sink, std::int64_t resolution, std::int64_t period,
           const runfile::SavedRun *run)
        : m_trace(trace), m_sink(sink), m_t0(trace.start()), m_res(resolution), m_period(period), m_run(run)
    {
    }

    void write()
    {
        header();
        for (std::size_t i = 0; i < m_trace.lanes().size(); ++i) {
            m_lanePrefix = QByteArrayLiteral(",\"pid\":1,\"tid\":") + QByteArray::number(tidOf(i));
            slices(i);
            namedSlices(i);
            instants(i);
            marks(i);
            places(i);
            counters(i);
        }
        flows();
        m_sink.append("\n]}\n");
    }

private:
    void open(const char *ph)
    {
        m_sink.maybeFlush();
        m_sink.append(m_first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
        m_first = false;
        m_sink.append(ph);
        m_sink.append('"');
    }

    void header()
    {
        m_sink.append("{\"displayTimeUnit\":\"ns\",\"otherData\":");
        m_sink.append(otherData(m_trace, m_t0, m_res, m_period, m_run));
        m_sink.append(",\"traceEvents\":[");
        open("M");
        m_sink.append(",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"Raceway run\"}}");
        for (std::size_t i = 0; i < m_trace.lanes().size(); ++i) {
            const QByteArray tid = QByteArray::number(tidOf(i));
            open("M");
            m_sink.append(
                ",\"pid\":1,\"tid\":" + tid +
                ",\"name\":\"thread_name\",\"args\":{\"name\":" + jsonString(m_trace.lane(i).name) +
                ",\"raceway_kind\":" + jsonString(laneKindName(m_trace.lane(i).kind)) +
                (m_trace.lane(i).coreWaitSources != 0 // where its waits for a core came from
                     ? ",\"raceway_core_waits\":" + QByteArray::number(m_trace.lane(i).coreWaitSources)
                     : QByteArray()) +
                "}}");
            open("M");
            m_sink.append(",\"pid\":1,\"tid\":" + tid +
                          ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" +
                          QByteArray::number(qulonglong(i)) + "}}");
        }
    }

    // Another tool's slices as they came, to the nanosecond, outer before inner at one start (what a
    // viewer that nests by order expects), with their category and arguments.
    void namedSlices(std::size_t laneIndex)
    {
        const SliceStack &stack = m_trace.lane(laneIndex).slices;
        if (stack.empty()) return;
        std::vector<std::pair<std::size_t, std::size_t>> order; // depth, index
        order.reserve(stack.size());
        for (std::size_t d = 0; d < stack.depth(); ++d)
            for (std::size_t k = 0; k < stack.row(d).size(); ++k)
                order.emplace_back(d, k);
        std::stable_sort(order.begin(), order.end(), [&](const auto &x, const auto &y) {
            const std::int64_t a = stack.row(x.first)[x.second].start, b = stack.row(y.first)[y.second].start;
            return a != b ? a < b : x.first < y.first;
        });
        for (const auto &[d, k] : order) {
            const Slice &s = stack.row(d)[k];
            open("X");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"ts\":");
            m_sink.appendMicros(s.start - m_t0);
            m_sink.append(",\"dur\":");
            m_sink.appendMicros(s.end - s.start);
            if (s.category != 0) m_sink.append(",\"cat\":" + jsonString(m_trace.sliceName(s.category)));
            if (s.args != 0) m_sink.append(",\"args\":" + m_trace.sliceArgs(s.args).toUtf8());
            m_sink.append(",\"name\":" + jsonString(m_trace.sliceName(s.name)) + '}');
        }
    }

    // Interned slice names: equal names share a key, so two neighbouring cells that read the same
    // become one slice (a viewer would otherwise stack two equal frames at one instant).
    std::uint32_t keyOf(const Lane &lane, State state, std::uint16_t obj)
    {
        const std::uint32_t raw = std::uint32_t(state) << 16 | obj;
        if (auto it = m_laneKeys.find(raw); it != m_laneKeys.end()) return it->second;
        const QString name = sliceName(m_trace, lane, state, obj);
        std::uint32_t key = 0;
        if (!name.isEmpty()) {
            const QByteArray text = ",\"name\":" + jsonString(name) + '}';
            auto [it, added] = m_nameKeys.try_emplace(text, std::uint32_t(m_names.size()));
            if (added) m_names.push_back(text);
            key = it->second;
        }
        m_laneKeys.emplace(raw, key);
        return key;
    }

    void slices(std::size_t laneIndex)
    {
        const Lane &lane = m_trace.lane(laneIndex);
        m_laneKeys.clear();
        const std::int64_t resUs = m_res / 1000;
        SliceGrid grid(m_t0, m_res, [&](std::int64_t first, std::int64_t end, std::uint32_t key) {
            open("X");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"ts\":");
            m_sink.appendNumber(first * resUs);
            m_sink.append(",\"dur\":");
            m_sink.appendNumber((end - first) * resUs);
            m_sink.append(m_names[key]);
        });
        // A lane summarised past the budget: its own events up to there, its summary's slices after.
        const std::int64_t cut = lane.pastBudget.started() ? lane.pastBudget.start() : INT64_MAX;
        m_trace.forEachInterval(laneIndex, [&](const Interval &iv) {
            if (iv.start < cut) grid.add(iv.start, std::min(iv.end, cut), keyOf(lane, iv.state, iv.obj));
        });
        grid.finish();
        summarySlices(lane);
    }

    // Past the event budget: a slice per bucket of the lane's summary, named "summary: " and the state
    // that fills most of it, its args each state's share (by the names its slices have), the lost
    // updates in it and the share not known (cat "summary").
    void summarySlices(const Lane &lane)
    {
        const StateSummary &s = lane.pastBudget;
        if (!s.started()) return;
        const std::int64_t resUs = m_res / 1000;
        std::int64_t lastCell = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const std::int64_t from = std::max(s.bucketStart(i), s.start());
            const std::int64_t to = std::min(s.bucketStart(i) + s.width(), s.end());
            if (to <= from) continue;
            const std::int64_t c0 = std::max(lastCell, std::max<std::int64_t>(0, from - m_t0) / m_res);
            const std::int64_t c1 = (std::max<std::int64_t>(0, to - m_t0) + m_res - 1) / m_res;
            if (c1 <= c0) continue;
            lastCell = c1;
            std::int64_t total = 0, most = -1;
            std::size_t dominant = 0;
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st) {
                total += s.coveredNs(i, st);
                if (s.coveredNs(i, st) > most) {
                    most = s.coveredNs(i, st);
                    dominant = st;
                }
            }
            if (total <= 0) continue;
            const auto nameOf = [&](std::size_t st) {
                const QString n = sliceName(m_trace, lane, State(st), 0);
                return n.isEmpty() ? stateName(State(st)) : n;
            };
            open("X");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"ts\":");
            m_sink.appendNumber(c0 * resUs);
            m_sink.append(",\"dur\":");
            m_sink.appendNumber((c1 - c0) * resUs);
            m_sink.append(",\"cat\":\"summary\",\"name\":");
            m_sink.append(jsonString(QStringLiteral("summary: ") + nameOf(dominant)));
            m_sink.append(",\"args\":{\"lost\":");
            m_sink.appendNumber(s.bucket(i).lost);
            m_sink.append(",\"not_known\":");
            m_sink.append(QByteArray::number(double(s.unknownNs(i)) / double(total), 'f', 4));
            for (std::size_t st = 0; st < std::size_t(stateCount); ++st) {
                if (s.coveredNs(i, st) == 0) continue;
                m_sink.append(",");
                m_sink.append(jsonString(nameOf(st)));
                m_sink.append(":");
                m_sink.append(QByteArray::number(double(s.coveredNs(i, st)) / double(total), 'f', 4));
            }
            m_sink.append("}}");
        }
    }

    void instants(std::size_t laneIndex)
    {
        // Per cell, the writes that erased and those that gave back apart: one instant each.
        struct Sum
        {
            std::int64_t erased = 0, writes = 0;
            int other = -2; // lane overwritten by every write; -1 when they differ
        };
        std::int64_t cell = -1;
        Sum sums[2]; // erasing, restoring
        const auto flush = [&] {
            for (Sum &s : sums) {
                if (s.writes == 0) continue;
                open("i");
                m_sink.append(m_lanePrefix);
                m_sink.append(",\"ts\":");
                m_sink.appendNumber(cell * (m_res / 1000));
                m_sink.append(",\"name\":\"lost\",\"args\":{\"n\":");
                m_sink.appendNumber(s.erased);
                if (s.writes > 1) {
                    m_sink.append(",\"k\":");
                    m_sink.appendNumber(s.writes);
                }
                if (s.other >= 0 && std::size_t(s.other) < m_trace.lanes().size()) {
                    m_sink.append(",\"of\":");
                    m_sink.appendNumber(tidOf(std::size_t(s.other)));
                }
                m_sink.append("}}");
                s = Sum{};
            }
        };
        forEachMarker(m_trace, laneIndex, [&](std::int64_t t, std::int64_t value, int overwritten) {
            const std::int64_t c = std::max<std::int64_t>(0, t - m_t0) / m_res;
            if (c != cell) {
                flush();
                cell = c;
            }
            Sum &s = sums[value < 0 ? 1 : 0];
            s.other = s.writes == 0 || s.other == overwritten ? overwritten : -1;
            s.erased += value;
            ++s.writes;
        });
        flush();
    }

    // Where in the code a wait was asked for, or a hold others waited for let go: an instant each, named
    // by what happened, with the place in its args (as in Perfetto's instant's arguments).
    void places(std::size_t laneIndex)
    {
        for (const SitePoint &p : m_trace.lane(laneIndex).sites) {
            open("i");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"s\":\"t\",\"ts\":");
            m_sink.appendNumber(std::max<std::int64_t>(0, p.t - m_t0) / m_res * (m_res / 1000));
            m_sink.append(",\"name\":");
            m_sink.append(
                jsonString(QLatin1String(p.what == SiteOf::Wait      ? chrometrace::placeWaitName
                                         : p.what == SiteOf::Release ? chrometrace::placeReleaseName
                                                                     : chrometrace::placeStepName)));
            m_sink.append(",\"args\":{\"place\":");
            m_sink.append(jsonString(m_trace.siteName(p.site)));
            m_sink.append("}}");
        }
    }

    // Ticks, overdrafts, printed lines: one instant per kind per time cell, with how many it stands for.
    void marks(std::size_t laneIndex)
    {
        std::int64_t cell = -1, value = 0, count = 0;
        std::int64_t kind = -1;
        const auto flush = [&] {
            if (count == 0) return;
            open("i");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"ts\":");
            m_sink.appendNumber(cell * (m_res / 1000));
            m_sink.append(",\"name\":");
            m_sink.append(jsonString(markKindName(MarkKind(kind))));
            m_sink.append(",\"args\":{\"v\":");
            m_sink.appendNumber(value);
            if (count > 1) {
                m_sink.append(",\"k\":");
                m_sink.appendNumber(count);
            }
            m_sink.append("}}");
        };
        for (const Instant &in : m_trace.lane(laneIndex).instants) {
            const std::int64_t c = std::max<std::int64_t>(0, in.t - m_t0) / m_res;
            if (c != cell || in.kind != kind) {
                flush();
                cell = c;
                kind = in.kind;
                count = 0;
            }
            value = in.value;
            ++count;
        }
        flush();
    }

    // Hand-offs: a thread let a lock go while another waited for it, and that one took it. A flow from
    // the release (on the releasing thread) to the wake (on the woken one), one per lock per cell.
    void flows()
    {
        const std::int64_t resUs = m_res / 1000;
        std::int64_t id = 0;
        std::size_t lock = SIZE_MAX;
        std::int64_t cell = -1;
        for (const Handoff &h : allHandoffs(m_trace)) {
            const std::int64_t c = std::max<std::int64_t>(0, h.woke - m_t0) / m_res;
            if (h.object == lock && c == cell) continue;
            lock = h.object;
            cell = c;
            ++id;
            const QByteArray common =
                ",\"cat\":\"handoff\",\"name\":" + jsonString(handoffObjectName(m_trace, h)) +
                ",\"id\":" + QByteArray::number(qlonglong(id)) + ",\"pid\":1,\"tid\":";
            open("s");
            m_sink.append(common + QByteArray::number(tidOf(h.from)) + ",\"ts\":");
            m_sink.appendNumber(std::max<std::int64_t>(0, h.released - m_t0) / m_res * resUs);
            m_sink.append("}");
            open("f");
            m_sink.append(common + QByteArray::number(tidOf(h.to)) + ",\"bp\":\"e\",\"ts\":");
            m_sink.appendNumber(c * resUs);
            m_sink.append(",\"args\":{\"wake_latency_ns\":");
            m_sink.appendNumber(h.latency());
            m_sink.append("}}");
        }
        // Another tool's flows, as they came: a start and a finish each, to the nanosecond.
        for (const Trace::Flow &f : m_trace.flows()) {
            ++id;
            const QByteArray common = ",\"cat\":\"flow\",\"name\":" + jsonString(m_trace.sliceName(f.name)) +
                                      ",\"id\":" + QByteArray::number(qlonglong(id)) + ",\"pid\":1,\"tid\":";
            open("s");
            m_sink.append(common + QByteArray::number(tidOf(f.fromLane)) + ",\"ts\":");
            m_sink.appendMicros(f.from - m_t0);
            m_sink.append("}");
            open("f");
            m_sink.append(common + QByteArray::number(tidOf(f.toLane)) + ",\"bp\":\"e\",\"ts\":");
            m_sink.appendMicros(f.to - m_t0);
            m_sink.append("}");
        }
    }

    void counters(std::size_t laneIndex)
    {
        const Lane &lane = m_trace.lane(laneIndex);
        // Plain names, not a structured binding: C++20 lambdas may not capture those (clang refuses).
        const auto keys = seriesKeys(lane.kind);
        const char *const keyA = keys.first;
        const char *const keyB = keys.second;
        const QByteArray name = ",\"name\":" + jsonString(lane.name) + ",\"args\":{\"" + keyA + "\":";
        std::int64_t period = -1, t = 0, a = 0, b = 0;
        const auto flush = [&] {
            if (period < 0) return;
            open("C");
            m_sink.append(m_lanePrefix);
            m_sink.append(",\"ts\":");
            m_sink.appendMicros(std::max<std::int64_t>(0, t - m_t0)); // a core sample may predate the run
            m_sink.append(name);
            m_sink.appendNumber(a);
            if (keyB) {
                m_sink.append(",\"");
                m_sink.append(keyB);
                m_sink.append("\":");
                m_sink.appendNumber(b);
            }
            m_sink.append("}}");
        };
        // Past the budget a value lane's readings are its summary's: a sample at each bucket's end with
        // what it held there, the last at the run's end.
        const SeriesSummary &past = lane.pastSeries;
        const std::int64_t until = past.started() ? past.start() : INT64_MAX;
        forEachSeriesPoint(m_trace, laneIndex, [&](std::int64_t pt, std::int64_t pa, std::int64_t pb) {
            if (pt >= until) return;
            const std::int64_t p = std::max<std::int64_t>(0, pt - m_t0) / m_period;
            if (p != period) flush();
            period = p;
            t = pt;
            a = pa;
            b = pb;
        });
        flush();
        for (std::size_t i = 0; i < past.size(); ++i) {
            const SeriesSummary::Bucket &k = past.bucket(i);
            period = 0;
            t = std::min(past.bucketStart(i) + past.width(), past.end());
            a = k.a.last;
            b = k.b.last;
            flush();
        }
    }

    const Trace &m_trace;
    TraceSink &m_sink;
    const std::int64_t m_t0, m_res, m_period;
    const runfile::SavedRun *m_run;
    bool m_first = true;
    QByteArray m_lanePrefix;
    std::vector<QByteArray> m_names{QByteArray()}; // key 0: not drawn
    std::unordered_map<QByteArray, std::uint32_t> m_nameKeys;
    std::unordered_map<std::uint32_t, std::uint32_t> m_laneKeys;
};

} // namespace

std::int64_t chromeTraceResolution(const Trace &trace)
{
    const std::int64_t span = std::max<std::int64_t>(0, trace.end() - trace.start());
    return ladderAtLeast((span + maxCellsPerLane - 1) / maxCellsPerLane);
}

std::int64_t chromeTraceCounterPeriod(const Trace &trace, std::int64_t resolutionNs)
{
    const std::int64_t span = std::max<std::int64_t>(0, trace.end() - trace.start());
    return std::max(resolutionNs, ladderAtLeast((span + countersPerRun - 1) / countersPerRun));
}

bool writeChromeTrace(const Trace &trace, QIODevice &out, const ChromeTraceOptions &options, QString *error)
{
    const bool gzip =
        options.compression == ChromeTraceOptions::Compression::Gzip ||
        (options.compression == ChromeTraceOptions::Compression::Auto && TraceSink::wantsGzip(out));
    const std::int64_t res =
        options.resolutionNs > 0 ? wholeMicros(options.resolutionNs) : chromeTraceResolution(trace);
    const std::int64_t period = options.counterPeriodNs > 0
                                    ? std::max(res, wholeMicros(options.counterPeriodNs))
                                    : chromeTraceCounterPeriod(trace, res);
    TraceSink sink(out, gzip ? TraceSink::Compression::Gzip : TraceSink::Compression::None);
    Writer(trace, sink, res, period, options.run).write();
    if (!sink.finish()) {
        if (error) *error = sink.error();
        return false;
    }
    return true;
}

bool writeChromeTrace(const Trace &trace, QIODevice &out, QString *error)
{
    return writeChromeTrace(trace, out, ChromeTraceOptions{}, error);
}

} // namespace raceway
