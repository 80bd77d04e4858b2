#pragma once

#include "runhistory.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace raceway {

// The numbers of the current run beside those of the run it is compared with (any earlier run of the
// same scenario, picked from the history), and the difference: expected vs actual, lost updates, lock
// wait, wall time, events recorded. Columns are headed by what sets the runs apart ("lock on").
class ResultsPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { Measure = 0, Current = 1, Compared = 2, Difference = 3 };

    explicit ResultsPanel(QWidget *parent = nullptr);

    // Shows `history`'s current and compared runs and follows their changes.
    void setHistory(RunHistory *history);
    void refresh();
    void setLive(std::uint64_t events, double fraction); // while a run is going
    QTableWidget *table() const { return m_table; }
    QComboBox *compareBox() const { return m_compareBox; }
    QString valueText(const QString &key, int column) const;
    QString columnTitle(int column) const;

Q_SIGNALS:
    void compareRequested(int runNumber); // 0: compare with nothing

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fillCompareBox();
    void fitColumns();

    QPointer<RunHistory> m_history;
    QLabel *m_heading;
    QComboBox *m_compareBox;
    QTableWidget *m_table;
};

// "+1,204", "−3.250 ms", with the change relative to `before` appended if asked ("−3.250 ms (−45 %)"):
// `now` minus `before` when both are numbers, else empty.
QString metricDifference(const Metric &now, const Metric &before, bool relative = true);

} // namespace raceway
