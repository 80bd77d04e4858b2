#include "report.h"

#include "criticalpath.h"
#include "savedrun.h"
#include "sitestats.h"
#include "slicestats.h"
#include "traceexport.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <csignal>
#include <optional>

namespace raceway {

QString signalName(int signal)
{
    return signal == SIGINT    ? QStringLiteral("SIGINT")
           : signal == SIGTERM ? QStringLiteral("SIGTERM")
                               : QStringLiteral("signal %1").arg(signal);
}

ExportOptions exportOptions(const RunReport &r, int width, int scale)
{
    ExportOptions eo;
    eo.width = width;
    eo.scale = scale;
    eo.title = r.scenario ? r.scenario->headline(r.params, r.metrics) : r.title;
    if (r.scenario) eo.chart = r.scenario->chart(r.params, r.metrics);
    if (r.signal != 0)
        eo.note = QStringLiteral("interrupted (%1): what was recorded until then").arg(signalName(r.signal));
    else if (r.droppedEvents > 0)
        eo.note = QStringLiteral("event budget reached: %1 later events drawn only as summaries")
                      .arg(QLocale().toString(qulonglong(r.droppedEvents)));
    return eo;
}

namespace {
bool isPicture(const OutputFile &output)
{
    return output.kind() == QLatin1String("png") || output.kind() == QLatin1String("svg");
}
} // namespace

QString picturesProblem(const Trace &trace, const ExportOptions &eo,
                        const std::vector<std::unique_ptr<OutputFile>> &outputs)
{
    const bool pictures =
        std::any_of(outputs.begin(), outputs.end(), [](const auto &o) { return isPicture(*o); });
    return pictures ? exportSizeProblem(trace, eo) : QString();
}

int writeOutputs(const Trace &trace, const ExportOptions &eo,
                 const std::vector<std::unique_ptr<OutputFile>> &outputs, std::vector<FileOutcome> *files,
                 const std::function<bool()> &giveUp, QTextStream &err, const runfile::SavedRun *run)
{
    int failed = 0;
    QString error;
    const QString tooTall = picturesProblem(trace, eo, outputs);
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        OutputFile &output = *outputs[k];
        FileOutcome &outcome = (*files)[k];
        if (giveUp()) {
            outcome.error = QStringLiteral("not written: interrupted twice");
            continue;
        }
        error = isPicture(output) ? tooTall : QString();
        QIODevice *device = error.isEmpty() ? output.open(giveUp, &error) : nullptr;
        bool ok = device != nullptr;
        if (ok) {
            if (output.kind() == QLatin1String("png"))
                ok = writePng(trace, eo, *device, &error);
            else if (output.kind() == QLatin1String("svg"))
                ok = writeSvg(trace, eo, *device, &error);
            else {
                ChromeTraceOptions to; // the device is a descriptor, not a named file: say what to write
                to.compression = output.path().endsWith(QLatin1String(".gz"), Qt::CaseInsensitive)
                                     ? ChromeTraceOptions::Compression::Gzip
                                     : ChromeTraceOptions::Compression::None;
                to.run = run;
                ok = writeChromeTrace(trace, *device, to, &error);
            }
            if (ok && giveUp()) {
                ok = false;
                error = QStringLiteral("interrupted twice");
            }
        }
        if (ok)
            ok = output.commit(&error);
        else
            output.discard();
        outcome.written = ok;
        if (!ok) {
            outcome.error = error;
            ++failed;
            err << "raceway: cannot write '" << output.path() << "': " << error << Qt::endl;
        }
    }
    return failed;
}

