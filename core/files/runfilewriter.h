#pragma once

#include "event.h"
#include "recorder.h"
#include "runfile.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace raceway {

// Streams a run to a saved-run file (see runfile.h) while it is collected: the Runner hands it the
// registry, each drained batch and each commit, and it writes a compressed block whenever a megabyte of
// records has gathered. Memory stays at two blocks however long the run. Write errors are kept, not
// thrown: the run goes on and the command line reports the file as not written.
//
// With Compression::OnOwnThread (the window, whose collector runs on the GUI thread between frames) the
// blocks are compressed and written by a thread of the writer's own, in order; the caller only hands a
// full block over. At most `maxQueued` blocks wait: past that the caller waits for one to be written, so
// memory stays bounded (about six blocks) however slow the disk. The device is used by that thread alone
// from construction until finish() returns.
class RunFileWriter
{
public:
    enum class Compression { OnCaller, OnOwnThread };
    static constexpr std::size_t maxQueued = 4;

    RunFileWriter(QIODevice &out, std::uint64_t maxEvents, Compression where = Compression::OnCaller);
    ~RunFileWriter();
    RunFileWriter(const RunFileWriter &) = delete;
    RunFileWriter &operator=(const RunFileWriter &) = delete;

    // Written only when the registry has grown since the last call (lanes and objects are append-only).
    void registry(const std::vector<LaneInfo> &lanes, const std::vector<ObjectInfo> &objects);
    // Written only when there are more places in the code than last time.
    void sites(const std::vector<QString> &places);
    void events(const Event *events, std::size_t count);
    void commit(std::int64_t upTo);
    // The result and the end record, and the last block; waits until every block is written. False and
    // one line when any write failed.
    bool finish(const runfile::SavedRun &run, QString *error);

    bool failed() const;
    std::uint64_t bytesWritten() const { return m_written.load(std::memory_order_acquire); }

private:
    void reserve(std::size_t bytes); // starts a new block when these bytes would not fit
    // One whole record (a registry's, the sites'); false, and the file failed, when no block holds it.
    bool append(const QByteArray &record, const QString &what);
    void flushBlock();
    void pack(const QByteArray &raw); // compresses one block and writes it
    void write(const char *data, qsizetype size);
    void fail(const QString &error);
    void compressLoop();
    QString error() const;

    QIODevice &m_out;
    QByteArray m_raw;
    QByteArray m_packed; // used by whichever thread packs
    QString m_error;     // guarded by m_mutex
    std::atomic<std::uint64_t> m_written = 0;
    // Compression::OnOwnThread: full blocks waiting for the compressing thread, in order.
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<QByteArray> m_queue;
    bool m_packing = false, m_closing = false;
    std::thread m_thread;
    std::uint64_t m_events = 0;
    std::size_t m_lanes = 0, m_objects = 0, m_sites = 0;
    std::int64_t m_lastCommit = 0;
    bool m_ingestedSinceCommit = true;
};

} // namespace raceway
