// MainWindow's exports: the timeline as PNG or SVG as on screen, and the trace as Chrome Trace JSON,
// written through OutputFile so that nothing half-written is left and errors are the system's words.

#include "mainwindow.h"

#include "outputfile.h"
#include "paramform.h"
#include "timelineview.h"
#include "traceexport.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
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
    if (const RunRecord *r = current()) return r->exportName(format);
    return QStringLiteral("raceway.") +
           (format == QLatin1String("json") ? QStringLiteral("trace.json") : format);
}

bool MainWindow::exportTo(const QString &format, const QString &path, QString *errorOut, int scale)
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
            ok = m_view->renderImage(1600, scale).save(out, "PNG");
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
    if (errorOut) *errorOut = error;
    return ok;
}

void MainWindow::exportInteractive(const QString &format)
{
    if (!current()) return;
    QSettings settings;
    const QString dir = settings
                            .value(QStringLiteral("exportDir"),
                                   QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                            .toString();
    const QString filter = format == QLatin1String("png")   ? tr("PNG image (*.png)")
                           : format == QLatin1String("svg") ? tr("SVG drawing (*.svg)")
                                                            : tr("Chrome Trace JSON (*.json *.json.gz)");
    // Qt's own dialog, so that a PNG's scale can be chosen beside the file name.
    QFileDialog dialog(this, tr("Export timeline"), QDir(dir).filePath(defaultExportName(format)), filter);
    dialog.setObjectName(QStringLiteral("exportDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    dialog.setDefaultSuffix(format == QLatin1String("json") ? QStringLiteral("json") : format);
    QComboBox *scale = nullptr;
    if (format == QLatin1String("png")) {
        scale = new QComboBox(&dialog);
        scale->setObjectName(QStringLiteral("exportScale"));
        scale->addItem(tr("1× — as on a normal screen"), 1);
        scale->addItem(tr("2× — sharp on HiDPI screens, slides and print"), 2);
        scale->setCurrentIndex(
            std::max(0, scale->findData(settings.value(QStringLiteral("exportScale"), 1).toInt())));
        scale->setToolTip(tr("Output pixels per pixel on screen: 2× doubles width, height, lines and text"));
        if (auto *grid = qobject_cast<QGridLayout *>(dialog.layout())) {
            const int row = grid->rowCount();
            grid->addWidget(new QLabel(tr("Scale:"), &dialog), row, 0);
            grid->addWidget(scale, row, 1);
        }
    }
    if (m_exportDialogHook) m_exportDialogHook(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    const QString path = dialog.selectedFiles().constFirst();
    settings.setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    const int factor = scale ? scale->currentData().toInt() : 1;
    if (scale) settings.setValue(QStringLiteral("exportScale"), factor);
    QString error;
    if (!exportTo(format, path, &error, factor))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1:\n%2").arg(path, error));
}

} // namespace raceway
