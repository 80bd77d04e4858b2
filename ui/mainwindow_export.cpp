// MainWindow's exports: the timeline as PNG or SVG as on screen, and the trace as Chrome Trace JSON,
// written through OutputFile so that nothing half-written is left and errors are the system's words.

#include "mainwindow.h"

#include "outputfile.h"
#include "paramform.h"
#include "timelineview.h"
#include "traceexport.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QStandardPaths>
#include <QSvgGenerator>

namespace raceway {

QString MainWindow::defaultExportName(const QString &format) const
{
    // Named after the run shown, never after the form (which may already describe the next run).
    if (const RunRecord *r = current())
        return r->exportName(format);
    return QStringLiteral("raceway.") + (format == QLatin1String("json") ? QStringLiteral("trace.json") : format);
}

bool MainWindow::exportTo(const QString &format, const QString &path, QString *errorOut)
{
    QString error;
    bool ok = false;
    // Written beside the target and renamed into place, or into a FIFO or device as it is: a failure
    // leaves nothing half-written, and the error is the system's own ("No space left on device").
    OutputFile file(path, format);
    QElapsedTimer waited;
    waited.start();
    const auto giveUp = [&] { return waited.elapsed() > 5000; }; // a FIFO nobody reads
    if (!current()) {
        error = tr("nothing to export yet: run a scenario first");
    } else if (QIODevice *out = file.prepare(&error) ? file.open(giveUp, &error) : nullptr) {
        if (format == QLatin1String("png")) {
            ok = m_view->renderImage().save(out, "PNG");
            if (!ok)
                error = out->errorString().isEmpty() ? tr("could not encode the image") : out->errorString();
        } else if (format == QLatin1String("svg")) {
            const QImage probe = m_view->renderImage(); // same size as the PNG would be
            QSvgGenerator svg;
            svg.setOutputDevice(out);
            svg.setSize(probe.size());
            svg.setViewBox(probe.rect());
            svg.setTitle(current()->title());
            QPainter p(&svg);
            p.fillRect(probe.rect(), m_view->palette().color(QPalette::Base));
            m_view->paintAll(p, probe.width());
            ok = p.end();
        } else {
            ChromeTraceOptions options;
            options.compression = path.endsWith(QLatin1String(".gz"), Qt::CaseInsensitive)
                                      ? ChromeTraceOptions::Compression::Gzip
                                      : ChromeTraceOptions::Compression::None;
            ok = writeChromeTrace(current()->trace(), *out, options, &error);
        }
        if (ok)
            ok = file.commit(&error);
        else
            file.discard();
    }
    if (ok)
        m_status->setText(tr("Wrote %1").arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
    else
        m_status->setText(tr("Could not write %1: %2").arg(path, error));
    if (errorOut)
        *errorOut = error;
    return ok;
}

void MainWindow::exportInteractive(const QString &format)
{
    if (!current())
        return;
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("exportDir"),
                                       QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                            .toString();
    const QString filter = format == QLatin1String("png")   ? tr("PNG image (*.png)")
                           : format == QLatin1String("svg") ? tr("SVG drawing (*.svg)")
                                                            : tr("Chrome Trace JSON (*.json *.json.gz)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export timeline"),
                                                      QDir(dir).filePath(defaultExportName(format)), filter);
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    QString error;
    if (!exportTo(format, path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1:\n%2").arg(path, error));
}

} // namespace raceway
