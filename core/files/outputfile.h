#pragma once

#include <QIODevice>
#include <QString>

#include <functional>
#include <memory>

namespace raceway {

// A file the command line was asked to write. A regular file (or a new one) is written to a temporary
// file beside it and renamed into place only once complete, so a failure leaves nothing half-written.
// Something that exists and is not a regular file — a FIFO, a terminal, a device — is written into
// directly and never replaced by a file of our own. Errors are the system's own words ("No space left
// on device"), never a generic one.
class OutputFile
{
public:
    OutputFile(QString path, QString kind);
    ~OutputFile();
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    // Checks up front that the file can be written: false and one line in error when not.
    bool prepare(QString *error);
    // The device to write to. A FIFO is opened here, waiting for a reader until `giveUp` says so.
    QIODevice *open(const std::function<bool()> &giveUp, QString *error);
    // Finishes the file: renamed into place, or flushed and closed. False and one line on any error.
    bool commit(QString *error);
    // Gives up: the temporary file is removed, a direct target is closed.
    void discard();

    const QString &path() const { return m_path; }
    const QString &kind() const { return m_kind; }

private:
    QString m_path, m_kind;
    bool m_direct = false; // a FIFO or device: written in place
    bool m_fifo = false;
    QByteArray m_temporary; // the file being written beside the target
    std::unique_ptr<QIODevice> m_device;
};

} // namespace raceway
