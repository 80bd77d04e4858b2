#include "paramform.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>

namespace raceway {

ParamForm::ParamForm(QWidget *parent)
    : QWidget(parent), m_form(new QFormLayout), m_lockAction(new QAction(tr("&Lock"), this)),
      m_lockSwitch(new QToolButton(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_lockAction->setCheckable(true);
    m_lockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_lockAction->setObjectName(QStringLiteral("lockAction"));
    connect(m_lockAction, &QAction::toggled, this, [this](bool on) {
        if (auto *box = qobject_cast<QCheckBox *>(editor(m_lockName)); box && box->isChecked() != on)
            box->setChecked(on); // the box reports the change
        updateLockSwitch();
    });
    m_lockSwitch->setDefaultAction(m_lockAction); // checked, text and tooltip all come from the action
    m_lockSwitch->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_lockSwitch->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_lockSwitch->setMinimumHeight(40);
    m_lockSwitch->setCursor(Qt::PointingHandCursor);
    m_lockSwitch->setObjectName(QStringLiteral("lockSwitch"));
    layout->addWidget(m_lockSwitch);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout->addLayout(m_form);
    layout->addStretch(1);
    updateLockSwitch();
}

void ParamForm::setLock(bool on)
{
    if (hasLock()) m_lockAction->setChecked(on);
}

void ParamForm::updateLockSwitch()
{
    const ParamSpec *spec = ParamSpec::lockSwitch(m_specs);
    m_lockSwitch->setVisible(spec != nullptr);
    m_lockAction->setEnabled(spec != nullptr);
    const QString what = spec ? spec->label() : tr("Lock");
    const bool on = m_lockAction->isChecked();
    m_lockAction->setText(QLatin1Char('&') + what);
    m_lockAction->setIconText(on ? tr("%1 ON").arg(what) : tr("%1 OFF").arg(what));
    const QString help = spec ? spec->help : QString();
    m_lockAction->setToolTip(
        on ? tr("%1 is on. %2\nClick or press Ctrl+L to switch it off, then run again to compare.")
                 .arg(what, help)
           : tr("%1 is off. %2\nClick or press Ctrl+L to switch it on, then run again to compare.")
                 .arg(what, help));
    m_lockAction->setStatusTip(help);
    m_lockSwitch->setStyleSheet(
        QStringLiteral("QToolButton { background: %1; color: white; font-size: 15px; font-weight: bold; "
                       "border-radius: 6px; padding: 6px; }")
            .arg(on ? QStringLiteral("#0072B2") : QStringLiteral("#D55E00")));
}

void ParamForm::setSpecs(const QList<ParamSpec> &specs)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    m_specs = specs;
    const ParamSpec *lock = ParamSpec::lockSwitch(specs);
    m_lockName = lock ? lock->name : QString();
    for (const ParamSpec &spec : specs) {
        QWidget *w = nullptr;
        const QString tip = spec.help + QStringLiteral("\nAllowed: ") + spec.allowedValues() +
                            QStringLiteral(". Command line: ") + spec.name + QStringLiteral("=…");
        switch (spec.type) {
        case ParamType::Int:
            if (spec.max <= INT_MAX && spec.min >= INT_MIN) {
                auto *box = new QSpinBox(this);
                box->setRange(int(spec.min), int(spec.max));
                box->setGroupSeparatorShown(true);
                box->setAccelerated(true);
                if (!spec.unit.isEmpty()) box->setSuffix(QLatin1Char(' ') + spec.unit);
                connect(box, &QSpinBox::valueChanged, this, &ParamForm::changed);
                w = box;
            } else {
                auto *edit = new QLineEdit(this);
                edit->setValidator(
                    new QRegularExpressionValidator(QRegularExpression(QStringLiteral("-?\\d{1,19}")), edit));
                connect(edit, &QLineEdit::textChanged, this, &ParamForm::changed);
                w = edit;
            }
            break;
        case ParamType::Bool: {
            auto *box = new QCheckBox(tr("on"), this);
            connect(box, &QCheckBox::toggled, this, [this, box](bool on) {
                if (box == editor(m_lockName) && m_lockAction->isChecked() != on)
                    m_lockAction->setChecked(on);
                Q_EMIT changed();
            });
            w = box;
            break;
        }
        case ParamType::IntList: {
            auto *edit = new QLineEdit(this);
            edit->setObjectName(QStringLiteral("list"));
            edit->setValidator(new QRegularExpressionValidator(
                QRegularExpression(QStringLiteral("\\s*-?\\d*(\\s*,\\s*-?\\d*)*\\s*")), edit));
            // A list that may be empty says what empty means (a schedule: nobody is held).
            edit->setPlaceholderText(spec.minItems == 0 ? tr("none, e.g. 1,2,1,2") : QStringLiteral("1,2,3"));
            connect(edit, &QLineEdit::textChanged, this, &ParamForm::changed);
            w = edit;
            break;
        }
        case ParamType::Choice:
        case ParamType::Text: {
            auto *combo = new QComboBox(this);
            combo->addItems(spec.choices);
            if (spec.type == ParamType::Text) { // a path: typed, or one of the suggestions
                combo->setEditable(true);
                combo->insertItem(0, spec.windowDefault().toString());
                combo->setCurrentIndex(0);
                combo->setInsertPolicy(QComboBox::NoInsert);
                combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
                combo->setMinimumContentsLength(12);
            }
            connect(combo, &QComboBox::currentTextChanged, this, &ParamForm::changed);
            w = combo;
            break;
        }
        }
        w->setToolTip(tip);
        w->setObjectName(spec.name);
        auto *label = new QLabel(spec.label(), this);
        label->setToolTip(tip);
        label->setBuddy(w);
        m_form->addRow(label, w);
        m_editors[spec.name] = w;
    }
    setValues(ParamValues::windowDefaults(specs));
}

QWidget *ParamForm::editor(const QString &name) const
{
    auto it = m_editors.find(name);
    return it == m_editors.end() ? nullptr : it->second;
}

ParamValues ParamForm::values() const
{
    ParamValues v = ParamValues::windowDefaults(m_specs);
    for (const ParamSpec &spec : m_specs) {
        QWidget *w = editor(spec.name);
        if (auto *box = qobject_cast<QSpinBox *>(w))
            v.set(spec.name, qlonglong(box->value()));
        else if (auto *edit = qobject_cast<QLineEdit *>(w)) {
            // Text that does not parse keeps the default; the field shows the problem as you type.
            if (const auto parsed = spec.parse(edit->text(), nullptr)) v.set(spec.name, *parsed);
        } else if (auto *check = qobject_cast<QCheckBox *>(w))
            v.set(spec.name, check->isChecked());
        else if (auto *combo = qobject_cast<QComboBox *>(w)) {
            if (const auto parsed = spec.parse(combo->currentText(), nullptr)) v.set(spec.name, *parsed);
        }
    }
    return v;
}

void ParamForm::setValues(const ParamValues &values)
{
    for (const ParamSpec &spec : m_specs) {
        const QVariant value = values.value(spec.name);
        if (!value.isValid() || !spec.accepts(value)) continue;
        QWidget *w = editor(spec.name);
        if (auto *box = qobject_cast<QSpinBox *>(w))
            box->setValue(int(value.toLongLong()));
        else if (auto *edit = qobject_cast<QLineEdit *>(w))
            edit->setText(spec.formatValue(value));
        else if (auto *check = qobject_cast<QCheckBox *>(w))
            check->setChecked(value.toBool());
        else if (auto *combo = qobject_cast<QComboBox *>(w))
            combo->setCurrentText(value.toString());
    }
    syncLockSwitch();
}

void ParamForm::syncLockSwitch()
{
    // The switch shows the form's lock parameter, never a state left over from another scenario.
    const auto *box = qobject_cast<QCheckBox *>(editor(m_lockName));
    const bool on = box && box->isChecked();
    if (m_lockAction->isChecked() != on) {
        const QSignalBlocker quiet(m_lockAction);
        m_lockAction->setChecked(on);
    }
    updateLockSwitch();
}

} // namespace raceway