// Why the run took as long as it did: the path back from the last thread to finish, as contiguous
// segments (ns from the trace's start) that add up to its length, and the same time per lane and state.
// A path of more than maxSegments segments (a lock handed to and fro a million times) lists the last
// ones, nearest its end; `segments_total` says how many there are, and `by_lane_state` covers all of it.
static QJsonObject criticalPathJson(const Trace &trace)
{
    constexpr std::size_t maxSegments = 10'000;
    const CriticalPath path = criticalPath(trace, std::nullopt, maxSegments);
    if (path.total == 0) return {};
    const std::int64_t t0 = trace.start();
    const std::int64_t length = path.end - path.start;
    QJsonArray segments;
    for (const PathSegment &s : path.segments)
        segments.append(QJsonObject{{QStringLiteral("lane"), trace.lane(s.lane).name},
                                    {QStringLiteral("state"), stateName(s.state)},
                                    {QStringLiteral("start_ns"), qint64(s.start - t0)},
                                    {QStringLiteral("end_ns"), qint64(s.end - t0)}});
    QJsonArray by;
    for (const PathShare &s : path.shares)
        by.append(QJsonObject{{QStringLiteral("lane"), trace.lane(s.lane).name},
                              {QStringLiteral("state"), stateName(s.state)},
                              {QStringLiteral("ns"), qint64(s.ns)},
                              {QStringLiteral("share"), length > 0 ? double(s.ns) / double(length) : 0.0}});
    return {{QStringLiteral("ends_on"), trace.lane(path.segments.back().lane).name},
            {QStringLiteral("length_ns"), qint64(length)},
            {QStringLiteral("segments_total"), qint64(path.total)},
            {QStringLiteral("segments"), segments},
            {QStringLiteral("by_lane_state"), by}};
}

QJsonArray filesJson(const std::vector<FileOutcome> &files)
{
    QJsonArray outputs;
    for (const FileOutcome &f : files) {
        QJsonObject o{{QStringLiteral("kind"), f.kind},
                      {QStringLiteral("path"), f.path},
                      {QStringLiteral("written"), f.written}};
        if (!f.error.isEmpty()) o[QStringLiteral("error")] = f.error;
        outputs.append(o);
    }
    return outputs;
}

QJsonObject reportJson(const RunReport &r, const Trace &trace, const std::vector<FileOutcome> &files)
{
    QJsonObject params;
    if (r.scenario) {
        for (const ParamSpec &p : r.scenario->params()) {
            const QVariant v = r.params.value(p.name);
            params[p.name] = p.type == ParamType::Int       ? QJsonValue(v.toLongLong())
                             : p.type == ParamType::Bool    ? QJsonValue(v.toBool())
                             : p.type == ParamType::IntList ? QJsonValue::fromVariant(v)
                                                            : QJsonValue(v.toString());
        }
    }
    QJsonArray lanes;
    for (const Lane &lane : trace.lanes())
        lanes.append(QJsonObject{{QStringLiteral("name"), lane.name},
                                 {QStringLiteral("kind"), laneKindName(lane.kind)}});
    QJsonObject metrics;
    for (const Metric &m : r.metrics)
        metrics[m.key] = m.value.isValid() ? QJsonValue::fromVariant(m.value) : QJsonValue(QJsonValue::Null);
    const QJsonArray outputs = filesJson(files);
    QJsonObject o{{QStringLiteral("scenario"),
                   r.scenario ? QJsonValue(r.scenario->id()) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("params"), params},
                  {QStringLiteral("wall_ms"), r.wallMs},
                  {QStringLiteral("events"), qint64(r.events)},
                  {QStringLiteral("dropped_events"), qint64(r.droppedEvents)},
                  {QStringLiteral("max_events"), qint64(r.maxEvents)},
                  {QStringLiteral("cancelled"), r.cancelled},
                  {QStringLiteral("problems"), QJsonArray::fromStringList(r.problems)},
                  {QStringLiteral("lanes"), lanes},
                  {QStringLiteral("metrics"), metrics},
                  {QStringLiteral("files"), outputs}};
    if (const QJsonObject path = criticalPathJson(trace); !path.isEmpty())
        o[QStringLiteral("critical_path")] = path;
    // Where in a traced script's code its threads waited, and let go of what others waited for.
    QJsonArray places;
    for (const SiteTotals &s : siteTotals(trace, trace.start(), trace.end()))
        places.append(QJsonObject{{QStringLiteral("place"), s.place},
                                  {QStringLiteral("waits"), qint64(s.waits)},
                                  {QStringLiteral("wait_ms"), double(s.waitNs) / 1e6},
                                  {QStringLiteral("contended_releases"), qint64(s.releases)},
                                  {QStringLiteral("held_ms"), double(s.heldNs) / 1e6}});
    if (!places.isEmpty()) o[QStringLiteral("waits_by_place")] = places;
    // Another tool's slices by name, as a profiler's table: the 100 that took the most time.
    QJsonArray slices;
    for (const SliceTotals &s : sliceTotals(trace, trace.start(), trace.end())) {
        if (slices.size() == 100) break;
        slices.append(QJsonObject{{QStringLiteral("name"), s.name},
                                  {QStringLiteral("count"), qint64(s.count)},
                                  {QStringLiteral("total_ms"), double(s.totalNs) / 1e6},
                                  {QStringLiteral("self_ms"), double(s.selfNs) / 1e6},
                                  {QStringLiteral("longest_ms"), double(s.longestNs) / 1e6}});
    }
    if (!slices.isEmpty()) o[QStringLiteral("slices_by_name")] = slices;
    if (r.budgetReachedNs != 0)
        o[QStringLiteral("budget_reached_ms")] = double(r.budgetReachedNs - trace.start()) / 1e6;
    if (r.signal != 0) o[QStringLiteral("interrupted_by")] = signalName(r.signal);
    return o;
}

