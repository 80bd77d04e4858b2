#pragma once

// What the window's tests share: the includes, a quick counter run, exact mouse moves, a run to its end.

#include "mainwindow.h"
#include "overviewstrip.h"
#include "paramform.h"
#include "registry.h"
#include "resultspanel.h"
#include "selectionpanel.h"
#include "timelineview.h"
#include "timelinezoom.h"
#include "tracefind.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWheelEvent>

namespace raceway::windowtest {

inline void setQuick(MainWindow &w, int iterations = 3000)
{
    ParamValues v = w.form()->values();
    v.set(QStringLiteral("iterations"), qlonglong(iterations));
    v.set(QStringLiteral("window_ns"), qlonglong(0));
    v.set(QStringLiteral("pace_us"), qlonglong(0));
    w.form()->setValues(v);
}
// A mouse move straight to the widget, at an exact position (QTest::mouseMove goes through the cursor).
inline void moveTo(QWidget *w, const QPoint &pos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods)
{
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), w->mapToGlobal(QPointF(pos)), Qt::NoButton, buttons,
                     mods);
    QApplication::sendEvent(w, &move);
}
inline void runToEnd(MainWindow &w)
{
    QSignalSpy done(&w, &MainWindow::runFinished);
    w.startRun();
    QVERIFY(w.isRunning());
    QVERIFY(done.wait(60000));
    QVERIFY(!w.isRunning());
}

} // namespace raceway::windowtest
