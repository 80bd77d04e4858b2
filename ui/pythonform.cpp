#include "pythonform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>

namespace raceway {

namespace {

// Settings keys per script (paths hold slashes, which QSettings reads as groups).
QString keyFor(const QString &script, const char *what)
{
    const QByteArray hash =
        QCryptographicHash::hash(QFileInfo(script).absoluteFilePath().toUtf8(), QCryptographicHash::Sha1);
    return QStringLiteral("python/scripts/") + QString::fromLatin1(hash.toHex().left(16)) + QLatin1Char('/') +
           QString::fromLatin1(what);
}

} // namespace

QString chosenPython(QString *error)
{
    const QString requested = QSettings().value(QStringLiteral("python/interpreter")).toString().trimmed();
    QString why;
    const QString path = py::findPython(requested, &why);
    if (path.isEmpty() && error)
        *error = requested.isEmpty()
                     ? QObject::tr("no python3 found on PATH: install python3, or choose an interpreter in "
                                   "File > Preferences")
                     : QObject::tr("no Python interpreter at '%1': choose another in File > Preferences")
                           .arg(requested);
    if (path.isEmpty()) return path;
    if (py::probePython(path, &why).version.isEmpty()) { // not one the tracer can run in
        if (error) *error = why + QObject::tr(": choose another in File > Preferences");
        return {};
    }
    return path;
}

PythonForm::PythonForm(QWidget *parent)
    : QWidget(parent), m_path(new QLabel), m_args(new QLineEdit), m_workingDir(new QLineEdit),
      m_browse(new QToolButton), m_timeout(new QSpinBox), m_calls(new QCheckBox), m_watch(new QLineEdit),
      m_choice(new QComboBox), m_interpreter(new QLabel)
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_path->setWordWrap(true);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Script"), m_path);
    m_args->setPlaceholderText(tr("none"));
    m_args->setToolTip(tr("What the script finds in sys.argv[1:], split as a shell would: quote an "
                          "argument that holds spaces"));
    m_args->setClearButtonEnabled(true);
    form->addRow(tr("Arguments"), m_args);
    auto *dirRow = new QHBoxLayout;
    dirRow->setContentsMargins(0, 0, 0, 0);
    m_workingDir->setPlaceholderText(tr("the script's folder"));
    m_workingDir->setToolTip(tr("The folder the script runs in (its current directory); empty: the "
                                "folder that holds the script"));
    m_workingDir->setClearButtonEnabled(true);
    m_browse->setText(QStringLiteral("…"));
    m_browse->setToolTip(tr("Choose the folder the script runs in"));
    connect(m_browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Folder the Script Runs In"),
            m_workingDir->text().isEmpty() ? QFileInfo(m_script).absolutePath() : m_workingDir->text());
        if (!dir.isEmpty()) m_workingDir->setText(dir);
    });
    dirRow->addWidget(m_workingDir, 1);
    dirRow->addWidget(m_browse);
    form->addRow(tr("Runs in"), dirRow);
    m_timeout->setRange(0, 86400);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("no limit"));
    m_timeout->setToolTip(tr("Stop the script, and everything it started, after this many seconds "
                             "(0: run until it ends or you press Stop)"));
    form->addRow(tr("Time limit"), m_timeout);
    m_calls->setText(tr("Record function calls"));
    m_calls->setToolTip(tr("Draw each thread's function calls (the script's own, and the functions of "
                           "modules it calls, such as time.sleep) as nested slices in a lane under the "
                           "thread. Each call costs about a microsecond: a script that makes millions "
                           "runs several times slower."));
    form->addRow(tr("Calls"), m_calls);
    m_watch->setPlaceholderText(tr("none"));
    m_watch->setToolTip(tr("Numbers of the script's drawn as lanes as they change: module-level names or "
                           "dotted paths (account.balance), separated by spaces, up to %1. counter/done "
                           "draws counter against done, the number it should equal, and shades what was "
                           "lost between them. A script can name its own in a comment: # raceway: watch "
                           "counter")
                            .arg(py::maxWatched));
    m_watch->setClearButtonEnabled(true);
    form->addRow(tr("Watch"), m_watch);
    m_choice->addItem(tr("as in Preferences"), QString());
    m_choice->setToolTip(tr("The Python this script runs under: Preferences' choice, or one of the "
                            "interpreters found (PATH, pyenv, the free-threaded build). Run it under one, "
                            "then another: with Compare on, the two runs are stacked on one time scale."));
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_choice->setMinimumContentsLength(14);
    form->addRow(tr("Interpreter"), m_choice);
    m_interpreter->setWordWrap(true);
    m_interpreter->setTextFormat(Qt::PlainText);
    form->addRow(QString(), m_interpreter);
    connect(m_choice, &QComboBox::activated, this, [this] {
        showInterpreter();
        Q_EMIT changed();
    });
    for (QLineEdit *e : {m_args, m_workingDir, m_watch})
        connect(e, &QLineEdit::textEdited, this, &PythonForm::changed);
    connect(m_timeout, &QSpinBox::valueChanged, this, &PythonForm::changed);
    connect(m_calls, &QCheckBox::toggled, this, &PythonForm::changed);
}