bool fromSavedRun(const runfile::SavedRun &s, RunReport *r, QString *error)
{
    RunResult result;
    if (!restoreRun(s, &r->scenario, &result, error)) return false;
    r->params = result.params;
    r->metrics = result.metrics;
    r->wallMs = result.wallMs;
    r->events = result.events;
    r->droppedEvents = result.droppedEvents;
    r->maxEvents = s.maxEvents;
    r->cancelled = result.cancelled;
    r->problems = result.problems;
    r->budgetReachedNs = result.budgetReachedNs;
    r->signal = s.signal;
    return true;
}

namespace {

// Metrics labelled "<row>: <column>" in a full grid (compare's "sequential: wall time", "sequential:
// speed-up", "processes: wall time", …): the rows, the columns and each cell's value, in order.
struct MetricTable
{
    QStringList rows, columns;
    QList<QStringList> cells;
};

std::optional<MetricTable> metricTable(const QList<const Metric *> &metrics)
{
    MetricTable t;
    for (const Metric *m : metrics) {
        const qsizetype colon = m->label.indexOf(QStringLiteral(": "));
        if (colon <= 0) return std::nullopt;
        const QString row = m->label.left(colon), column = m->label.mid(colon + 2);
        if (t.rows.isEmpty() || t.rows.back() != row) {
            if (t.rows.contains(row)) return std::nullopt;
            t.rows << row;
            t.cells << QStringList();
        }
        if (t.rows.size() == 1) t.columns << column;
        const qsizetype at = t.cells.back().size();
        if (at >= t.columns.size() || t.columns[at] != column) return std::nullopt;
        t.cells.back() << formatMetric(*m);
    }
    for (const QStringList &cells : t.cells)
        if (cells.size() != t.columns.size()) return std::nullopt;
    if (t.rows.size() < 2 || t.columns.size() < 2) return std::nullopt;
    return t;
}

} // namespace

