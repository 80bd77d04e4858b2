#include "resultspanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace raceway {

namespace {

QList<Metric> withRunFacts(const RunResult &r)
{
    QList<Metric> all = r.metrics;
    all.append({QStringLiteral("wall_ms"), QStringLiteral("Wall time"), r.wallMs, QStringLiteral("ms")});
    all.append({QStringLiteral("events"), QStringLiteral("Events recorded"), qlonglong(r.events), {}});
    if (r.droppedEvents)
        all.append({QStringLiteral("dropped_events"),
                    QStringLiteral("Events over budget"),
                    qlonglong(r.droppedEvents),
                    {}});
    return all;
}

bool isNumber(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
        return true;
    default:
        return false;
    }
}

const QString minus = QStringLiteral("\u2212");

} // namespace

QString metricDifference(const Metric &now, const Metric &before, bool relative)
{
    if (!isNumber(now.value) || !isNumber(before.value)) return {};
    const QLocale l;
    const bool exact = now.value.typeId() != QMetaType::Double && before.value.typeId() != QMetaType::Double;
    QString text;
    double delta = 0, base = 0;
    if (exact) {
        const qlonglong d = now.value.toLongLong() - before.value.toLongLong();
        delta = double(d);
        base = double(before.value.toLongLong());
        text = (d > 0   ? QStringLiteral("+")
                : d < 0 ? minus
                        : QString()) +
               l.toString(qlonglong(std::llabs(d)));
    } else {
        delta = now.value.toDouble() - before.value.toDouble();
        base = before.value.toDouble();
        const QString magnitude = formatNumber(std::fabs(delta)); // three significant digits
        const bool zero = magnitude == formatNumber(0.0);
        text = (zero ? QString() : delta > 0 ? QStringLiteral("+") : minus) + magnitude;
    }
    if (!now.unit.isEmpty()) text += QLatin1Char(' ') + now.unit;
    if (relative && base != 0 && delta != 0) {
        const double pct = 100.0 * delta / std::fabs(base);
        const QString p = l.toString(std::fabs(pct), 'f', std::fabs(pct) < 10 ? 1 : 0);
        text += QStringLiteral(" (") + (pct > 0 ? QStringLiteral("+") : minus) + p + QStringLiteral(" %)");
    }
    return text;
}

ResultsPanel::ResultsPanel(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_compareBox(new QComboBox(this)),
      m_table(new QTableWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_heading->setWordWrap(true);
    m_heading->setTextFormat(Qt::RichText);
    m_heading->setText(tr("Run a scenario to see what it measured."));
    layout->addWidget(m_heading);
    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("Compare &with:"), this);
    label->setBuddy(m_compareBox);
    row->addWidget(label);
    m_compareBox->setObjectName(QStringLiteral("compareWith"));
    m_compareBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_compareBox->setMinimumContentsLength(12);
    m_compareBox->setToolTip(
        tr("Any earlier run of this scenario, stacked above this one on the same time axis "
           "and set beside it in the table (Ctrl+K switches the comparison on and off)"));
    row->addWidget(m_compareBox, 1);
    layout->addLayout(row);
    connect(m_compareBox, &QComboBox::activated, this,
            [this](int index) { Q_EMIT compareRequested(m_compareBox->itemData(index).toInt()); });
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Measure"), tr("This run"), tr("Compared"), tr("Difference")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setTextElideMode(Qt::ElideRight);
    m_table->horizontalHeader()->setMinimumSectionSize(40);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);
    fillCompareBox();
    refresh();
}

void ResultsPanel::setHistory(RunHistory *history)
{
    m_history = history;
    connect(history, &RunHistory::currentChanged, this, &ResultsPanel::refresh);
    connect(history, &RunHistory::comparedChanged, this, &ResultsPanel::refresh);
    connect(history, &RunHistory::currentFinished, this, &ResultsPanel::refresh);
    connect(history, &RunHistory::runsChanged, this, &ResultsPanel::fillCompareBox);
    fillCompareBox();
    refresh();
}

