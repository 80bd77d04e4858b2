#include "timelineview.h"

#include "timelinepainter.h"

#include <QPaintEvent>
#include <QPainter>

namespace raceway {

TimelineView::TimelineView(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(600, 240);
}

void TimelineView::setTrace(const Trace *trace, const QString &title)
{
    m_trace = trace;
    m_title = title;
    update();
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    if (!m_trace) {
        p.fillRect(rect(), palette().color(QPalette::Base));
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Press Run (F5) to start the scenario and watch its threads."));
        return;
    }
    TimelinePainter painter(*m_trace, dark ? TimelinePalette::dark() : TimelinePalette::light());
    painter.setTitle(m_title);
    painter.paint(p, rect());
}

} // namespace raceway
