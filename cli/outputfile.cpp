#include "outputfile.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace raceway {

OutputFile::OutputFile(QString path, QString kind) : m_path(std::move(path)), m_kind(std::move(kind)) {}

OutputFile::~OutputFile()
{
    discard();
}

bool OutputFile::prepare(QString *error)
{
    struct stat st = {};
    const QByteArray native = QFile::encodeName(m_path);
    if (::stat(native.constData(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            *error = QStringLiteral("it is a directory");
            return false;
        }
        if (!S_ISREG(st.st_mode)) {
            m_direct = true;
            m_fifo = S_ISFIFO(st.st_mode);
            if (::access(native.constData(), W_OK) != 0) {
                *error = QString::fromLocal8Bit(std::strerror(errno));
                return false;
            }
            return true;
        }
    }
    // A regular or new file: make sure the temporary file beside it can be created, then remove it.
    QSaveFile probe(m_path);
    if (!probe.open(QIODevice::WriteOnly)) {
        *error = probe.errorString();
        return false;
    }
    probe.cancelWriting();
    return true;
}

QIODevice *OutputFile::open(const std::function<bool()> &interrupted, QString *error)
{
    if (!m_direct) {
        m_save = std::make_unique<QSaveFile>(m_path);
        if (!m_save->open(QIODevice::WriteOnly)) {
            *error = m_save->errorString();
            m_save.reset();
            return nullptr;
        }
        return m_save.get();
    }
    const QByteArray native = QFile::encodeName(m_path);
    int fd = -1;
    for (;;) {
        // A FIFO without a reader: wait for one, but never past an interrupt.
        fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC | (m_fifo ? O_NONBLOCK : 0));
        if (fd >= 0 || errno != ENXIO || !m_fifo)
            break;
        if (interrupted()) {
            *error = QStringLiteral("interrupted while waiting for a program to read the FIFO");
            return nullptr;
        }
        QThread::msleep(20);
    }
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return nullptr;
    }
    if (m_fifo)
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    m_file = std::make_unique<QFile>();
    if (!m_file->open(fd, QIODevice::WriteOnly, QFileDevice::AutoCloseHandle)) {
        *error = m_file->errorString();
        ::close(fd);
        m_file.reset();
        return nullptr;
    }
    return m_file.get();
}

bool OutputFile::commit(QString *error)
{
    if (m_save) {
        const bool ok = m_save->commit();
        if (!ok)
            *error = m_save->errorString();
        m_save.reset();
        return ok;
    }
    if (m_file) {
        const bool ok = m_file->flush() && m_file->error() == QFileDevice::NoError;
        if (!ok)
            *error = m_file->errorString();
        m_file->close();
        m_file.reset();
        return ok;
    }
    *error = QStringLiteral("the file was never opened");
    return false;
}

void OutputFile::discard()
{
    if (m_save) {
        m_save->cancelWriting();
        m_save.reset();
    }
    if (m_file) {
        m_file->close();
        m_file.reset();
    }
}

} // namespace raceway
