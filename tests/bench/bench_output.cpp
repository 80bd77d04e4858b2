// The Script Output panel at its limit: what one frame can be handed (the window's ScriptOutput keeps at
// most 64 KiB between two frames) appended and painted, as short lines and as one line with no newline
// (the panel shows a line's first 4 KiB), with the panel already holding its 20,000 lines so the oldest
// are dropped as new ones come.

#include "outputpanel.h"

#include <QApplication>
#include <QPlainTextEdit>

#include <benchmark/benchmark.h>

using namespace raceway;

static void BM_OutputPanelFrame(benchmark::State &state)
{
    const int lineLength = int(state.range(0));
    OutputPanel panel;
    panel.resize(1280, 200);
    panel.show();
    panel.begin(QStringLiteral("python3 loud.py"));
    QByteArray line(lineLength, 'x');
    if (lineLength < 1000) line.append('\n');
    std::vector<py::ScriptOutput::Chunk> frame;
    py::ScriptOutput::Chunk chunk{py::ScriptOutput::Stream::Out, {}, 0};
    while (chunk.bytes.size() + line.size() <= 64 * 1024)
        chunk.bytes.append(line);
    frame.push_back(chunk);
    // Fill the panel first: the steady state of a script that prints without end.
    for (int i = 0; i < 25 && lineLength < 1000; ++i)
        panel.append(frame);
    QApplication::processEvents();
    for (auto _ : state) {
        panel.append(frame);
        QApplication::processEvents(); // the frame is painted
    }
    state.counters["bytes_per_frame"] = double(chunk.bytes.size());
    state.counters["lines_held"] = double(panel.view()->document()->blockCount());
}
BENCHMARK(BM_OutputPanelFrame)->Arg(80)->Arg(64 * 1024 - 1)->ArgName("line")->Unit(benchmark::kMillisecond);
