#include "runhistory.h"

#include "outputfile.h"
#include "runfilereader.h"
#include "runfilewriter.h"
#include "savedrun.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace raceway {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RunHistory", text);
}

} // namespace

RunRecord::RunRecord(int number, const Scenario &scenario, const ParamValues &params)
    : m_number(number), m_startedAt(QDateTime::currentDateTime()), m_scenario(&scenario),
      m_runner(std::make_unique<Runner>(scenario, params))
{
    m_spool =
        std::make_unique<QTemporaryFile>(QDir::temp().filePath(QStringLiteral("raceway-run-XXXXXX.raceway")));
    if (m_spool->open()) {
        // Compressed on a thread of the writer's own: the collector runs on the GUI thread, between frames.
        m_spoolWriter = std::make_unique<RunFileWriter>(*m_spool, m_runner->recorder().maxEvents(),
                                                        RunFileWriter::Compression::OnOwnThread);
        m_runner->setSaver(m_spoolWriter.get());
    } else {
        m_spoolError = QStringLiteral("%1: %2").arg(QDir::tempPath(), m_spool->errorString());
        m_spool.reset();
    }
}

RunRecord::RunRecord(int number, const Scenario *scenario, std::unique_ptr<Trace> trace, RunResult result,
                     const QString &path, const QString &title)
    : m_number(number), m_startedAt(QFileInfo(path).lastModified()), m_scenario(scenario),
      m_trace(std::move(trace)), m_result(std::move(result)), m_sourcePath(path), m_title(title),
      m_sealed(true)
{
    QFile file(path);
    m_runFile = file.open(QIODevice::ReadOnly) && RunFileReader::hasMagic(file.peek(16));
}

RunRecord::~RunRecord()
{
    // The runner first: it joins its threads, and its collector writes to the spool's writer.
    m_runner.reset();
    m_spoolWriter.reset();
}

void RunRecord::start()
{
    if (m_runner) m_runner->start();
}

void RunRecord::seal()
{
    if (m_sealed || !m_runner || !m_runner->isFinished()) return;
    m_sealed = true;
    if (!m_spoolWriter) return;
    QString error;
    const bool ok =
        m_spoolWriter->finish(describeRun(*m_scenario, result(), m_runner->recorder().maxEvents(), trace()),
                              &error) &&
        m_spool->flush();
    if (!ok) m_spoolError = error.isEmpty() ? m_spool->errorString() : error;
}

bool RunRecord::canSave(QString *why) const
{
    QString reason;
    if (!m_scenario)
        reason = tr("a trace from another tool is not a Raceway run: export it as Chrome trace JSON instead");
    else if (!m_runner && !m_runFile) // Raceway's own Chrome trace: its run's events are not in it
        reason = tr("a Chrome trace keeps the picture, not every event of the run: run it again (F5) to "
                    "save a run, or export it as Chrome trace JSON");
    else if (!finished())
        reason = tr("the run is still going");
    else if (!result().error.isEmpty())
        reason = tr("the run failed: %1").arg(result().error);
    else if (m_runner && !m_spoolError.isEmpty())
        reason = tr("its file could not be written as it ran (%1)").arg(m_spoolError);
    else if (m_runner && !m_spool)
        reason = tr("its file was not kept");
    if (why) *why = reason;
    return reason.isEmpty();
}

