// Build-time tool: renders the SVG icon master into the PNG sizes a desktop's icon theme needs, so that
// only the SVG is kept in the repository and every PNG is reproducible from it.
//
//   raceway-rendericon MASTER.svg OUTDIR NAME SIZE...
//
// writes OUTDIR/SIZExSIZE/apps/NAME.png for each SIZE (the hicolor theme's layout).

#include <QDir>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char *argv[])
{
    if (argc < 5) {
        std::fputs("usage: raceway-rendericon MASTER.svg OUTDIR NAME SIZE...\n", stderr);
        return 2;
    }
    const QString master = QString::fromLocal8Bit(argv[1]);
    const QString outDir = QString::fromLocal8Bit(argv[2]);
    const QString name = QString::fromLocal8Bit(argv[3]);
    QSvgRenderer renderer(master);
    if (!renderer.isValid()) {
        std::fprintf(stderr, "raceway-rendericon: cannot read the SVG '%s'\n", argv[1]);
        return 1;
    }
    for (int i = 4; i < argc; ++i) {
        bool ok = false;
        const int size = QString::fromLocal8Bit(argv[i]).toInt(&ok);
        if (!ok || size < 8 || size > 4096) {
            std::fprintf(stderr, "raceway-rendericon: '%s' is not an icon size (allowed: 8..4096)\n",
                         argv[i]);
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter, QRectF(0, 0, size, size));
        painter.end();
        const QString dir = outDir + QStringLiteral("/%1x%1/apps").arg(size);
        const QString file = dir + QLatin1Char('/') + name + QStringLiteral(".png");
        if (!QDir().mkpath(dir) || !image.save(file, "PNG")) {
            std::fprintf(stderr, "raceway-rendericon: cannot write '%s'\n", qPrintable(file));
            return 1;
        }
    }
    return 0;
}
