#include "selectionpanel.h"

#include "scenario.h"
#include "sitestats.h"
#include "slicestats.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace raceway {

QString formatShare(std::int64_t ns, std::int64_t of)
{
    if (ns == 0) return QStringLiteral("—");
    const double pct = of > 0 ? 100.0 * double(ns) / double(of) : 0;
    return formatDurationNs(ns) + QStringLiteral(" (") + QLocale().toString(pct, 'f', pct < 10 ? 1 : 0) +
           QStringLiteral(" %)");
}

namespace {

// A row of a table: the first cell names it, the others are numbers, right-aligned; each cell's tooltip
// says its row, its column and its text.
template <std::size_t N> void setRow(QTableWidget *table, int row, const QString (&texts)[N])
{
    for (int c = 0; c < int(N); ++c) {
        auto *item = new QTableWidgetItem(texts[c]);
        item->setToolTip(texts[0] + QStringLiteral(" · ") + table->horizontalHeaderItem(c)->text() +
                         QStringLiteral(": ") + texts[c]);
        if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, c, item);
    }
}

} // namespace

SelectionPanel::SelectionPanel(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_table(new QTableWidget(this)),
      m_places(new QTableWidget(this)), m_slices(new QTableWidget(this)), m_path(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);
    m_table->setColumnCount(Columns);
    m_table->setHorizontalHeaderLabels({tr("Lane"), tr("Running"), tr("Waiting"), tr("Holding a lock"),
                                        tr("Sleeping"), tr("Waits"), tr("Longest wait"), tr("Lost updates")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);
    // As a profiler's table: where in the code the time went waiting, largest first.
    m_places->setObjectName(QStringLiteral("waitsByPlace"));
    m_places->setColumnCount(5);
    m_places->setHorizontalHeaderLabels({tr("Place in the code"), tr("Waits"), tr("Waiting, all threads"),
                                         tr("Let go, waited for"), tr("Held")});
    m_places->horizontalHeaderItem(0)->setToolTip(tr("Where a traced script's threads asked for what they "
                                                     "waited for, or let go of what others waited for"));
    m_places->horizontalHeaderItem(3)->setToolTip(
        tr("Holds that another thread waited for, let go at this place"));
    m_places->verticalHeader()->hide();
    m_places->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_places->setSelectionMode(QAbstractItemView::NoSelection);
    m_places->setWordWrap(false);
    m_places->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_places->hide();
    layout->addWidget(m_places, 1);
    // As a profiler's table: which named slices took the range's time, largest first.
    m_slices->setObjectName(QStringLiteral("slicesByName"));
    m_slices->setColumnCount(5);
    m_slices->setHorizontalHeaderLabels({tr("Slice"), tr("Count"), tr("Total"), tr("Self"), tr("Longest")});
    m_slices->horizontalHeaderItem(2)->setToolTip(
        tr("Their time inside the range, summed over every thread (a name that calls itself counts each "
           "level)"));
    m_slices->horizontalHeaderItem(3)->setToolTip(tr("Their time in none of the slices they called"));
    m_slices->horizontalHeaderItem(4)->setToolTip(tr("The longest one, whole"));
    m_slices->verticalHeader()->hide();
    m_slices->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_slices->setSelectionMode(QAbstractItemView::NoSelection);
    m_slices->setWordWrap(false);
    m_slices->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_slices->hide();
    layout->addWidget(m_slices, 1);
    m_path->setWordWrap(true);
    m_path->setObjectName(QStringLiteral("criticalPath"));
    m_path->hide();
    layout->addWidget(m_path);
    showRange(nullptr, 0, 0);
}

void SelectionPanel::showRange(const Trace *trace, std::int64_t start, std::int64_t end)
{
    m_table->setRowCount(0);
    m_places->setRowCount(0);
    m_places->hide();
    m_slices->setRowCount(0);
    m_slices->hide();
    m_table->show();
    for (int c = 0; c < Columns; ++c)
        m_table->setColumnHidden(c, false);
    if (!trace || end <= start) {
        m_heading->setText(tr("Shift+drag on the timeline to select a range: its numbers appear here."));
        return;
    }
    m_heading->setText(tr("<b>%1</b> selected, from %2 to %3")
                           .arg(formatDurationNs(end - start), formatDurationNs(start - trace->start()),
                                formatDurationNs(end - trace->start())));
    const std::vector<LaneRangeStats> stats = rangeStats(*trace, start, end);
    m_table->setRowCount(int(stats.size()));
    const std::int64_t span = end - start;
    const QLocale l;
    for (int row = 0; row < int(stats.size()); ++row) {
        const LaneRangeStats &s = stats[std::size_t(row)];
        const QString texts[Columns] = {
            trace->lane(s.lane).name,
            formatShare(s.in(State::Running) + s.in(State::Task), span),
            formatShare(s.waitingNs(), span),
            formatShare(s.in(State::Holding) + s.in(State::HoldingReady), span),
            formatShare(s.in(State::Sleeping), span),
            l.toString(qlonglong(s.waits)),
            s.waits ? formatDurationNs(s.longestWaitNs) : QStringLiteral("—"),
            s.lossyWrites
                ? tr("%1 in %2 writes")
                      .arg(l.toString(qlonglong(s.lostUpdates)), l.toString(qlonglong(s.lossyWrites)))
                : QStringLiteral("—"),
        };
        setRow(m_table, row, texts);
    }
    // A column with nothing in any row (no lock held, no wait, nothing lost) is left out, so that a
    // narrow panel shows the ones that say something (eight columns showed two at 300 px).
    for (int c = 1; c < Columns; ++c) {
        bool empty = m_table->rowCount() > 0;
        for (int row = 0; row < m_table->rowCount() && empty; ++row) {
            const QString text = m_table->item(row, c)->text();
            empty = text == QStringLiteral("—") || text == QStringLiteral("0");
        }
        m_table->setColumnHidden(c, empty);
    }
    const std::vector<SiteTotals> places = siteTotals(*trace, start, end);
    m_places->setRowCount(int(places.size()));
    for (int row = 0; row < int(places.size()); ++row) {
        const SiteTotals &s = places[std::size_t(row)];
        // Times summed over the threads (four threads waiting the whole range are four times its length):
        // no share of the range.
        const auto total = [](std::int64_t ns) {
            return ns > 0 ? formatDurationNs(ns) : QStringLiteral("—");
        };
        const QString texts[5] = {
            s.place, s.waits ? l.toString(qlonglong(s.waits)) : QStringLiteral("—"), total(s.waitNs),
            s.releases ? l.toString(qlonglong(s.releases)) : QStringLiteral("—"), total(s.heldNs)};
        setRow(m_places, row, texts);
    }
    m_places->setVisible(!places.empty());
    const std::vector<SliceTotals> slices = sliceTotals(*trace, start, end);
    m_slices->setRowCount(int(slices.size()));
    for (int row = 0; row < int(slices.size()); ++row) {
        const SliceTotals &s = slices[std::size_t(row)];
        const QString texts[5] = {s.name, l.toString(qlonglong(s.count)), formatDurationNs(s.totalNs),
                                  s.selfNs > 0 ? formatDurationNs(s.selfNs) : QStringLiteral("—"),
                                  formatDurationNs(s.longestNs)};
        setRow(m_slices, row, texts);
    }
    m_slices->setVisible(!slices.empty());
    m_table->setVisible(m_table->rowCount() > 0 || slices.empty()); // a trace of slices has no thread states
}

void SelectionPanel::showCriticalPath(const Trace *trace, const CriticalPath &path)
{
    if (!trace || path.total == 0) {
        m_path->clear();
        m_path->hide();
        return;
    }
    const std::int64_t length = path.end - path.start;
    QStringList parts;
    const std::vector<PathShare> &shares = path.shares;
    for (std::size_t i = 0; i < shares.size() && i < 8; ++i)
        parts << tr("%1 %2: %3")
                     .arg(trace->lane(shares[i].lane).name,
                          shares[i].state == State::Idle ? tr("not started") : stateName(shares[i].state),
                          formatShare(shares[i].ns, length));
    if (shares.size() > 8) parts << tr("and %n more", nullptr, int(shares.size() - 8));
    const QString drawn =
        path.complete() ? QString()
                        : tr(", the last %1 drawn").arg(QLocale().toString(qulonglong(path.segments.size())));
    m_path->setText(
        tr("<b>Critical path</b>, %1, ending on %2 (%3 segments%4):<br>%5")
            .arg(formatDurationNs(length), trace->lane(path.segments.back().lane).name.toHtmlEscaped(),
                 QLocale().toString(qulonglong(path.total)), drawn, parts.join(QStringLiteral("<br>"))));
    m_path->show();
}

QString SelectionPanel::criticalPathText() const
{
    return m_path->isVisible() || !m_path->text().isEmpty() ? m_path->text() : QString();
}

QString SelectionPanel::cell(const QString &laneName, int column) const
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, Lane)->text() == laneName) return m_table->item(row, column)->text();
    return {};
}

} // namespace raceway
