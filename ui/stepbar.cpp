#include "stepbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace raceway {

StepBar::StepBar(QWidget *parent)
    : QWidget(parent), m_text(new QLabel(this)), m_refused(new QLabel(this)), m_buttonRow(new QHBoxLayout),
      m_release(new QToolButton(this)), m_undo(new QToolButton(this))
{
    setObjectName(QStringLiteral("stepBar"));
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(8, 4, 8, 4);
    column->setSpacing(2);
    m_text->setWordWrap(true);
    column->addWidget(m_text);
    m_refused->setWordWrap(true);
    m_refused->setStyleSheet(QStringLiteral("color: #D55E00;"));
    column->addWidget(m_refused);
    // The threads' buttons scroll sideways when there are many (64 would widen the window past the
    // screen); the way out stays in sight beside them.
    auto *row = new QHBoxLayout;
    row->setSpacing(4);
    auto *threads = new QWidget;
    threads->setLayout(m_buttonRow);
    m_buttonRow->setContentsMargins(0, 0, 0, 0);
    m_buttonRow->setSpacing(4);
    m_buttonRow->addStretch(1);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(threads);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    row->addWidget(m_scroll, 1);
    m_release->setText(tr("Run the Rest Freely"));
    m_release->setToolTip(tr("Let every thread go on without stopping at its steps (F6)"));
    m_undo->setText(tr("Take Back"));
    m_undo->setToolTip(tr("Run again on fresh threads with every step but the last (Ctrl+Z)"));
    row->addWidget(m_undo);
    row->addWidget(m_release);
    column->addLayout(row);
    connect(m_release, &QToolButton::clicked, this, &StepBar::releaseAsked);
    connect(m_undo, &QToolButton::clicked, this, &StepBar::undoAsked);
    setAutoFillBackground(true);
    hide();
}

QToolButton *StepBar::threadButton(int thread) const
{
    return thread >= 1 && std::size_t(thread) <= m_threads.size() ? m_threads[std::size_t(thread - 1)]
                                                                  : nullptr;
}

QString StepBar::refusedText() const
{
    return m_refused->isHidden() ? QString() : m_refused->text();
}

void StepBar::showState(const StepFeed::State &state, bool live)
{
    // One button a thread, made once per run's size; named by what the thread does next.
    while (m_threads.size() < std::size_t(state.next.size())) {
        const int number = int(m_threads.size()) + 1;
        auto *b = new QToolButton(m_scroll->widget());
        b->setObjectName(QStringLiteral("stepThread%1").arg(number));
        connect(b, &QToolButton::clicked, this, [this, number] { Q_EMIT stepAsked(number); });
        m_buttonRow->insertWidget(int(m_threads.size()), b);
        m_threads.push_back(b);
    }
    while (m_threads.size() > std::size_t(state.next.size())) {
        delete m_threads.back();
        m_threads.pop_back();
    }
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        const QString next = state.next[qsizetype(i)];
        const int number = int(i) + 1;
        QToolButton *b = m_threads[i];
        const QString note = state.notes.value(qsizetype(i));
        // Past its step point, waiting for a lock another thread holds: it moves when it gets it.
        const QString waits = state.waits.value(qsizetype(i));
        b->setText(next.isEmpty()     ? tr("%1 · done").arg(number)
                   : !waits.isEmpty() ? tr("%1 · %2").arg(number).arg(waits)
                   : note.isEmpty()   ? tr("%1 · %2").arg(number).arg(next)
                                      : tr("%1 · %2 (%3)").arg(number).arg(next, note));
        b->setEnabled(live && !next.isEmpty() && waits.isEmpty());
        b->setToolTip(
            next.isEmpty()     ? tr("Thread %1 has taken all its steps").arg(number)
            : !waits.isEmpty() ? tr("Thread %1 %2, which another thread holds: it goes on by itself "
                                    "once it has it")
                                     .arg(number)
                                     .arg(waits)
            : number <= 9 ? tr("Let thread %1 take its next step: its %2 (press %1)").arg(number).arg(next)
                          : tr("Let thread %1 take its next step: its %2").arg(number).arg(next));
    }
    QStringList taken;
    for (const qlonglong t : state.taken)
        taken << QString::number(t);
    const QString steps = taken.isEmpty() ? tr("none yet") : taken.join(QLatin1Char(','));
    // What the last step did, said first: the moment a write erases another's, in words.
    const QString said = state.said.isEmpty() ? QString() : tr("<b>%1.</b> ").arg(state.said.toHtmlEscaped());
    m_text->setText(
        said + (live ? tr("<b>Step mode:</b> each thread waits before every step it takes. Who moves next? "
                          "Click a thread (its button or its lane) or press its number. Steps taken: %1")
                           .arg(steps)
                     : tr("<b>Step mode:</b> steps taken: %1").arg(steps)));
    m_refused->setText(state.refused);
    m_refused->setVisible(!state.refused.isEmpty());
    m_release->setEnabled(live);
    m_undo->setEnabled(!state.taken.isEmpty());
    // As tall as a row of buttons, and its scroll bar where they do not all fit.
    const int buttons =
        m_threads.empty() ? m_undo->sizeHint().height() : m_threads.front()->sizeHint().height();
    const bool scrolls = m_scroll->widget()->sizeHint().width() > m_scroll->viewport()->width();
    m_scroll->setFixedHeight(buttons + (scrolls ? m_scroll->horizontalScrollBar()->sizeHint().height() : 0));
}

} // namespace raceway
