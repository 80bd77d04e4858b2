#include "resultspanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace raceway {

namespace {

QList<Metric> withRunFacts(const RunResult &r)
{
    QList<Metric> all = r.metrics;
    all.append({QStringLiteral("wall_ms"), QStringLiteral("Wall time"), r.wallMs, QStringLiteral("ms")});
    all.append({QStringLiteral("events"), QStringLiteral("Events recorded"), qlonglong(r.events), {}});
    if (r.droppedEvents)
        all.append({QStringLiteral("dropped_events"), QStringLiteral("Events over budget"), qlonglong(r.droppedEvents), {}});
    return all;
}

} // namespace

ResultsPanel::ResultsPanel(QWidget *parent) : QWidget(parent), m_heading(new QLabel(this)), m_table(new QTableWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_heading->setWordWrap(true);
    m_heading->setText(tr("<b>Results</b><br>Run a scenario to see what it measured."));
    layout->addWidget(m_heading);
    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({tr("Measure"), tr("This run"), tr("Previous")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);
}

void ResultsPanel::setRuns(const RunResult *current, const QString &currentTitle, const RunResult *previous,
                           const QString &previousTitle)
{
    QString heading = QStringLiteral("<b>Results</b>");
    if (current)
        heading += QStringLiteral("<br>This run: ") + currentTitle.toHtmlEscaped();
    if (previous)
        heading += QStringLiteral("<br><span style='color:gray'>Previous: ") + previousTitle.toHtmlEscaped() +
                   QStringLiteral("</span>");
    m_heading->setText(heading);
    const QList<Metric> now = current ? withRunFacts(*current) : QList<Metric>();
    const QList<Metric> before = previous ? withRunFacts(*previous) : QList<Metric>();
    QList<Metric> rows = now;
    for (const Metric &m : before)
        if (std::none_of(rows.begin(), rows.end(), [&](const Metric &r) { return r.key == m.key; }))
            rows.append(m);
    m_table->setColumnHidden(2, previous == nullptr);
    m_table->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const Metric &row = rows[i];
        auto *name = new QTableWidgetItem(row.label);
        name->setData(Qt::UserRole, row.key);
        m_table->setItem(i, 0, name);
        for (int col = 1; col <= 2; ++col) {
            const QList<Metric> &src = col == 1 ? now : before;
            auto it = std::find_if(src.begin(), src.end(), [&](const Metric &m) { return m.key == row.key; });
            auto *item = new QTableWidgetItem(it == src.end() ? QStringLiteral("—") : formatMetric(*it));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (it != src.end() && row.key == QLatin1String("lost_updates") && it->value.toLongLong() > 0) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
                item->setForeground(QColor(0xD5, 0x5E, 0x00));
            }
            m_table->setItem(i, col, item);
        }
    }
}

void ResultsPanel::setLive(std::uint64_t events, double fraction)
{
    const QLocale l;
    QString text = tr("<b>Running…</b><br>%1 events recorded").arg(l.toString(qulonglong(events)));
    if (fraction > 0)
        text += tr(", %1% done").arg(int(fraction * 100));
    m_heading->setText(text);
}

QString ResultsPanel::valueText(const QString &key, int column) const
{
    for (int i = 0; i < m_table->rowCount(); ++i)
        if (m_table->item(i, 0)->data(Qt::UserRole).toString() == key)
            return m_table->item(i, column)->text();
    return {};
}

} // namespace raceway
