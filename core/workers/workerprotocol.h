#pragma once

// The stream a raceway-worker process writes on its standard output: the same 16-byte events as the
// recorder's, stamped with the same CLOCK_MONOTONIC clock, so the parent can draw them without any
// calibration. It starts with Hello (pid) and ends with Bye; Text records carry small results.

#include "event.h"

#include <QByteArray>

#include <cstdio>
#include <functional>
#include <vector>

namespace raceway::worker {

constexpr std::uint8_t protocolVersion = 1;

// Worker side: buffered writes to a file descriptor. Not thread-safe: one writer.
class StreamWriter
{
public:
    explicit StreamWriter(int fd = 1);
    ~StreamWriter();
    void event(EventKind kind, std::uint8_t obj = 0, std::uint32_t arg = 0);
    void eventAt(std::int64_t t, EventKind kind, std::uint8_t obj, std::uint32_t arg);
    void text(const QByteArray &bytes);
    bool flush(); // false once the parent has gone away

private:
    int m_fd;
    std::vector<Event> m_buffer;
    bool m_ok = true;
};

// A worker's timestamps are not trusted: each is clamped to be no earlier than the worker's previous
// one and no later than now, so a broken or hostile stream can neither reorder a lane nor reach times
// whose differences overflow. `last` carries the previous time (start it at 0).
std::int64_t saneTime(std::int64_t t, std::int64_t &last, std::int64_t now);

// Parent side: feed it whatever arrived, in any pieces; it calls back per complete record.
class StreamReader
{
public:
    std::function<void(const Event &)> onEvent;
    std::function<void(const QByteArray &)> onText;

    void feed(const char *data, std::size_t size);
    bool sawHello() const { return m_hello; }
    bool sawBye() const { return m_bye; }
    qint64 pid() const { return m_pid; }
    bool corrupt() const { return m_corrupt; }
    std::uint64_t events() const { return m_events; }

private:
    void record(const Event &e);

    QByteArray m_partial;
    std::uint32_t m_textLeft = 0; // bytes of a Text record still to come
    QByteArray m_text;
    bool m_hello = false, m_bye = false, m_corrupt = false;
    qint64 m_pid = 0;
    std::uint64_t m_events = 0;
};

} // namespace raceway::worker