bool RunRecord::saveTo(const QString &path, QString *error) const
{
    if (!canSave(error)) return false;
    // A run made here is read back through its own handle: the file has no name (Qt makes temporary
    // files with O_TMPFILE where it can), so the system removes it even if Raceway is killed.
    QFile opened(m_sourcePath);
    QIODevice *source = m_spool.get();
    if (m_runner) {
        if (!m_spool->seek(0)) {
            *error = tr("cannot read the run's file: %1").arg(m_spool->errorString());
            return false;
        }
    } else {
        if (QFileInfo(path).exists() &&
            QFileInfo(path).canonicalFilePath() == QFileInfo(m_sourcePath).canonicalFilePath())
            return true; // saved onto the file it was read from: it is already there
        if (!opened.open(QIODevice::ReadOnly)) {
            *error = tr("cannot read %1: %2").arg(m_sourcePath, opened.errorString());
            return false;
        }
        source = &opened;
    }
    // Written beside the target and renamed into place (or into a FIFO as it is): a failure leaves
    // nothing half-written, and the error is the system's own ("No space left on device").
    OutputFile out(path, QStringLiteral("run"));
    QElapsedTimer waited;
    waited.start();
    QIODevice *device =
        out.prepare(error) ? out.open([&] { return waited.elapsed() > 5000; }, error) : nullptr;
    if (!device) return false;
    QByteArray block;
    while (!source->atEnd()) {
        block = source->read(1 << 20);
        if (block.isEmpty()) {
            *error = tr("cannot read the run's file: %1").arg(source->errorString());
            out.discard();
            return false;
        }
        if (device->write(block) != block.size()) {
            *error = device->errorString();
            out.discard();
            return false;
        }
    }
    if (!out.commit(error)) {
        out.discard();
        return false;
    }
    return true;
}

QString RunRecord::family() const
{
    return m_scenario ? m_scenario->family(result().metrics) : QString();
}

QString RunRecord::title() const
{
    if (!m_scenario) return m_title;
    const RunResult &r = result();
    return m_scenario->headline(r.params, finished() ? r.metrics : QList<Metric>());
}

QString RunRecord::note() const
{
    if (!finished()) return {};
    const RunResult &r = result();
    if (!r.error.isEmpty()) return tr("could not run: %1").arg(r.error);
    QStringList parts;
    if (r.cancelled) parts << tr("stopped early");
    if (r.droppedEvents)
        parts << tr("event budget reached: %1 later events drawn only as summaries")
                     .arg(QLocale().toString(qulonglong(r.droppedEvents)));
    if (!r.problems.isEmpty()) parts << r.problems.join(QStringLiteral("; "));
    return parts.join(QStringLiteral(" · "));
}

std::optional<BarChart> RunRecord::chart() const
{
    if (!m_scenario || !finished() || !result().error.isEmpty()) return std::nullopt;
    return m_scenario->chart(result().params, result().metrics);
}

std::optional<bool> RunRecord::lockSwitch() const
{
    if (!m_scenario) return std::nullopt;
    const QList<ParamSpec> specs = m_scenario->params();
    if (const ParamSpec *spec = ParamSpec::lockSwitch(specs)) return params().flag(spec->name);
    return std::nullopt;
}

QString RunRecord::exportName(const QString &format) const
{
    const QString suffix = format == QLatin1String("json") ? QStringLiteral("trace.json") : format;
    if (!m_scenario) { // a trace from another tool: named after its file
        QString base = QFileInfo(m_sourcePath).fileName();
        for (const char *known : {".gz", ".json", ".trace"})
            if (base.endsWith(QLatin1String(known), Qt::CaseInsensitive)) base.chop(int(qstrlen(known)));
        return (base.isEmpty() ? QStringLiteral("trace") : base) + QLatin1Char('.') + suffix;
    }
    QString name = family();
    const QList<ParamSpec> specs = m_scenario->params();
    if (const ParamSpec *spec = ParamSpec::lockSwitch(specs))
        name += QLatin1Char('-') + spec->name +
                (params().flag(spec->name) ? QStringLiteral("-on") : QStringLiteral("-off"));
    name += m_startedAt.toString(QStringLiteral("-yyyyMMdd-HHmmss"));
    return name + QLatin1Char('.') + suffix;
}

QString RunRecord::differenceFrom(const RunRecord &other) const
{
    QStringList parts;
    const QLocale l;
    if (!m_scenario || !other.m_scenario || other.family() != family()) return {};
    for (const ParamSpec &spec : m_scenario->params()) {
        const QVariant mine = params().value(spec.name);
        if (other.params().value(spec.name) == mine) continue;
        QString value = spec.type == ParamType::Int ? l.toString(mine.toLongLong()) : spec.formatValue(mine);
        if (!spec.unit.isEmpty()) value += QLatin1Char(' ') + spec.unit;
        parts << spec.label() + QLatin1Char(' ') + value;
    }
    return parts.join(QStringLiteral(", "));
}

