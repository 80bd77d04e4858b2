// The direct fill that writes opaque rectangles straight into an image: where QPainter would put them at any
// device pixel ratio, and the one-scanline fill of a lane's columns equal to it, pixel for pixel.

#include "lanes/rasterfill.h"

#include <QApplication>
#include <QPainter>
#include <QTest>
#include <QWidget>

#include <cmath>
#include <random>

using namespace raceway;

namespace {

// An image `width` x `height` logical pixels at a device pixel ratio, in one colour.
QImage canvas(int width, int height, double dpr, const QColor &fill = Qt::white)
{
    QImage img(int(std::ceil(width * dpr)), int(std::ceil(height * dpr)), QImage::Format_RGB32);
    img.setDevicePixelRatio(dpr);
    img.fill(fill);
    return img;
}

int differingPixels(const QImage &a, const QImage &b)
{
    int differ = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            differ += a.pixel(x, y) != b.pixel(x, y);
    return differ;
}

} // namespace

class TestRasterFill : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void directFillAtAnyScale_data();
    void directFillAtAnyScale();
    void columnsEqualRectangles_data();
    void columnsEqualRectangles();
    void verticalLinesEqualPen_data();
    void verticalLinesEqualPen();
    void stampEqualsDrawImage_data();
    void stampEqualsDrawImage();
    void staysInsideItsWidget_data();
    void staysInsideItsWidget();
};

void TestRasterFill::directFillAtAnyScale_data()
{
    QTest::addColumn<double>("dpr");
    for (const double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 3.0})
        QTest::newRow(qPrintable(QString::number(dpr))) << dpr;
}

void TestRasterFill::directFillAtAnyScale()
{
    // A hundred one-pixel rectangles side by side in two colours, at a device pixel ratio: written
    // straight into the image, they cover the row without a gap or an overlap, each at least one image
    // pixel wide, and where QPainter would put them (an edge at most a pixel from its).
    QFETCH(double, dpr);
    const QColor a(200, 30, 30), b(30, 30, 200), background(255, 255, 255);
    const auto paint = [&](bool direct) {
        QImage img = canvas(120, 20, dpr, background);
        QPainter p(&img);
        QVector<QRect> even, odd;
        for (int i = 0; i < 100; ++i)
            (i % 2 ? odd : even).push_back(QRect(10 + i, 5, 1, 10));
        if (direct) {
            const bool drawn = fillOpaqueRects(p, even, a) && fillOpaqueRects(p, odd, b);
            if (!drawn) return QImage();
        } else {
            for (const QRect &r : even)
                p.fillRect(r, a);
            for (const QRect &r : odd)
                p.fillRect(r, b);
        }
        return img;
    };
    const QImage direct = paint(true), qt = paint(false);
    QVERIFY2(!direct.isNull(), "the direct path refused this scale");
    const int y = int(10 * dpr);
    // Runs of one colour along the row: 100 of them, alternating, with nothing between.
    std::vector<std::pair<int, int>> runs; // first column, colour (0 a, 1 b)
    int firstInk = -1, lastInk = -1;
    for (int x = 0; x < direct.width(); ++x) {
        const QRgb c = direct.pixel(x, y);
        if (c == background.rgb()) continue;
        QVERIFY2(c == a.rgb() || c == b.rgb(),
                 qPrintable(QStringLiteral("column %1: a colour not drawn").arg(x)));
        if (firstInk < 0) firstInk = x;
        QVERIFY2(lastInk < 0 || lastInk == x - 1, qPrintable(QStringLiteral("a gap at column %1").arg(x)));
        lastInk = x;
        const int colour = c == a.rgb() ? 0 : 1;
        if (runs.empty() || runs.back().second != colour) runs.push_back({x, colour});
    }
    QCOMPARE(runs.size(), std::size_t(100));
    int qtFirst = -1, qtLast = -1;
    for (int x = 0; x < qt.width(); ++x)
        if (qt.pixel(x, y) != background.rgb()) {
            if (qtFirst < 0) qtFirst = x;
            qtLast = x;
        }
    QVERIFY(std::abs(firstInk - qtFirst) <= 1);
    QVERIFY(std::abs(lastInk - qtLast) <= 1);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        // Each rectangle's columns against QPainter's colour there: its first column is QPainter's too,
        // or the one next to it.
        const int x = runs[i].first;
        const QRgb want = runs[i].second == 0 ? a.rgb() : b.rgb();
        QVERIFY2(qt.pixel(x, y) == want || (x + 1 < qt.width() && qt.pixel(x + 1, y) == want) ||
                     (x > 0 && qt.pixel(x - 1, y) == want),
                 qPrintable(
                     QStringLiteral("rectangle %1 at column %2: QPainter puts it elsewhere").arg(i).arg(x)));
    }
    // Rows too: from the rectangles' top to their bottom, as QPainter.
    const auto rowsOf = [&](const QImage &img, int x) {
        int first = -1, last = -1;
        for (int row = 0; row < img.height(); ++row)
            if (img.pixel(x, row) != background.rgb()) {
                if (first < 0) first = row;
                last = row;
            }
        return std::pair{first, last};
    };
    const auto [top, bottom] = rowsOf(direct, firstInk);
    const auto [qtTop, qtBottom] = rowsOf(qt, qtFirst);
    QVERIFY(std::abs(top - qtTop) <= 1 && std::abs(bottom - qtBottom) <= 1);
}

