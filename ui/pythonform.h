#pragma once

#include "pythonjob.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QThread;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace raceway {

// What the window asks about a Python script before tracing it: its arguments, the folder it runs in
// and how long it may run. Shown in place of the parameter form when a script is picked. The values
// are remembered per script.
class PythonForm : public QWidget
{
    Q_OBJECT
public:
    explicit PythonForm(QWidget *parent = nullptr);
    ~PythonForm() override;

    void setScript(const QString &path); // loads what was used with it last time
    QString script() const { return m_script; }
    // The job for the current values (script, args, working folder, time limit, calls); the interpreter and
    // tracer are filled in by the caller. Empty and one line in *error when a value is not allowed.
    std::optional<py::PythonJob> job(QString *error) const;
    void save() const; // remembers the values for this script
    QLineEdit *argumentsEdit() const { return m_args; }
    QLineEdit *workingDirEdit() const { return m_workingDir; }
    QSpinBox *timeoutEdit() const { return m_timeout; }
    QCheckBox *callsBox() const { return m_calls; }
    QLineEdit *watchEdit() const { return m_watch; }
    // The interpreter this script runs under: the one chosen for it here, else Preferences' (see
    // chosenPython). Its absolute path, or empty with one line in *error.
    QString interpreter(QString *error) const;
    QComboBox *interpreterChoice() const { return m_choice; }
    // Says which interpreter it is (path, version, build) or why it cannot be used, under the choice.
    void showInterpreter();

Q_SIGNALS:
    void changed();

private:
    QString m_script;
    QLabel *m_path;
    QLineEdit *m_args;
    QLineEdit *m_workingDir;
    QToolButton *m_browse;
    QSpinBox *m_timeout;
    QCheckBox *m_calls;
    QLineEdit *m_watch;
    QComboBox *m_choice; // "as in Preferences", then every interpreter found (asked in the background)
    QLabel *m_interpreter;
    QThread *m_prober = nullptr;
    QString m_remembered; // this script's choice, selected once the interpreters are known
    void addInterpreters(const std::vector<py::PythonInfo> &found);
    void selectRemembered();
};

// The interpreter Raceway traces with: the one chosen in Preferences, or python3 on PATH. Its absolute
// path, or empty with one line in *error.
QString chosenPython(QString *error);

} // namespace raceway