void printSummary(QTextStream &out, const RunReport &r, const Trace &trace,
                  const std::vector<FileOutcome> &files)
{
    const QLocale l;
    out << (r.scenario ? r.scenario->headline(r.params, r.metrics) : r.title) << '\n';
    QList<const Metric *> people; // --json keeps the rest
    for (const Metric &m : r.metrics)
        if (isForPeople(m)) people << &m;
    // One row per mode, a column per measure, where the labels make a grid ("mode: measure"): the same
    // numbers as label-value rows, easier to compare.
    qsizetype gridBegin = 0, gridEnd = 0;
    std::optional<MetricTable> grid;
    for (qsizetype i = 0; i < people.size() && !grid; ++i) {
        qsizetype j = i;
        while (j < people.size() && people[j]->label.contains(QStringLiteral(": ")))
            ++j;
        if (j - i >= 4 && (grid = metricTable(people.mid(i, j - i)))) {
            gridBegin = i;
            gridEnd = j;
        }
        i = std::max(i, j);
    }
    // Values line up in one column two spaces past the longest label, however long that is.
    qsizetype width = QStringLiteral("Events recorded").size();
    for (qsizetype i = 0; i < people.size(); ++i)
        if (!grid || i < gridBegin || i >= gridEnd) width = std::max(width, people[i]->label.size());
    const auto row = [&](const QString &label, const QString &value) {
        out << "  " << label.leftJustified(width + 2) << value << '\n';
    };
    for (qsizetype i = 0; i < people.size(); ++i) {
        if (grid && i == gridBegin) {
            qsizetype first = 0;
            for (const QString &name : grid->rows)
                first = std::max(first, name.size());
            std::vector<qsizetype> widths;
            for (qsizetype c = 0; c < grid->columns.size(); ++c) {
                qsizetype w = grid->columns[c].size();
                for (const QStringList &cells : grid->cells)
                    w = std::max(w, cells[c].size());
                widths.push_back(w);
            }
            out << "  " << QString().leftJustified(first);
            for (qsizetype c = 0; c < grid->columns.size(); ++c)
                out << "  " << grid->columns[c].rightJustified(widths[std::size_t(c)]);
            out << '\n';
            for (qsizetype k = 0; k < grid->rows.size(); ++k) {
                out << "  " << grid->rows[k].leftJustified(first);
                for (qsizetype c = 0; c < grid->columns.size(); ++c)
                    out << "  " << grid->cells[k][c].rightJustified(widths[std::size_t(c)]);
                out << '\n';
            }
        }
        if (grid && i >= gridBegin && i < gridEnd) continue;
        row(people[i]->label, formatMetric(*people[i]));
    }
    row(QStringLiteral("Wall time"), formatNumber(r.wallMs) + QStringLiteral(" ms"));
    row(QStringLiteral("Events recorded"), l.toString(qlonglong(r.events)));
    if (!r.scenario) row(QStringLiteral("Lanes"), l.toString(qulonglong(trace.lanes().size())));
    if (const std::vector<SliceTotals> slices = sliceTotals(trace, trace.start(), trace.end());
        !slices.empty()) {
        // The ten names that took the most time, as a profiler lists them (--json has a hundred).
        out << "  Slices by total time:\n";
        qsizetype name = 4;
        for (std::size_t i = 0; i < slices.size() && i < 10; ++i)
            name = std::max(name, std::min<qsizetype>(slices[i].name.size(), 48));
        out << "    " << QStringLiteral("Name").leftJustified(name) << "  "
            << QStringLiteral("Count").rightJustified(9) << "  " << QStringLiteral("Total").rightJustified(11)
            << "  " << QStringLiteral("Self").rightJustified(11) << '\n';
        for (std::size_t i = 0; i < slices.size() && i < 10; ++i) {
            const SliceTotals &s = slices[i];
            const QString shown = s.name.size() > 48 ? s.name.left(47) + QStringLiteral("…") : s.name;
            out << "    " << shown.leftJustified(name) << "  "
                << l.toString(qlonglong(s.count)).rightJustified(9) << "  "
                << formatDurationNs(s.totalNs).rightJustified(11) << "  "
                << formatDurationNs(s.selfNs).rightJustified(11) << '\n';
        }
        if (slices.size() > 10)
            out << "    … and " << l.toString(qulonglong(slices.size() - 10)) << " more names\n";
    }
    if (r.droppedEvents)
        out << "  note: the event budget (" << l.toString(qulonglong(r.maxEvents)) << ") was reached "
            << l.toString(double(r.budgetReachedNs - trace.start()) / 1e6, 'f', 1) << " ms into the run; "
            << l.toString(qulonglong(r.droppedEvents))
            << " later events were kept only as each lane's summary, drawn so (the numbers above are still "
               "exact; raise --max-events to draw every event)\n";
    if (r.signal != 0)
        out << "  note: interrupted by " << signalName(r.signal)
            << ": every thread was joined and every worker reaped; the numbers and files cover the run until "
               "then\n";
    for (const QString &problem : r.problems)
        out << "  problem: " << problem << '\n';
    for (const FileOutcome &f : files)
        if (f.written)
            out << "wrote " << f.path << (r.signal != 0 ? " (partial: until the interrupt)" : "") << '\n';
}

} // namespace raceway
