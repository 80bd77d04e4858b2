#pragma once

#include <QObject>

#include <cstdint>
#include <optional>

namespace raceway {

// The visible window and the selection of a timeline, in nanoseconds since the run started. Clamps to
// [0, span], keeps at least minimumSpan in view, and emits only when something really changed. While
// following, the window grows with the run; any zoom or pan by the user stops following.
class TimelineZoom : public QObject
{
    Q_OBJECT
public:
    static constexpr std::int64_t minimumSpan = 1000; // 1 µs

    explicit TimelineZoom(QObject *parent = nullptr);

    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; }
    std::int64_t span() const { return m_span; }
    bool following() const { return m_following; }
    std::optional<std::pair<std::int64_t, std::int64_t>> selection() const { return m_selection; }

    // The run has grown (or a new one started): while following, the window shows all of it.
    void setSpan(std::int64_t span);
    // Where the run's own activity starts (ns since the run started; 0: at once): following and fit()
    // start there, so that an interpreter's start-up does not squeeze the program to a sliver. Zooming
    // out still shows it.
    void setLeadIn(std::int64_t ns);
    std::int64_t leadIn() const { return m_leadIn; }
    void setWindow(std::int64_t start, std::int64_t end);
    // Zoom by factor (< 1 zooms in) keeping the time at `fraction` of the width where it is.
    void zoomAround(double fraction, double factor);
    void panBy(std::int64_t delta);
    void fit();
    void reset(); // a new run: follow it from zero
    void setSelection(std::int64_t a, std::int64_t b);
    void clearSelection();

Q_SIGNALS:
    void windowChanged();
    void selectionChanged();

private:
    void apply(std::int64_t start, std::int64_t end, bool follow);

    std::int64_t m_span = minimumSpan;
    std::int64_t m_leadIn = 0;
    std::int64_t m_start = 0;
    std::int64_t m_end = minimumSpan;
    bool m_following = true;
    std::optional<std::pair<std::int64_t, std::int64_t>> m_selection;
};

} // namespace raceway