void TestRasterFill::columnsEqualRectangles_data()
{
    QTest::addColumn<double>("dpr");
    QTest::addColumn<double>("shift");
    for (const double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 3.0})
        for (const double shift : {0.0, 0.4, 3.0})
            QTest::newRow(qPrintable(QStringLiteral("%1 shifted %2").arg(dpr).arg(shift))) << dpr << shift;
}

void TestRasterFill::columnsEqualRectangles()
{
    // A lane's runs as spans (one to many columns wide, side by side or with gaps, some past the clip's
    // edges, in several colours): fillOpaqueColumns() leaves the image exactly as fillOpaqueRects() does
    // with each span as a rectangle, at any scale and shift.
    QFETCH(double, dpr);
    QFETCH(double, shift);
    std::mt19937 rng(7);
    const QRgb colours[] = {qRgb(200, 30, 30), qRgb(30, 30, 200), qRgb(30, 160, 60), qRgb(250, 200, 20)};
    std::vector<ColumnSpan> spans;
    for (int x = -5; x < 330;) {
        const int width = 1 + int(rng() % (rng() % 4 == 0 ? 12 : 2));
        if (rng() % 5 != 0) spans.push_back({x, x + width, colours[rng() % 4]});
        x += width + (rng() % 6 == 0 ? int(rng() % 3) : 0);
    }
    QVERIFY(spans.size() > 100);
    const auto paint = [&](bool columns) {
        QImage img = canvas(340, 40, dpr);
        QPainter p(&img);
        p.translate(shift, shift);
        p.setClipRect(QRect(2, 0, 310, 40));
        if (columns) {
            if (!fillOpaqueColumns(p, spans, 7, 19)) return QImage();
        } else {
            for (const ColumnSpan &s : spans)
                if (!fillOpaqueRects(p, {QRect(s.x0, 7, s.x1 - s.x0, 19)}, QColor::fromRgb(s.rgb)))
                    return QImage();
        }
        return img;
    };
    const QImage byColumns = paint(true), byRects = paint(false);
    QVERIFY2(!byColumns.isNull() && !byRects.isNull(), "the direct path refused this scale");
    QCOMPARE(byColumns, byRects);
    QVERIFY(byColumns != canvas(340, 40, dpr));
}

