#include "exploredialog.h"

#include "imageexport.h"
#include "runner.h"

#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace raceway {
namespace {

// Orders the window explores at most (the command line's --limit goes further).
constexpr std::uint64_t windowLimit = 100'000;

} // namespace

ExploreDialog::ExploreDialog(const Scenario &scenario, const ParamValues &params, QWidget *parent)
    : QDialog(parent), m_scenario(scenario), m_params(params), m_heading(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_rows(new QGridLayout), m_stopOrClose(new QPushButton(this))
{
    setObjectName(QStringLiteral("exploreDialog"));
    setWindowTitle(tr("Every Order — Raceway"));
    m_params.set(QStringLiteral("schedule"), QVariantList());
    m_plan = *scenario.steps(m_params);
    auto *column = new QVBoxLayout(this);
    m_heading->setWordWrap(true);
    column->addWidget(m_heading);
    column->addWidget(m_progress);
    auto *rows = new QWidget;
    rows->setLayout(m_rows);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(rows);
    scroll->setWidgetResizable(true);
    column->addWidget(scroll, 1);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_stopOrClose, QDialogButtonBox::RejectRole);
    column->addWidget(buttons);
    resize(900, 600);

    const QLocale l;
    const QString title = scenario.headline(m_params, {});
    QString many = tooManySteps(m_plan);
    if (many.isEmpty()) many = tooManyOrders(m_plan, windowLimit);
    if (!many.isEmpty()) {
        m_heading->setText(tr("<b>%1</b><br>%2: fewer threads or iterations have fewer (the command line's "
                              "<tt>raceway explore --limit</tt> goes up to 10,000,000).")
                               .arg(title.toHtmlEscaped(), many));
        m_progress->hide();
        m_stopOrClose->setText(tr("Close"));
        connect(m_stopOrClose, &QPushButton::clicked, this, &QDialog::reject);
        m_done = true;
        return;
    }
    const std::uint64_t total = m_plan.count(windowLimit);
    m_heading->setText(tr("<b>%1</b><br>Every order of its %2 steps a thread (%3): %4 orders, each run for "
                          "real, held to it.")
                           .arg(title.toHtmlEscaped(), m_plan.stepsPerThreadText(),
                                m_plan.names.join(QStringLiteral(", ")), l.toString(qulonglong(total))));
    m_progress->setRange(0, int(total));
    m_progress->setValue(0);
    m_stopOrClose->setText(tr("Stop"));
    connect(m_stopOrClose, &QPushButton::clicked, this, [this] {
        if (m_done)
            reject();
        else
            m_stop = true;
    });
    // Told at most 10 times a second how far it is; once at the end with everything.
    m_thread = std::thread([this, total] {
        QElapsedTimer since;
        since.start();
        const ExploreResult result = exploreOrders(
            m_scenario, m_params, m_plan, total, [this] { return m_stop.load(); },
            [this, &since](const ExploreResult &sofar) {
                if (since.elapsed() < 100) return;
                since.restart();
                QMetaObject::invokeMethod(
                    this, [this, sofar] { showProgress(sofar); }, Qt::QueuedConnection);
            });
        QMetaObject::invokeMethod(
            this, [this, result] { finish(result); }, Qt::QueuedConnection);
    });
}

ExploreDialog::~ExploreDialog()
{
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

QPushButton *ExploreDialog::replayButton(int row) const
{
    return row >= 0 && std::size_t(row) < m_replays.size() ? m_replays[std::size_t(row)] : nullptr;
}

QString ExploreDialog::outcomeText(int row) const
{
    return row >= 0 && std::size_t(row) < m_texts.size() ? m_texts[std::size_t(row)]->text() : QString();
}

void ExploreDialog::showProgress(const ExploreResult &result)
{
    if (!m_done) m_progress->setValue(int(result.runs));
}

void ExploreDialog::finish(const ExploreResult &result)
{
    if (m_thread.joinable()) m_thread.join();
    m_result = result;
    m_done = true;
    m_progress->setValue(int(result.runs));
    m_stopOrClose->setText(tr("Close"));
    const QLocale l;
    if (!result.error.isEmpty()) {
        m_heading->setText(m_heading->text() + QStringLiteral("<br>") +
                           tr("A run could not do its work: %1").arg(result.error.toHtmlEscaped()));
        return;
    }
    if (result.stopped)
        m_heading->setText(m_heading->text() + QStringLiteral("<br>") +
                           tr("Stopped after %1 orders: the counts below are of those.")
                               .arg(l.toString(qulonglong(result.runs))));
    // One row per outcome: its first order, run again to draw it small.
    ExportOptions eo;
    eo.width = 900;
    eo.dark = palette().color(QPalette::Base).lightness() < 128; // as the window is drawn
    int row = 0;
    for (const ExploreOutcome &o : result.outcomes) {
        ParamValues p = m_params;
        p.setIntegers(QStringLiteral("schedule"), o.example);
        Runner runner(m_scenario, p, 1 << 16);
        runner.start();
        runner.wait();
        eo.title = m_scenario.headline(runner.result().params, runner.result().metrics);
        auto *picture = new QLabel;
        picture->setPixmap(QPixmap::fromImage(renderTimeline(runner.trace(), eo))
                               .scaledToWidth(440, Qt::SmoothTransformation));
        // "1 lost update", "2 lost updates"
        const QString label = o.value == 1 && m_plan.outcomeLabel.endsWith(QLatin1Char('s'))
                                  ? m_plan.outcomeLabel.chopped(1)
                                  : m_plan.outcomeLabel;
        auto *text = new QLabel(
            tr("<b>%1 %2</b><br>%3 of %4 orders (%5 %)<br>first: %6")
                .arg(l.toString(o.value), label.toHtmlEscaped(), l.toString(qulonglong(o.orders)),
                     l.toString(qulonglong(result.runs)),
                     l.toString(100.0 * double(o.orders) / double(std::max<std::uint64_t>(result.runs, 1)),
                                'f', 0),
                     scheduleText(o.example)));
        text->setWordWrap(true);
        text->setMinimumWidth(180);
        auto *replay = new QPushButton(tr("Replay in Step Mode"));
        replay->setToolTip(
            tr("Run this order again, step by step: the schedule %1").arg(scheduleText(o.example, 64)));
        const QList<qlonglong> example = o.example;
        connect(replay, &QPushButton::clicked, this, [this, example] { Q_EMIT replayAsked(example); });
        m_rows->addWidget(picture, row, 0);
        m_rows->addWidget(text, row, 1);
        m_rows->addWidget(replay, row, 2, Qt::AlignTop);
        m_replays.push_back(replay);
        m_texts.push_back(text);
        ++row;
    }
    m_rows->setRowStretch(row, 1);
}

} // namespace raceway