PythonForm::~PythonForm()
{
    if (m_prober) m_prober->wait(); // a second or so: each interpreter answers in milliseconds
    delete m_prober;
}

void PythonForm::addInterpreters(const std::vector<py::PythonInfo> &found)
{
    for (const py::PythonInfo &info : found) {
        const QString text = py::interpreterLabel(info) + QStringLiteral(" — ") + info.path;
        if (const int known = m_choice->findData(info.path); known >= 0)
            m_choice->setItemText(known, text); // a script's choice listed before it was asked
        else
            m_choice->addItem(text, info.path);
    }
    selectRemembered();
}

void PythonForm::selectRemembered()
{
    int index = m_choice->findData(m_remembered);
    if (index < 0) { // a path not found by looking around: still this script's choice
        m_choice->addItem(m_remembered, m_remembered);
        index = m_choice->count() - 1;
    }
    m_choice->setCurrentIndex(index);
    showInterpreter();
}

QString PythonForm::interpreter(QString *error) const
{
    const QString requested = m_choice->currentData().toString();
    if (requested.isEmpty()) return chosenPython(error);
    QString why;
    const QString path = py::findPython(requested, &why);
    if (path.isEmpty() || py::probePython(path, &why).version.isEmpty()) {
        if (error) *error = why + tr(": choose another interpreter in the script's form");
        return {};
    }
    return path;
}

void PythonForm::showInterpreter()
{
    QString error;
    const QString path = interpreter(&error);
    if (path.isEmpty()) {
        m_interpreter->setText(QStringLiteral("✗ ") + error);
        return;
    }
    const py::PythonInfo info = py::probePython(path, &error);
    m_interpreter->setText(QStringLiteral("✓ ") + path + QStringLiteral(" (") + py::interpreterLabel(info) +
                           QLatin1Char(')'));
}

void PythonForm::setScript(const QString &path)
{
    m_script = path;
    m_path->setText(QDir::toNativeSeparators(path));
    m_path->setToolTip(path);
    const QSettings settings;
    m_args->setText(settings.value(keyFor(path, "args")).toString());
    m_workingDir->setText(settings.value(keyFor(path, "dir")).toString());
    m_timeout->setValue(settings.value(keyFor(path, "timeout"), 0).toInt());
    m_calls->setChecked(settings.value(keyFor(path, "calls"), false).toBool());
    m_remembered = settings.value(keyFor(path, "python")).toString();
    selectRemembered();
    if (!m_prober) { // the interpreters on this machine, asked once, off the window's thread
        m_prober = QThread::create([this] {
            std::vector<py::PythonInfo> found;
            for (const QString &candidate : py::candidatePythons()) {
                QString ignored;
                const py::PythonInfo info = py::probePython(candidate, &ignored);
                if (!info.version.isEmpty()) found.push_back(info);
            }
            QMetaObject::invokeMethod(
                this, [this, found] { addInterpreters(found); }, Qt::QueuedConnection);
        });
        m_prober->start();
    }
    // What the script itself names (# raceway: watch ...), until the user says otherwise.
    m_watch->setText(
        settings.value(keyFor(path, "watch"), py::declaredWatches(path).join(QLatin1Char(' '))).toString());
}

void PythonForm::save() const
{
    if (m_script.isEmpty()) return;
    QSettings settings;
    settings.setValue(keyFor(m_script, "args"), m_args->text());
    settings.setValue(keyFor(m_script, "dir"), m_workingDir->text());
    settings.setValue(keyFor(m_script, "timeout"), m_timeout->value());
    settings.setValue(keyFor(m_script, "calls"), m_calls->isChecked());
    settings.setValue(keyFor(m_script, "watch"), m_watch->text());
    settings.setValue(keyFor(m_script, "python"), m_choice->currentData().toString());
}

std::optional<py::PythonJob> PythonForm::job(QString *error) const
{
    if (const QString problem = py::checkScript(m_script); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    py::PythonJob job;
    job.script = QFileInfo(m_script).absoluteFilePath();
    const std::optional<QStringList> args = py::splitArguments(m_args->text(), error);
    if (!args) return std::nullopt;
    job.args = *args;
    const QString dir = m_workingDir->text().trimmed();
    job.workingDir = dir.isEmpty() ? QFileInfo(m_script).absolutePath() : dir;
    if (!QFileInfo(job.workingDir).isDir()) {
        *error = tr("the folder '%1' the script should run in does not exist").arg(job.workingDir);
        return std::nullopt;
    }
    job.timeoutMs = m_timeout->value() * 1000;
    job.calls = m_calls->isChecked();
    job.watch = m_watch->text().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
    if (job.watch.size() > py::maxWatched) {
        *error = tr("%1 numbers to watch (allowed: at most %2)").arg(job.watch.size()).arg(py::maxWatched);
        return std::nullopt;
    }
    for (const QString &name : job.watch)
        if (!py::isWatchableName(name)) {
            *error = tr("'%1' cannot be watched (allowed: a module-level name of the script, or a dotted "
                        "path such as account.balance)")
                         .arg(name);
            return std::nullopt;
        }
    return job;
}

} // namespace raceway
