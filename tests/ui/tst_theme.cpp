// The window's themes under the offscreen platform: light and dark applied to the window and its
// timeline and remembered; in both, text readable, disabled controls plainly disabled, Run and Stop
// visible against the window.

#include "windowtest.h"

#include <QStyleOptionButton>

#include <cmath>

using namespace raceway;
using namespace raceway::windowtest;

namespace {

// WCAG's contrast ratio of two colours' relative luminances.
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto linear = [](double v) {
            return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class TestTheme : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // settings in a test location
    void init() { QSettings().clear(); }
    void themeIsAppliedAndRemembered();
    void disabledControlsLookDisabled_data();
    void disabledControlsLookDisabled();
    void checkBoxesStandOut_data() { disabledControlsLookDisabled_data(); }
    void checkBoxesStandOut();
};

void TestTheme::themeIsAppliedAndRemembered()
{
    const QColor desktopBase = QApplication::palette().color(QPalette::Base);
    {
        MainWindow w;
        w.resize(1024, 700);
        setQuick(w, 300);
        runToEnd(w);
        const QImage lightImage = w.view()->renderImage(800);
        w.action(QStringLiteral("theme-dark"))->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 80);
        QTRY_VERIFY(w.view()->palette().color(QPalette::Base).lightness() < 80); // delivered as an event
        // The timeline follows: its background (a corner of the picture) is dark now, and was light.
        QVERIFY(lightImage.pixelColor(2, 2).lightness() > 200);
        QTRY_VERIFY(w.view()->renderImage(800).pixelColor(2, 2).lightness() < 80);
        w.close();
    }
    {
        MainWindow again; // remembered
        QVERIFY(again.action(QStringLiteral("theme-dark"))->isChecked());
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 80);
        again.action(QStringLiteral("theme-light"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Base), QColor(Qt::white));
        again.action(QStringLiteral("theme-system"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Base), desktopBase);
    }
    QCOMPARE(QSettings().value(QStringLiteral("theme")).toString(), QStringLiteral("system"));
}

void TestTheme::disabledControlsLookDisabled_data()
{
    QTest::addColumn<QString>("theme");
    QTest::newRow("light") << QStringLiteral("theme-light");
    QTest::newRow("dark") << QStringLiteral("theme-dark");
}

void TestTheme::disabledControlsLookDisabled()
{
    QFETCH(QString, theme);
    MainWindow w;
    w.action(theme)->trigger();
    QVERIFY(!w.action(QStringLiteral("stop"))->isEnabled()); // idle: Stop is off and must look it
    const QPalette pal = QApplication::palette();
    for (const auto role : {QPalette::ButtonText, QPalette::WindowText, QPalette::Text}) {
        const QPalette::ColorRole back = role == QPalette::ButtonText ? QPalette::Button
                                         : role == QPalette::Text     ? QPalette::Base
                                                                      : QPalette::Window;
        const double live = contrast(pal.color(QPalette::Active, role), pal.color(QPalette::Active, back));
        const double off = contrast(pal.color(QPalette::Disabled, role), pal.color(QPalette::Disabled, back));
        QVERIFY2(live >= 4.5, qPrintable(QString::number(live))); // readable
        QVERIFY2(off >= 1.5 && off < live / 1.5,
                 qPrintable(QString::number(off))); // visible, plainly fainter
    }
    // Run's and Stop's icons stand out from the window behind them (the style's black ones did not in the
    // dark theme): the mean colour of their painted pixels is at least 3:1 against it.
    for (const char *name : {"run", "stop"}) {
        const QImage icon = w.action(QString::fromLatin1(name))
                                ->icon()
                                .pixmap(32, 32)
                                .toImage()
                                .convertToFormat(QImage::Format_ARGB32);
        double r = 0, g = 0, b = 0, n = 0;
        for (int y = 0; y < icon.height(); ++y)
            for (int x = 0; x < icon.width(); ++x)
                if (const QColor c = icon.pixelColor(x, y); c.alpha() == 255) {
                    r += c.redF();
                    g += c.greenF();
                    b += c.blueF();
                    ++n;
                }
        QVERIFY(n > 50);
        const double ratio =
            contrast(QColor::fromRgbF(float(r / n), float(g / n), float(b / n)), pal.color(QPalette::Window));
        QVERIFY2(ratio >= 3.0, qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(name)).arg(ratio)));
    }
    // And drawn so: the same button with the same text looks different when it is disabled.
    QPushButton button(QStringLiteral("Export"));
    button.resize(120, 32);
    const QImage live = button.grab().toImage();
    button.setEnabled(false);
    QVERIFY(button.grab().toImage() != live);
}

void TestTheme::checkBoxesStandOut()
{
    // A check box's square, empty or ticked, stands out from the window around it: its most contrasting
    // pixel is at least 3:1 against the window colour (WCAG's minimum for the parts of a control), and
    // ticked looks different from empty. Fusion's own dark outline was 1.3:1.
    QFETCH(QString, theme);
    MainWindow w;
    w.action(theme)->trigger();
    const QColor window = QApplication::palette().color(QPalette::Window);
    QWidget host;
    host.setAutoFillBackground(true);
    QCheckBox box(QStringLiteral("Lock"), &host);
    host.resize(120, 40);
    box.move(10, 10);
    box.resize(100, 20);
    QStyleOptionButton option;
    option.initFrom(&box);
    const QRect indicator =
        box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box).translated(box.pos());
    QVERIFY(!indicator.isEmpty());
    QImage shots[2];
    for (const bool checked : {false, true}) {
        box.setChecked(checked);
        const QImage img = host.grab().toImage();
        double best = 0;
        for (int y = indicator.top(); y <= indicator.bottom(); ++y)
            for (int x = indicator.left(); x <= indicator.right(); ++x)
                best = std::max(best, contrast(img.pixelColor(x, y), window));
        QVERIFY2(
            best >= 3.0,
            qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(checked ? "ticked" : "empty")).arg(best)));
        shots[checked] = img.copy(indicator);
    }
    QVERIFY(shots[0] != shots[1]);
}

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
