#pragma once

#include "event.h"
#include "recorder.h"
#include "runfile.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <cstdint>
#include <vector>

namespace raceway {

// Streams a run to a saved-run file (see runfile.h) while it is collected: the Runner hands it the
// registry, each drained batch and each commit, and it writes a compressed block whenever a megabyte of
// records has gathered. Memory stays at two blocks however long the run. Write errors are kept, not
// thrown: the run goes on and the command line reports the file as not written.
class RunFileWriter
{
public:
    RunFileWriter(QIODevice &out, std::uint64_t maxEvents);
    RunFileWriter(const RunFileWriter &) = delete;
    RunFileWriter &operator=(const RunFileWriter &) = delete;

    // Written only when the registry has grown since the last call (lanes and objects are append-only).
    void registry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects);
    void events(const Event *events, std::size_t count);
    void commit(std::int64_t upTo);
    // The result and the end record, and the last block. False and one line when any write failed.
    bool finish(const runfile::SavedRun &run, QString *error);

    bool failed() const { return !m_error.isEmpty(); }
    std::uint64_t bytesWritten() const { return m_written; }

private:
    void reserve(std::size_t bytes); // starts a new block when these bytes would not fit
    void flushBlock();
    void write(const char *data, qsizetype size);

    QIODevice &m_out;
    QByteArray m_raw;
    QByteArray m_packed;
    QString m_error;
    std::uint64_t m_written = 0;
    std::uint64_t m_events = 0;
    std::size_t m_lanes = 0, m_objects = 0;
    std::int64_t m_lastCommit = 0;
    bool m_ingestedSinceCommit = true;
};

} // namespace raceway
