// Thin entry point: the command-line verbs without Widgets, otherwise the window.

#include "cli.h"
#include "termination.h"

#include <QGuiApplication>
#include <QTextStream>

#ifdef RACEWAY_HAS_GUI
#include "mainwindow.h"
#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#endif

#include <cstdio>

namespace {
QtMessageHandler g_defaultHandler = nullptr;

// The offscreen platform complains about XDG_RUNTIME_DIR, which a command-line run never uses.
void quietHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && message.startsWith(QLatin1String("QStandardPaths:"))) return;
    g_defaultHandler(type, context, message);
}
} // namespace

int main(int argc, char *argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    if (raceway::isCliInvocation(args)) {
        // Exports render text and images, which needs a Gui application but never a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        g_defaultHandler = qInstallMessageHandler(quietHandler);
        QGuiApplication app(argc, argv);
        QTextStream out(stdout);
        QTextStream err(stderr);
        return raceway::runCli(args, out, err);
    }
#ifdef RACEWAY_HAS_GUI
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs("raceway: no display to open the window on (DISPLAY is not set); "
                   "try 'raceway run counter --png race.png', or start it under xvfb-run\n",
                   stderr);
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Raceway"));
    QApplication::setOrganizationName(QStringLiteral("Raceway"));
    QApplication::setApplicationVersion(QStringLiteral(RACEWAY_VERSION));
    // The desktop entry's name lets the shell match the window to its menu entry and icon (Wayland's app
    // id); the embedded icon is the same SVG the install puts in the icon theme.
    QApplication::setDesktopFileName(QStringLiteral(RACEWAY_APP_ID));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/" RACEWAY_APP_ID ".svg")));
    raceway::MainWindow window;
    // SIGTERM or Ctrl+C in the terminal close the window as Ctrl+Q does: the run stops, joined and reaped.
    raceway::Termination termination;
    int signalled = 0;
    QObject::connect(&termination, &raceway::Termination::requested, &window, [&](int signal) {
        if (signalled == 0) signalled = raceway::Termination::exitStatus(signal);
        window.close();
    });
    window.show();
    if (const QString file = raceway::windowFile(args); !file.isEmpty()) // `raceway run.raceway`
        QTimer::singleShot(0, &window, [&window, file] {
            QString error;
            if (!window.openFile(file, &error))
                QMessageBox::warning(&window, QObject::tr("Cannot open"),
                                     QObject::tr("Could not open %1:\n%2").arg(file, error));
        });
    const int status = app.exec();
    return signalled != 0 ? signalled : status;
#else
    std::fputs("raceway: this build has no window; use 'raceway --help' for the command line\n", stderr);
    return 2;
#endif
}
