#include "outputfile.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace raceway {
namespace {

QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

// Writes straight to a file descriptor and remembers the first error in the system's words.
class FdDevice : public QIODevice
{
public:
    explicit FdDevice(int fd) : m_fd(fd) { QIODevice::open(QIODevice::WriteOnly | QIODevice::Unbuffered); }
    ~FdDevice() override { closeFd(); }
    bool isSequential() const override { return true; }
    int failure() const { return m_errno; }
    // Closes the descriptor; false (and the error kept) if closing reports a failed write.
    bool closeFd()
    {
        if (m_fd < 0) return m_errno == 0;
        if (::close(m_fd) != 0 && m_errno == 0 && errno != EINTR) fail(errno);
        m_fd = -1;
        return m_errno == 0;
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (m_errno != 0 || m_fd < 0) return -1;
        qint64 done = 0;
        while (done < size) {
            const ssize_t n = ::write(m_fd, data + done, std::size_t(size - done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fail(n < 0 ? errno : ENOSPC);
                return -1;
            }
            done += n;
        }
        return done;
    }

private:
    void fail(int code)
    {
        m_errno = code;
        setErrorString(systemError(code));
    }
    int m_fd;
    int m_errno = 0;
};

QByteArray temporaryTemplate(const QString &path)
{
    const QFileInfo info(path);
    return QFile::encodeName(info.absolutePath() + QStringLiteral("/.") + info.fileName()) +
           ".raceway-XXXXXX";
}

} // namespace

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
                *error = systemError(errno);
                return false;
            }
            return true;
        }
    }
    // A regular or new file: make sure a temporary file can be created beside it, then remove it.
    QByteArray probe = temporaryTemplate(m_path);
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        *error = systemError(errno);
        return false;
    }
    ::close(fd);
    ::unlink(probe.constData());
    return true;
}

QIODevice *OutputFile::open(const std::function<bool()> &giveUp, QString *error)
{
    discard();
    int fd = -1;
    if (!m_direct) {
        m_temporary = temporaryTemplate(m_path);
        fd = ::mkstemp(m_temporary.data());
        if (fd < 0) {
            *error = systemError(errno);
            m_temporary.clear();
            return nullptr;
        }
        // mkstemp makes the file private; the finished file gets the usual permissions.
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, 0666 & ~mask);
    } else {
        const QByteArray native = QFile::encodeName(m_path);
        for (;;) {
            // A FIFO without a reader: wait for one, but never past an interrupt.
            fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC | (m_fifo ? O_NONBLOCK : 0));
            if (fd >= 0 || errno != ENXIO || !m_fifo) break;
            if (giveUp()) {
                *error = QStringLiteral("interrupted while waiting for a program to read the FIFO");
                return nullptr;
            }
            QThread::msleep(20);
        }
        if (fd < 0) {
            *error = systemError(errno);
            return nullptr;
        }
        if (m_fifo) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    m_device = std::make_unique<FdDevice>(fd);
    return m_device.get();
}

bool OutputFile::commit(QString *error)
{
    auto *device = static_cast<FdDevice *>(m_device.get());
    if (!device) {
        *error = QStringLiteral("the file was never opened");
        return false;
    }
    if (!device->closeFd()) {
        *error = device->errorString();
        discard();
        return false;
    }
    m_device.reset();
    if (!m_temporary.isEmpty()) {
        if (::rename(m_temporary.constData(), QFile::encodeName(m_path).constData()) != 0) {
            *error = systemError(errno);
            discard();
            return false;
        }
        m_temporary.clear();
    }
    return true;
}

void OutputFile::discard()
{
    m_device.reset(); // closes
    if (!m_temporary.isEmpty()) {
        ::unlink(m_temporary.constData());
        m_temporary.clear();
    }
}

} // namespace raceway
