#pragma once

#include "params.h"

#include <QWidget>

#include <map>

class QFormLayout;
class QPushButton;

namespace raceway {

// A form built from a scenario's parameter specs: spin boxes with their ranges, switches, choices, each
// with the spec's help as tooltip. A boolean parameter named "lock" becomes the big lock switch.
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
    QPushButton *lockSwitch() const { return m_lockSwitch; }
    bool hasLock() const;
    void setLock(bool on);

Q_SIGNALS:
    void changed();

private:
    void updateLockSwitch();
    void syncLockSwitch();

    QFormLayout *m_form;
    QPushButton *m_lockSwitch;
    QList<ParamSpec> m_specs;
    std::map<QString, QWidget *> m_editors;
};

} // namespace raceway
