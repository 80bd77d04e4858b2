// MainWindow's ways around a run: the find bar (F3 through lost updates, long waits and failures) and
// the numbers of a selected range.

#include "mainwindow.h"

#include "selectionpanel.h"
#include "timelineview.h"
#include "timelinezoom.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolBar>

#include <cmath>

namespace raceway {

void MainWindow::showSelection()
{
    const auto range = m_view->zoom()->selection();
    const RunRecord *run = current();
    if (!run || !range || range->second <= range->first) {
        m_selection->showRange(nullptr, 0, 0);
        return;
    }
    const Trace &t = run->trace();
    m_selection->showRange(&t, t.start() + range->first, t.start() + range->second);
    if (m_selectionDock->isVisible()) m_selectionDock->raise();
}

void MainWindow::showCriticalPath()
{
    // A run still going has no end to walk back from yet: its path is walked when it finishes.
    m_view->updateCriticalPath(!isRunning());
    if (isRunning() && m_view->criticalPathShown())
        m_status->setText(tr("The critical path is drawn once the run has finished"));
    const CriticalPath &path = m_view->criticalPathOfCurrent();
    m_selection->showCriticalPath(m_view->current() && path.total > 0 ? m_view->current() : nullptr, path);
    if (path.total > 0 && m_selectionDock->isVisible()) m_selectionDock->raise();
}

void MainWindow::buildFindBar()
{
    m_findBar = new QToolBar(tr("Find"), this);
    m_findBar->setObjectName(QStringLiteral("findBar"));
    m_findBar->setMovable(false);
    m_findKind = new QComboBox(m_findBar);
    m_findKind->setObjectName(QStringLiteral("findKind"));
    // In FindKind's order.
    m_findKind->addItems({tr("Lost updates"), tr("Waits of at least"), tr("Crashes and kills"),
                          tr("Deadlocks"), tr("Overdrafts, lines out of turn, cut-offs"),
                          tr("Slices named")});
    m_findMinMs = new QDoubleSpinBox(m_findBar);
    m_findMinMs->setObjectName(QStringLiteral("findMinMs"));
    m_findMinMs->setRange(0, 60'000);
    m_findMinMs->setDecimals(2);
    m_findMinMs->setValue(1.0);
    m_findMinMs->setSuffix(QStringLiteral(" ms"));
    m_findMinMs->setToolTip(tr("Only waits at least this long"));
    m_findText = new QLineEdit(m_findBar);
    m_findText->setObjectName(QStringLiteral("findText"));
    m_findText->setPlaceholderText(tr("part of a name"));
    m_findText->setClearButtonEnabled(true);
    m_findText->setMaximumWidth(220);
    m_findText->setToolTip(tr("Slices whose name contains this, in any case (Enter: the next one)"));
    m_findLabel = new QLabel(m_findBar);
    m_findLabel->setObjectName(QStringLiteral("findLabel"));
    m_findLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findBar->addWidget(new QLabel(tr(" Find: "), m_findBar));
    m_findBar->addWidget(m_findKind);
    QAction *minAction = m_findBar->addWidget(m_findMinMs);
    QAction *textAction = m_findBar->addWidget(m_findText);
    m_findBar->addAction(action(QStringLiteral("findPrevious")));
    m_findBar->addAction(action(QStringLiteral("findNext")));
    m_findBar->addWidget(m_findLabel);
    auto *spacer = new QWidget(m_findBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_findBar->addWidget(spacer);
    m_findBar->addAction(style()->standardIcon(QStyle::SP_DialogCloseButton), tr("Close the find bar"),
                         m_findBar, &QWidget::hide);
    const auto kindChanged = [this, minAction, textAction] {
        minAction->setVisible(m_findKind->currentIndex() == int(FindKind::LongWait));
        textAction->setVisible(m_findKind->currentIndex() == int(FindKind::Slice));
        m_findIndex = -1;
        m_findLabel->setText(tr("F3: next, Shift+F3: previous"));
    };
    connect(m_findKind, &QComboBox::currentIndexChanged, this, kindChanged);
    connect(m_findMinMs, &QDoubleSpinBox::valueChanged, this, [this] { m_findIndex = -1; });
    connect(m_findText, &QLineEdit::textChanged, this, [this] { m_findIndex = -1; });
    connect(m_findText, &QLineEdit::returnPressed, this, [this] { find(true); });
    kindChanged();
    addToolBar(Qt::BottomToolBarArea, m_findBar);
    m_findBar->hide();
}

void MainWindow::find(bool forward)
{
    m_findBar->show();
    const RunRecord *run = current();
    if (!run) {
        m_findLabel->setText(tr("Run a scenario first"));
        return;
    }
    const Trace &trace = run->trace();
    const int kind = m_findKind->currentIndex();
    const auto minNs = std::int64_t(std::llround(m_findMinMs->value() * 1e6));
    const QString text = m_findText->text().trimmed();
    if (kind == int(FindKind::Slice) && text.isEmpty()) {
        m_findLabel->setText(tr("Type part of a slice's name"));
        m_findText->setFocus();
        return;
    }
    if (!m_finder || m_findTrace != &trace || m_findEvents != trace.eventCount() || m_findKindUsed != kind ||
        m_findMinNs != minNs || m_findTextUsed != text) {
        m_finder = std::make_unique<TraceFinder>(trace, FindKind(kind), minNs, text);
        m_findTextUsed = text;
        m_findTrace = &trace;
        m_findEvents = trace.eventCount();
        m_findKindUsed = kind;
        m_findMinNs = minNs;
        m_findIndex = -1; // start again from what is on screen
    }
    const std::ptrdiff_t count = std::ptrdiff_t(m_finder->size());
    if (count == 0) {
        m_findLabel->setText(
            kind == int(FindKind::Slice)
                ? tr("No slice named like “%1” in this run").arg(text)
                : tr("No %1 in this run").arg(TraceFinder::kindName(FindKind(kind)) + QLatin1Char('s')));
        return;
    }
    std::ptrdiff_t i;
    bool wrapped = false;
    if (m_findIndex < 0 || m_findIndex >= count) {
        // The first step starts from the visible range.
        const TimelineZoom *zoom = m_view->zoom();
        i = forward ? m_finder->nextAfter(trace.start() + zoom->start() - 1)
                    : m_finder->previousBefore(trace.start() + zoom->end() + 1);
    } else {
        i = m_findIndex + (forward ? 1 : -1);
    }
    if (i < 0 || i >= count) {
        i = forward ? 0 : count - 1;
        wrapped = true;
    }
    m_findIndex = i;
    const Finding &f = m_finder->findings()[std::size_t(i)];
    m_view->reveal(f.lane, f.start, f.end);
    m_findLabel->setText(
        m_finder->describe(std::size_t(i)) +
        (wrapped ? (forward ? tr(" (from the start again)") : tr(" (from the end again)")) : QString()));
}

QString MainWindow::findText() const
{
    return m_findLabel->text();
}

} // namespace raceway
