#pragma once

#include "stepfeed.h"

#include <QWidget>

#include <vector>

class QHBoxLayout;
class QLabel;
class QScrollArea;
class QToolButton;

namespace raceway {

// Step mode's bar above the timeline, while a run holds its threads at their step points: one button
// per thread naming the step it is held at ("Thread 1 · read"), the steps taken so far, why the last
// one asked for could not be taken, and the way out (run the rest freely, take the last step back).
class StepBar : public QWidget
{
    Q_OBJECT
public:
    explicit StepBar(QWidget *parent = nullptr);
    // Where the run stands; `live`: it still waits for steps (else the bar only says what was taken).
    void showState(const StepFeed::State &state, bool live);
    QToolButton *threadButton(int thread) const; // from 1; null past the last (tests)
    QString refusedText() const;                 // why the last step asked for was not taken, if shown

Q_SIGNALS:
    void stepAsked(int thread); // from 1
    void releaseAsked();
    void undoAsked();

private:
    QLabel *m_text;
    QLabel *m_refused;
    QHBoxLayout *m_buttonRow; // the threads' buttons, in m_scroll
    QScrollArea *m_scroll = nullptr;
    std::vector<QToolButton *> m_threads;
    QToolButton *m_release;
    QToolButton *m_undo;
};

} // namespace raceway
