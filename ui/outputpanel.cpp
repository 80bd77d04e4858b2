#include "outputpanel.h"

#include "palette.h"

#include <QFontDatabase>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStringDecoder>
#include <QTextCursor>
#include <QVBoxLayout>

namespace raceway {

OutputPanel::OutputPanel(QWidget *parent) : QWidget(parent), m_heading(new QLabel), m_view(new QPlainTextEdit)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_heading->setWordWrap(true);
    m_heading->setTextFormat(Qt::PlainText);
    m_heading->setText(tr("What a traced Python script prints shows here."));
    layout->addWidget(m_heading);
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(maxLines);
    m_view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setPlaceholderText(tr("No output yet"));
    m_view->setToolTip(tr("The script's standard output, and its standard error in colour"));
    layout->addWidget(m_view, 1);
}

void OutputPanel::begin(const QString &commandLine)
{
    m_view->clear();
    m_stderr.clear();
    m_bytesShown = 0;
    m_atLineStart = true;
    m_lineBytes = 0;
    m_lineDropped = 0;
    m_heading->setText(QStringLiteral("$ ") + commandLine);
    m_heading->setToolTip(commandLine);
}

void OutputPanel::write(const QString &text, int kind)
{
    if (text.isEmpty()) return;
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 2; // the user has not scrolled up to read
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    const bool dark = m_view->palette().color(QPalette::Base).lightness() < 128;
    if (kind == 1) // stderr: the colour lost updates are drawn in, readable on the panel's background
        format.setForeground((dark ? TimelinePalette::dark() : TimelinePalette::light()).lostMarker);
    if (kind == 2) {
        format.setForeground(m_view->palette().color(QPalette::PlaceholderText));
        format.setFontItalic(true);
    }
    cursor.insertText(text, format);
    m_atLineStart = text.endsWith(QLatin1Char('\n'));
    if (following) bar->setValue(bar->maximum());
}

void OutputPanel::append(const std::vector<py::ScriptOutput::Chunk> &chunks)
{
    for (const py::ScriptOutput::Chunk &chunk : chunks) {
        if (chunk.droppedBefore > 0)
            write((m_atLineStart ? QString() : QStringLiteral("\n")) +
                      tr("[… %1 bytes printed faster than they could be shown were left out …]\n")
                          .arg(QLocale().toString(qulonglong(chunk.droppedBefore))),
                  2);
        appendBytes(chunk.bytes, chunk.stream == py::ScriptOutput::Stream::Err ? 1 : 0);
    }
}

void OutputPanel::appendBytes(const QByteArray &bytes, int kind)
{
    // What is shown goes in as one insertion (one per long line's note): inserting line by line is
    // six times slower.
    QByteArray pending;
    const auto flush = [&] {
        if (pending.isEmpty()) return;
        // Lossy on purpose: a script may print bytes that are not UTF-8; they show as U+FFFD.
        const QString text = QString::fromUtf8(pending);
        if (kind == 1) m_stderr += text;
        m_bytesShown += std::uint64_t(pending.size());
        write(text, kind);
        pending.clear();
    };
    qsizetype at = 0;
    while (at < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', at);
        const qsizetype end = newline < 0 ? bytes.size() : newline;
        // A line longer than maxLineBytes shows its start: laying out megabytes on one line would stall
        // the window (a 256 KiB line took 1.4 s a frame).
        qsizetype take = std::min<qsizetype>(std::max<qsizetype>(0, maxLineBytes - m_lineBytes), end - at);
        while (take > 0 && take < end - at && (std::uint8_t(bytes[at + take]) & 0xC0) == 0x80)
            --take; // not in the middle of a character
        pending.append(bytes.constData() + at, take);
        m_lineBytes += take;
        m_lineDropped += std::uint64_t(end - at - take);
        if (newline < 0) break;
        if (m_lineDropped > 0) {
            flush();
            endLongLine();
        }
        pending.append('\n');
        m_lineBytes = 0;
        at = newline + 1;
    }
    flush();
}

void OutputPanel::endLongLine()
{
    if (m_lineDropped == 0) return;
    write(tr(" [… %1 bytes of this line left out …]").arg(QLocale().toString(qulonglong(m_lineDropped))), 2);
    m_lineDropped = 0;
}

void OutputPanel::end(const QString &summary, std::uint64_t droppedAtEnd)
{
    endLongLine();
    m_lineBytes = 0;
    QString line = m_atLineStart ? QString() : QStringLiteral("\n");
    if (droppedAtEnd > 0)
        line += tr("[… %1 bytes left out …]\n").arg(QLocale().toString(qulonglong(droppedAtEnd)));
    write(line + QStringLiteral("— ") + summary + QLatin1Char('\n'), 2);
}

QString OutputPanel::text() const
{
    return m_view->toPlainText();
}

QString OutputPanel::stderrText() const
{
    return m_stderr;
}

} // namespace raceway
