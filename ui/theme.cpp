#include "theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

#include <optional>

namespace raceway {

namespace {

struct Desktop
{
    QString style;
    QPalette palette;
};

std::optional<Desktop> g_desktop;
Theme g_current = Theme::System;

// Fusion with check boxes that stand out from the window in both themes: Fusion outlines the square in a
// shade of the window colour (1.3:1 against it in the dark theme, 1.7:1 in the light). Here the square's
// edge is the text colour mixed into the base, and a ticked box is filled with the highlight and carries
// a white tick.
class RacewayStyle : public QProxyStyle
{
public:
    RacewayStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *p,
                       const QWidget *widget) const override
    {
        if (element != PE_IndicatorCheckBox && element != PE_IndicatorItemViewItemCheck) {
            QProxyStyle::drawPrimitive(element, option, p, widget);
            return;
        }
        const QPalette &pal = option->palette;
        const bool enabled = option->state & State_Enabled;
        const QPalette::ColorGroup group = enabled ? QPalette::Active : QPalette::Disabled;
        const QColor text = pal.color(group, QPalette::Text), base = pal.color(group, QPalette::Base);
        const auto mix = [](const QColor &a, const QColor &b, double t) {
            return QColor::fromRgbF(float(a.redF() * t + b.redF() * (1 - t)),
                                    float(a.greenF() * t + b.greenF() * (1 - t)),
                                    float(a.blueF() * t + b.blueF() * (1 - t)));
        };
        const bool on = option->state & State_On, partly = option->state & State_NoChange;
        const QColor fill = on && enabled ? pal.color(QPalette::Active, QPalette::Highlight) : base;
        const QColor edge = on && enabled ? fill : mix(text, base, 0.62);
        const QRectF box = QRectF(option->rect).adjusted(1.5, 1.5, -1.5, -1.5);
        p->save();
        p->setRenderHint(QPainter::Antialiasing, true);
        p->setPen(QPen(edge, 1.5));
        p->setBrush(fill);
        p->drawRoundedRect(box, 2.5, 2.5);
        const double s = box.width();
        if (on) {
            QPainterPath tick;
            tick.moveTo(box.left() + s * 0.22, box.top() + s * 0.52);
            tick.lineTo(box.left() + s * 0.42, box.top() + s * 0.72);
            tick.lineTo(box.left() + s * 0.78, box.top() + s * 0.3);
            p->setPen(QPen(enabled ? QColor(Qt::white) : text, std::max(1.6, s * 0.14), Qt::SolidLine,
                           Qt::RoundCap, Qt::RoundJoin));
            p->setBrush(Qt::NoBrush);
            p->drawPath(tick);
        } else if (partly) {
            p->setPen(QPen(text, std::max(1.6, s * 0.14), Qt::SolidLine, Qt::RoundCap));
            p->drawLine(QPointF(box.left() + s * 0.25, box.center().y()),
                        QPointF(box.right() - s * 0.25, box.center().y()));
        }
        p->restore();
    }
};

QPalette darkPalette()
{
    // Greys with enough contrast for text (WCAG AA on every text role), and the Okabe-Ito blue as the
    // highlight so that it is told apart from the timeline's states in every kind of colour vision.
    QPalette p;
    const QColor window(0x26, 0x28, 0x2E), base(0x1B, 0x1D, 0x22), text(0xE8, 0xE9, 0xEC),
        muted(0x9A, 0x9E, 0xA8);
    const QColor button(0x32, 0x35, 0x3C), highlight(0x00, 0x72, 0xB2);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x23, 0x26, 0x2D));
    p.setColor(QPalette::ToolTipBase, QColor(0x32, 0x35, 0x3C));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, muted);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xFF, 0x6B, 0x6B));
    p.setColor(QPalette::Light, QColor(0x45, 0x49, 0x52));
    p.setColor(QPalette::Midlight, QColor(0x3A, 0x3D, 0x45));
    p.setColor(QPalette::Mid, QColor(0x2C, 0x2F, 0x36));
    p.setColor(QPalette::Dark, QColor(0x16, 0x17, 0x1B));
    p.setColor(QPalette::Shadow, QColor(0x0B, 0x0C, 0x0E));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x56, 0xB4, 0xE9));
    p.setColor(QPalette::LinkVisited, QColor(0xCC, 0x79, 0xA7));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x6E, 0x72, 0x7C));
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x2C, 0x2F, 0x36));
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x45, 0x49, 0x52));
    return p;
}

QPalette lightPalette()
{
    QPalette p(QColor(0xEF, 0xF0, 0xF2), QColor(0xF7, 0xF8, 0xFA)); // button, window
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xF4, 0xF5, 0xF7));
    p.setColor(QPalette::Text, QColor(0x1E, 0x1E, 0x24));
    p.setColor(QPalette::WindowText, QColor(0x1E, 0x1E, 0x24));
    p.setColor(QPalette::ButtonText, QColor(0x1E, 0x1E, 0x24));
    p.setColor(QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0xFF, 0xFF, 0xE8));
    p.setColor(QPalette::ToolTipText, QColor(0x1E, 0x1E, 0x24));
    // setColor without a group sets all three: without these, a disabled Stop or Export reads as live.
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x9A, 0x9D, 0xA5));
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0xF3, 0xF4, 0xF6));
    p.setColor(QPalette::Disabled, QPalette::Base, QColor(0xF3, 0xF4, 0xF6));
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0xB8, 0xBB, 0xC2));
    return p;
}

} // namespace

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme themeFromName(const QString &name)
{
    if (name == QLatin1String("light")) return Theme::Light;
    if (name == QLatin1String("dark")) return Theme::Dark;
    return Theme::System;
}

void applyTheme(Theme theme)
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    if (!app) return;
    if (!g_desktop) g_desktop = Desktop{QApplication::style()->name(), QApplication::palette()};
    g_current = theme;
    if (theme == Theme::System) {
        if (QStyle *style = QStyleFactory::create(g_desktop->style)) QApplication::setStyle(style);
        QApplication::setPalette(g_desktop->palette);
        return;
    }
    QApplication::setStyle(new RacewayStyle);
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : lightPalette());
}

Theme currentTheme()
{
    return g_current;
}

} // namespace raceway
