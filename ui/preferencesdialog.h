#pragma once

#include <QDialog>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;

namespace raceway {

// File > Preferences: the Python interpreter scripts are traced with (empty: python3 on PATH), checked
// as it is typed. Stored in the settings as python/interpreter.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);
    QLineEdit *interpreterEdit() const { return m_interpreter; }
    QString checkText() const; // "✓ /usr/bin/python3 (Python 3.11.2)" or "✗ why not"
    void accept() override;

private:
    void check();
    QLineEdit *m_interpreter;
    QLabel *m_check;
    QPushButton *m_ok = nullptr;
    QTimer m_checkTimer;
    QString m_found;
};

} // namespace raceway
