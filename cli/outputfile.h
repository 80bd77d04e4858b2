#pragma once

#include <QFile>
#include <QSaveFile>
#include <QString>

#include <functional>
#include <memory>

namespace raceway {

// A file the command line was asked to write. A regular file (or a new one) is written beside its
// final name and renamed into place only once complete, so a failure leaves nothing half-written. Something
// that exists and is not a regular file — a FIFO, a terminal, a device — is written into directly and
// never replaced by a file of our own.
class OutputFile
{
public:
    explicit OutputFile(QString path, QString kind);
    ~OutputFile();

    // Checks up front that the file can be written: false and one line in error when not.
    bool prepare(QString *error);
    // The device to write to. A FIFO is opened here, waiting for a reader while `interrupted` is false.
    QIODevice *open(const std::function<bool()> &interrupted, QString *error);
    // Finishes the file: renamed into place, or flushed and closed. False and one line on any error.
    bool commit(QString *error);
    // Gives up: the temporary file is removed, a direct target is closed.
    void discard();

    const QString &path() const { return m_path; }
    const QString &kind() const { return m_kind; }
    bool isDirect() const { return m_direct; }

private:
    QString m_path, m_kind;
    bool m_direct = false; // a FIFO or device: written in place
    bool m_fifo = false;
    std::unique_ptr<QSaveFile> m_save;
    std::unique_ptr<QFile> m_file;
};

} // namespace raceway