void TestRasterFill::verticalLinesEqualPen_data()
{
    QTest::addColumn<double>("dpr");
    QTest::addColumn<double>("shift");
    for (const double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0})
        for (const double shift : {0.0, 0.4, 3.0, -0.25})
            QTest::newRow(qPrintable(QStringLiteral("%1 shifted %2").arg(dpr).arg(shift))) << dpr << shift;
}

void TestRasterFill::verticalLinesEqualPen()
{
    // Ticks down a lane (every column, many lengths, one a single pixel, some past the clip): written
    // straight into the image they cover exactly the pixels QPainter's aliased one-pixel pen does, or the
    // direct path refuses and QPainter draws them.
    QFETCH(double, dpr);
    QFETCH(double, shift);
    QVector<QLine> lines;
    for (int x = -3; x < 200; ++x) {
        const int top = 1 + (x + 7) % 7, length = 1 + ((x + 3) * 5) % 23;
        lines.append(QLine(x, top, x, top + length));
    }
    const QColor ink(10, 20, 30);
    const auto paint = [&](bool direct, bool *refused) {
        QImage img = canvas(210, 40, dpr);
        QPainter p(&img);
        p.translate(shift, shift);
        p.setClipRect(QRect(2, 0, 190, 20));
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(ink, 1));
        if (!direct)
            p.drawLines(lines);
        else
            *refused = !fillOpaqueVerticalLines(p, lines, ink);
        return img;
    };
    bool refused = false;
    const QImage byPen = paint(false, nullptr), direct = paint(true, &refused);
    if (refused) {
        // Only a fractional shift at scale 1 is refused.
        QCOMPARE(dpr, 1.0);
        QVERIFY(shift != std::round(shift));
        return;
    }
    QCOMPARE(differingPixels(byPen, direct), 0);
    QVERIFY(byPen.pixel(int((100 + shift) * dpr), int((6 + shift) * dpr)) != QColor(Qt::white).rgb());
}

void TestRasterFill::stampEqualsDrawImage_data()
{
    QTest::addColumn<double>("dpr");
    QTest::addColumn<double>("shift");
    QTest::addColumn<bool>("fine"); // the image made at the painter's scale, as badges' digits are
    for (const double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 1.1})
        for (const double shift : {0.0, 0.5, 3.0, 2.75})
            for (const bool fine : {false, true})
                QTest::newRow(qPrintable(QStringLiteral("%1 shifted %2%3")
                                             .arg(dpr)
                                             .arg(shift)
                                             .arg(fine ? QStringLiteral(" fine") : QString())))
                    << dpr << shift << fine;
}

