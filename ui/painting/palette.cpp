#include "palette.h"

namespace raceway {

QColor TimelinePalette::state(State s) const
{
    switch (s) {
    case State::Running:
        return QColor(0x00, 0x9E, 0x73); // bluish green
    case State::Waiting:
        return QColor(0xD5, 0x5E, 0x00); // vermillion
    case State::Holding:
        return QColor(0x00, 0x72, 0xB2); // blue
    case State::Held:
        return QColor(0x00, 0x72, 0xB2);
    case State::Sleeping:
        return QColor(0x56, 0xB4, 0xE9); // sky blue
    case State::Done:
        return mutedText.lighter(background.lightness() > 128 ? 160 : 70);
    case State::Cancelled:
        return QColor(0x99, 0x99, 0x99);
    case State::Task: // a pool thread running a task is running: one colour, one legend entry
        return QColor(0x00, 0x9E, 0x73);
    case State::Crashed:
        return QColor(0xA5, 0x00, 0x26); // dark red: the marks' alarm red is brighter
    case State::Killed:
        return QColor(0x88, 0x22, 0x55);
    case State::TimedOut:
        return QColor(0x6F, 0x4E, 0x37); // brown: the cores' purple is a core's
    case State::WaitingGil:
        return QColor(0xE6, 0x9F, 0x00); // orange
    case State::WaitingIo:
        return QColor(0xCC, 0x79, 0xA7); // reddish purple
    case State::Set:
        return QColor(0xBB, 0xCC, 0x33); // pear: the event lets waiters through (yellow is a lost update)
    case State::Ready:
        return QColor(0xA6, 0xDB, 0xC8); // pale green: it would be running, had it a core
    case State::Blocked:
        return QColor(0xD9, 0xC2, 0x9E); // tan: off its core for a reason the trace does not show
    case State::HoldingReady:
        return QColor(0xA9, 0xC4, 0xE0); // pale blue: it would be holding and running, had it a core
    case State::LoopBusy:
        return QColor(0xE8, 0xD0, 0x6A); // straw: it would be running, had its loop not been busy
    case State::Free:
    case State::Idle:
        return QColor(Qt::transparent);
    }
    return QColor(Qt::transparent);
}

QColor TimelinePalette::core(int index)
{
    // Eight hues that stay apart for the common colour blindnesses (Paul Tol's "muted" set).
    static const QColor hues[] = {QColor(0x33, 0x22, 0x88), QColor(0x88, 0xCC, 0xEE),
                                  QColor(0x44, 0xAA, 0x99), QColor(0x11, 0x77, 0x33),
                                  QColor(0x99, 0x99, 0x33), QColor(0xDD, 0xCC, 0x77),
                                  QColor(0xCC, 0x66, 0x77), QColor(0xAA, 0x44, 0x99)};
    return hues[std::size_t(index) % 8];
}

TimelinePalette TimelinePalette::light()
{
    TimelinePalette p;
    p.background = QColor(0xFF, 0xFF, 0xFF);
    p.laneAlternate = QColor(0xF4, 0xF5, 0xF7);
    p.text = QColor(0x1E, 0x1E, 0x24);
    p.mutedText = QColor(0x6B, 0x6F, 0x7A);
    p.grid = QColor(0xDD, 0xDF, 0xE4);
    p.labelBackground = QColor(0xEC, 0xEE, 0xF2);
    p.lostMarker = QColor(0xF0, 0xE4, 0x42); // yellow
    p.lostOutline = QColor(0x11, 0x11, 0x11);
    p.restoredMarker = QColor(0x44, 0xBB, 0x99); // mint: reddish purple is waiting on I/O
    p.expectedLine = QColor(0x55, 0x58, 0x60);
    p.actualLine = QColor(0xAA, 0x33, 0x77); // wine: orange is waiting for the GIL
    // Opaque, so that a bar looks the same over a blue hold as over the lane's background and as its
    // legend sample: a translucent one took the colour of whatever was under it.
    p.lostArea = QColor(0xFF, 0xAA, 0xBB);     // pink
    p.waitersFill = QColor(0xEE, 0x88, 0x66);  // salmon: near waiting's vermillion, not it
    p.coreBusy = QColor(0x99, 0x88, 0xCC);     // lavender: no process's cpu colour
    p.observerBusy = QColor(0x88, 0x88, 0x88); // grey: the observer, not the observed
    p.handoff = QColor(0x33, 0x33, 0x33);      // near the text: an arrow, not a state
    p.criticalPath = QColor(0xEE, 0x33, 0x77); // magenta: drawn over every other colour
    p.flow = QColor(0x22, 0x55, 0xAA);         // deep blue: another tool's arrows, not Raceway's hand-offs
    p.valueLine = QColor(0x11, 0x77, 0x77);    // teal: a watched number, not a counter's actual value
    p.sliceText = QColor(0x1E, 0x1E, 0x24);
    p.sliceCrowd = QColor(0xA8, 0xAC, 0xB4); // grey: many names at once, none of them
    return p;
}

TimelinePalette TimelinePalette::dark()
{
    TimelinePalette p = light();
    p.background = QColor(0x1B, 0x1D, 0x22);
    p.laneAlternate = QColor(0x23, 0x26, 0x2D);
    p.text = QColor(0xE8, 0xE9, 0xEC);
    p.mutedText = QColor(0x9A, 0x9E, 0xA8);
    p.grid = QColor(0x34, 0x38, 0x41);
    p.labelBackground = QColor(0x2A, 0x2D, 0x35);
    p.expectedLine = QColor(0xC8, 0xCB, 0xD2);
    p.handoff = QColor(0xDD, 0xDD, 0xDD);
    p.flow = QColor(0x77, 0xAA, 0xEE);
    p.valueLine = QColor(0x44, 0xCC, 0xCC);
    p.actualLine = QColor(0xDD, 0x77, 0xBB); // wine, lightened: its label reads on the dark background
    p.sliceSaturation = 90;
    p.sliceLightness = 78;
    p.sliceText = QColor(0xF2, 0xF2, 0xF4);
    p.sliceCrowd = QColor(0x5A, 0x5E, 0x66);
    return p;
}

} // namespace raceway
