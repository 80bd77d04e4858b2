#pragma once

#include "trace.h"

#include <QWidget>

namespace raceway {

// Shows a trace with the shared TimelinePainter. The owner tells it when the trace has grown.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setTrace(const Trace *trace, const QString &title);
    void traceChanged() { update(); }
    QSize sizeHint() const override { return {1100, 520}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const Trace *m_trace = nullptr;
    QString m_title;
};

} // namespace raceway
