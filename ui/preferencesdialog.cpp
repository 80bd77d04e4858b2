#include "preferencesdialog.h"

#include "pythonjob.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace raceway {

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent), m_interpreter(new QLineEdit), m_check(new QLabel)
{
    setWindowTitle(tr("Preferences — Raceway"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto *row = new QHBoxLayout;
    m_interpreter->setPlaceholderText(tr("python3 on PATH"));
    m_interpreter->setToolTip(tr("The Python interpreter File > Trace Python Script runs scripts with: "
                                 "a name looked up on PATH (python3.12) or a path (/opt/venv/bin/python). "
                                 "Empty: python3 on PATH."));
    m_interpreter->setClearButtonEnabled(true);
    m_interpreter->setMinimumWidth(320);
    m_interpreter->setText(QSettings().value(QStringLiteral("python/interpreter")).toString());
    auto *browse = new QToolButton;
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose the interpreter's file"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Python Interpreter"), QStringLiteral("/usr/bin"));
        if (!path.isEmpty()) m_interpreter->setText(path);
    });
    row->addWidget(m_interpreter, 1);
    row->addWidget(browse);
    form->addRow(tr("Python interpreter"), row);
    m_check->setWordWrap(true);
    m_check->setTextFormat(Qt::PlainText);
    form->addRow(QString(), m_check);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    // Checked a moment after typing stops: asking an interpreter its version takes a few milliseconds.
    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(250);
    connect(&m_checkTimer, &QTimer::timeout, this, &PreferencesDialog::check);
    connect(m_interpreter, &QLineEdit::textChanged, this, [this] {
        m_ok->setEnabled(false);
        m_checkTimer.start();
    });
    check();
}

void PreferencesDialog::check()
{
    QString error;
    m_found = py::findPython(m_interpreter->text().trimmed(), &error);
    // Empty means python3 on PATH: allowed even when there is none yet (tracing then says so).
    m_ok->setEnabled(!m_found.isEmpty() || m_interpreter->text().trimmed().isEmpty());
    if (m_found.isEmpty()) {
        m_check->setText(QStringLiteral("✗ ") + error);
        return;
    }
    // Which Python it is, asked of the interpreter itself (briefly: it must not hold up the dialog); one
    // that cannot be traced (not Python, Python 2, older than 3.8) is refused as a missing one is.
    const py::PythonInfo info = py::probePython(m_found, &error);
    if (info.version.isEmpty()) {
        m_found.clear();
        m_ok->setEnabled(false);
        m_check->setText(QStringLiteral("✗ ") + error);
        return;
    }
    m_check->setText(tr("✓ %1 (Python %2%3)")
                         .arg(m_found, info.version, info.freeThreaded ? tr(", free-threaded") : QString()));
}

QString PreferencesDialog::checkText() const
{
    return m_check->text();
}

void PreferencesDialog::accept()
{
    if (m_checkTimer.isActive()) { // Enter pressed right after typing: check what was typed first
        m_checkTimer.stop();
        check();
    }
    if (!m_ok->isEnabled()) return;
    QSettings().setValue(QStringLiteral("python/interpreter"), m_interpreter->text().trimmed());
    QDialog::accept();
}

} // namespace raceway