void ResultsPanel::fillCompareBox()
{
    const RunHistory *history = m_history.data();
    const QSignalBlocker quiet(m_compareBox);
    m_compareBox->clear();
    const RunRecord *current = history ? history->current() : nullptr;
    m_compareBox->addItem(tr("Nothing"), 0);
    if (current)
        for (const RunRecord *r : history->comparable()) {
            m_compareBox->addItem(r->shortLabel(current) + QStringLiteral(" · ") +
                                      QLocale().toString(r->startedAt().time(), QLocale::ShortFormat),
                                  r->number());
            m_compareBox->setItemData(m_compareBox->count() - 1, r->title(), Qt::ToolTipRole);
        }
    const RunRecord *compared = history ? history->compared() : nullptr;
    m_compareBox->setCurrentIndex(std::max(0, m_compareBox->findData(compared ? compared->number() : 0)));
    m_compareBox->setEnabled(m_compareBox->count() > 1);
}

void ResultsPanel::refresh()
{
    fillCompareBox();
    const RunHistory *history = m_history.data();
    const RunRecord *current = history ? history->current() : nullptr;
    const RunRecord *compared = history ? history->compared() : nullptr;
    const RunResult *now = current && current->finished() ? &current->result() : nullptr;
    const RunResult *before = compared ? &compared->result() : nullptr;
    QString heading; // the dock's title says "Results"
    if (current)
        heading = tr("<b>Run %1</b>: %2").arg(current->number()).arg(current->title().toHtmlEscaped());
    else
        heading = tr("Run a scenario to see what it measured.");
    if (compared)
        heading +=
            QStringLiteral("<br><span style='color:gray'>") +
            tr("Compared with run %1: %2").arg(compared->number()).arg(compared->title().toHtmlEscaped()) +
            QStringLiteral("</span>");
    m_heading->setText(heading);

    auto header = [this](int column, const QString &text, const QString &tip) {
        auto *item = new QTableWidgetItem(text);
        item->setToolTip(tip);
        m_table->setHorizontalHeaderItem(column, item);
    };
    header(Measure, tr("Measure"), {});
    // Two lines: the run, then what sets it apart, so that narrow columns still say which is which.
    const auto columnHeading = [](const RunRecord *r, const RunRecord *other) -> QString {
        const QString diff = other ? r->differenceFrom(*other) : QString();
        return tr("Run %1").arg(r->number()) + (diff.isEmpty() ? QString() : QLatin1Char('\n') + diff);
    };
    header(Current, current ? columnHeading(current, compared) : tr("This run"),
           current ? current->title() : QString());
    header(Compared, compared ? columnHeading(compared, current) : tr("Compared"),
           compared ? compared->title() : QString());
    header(Difference, tr("Difference"),
           current && compared ? tr("Run %1 minus run %2").arg(current->number()).arg(compared->number())
                               : QString());

    const QList<Metric> mine = now ? withRunFacts(*now) : QList<Metric>();
    const QList<Metric> theirs = before ? withRunFacts(*before) : QList<Metric>();
    QList<Metric> rows;
    for (const Metric &m : mine)
        if (isForPeople(m)) rows.append(m);
    for (const Metric &m : theirs)
        if (isForPeople(m) &&
            std::none_of(rows.begin(), rows.end(), [&](const Metric &r) { return r.key == m.key; }))
            rows.append(m);
    m_table->setColumnHidden(Compared, before == nullptr);
    m_table->setColumnHidden(Difference, before == nullptr);
    m_table->setRowCount(int(rows.size()));
    const auto find = [](const QList<Metric> &src, const QString &key) -> const Metric * {
        auto it = std::find_if(src.begin(), src.end(), [&](const Metric &m) { return m.key == key; });
        return it == src.end() ? nullptr : &*it;
    };
    for (int i = 0; i < rows.size(); ++i) {
        const Metric &row = rows[i];
        auto *name = new QTableWidgetItem(row.label);
        name->setData(Qt::UserRole, row.key);
        name->setToolTip(row.label + QStringLiteral(" (") + row.key + QLatin1Char(')'));
        m_table->setItem(i, Measure, name);
        const Metric *a = find(mine, row.key);
        const Metric *b = find(theirs, row.key);
        for (int col : {int(Current), int(Compared), int(Difference)}) {
            const Metric *m = col == Current ? a : b;
            QString text, tip;
            if (col == Difference) {
                text = a && b ? metricDifference(*a, *b, false) : QString();
                tip = a && b ? metricDifference(*a, *b) : QString(); // with the relative change
            } else {
                text = m ? formatMetric(*m) : QString();
                // A negative number with the minus sign, as the Difference column and the pictures write
                // it (a bank's overdrawn balance read "-100" here and "−100" in its title).
                if (m && isNumber(m->value) && text.startsWith(QLatin1Char('-'))) text.replace(0, 1, minus);
            }
            if (text.isEmpty()) text = QStringLiteral("—");
            auto *item = new QTableWidgetItem(text);
            item->setToolTip(row.label + QStringLiteral(": ") + (tip.isEmpty() ? text : tip));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (col != Difference && m && row.key == QLatin1String("lost_updates") &&
                m->value.toLongLong() > 0) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
                item->setForeground(QColor(0xD5, 0x5E, 0x00));
            }
            m_table->setItem(i, col, item);
        }
    }
    fitColumns();
}

