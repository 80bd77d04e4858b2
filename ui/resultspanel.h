#pragma once

#include "runner.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace raceway {

// The numbers of the run beside those of the previous one: expected vs actual, lost updates, lock wait,
// wall time, events recorded.
class ResultsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ResultsPanel(QWidget *parent = nullptr);

    void setRuns(const RunResult *current, const QString &currentTitle, const RunResult *previous,
                 const QString &previousTitle);
    void setLive(std::uint64_t events, double fraction); // while a run is going
    QTableWidget *table() const { return m_table; }
    QString valueText(const QString &key, int column) const; // column 1: this run, 2: previous

private:
    QLabel *m_heading;
    QTableWidget *m_table;
};


} // namespace raceway
