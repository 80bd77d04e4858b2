#pragma once

#include "criticalpath.h"
#include "rangestats.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace raceway {

// Numbers for a selected range of the current run (Shift+drag on the timeline): per thread or process,
// time running, waiting, holding a lock and sleeping (durations and shares of the range), waits that
// began in it and the longest, and the lost updates its writes caused there; waits by place in the code;
// named slices by name.
class SelectionPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { Lane, Running, Waiting, Holding, Sleeping, Waits, LongestWait, Lost, Columns };

    explicit SelectionPanel(QWidget *parent = nullptr);

    // [start, end) absolute ns of `trace`; nullptr clears.
    void showRange(const Trace *trace, std::int64_t start, std::int64_t end);
    QTableWidget *table() const { return m_table; }
    // Waits by place in the code (a traced script's): hidden where the range has none.
    QTableWidget *places() const { return m_places; }
    // Named slices by name (another tool's trace): hidden where the range has none.
    QTableWidget *slicesByName() const { return m_slices; }
    // The critical path's parts, largest first (nullptr or an empty path: hidden).
    void showCriticalPath(const Trace *trace, const CriticalPath &path);
    QString criticalPathText() const;
    QString cell(const QString &laneName, int column) const;

private:
    QLabel *m_heading;
    QTableWidget *m_table;
    QTableWidget *m_places;
    QTableWidget *m_slices;
    QLabel *m_path;
};

QString formatShare(std::int64_t ns, std::int64_t of); // "12.35 ms (45 %)"

} // namespace raceway