QString RunRecord::shortLabel(const RunRecord *other) const
{
    const QString diff = other ? differenceFrom(*other) : QString();
    return diff.isEmpty() ? tr("Run %1").arg(m_number) : tr("Run %1 · %2").arg(m_number).arg(diff);
}

RunHistory::RunHistory(QObject *parent) : QObject(parent) {}

RunHistory::~RunHistory()
{
    clear();
}

RunRecord &RunHistory::begin(const Scenario &scenario, const ParamValues &params)
{
    return place(std::make_unique<RunRecord>(m_nextNumber++, scenario, params));
}

RunRecord &RunHistory::begin(std::shared_ptr<const Scenario> scenario, const ParamValues &params)
{
    auto record = std::make_unique<RunRecord>(m_nextNumber++, *scenario, params);
    record->keepAlive(std::move(scenario));
    return place(std::move(record));
}

RunRecord &RunHistory::adopt(std::unique_ptr<Trace> trace, const Scenario *scenario, RunResult result,
                             const QString &path, const QString &title)
{
    return place(std::make_unique<RunRecord>(m_nextNumber++, scenario, std::move(trace), std::move(result),
                                             path, title));
}

RunRecord &RunHistory::place(std::unique_ptr<RunRecord> record)
{
    m_runs.push_back(std::move(record));
    m_current = m_runs.back().get();
    const std::vector<RunRecord *> earlier = comparable();
    m_compared = earlier.empty() ? nullptr : earlier.front();
    trim();
    Q_EMIT runsChanged();
    Q_EMIT currentChanged();
    Q_EMIT comparedChanged();
    return *m_current;
}

std::vector<RunRecord *> RunHistory::comparable() const
{
    std::vector<RunRecord *> out;
    if (!m_current || !m_current->scenario()) return out; // a trace from another tool compares with nothing
    for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it)
        if (it->get() != m_current && (*it)->scenario() && (*it)->family() == m_current->family() &&
            (*it)->finished())
            out.push_back(it->get());
    return out;
}

bool RunHistory::setCompared(int number)
{
    RunRecord *wanted = nullptr;
    if (number != 0) {
        const std::vector<RunRecord *> candidates = comparable();
        const auto it = std::find_if(candidates.begin(), candidates.end(),
                                     [number](const RunRecord *r) { return r->number() == number; });
        if (it == candidates.end()) return false;
        wanted = *it;
    }
    if (wanted != m_compared) {
        m_compared = wanted;
        Q_EMIT comparedChanged();
    }
    return true;
}

RunRecord *RunHistory::find(int number) const
{
    for (const auto &r : m_runs)
        if (r->number() == number) return r.get();
    return nullptr;
}

std::uint64_t RunHistory::eventsHeld() const
{
    std::uint64_t total = 0;
    for (const auto &r : m_runs)
        total += r->trace().eventCount();
    return total;
}

void RunHistory::notifyFinished()
{
    if (m_current) m_current->seal(); // its file gets the result: Save Run can copy it from now on
    trim();
    Q_EMIT currentFinished();
    Q_EMIT runsChanged();
}

void RunHistory::trim()
{
    // The oldest first; the current and compared runs always stay.
    bool changed = false;
    for (auto it = m_runs.begin(); it != m_runs.end();) {
        const bool tooMany = int(m_runs.size()) > maxRuns;
        if (!tooMany && eventsHeld() <= m_eventLimit) break;
        if (it->get() == m_current || it->get() == m_compared || !(*it)->finished()) {
            ++it;
            continue;
        }
        it = m_runs.erase(it);
        changed = true;
    }
    if (changed) Q_EMIT runsChanged();
}

void RunHistory::clear()
{
    const bool had = !m_runs.empty();
    m_current = nullptr;
    m_compared = nullptr;
    if (!m_runs.empty() && !m_runs.back()->finished()) m_runs.back()->runner()->cancel();
    m_runs.clear();
    if (had) {
        Q_EMIT currentChanged();
        Q_EMIT comparedChanged();
        Q_EMIT runsChanged();
    }
}

} // namespace raceway