void TestRasterFill::stampEqualsDrawImage()
{
    // An antialiased glyph with a translucent inside, stamped at whole and half pixels over stripes and
    // a clip's edges, overlapping one another: the same pixels as QPainter::drawImage at each point, written
    // straight in or, at scale 1, at scales that are not whole quarters, and for points that then land
    // between sixteenths of a pixel, left to QPainter.
    QFETCH(double, dpr);
    QFETCH(double, shift);
    QFETCH(bool, fine);
    // Two glyphs, placed in turns: where they overlap, the later is on top either way.
    const auto glyphIn = [&](const QColor &fill) {
        QImage glyph(QSize(12, 12) * (fine ? dpr : 1.0), QImage::Format_ARGB32_Premultiplied);
        glyph.setDevicePixelRatio(fine ? dpr : 1.0);
        glyph.fill(Qt::transparent);
        QPainter g(&glyph);
        g.setRenderHint(QPainter::Antialiasing, true);
        g.setPen(QPen(QColor(40, 20, 10), 1));
        g.setBrush(fill);
        g.drawPolygon(QPolygonF({QPointF(1.5, 1), QPointF(10.5, 1), QPointF(6, 9)}));
        return glyph;
    };
    const QImage glyphs[] = {glyphIn(QColor(250, 200, 30, 170)), glyphIn(QColor(30, 160, 60))};
    QVector<QPointF> at;
    std::mt19937 rng(3);
    for (int i = 0; i < 300; ++i)
        at.append(QPointF(int(rng() % 220) + (rng() % 2 ? 0.5 : 0), int(rng() % 40) + (rng() % 2 ? 0.5 : 0)));
    const auto paint = [&](bool stamped, bool *refused) {
        QImage img = canvas(210, 40, dpr);
        QPainter p(&img);
        for (int x = 0; x < 210; x += 7)
            p.fillRect(QRect(x, 0, 3, 40), QColor(30, 90 + x % 100, 160));
        p.translate(shift, shift);
        p.setClipRect(QRect(3, 2, 190, 30));
        ImageStamp stamps[] = {ImageStamp(glyphs[0]), ImageStamp(glyphs[1])};
        if (stamped) {
            std::vector<ImageStamp::Placed> placed;
            for (int i = 0; i < at.size(); ++i)
                placed.push_back({&stamps[i % 2], at[i]});
            *refused = !ImageStamp::drawInOrder(p, placed);
        } else {
            for (int i = 0; i < at.size(); ++i)
                p.drawImage(at[i], glyphs[i % 2]);
        }
        return img;
    };
    bool refused = false;
    const QImage byQt = paint(false, nullptr), byStamp = paint(true, &refused);
    QCOMPARE(differingPixels(byQt, byStamp), 0);
    if (refused) // then QPainter drew them
        QVERIFY(dpr == 1.0 || dpr * 4 != std::floor(dpr * 4) ||
                (dpr * (shift + 0.5) * 16) != std::floor(dpr * (shift + 0.5) * 16));
    else
        QVERIFY(dpr != 1.0);
}

void TestRasterFill::staysInsideItsWidget_data()
{
    QTest::addColumn<double>("dpr");
    for (const double dpr : {1.0, 1.5, 2.0})
        QTest::newRow(qPrintable(QString::number(dpr))) << dpr;
}

void TestRasterFill::staysInsideItsWidget()
{
    // A widget painting with the direct fills onto the window's pixels (here rendered, as the backing store
    // is painted): what it fills past its own edges (a lane below the scrolled viewport) must not land on
    // its parent or its siblings.
    QFETCH(double, dpr);
    struct Spiller : QWidget
    {
        bool drawn = false;
        void paintEvent(QPaintEvent *) override
        {
            QPainter p(this);
            const QRect past(-20, -20, width() + 40, height() + 60);
            drawn = fillOpaqueRects(p, {past}, QColor(200, 0, 0)) &&
                    fillOpaqueColumns(p, {{-20, width() + 20, qRgb(200, 0, 0)}}, -20, height() + 60) &&
                    fillOpaqueVerticalLines(p, {QLine(5, -20, 5, height() + 40)}, QColor(200, 0, 0));
        }
    };
    QWidget window;
    window.resize(120, 100);
    window.setAutoFillBackground(true);
    QPalette pal = window.palette();
    pal.setColor(QPalette::Window, Qt::white);
    window.setPalette(pal);
    auto *spiller = new Spiller;
    spiller->setParent(&window);
    spiller->setGeometry(30, 20, 50, 40);
    QImage img(QSize(120, 100) * dpr, QImage::Format_RGB32);
    img.setDevicePixelRatio(dpr);
    img.fill(Qt::black);
    window.render(&img);
    QVERIFY(spiller->drawn);
    int outside = 0, inside = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const bool in = QRectF(30 * dpr, 20 * dpr, 50 * dpr, 40 * dpr).contains(x + 0.5, y + 0.5);
            const bool red = img.pixel(x, y) == qRgb(200, 0, 0);
            outside += red && !in;
            inside += red && in;
        }
    QCOMPARE(outside, 0);
    QVERIFY(inside > 0);
}

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestRasterFill t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_rasterfill.moc"
