#pragma once

#include "params.h"

#include <QWidget>

#include <map>

class QAction;
class QFormLayout;
class QToolButton;

namespace raceway {

// A form built from a scenario's parameter specs: spin boxes with their ranges, switches, choices, each
// with the spec's help as tooltip. The parameter its spec marks as the lock switch (ParamSpec::asLockSwitch)
// is one checkable action, lockAction(): the big switch, the form's check box, the window's menu, toolbar
// and Ctrl+L all show and change that one state.
class ParamForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParamForm(QWidget *parent = nullptr);

    void setSpecs(const QList<ParamSpec> &specs);
    const QList<ParamSpec> &specs() const { return m_specs; }
    ParamValues values() const;
    void setValues(const ParamValues &values); // values the specs do not accept are ignored
    QWidget *editor(const QString &name) const;
    QToolButton *lockSwitch() const { return m_lockSwitch; }
    QAction *lockAction() const { return m_lockAction; }
    bool hasLock() const { return !m_lockName.isEmpty(); }
    QString lockName() const { return m_lockName; } // the lock switch parameter's name, or empty
    void setLock(bool on);

Q_SIGNALS:
    void changed();

private:
    void updateLockSwitch();
    void syncLockSwitch();

    QFormLayout *m_form;
    QAction *m_lockAction;
    QToolButton *m_lockSwitch;
    QString m_lockName;
    QList<ParamSpec> m_specs;
    std::map<QString, QWidget *> m_editors;
};

} // namespace raceway
