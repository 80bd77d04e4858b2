#include "timelinezoom.h"

#include <algorithm>
#include <cmath>

namespace raceway {

TimelineZoom::TimelineZoom(QObject *parent) : QObject(parent) {}

void TimelineZoom::apply(std::int64_t start, std::int64_t end, bool follow)
{
    std::int64_t width = std::clamp<std::int64_t>(end - start, std::min(minimumSpan, m_span), m_span);
    start = std::clamp<std::int64_t>(start, 0, m_span - width);
    end = start + width;
    m_following = follow;
    if (start == m_start && end == m_end) return;
    m_start = start;
    m_end = end;
    Q_EMIT windowChanged();
}

void TimelineZoom::setSpan(std::int64_t span)
{
    span = std::max(span, minimumSpan);
    if (span == m_span) return;
    m_span = span;
    if (m_following)
        apply(std::min(m_leadIn, m_span - minimumSpan), m_span, true);
    else
        apply(m_start, m_end, false);
}

void TimelineZoom::setWindow(std::int64_t start, std::int64_t end)
{
    apply(start, end, start <= 0 && end >= m_span);
}

void TimelineZoom::zoomAround(double fraction, double factor)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    const double width = double(m_end - m_start);
    const double anchor = double(m_start) + fraction * width;
    const double newWidth = std::clamp(width * factor, double(std::min(minimumSpan, m_span)), double(m_span));
    const auto start = std::int64_t(std::llround(anchor - fraction * newWidth));
    apply(start, start + std::int64_t(std::llround(newWidth)), false);
    if (m_start == 0 && m_end == m_span) m_following = true;
}

void TimelineZoom::panBy(std::int64_t delta)
{
    apply(m_start + delta, m_end + delta, false);
}

void TimelineZoom::setLeadIn(std::int64_t ns)
{
    ns = std::max<std::int64_t>(0, ns);
    if (ns == m_leadIn) return;
    m_leadIn = ns;
    if (m_following) apply(std::min(m_leadIn, m_span - minimumSpan), m_span, true);
}

void TimelineZoom::fit()
{
    apply(std::clamp<std::int64_t>(m_leadIn, 0, m_span - minimumSpan), m_span, true);
}

void TimelineZoom::reset()
{
    m_span = minimumSpan;
    m_leadIn = 0;
    clearSelection();
    apply(0, m_span, true);
}

void TimelineZoom::setSelection(std::int64_t a, std::int64_t b)
{
    auto sel = std::make_pair(std::clamp<std::int64_t>(std::min(a, b), 0, m_span),
                              std::clamp<std::int64_t>(std::max(a, b), 0, m_span));
    if (m_selection == sel) return;
    m_selection = sel;
    Q_EMIT selectionChanged();
}

void TimelineZoom::clearSelection()
{
    if (!m_selection) return;
    m_selection.reset();
    Q_EMIT selectionChanged();
}

} // namespace raceway
