#pragma once

#include "scriptoutput.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace raceway {

// The traced script's stdout and stderr as it writes them (stderr in the theme's warning colour), the
// command that ran it above and how it ended below. Bounded: the newest lines are kept, a line shows at
// most its first 4 KiB, and what a script printed faster than it could be shown (or past a line's 4 KiB)
// is counted and said where it was, not kept.
class OutputPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int maxLines = 20000;
    static constexpr qsizetype maxLineBytes = 4096; // the rest of a longer line is counted, not shown

    explicit OutputPanel(QWidget *parent = nullptr);

    // A new run: clears the panel and shows the command line.
    void begin(const QString &commandLine);
    void append(const std::vector<py::ScriptOutput::Chunk> &chunks);
    // The run is over: `summary` ("exited with status 0") and any bytes left out at the end.
    void end(const QString &summary, std::uint64_t droppedAtEnd);
    QString text() const;       // everything shown, for tests
    QString stderrText() const; // only what came from stderr, for tests
    std::uint64_t bytesShown() const { return m_bytesShown; }
    QPlainTextEdit *view() const { return m_view; }

private:
    void write(const QString &text, int kind); // 0 stdout, 1 stderr, 2 Raceway's own lines
    void appendBytes(const QByteArray &bytes, int kind);
    void endLongLine(); // says how much of the line was left out, if anything
    QLabel *m_heading;
    QPlainTextEdit *m_view;
    QString m_stderr;
    std::uint64_t m_bytesShown = 0;
    bool m_atLineStart = true;
    qsizetype m_lineBytes = 0;       // of the current line, shown
    std::uint64_t m_lineDropped = 0; // of the current line, left out
};

} // namespace raceway
