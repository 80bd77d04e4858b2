#pragma once

#include <QList>
#include <QString>
#include <QVariant>

#include <cstdint>

namespace raceway {

// What a run leaves behind for people and for --json, apart from the machinery that produced it: the
// painter, the exports and saved runs read these without knowing about scenarios or recorders.

struct Metric
{
    QString key;   // stable, for --json
    QString label; // for people
    QVariant value;
    QString unit;
};

// A small bar chart a scenario can add to its timeline (the compare scenario's wall times).
struct ChartBar
{
    QString label;
    double value = 0;
    QString caption; // drawn after the bar, e.g. "812 ms · 1.9× faster"
};
struct BarChart
{
    QString title;
    QList<ChartBar> bars;
    double ideal = 0; // a reference value drawn as a dashed line (0: none)
    QString idealLabel;
};

QVariant metricValue(const QList<Metric> &metrics, const QString &key);
// " — 612,345 of 800,000 counted, 187,655 lost", or nothing before the run has finished.
QString raceSummary(const QList<Metric> &metrics);

// "1,234", "12.345 ms", "0.0, 98.5 %": a metric's value as people read it, in the current locale.
QString formatMetric(const Metric &m);
// A measured number at the precision that means something: three significant digits, never fewer than
// its whole part ("0.123", "1.23", "12.3", "123", "5,912"), in the current locale.
QString formatNumber(double v);
// False for a metric kept for --json only: a list of records (compare's "modes"), whose numbers people
// read in rows of their own. Tables and summaries for people leave it out rather than print a dump.
bool isForPeople(const Metric &m);
// "1 thread", "3 threads", "1,024 threads": a count with its noun, in the current locale.
QString countOf(qlonglong n, const QString &one, const QString &many);
// "−1,234": a whole number as people write it, with a real minus sign, in the current locale.
QString formatWhole(qlonglong v);
// "812 ns", "4.214 ms", "1.503 s": a duration as people read it, in the current locale.
QString formatDurationNs(std::int64_t ns);

} // namespace raceway