void ResultsPanel::fitColumns()
{
    // Every visible column gets what its contents need if the panel is wide enough; otherwise the
    // measure names give way first, then the values share what is left, elided (tooltips hold the rest).
    QHeaderView *h = m_table->horizontalHeader();
    int available = m_table->viewport()->width();
    // Rows just added may not have brought the vertical scroll bar in yet: leave it room now, or the
    // last column's right-aligned values would sit under it.
    if (!m_table->verticalScrollBar()->isVisible() &&
        m_table->verticalHeader()->length() > m_table->viewport()->height())
        available -= m_table->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_table);
    std::vector<int> columns;
    for (int c = 0; c < m_table->columnCount(); ++c)
        if (!m_table->isColumnHidden(c)) columns.push_back(c);
    if (columns.empty() || available <= 0) return;
    std::vector<int> want(columns.size());
    int total = 0;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        int contents = 0;
        for (int row = 0; row < m_table->rowCount(); ++row)
            if (const QTableWidgetItem *item = m_table->item(row, columns[i]))
                contents = std::max(contents, QFontMetrics(item->font()).horizontalAdvance(item->text()));
        want[i] = std::max(contents + 14, h->sectionSizeHint(columns[i]));
        total += want[i];
    }
    if (total <= available) {
        want[0] += available - total; // the measure column takes the slack
    } else {
        const int valuesWant = total - want[0];
        // Numbers stay whole: the values get what they need and the names (whose tooltips hold them
        // whole) the rest, down to a few letters ("4,714 …" beside a compared run at 300 px was
        // not). With one value column the names keep up to three fifths, so that a long list
        // ("1, 4, 9, 16, …") is what gets elided rather than every name.
        const int nameShare = columns.size() == 2 ? available * 3 / 5 : 0;
        const int nameRoom = std::max({std::min(want[0], nameShare), available - valuesWant, 64});
        want[0] = std::min(want[0], nameRoom);
        int left = available - want[0];
        // Values shrink in proportion to what they asked for.
        for (std::size_t i = 1; i < columns.size(); ++i) {
            const int share = valuesWant > 0 ? int(double(left) * want[i] / valuesWant) : 0;
            want[i] = std::min(want[i], std::max(h->minimumSectionSize(), share));
        }
    }
    for (std::size_t i = 0; i < columns.size(); ++i)
        h->resizeSection(columns[i], want[i]);
}

void ResultsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitColumns();
}

void ResultsPanel::setLive(std::uint64_t events, double fraction)
{
    const QLocale l;
    QString text = tr("<b>Running…</b><br>%1 events recorded").arg(l.toString(qulonglong(events)));
    if (fraction > 0) text += tr(", %1% done").arg(int(fraction * 100));
    const RunHistory *history = m_history.data();
    if (const RunRecord *compared = history ? history->compared() : nullptr)
        text +=
            QStringLiteral("<br><span style='color:gray'>") +
            tr("Compared with run %1: %2").arg(compared->number()).arg(compared->title().toHtmlEscaped()) +
            QStringLiteral("</span>");
    m_heading->setText(text);
}

QString ResultsPanel::valueText(const QString &key, int column) const
{
    for (int i = 0; i < m_table->rowCount(); ++i)
        if (m_table->item(i, 0)->data(Qt::UserRole).toString() == key)
            return m_table->item(i, column)->text();
    return {};
}

QString ResultsPanel::columnTitle(int column) const
{
    const QTableWidgetItem *item = m_table->horizontalHeaderItem(column);
    return item ? item->text() : QString();
}

} // namespace raceway
