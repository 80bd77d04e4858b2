/* The Python tracer's optional accelerator: a traced threading.Lock whose acquire, release, __enter__ and
 * __exit__ are C, and the event buffer every traced object records into.
 *
 * Why: a lock wrapped in Python costs 1.75-2.7x a raw lock before it records anything, and its Python
 * code between acquire and release gives the interpreter a chance to hand the GIL over while the lock is
 * held, so the tracer created contention it then drew. Here nothing between taking and letting go of the
 * lock runs Python code; the GIL is let go only to block.
 *
 * Built against the limited API of 3.8 (one .so, abi3, for every CPython from 3.8), with one exception:
 * METH_FASTCALL, which every CPython since 3.7 calls the same way but whose flag the limited API's
 * headers name only from 3.10. The tracer (resources/python/raceway_tracer) uses this module when it
 * loads and falls back to pure Python when it does not (a free-threaded interpreter, RACEWAY_TRACER_PURE).
 *
 * The stream it writes is described in wire.py and core/python/pystream.h: 16-byte records (t: i64,
 * arg: u32, lane: u16, kind: u8, obj: u8), little-endian, sent in units of at most 4096 bytes, a STRING
 * record and its text always in the unit of the record before them.
 */
/* Built a second time for a free-threaded CPython (RACEWAY_FREE_THREADED, by
 * scripts/build-free-threaded-accel.sh): there the limited API is not to be had, threads record at once,
 * so the buffer is taken in turns (take_buffer waits for another thread's), the counts shared between
 * threads are added atomically, and the module says it runs without the GIL. */
#ifndef RACEWAY_FREE_THREADED
#define Py_LIMITED_API 0x03080000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef METH_FASTCALL
#define METH_FASTCALL 0x0080
#endif

typedef PyObject *(*FastFunction)(PyObject *, PyObject *const *, Py_ssize_t);
typedef PyObject *(*FastFunctionWithKeywords)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);

enum {
    LOCK_REQUESTED = 3,
    LOCK_ACQUIRED = 4,
    LOCK_RELEASED = 5,
    WAIT_END = 27,
    EXIT = 0xE5,
    STAT = 0xE6,
    STAT_LOCK_WAITS = 1,
    STAT_EVENTS = 2,
    STAT_OUTPUT_BYTES = 4,
    STAT_OBJECTS_UNTRACED = 5,
    STRING = 0xEF,
    FRAME = 0xF0,
    RECORD = 16,
    UNIT = 4096,
    FLUSH_AT = 4 * (UNIT / RECORD - 1), /* four whole units: a flush costs the script system calls */
    VERSION = 1,
};
static const int64_t FLUSH_AGE_NS = 50000000;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* time.monotonic_ns()'s clock */
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- The clock events are stamped with ---------------------------------------------------------- */

/* Reading CLOCK_MONOTONIC costs ~25 ns where the clock is a hypervisor's (kvm-clock), and a traced
 * `with lock:` reads it twice: a fifth of what tracing adds to it. Where the CPU's time-stamp counter
 * ticks at one rate whatever the core's speed or sleep (constant_tsc, nonstop_tsc), stamps come from it
 * instead (~11 ns), as a line through pairs of (counter, CLOCK_MONOTONIC) readings. The first pair and
 * the latest give the rate; a stamp that finds the latest a millisecond old takes a new one, and the line
 * goes on from where it had got to, steered to close the gap to the clock over the next 2 ms (by at most
 * 1 %), then at the measured rate; a gap of over 100 us behind the clock is jumped. One line for every thread
 * of the process, never going back: the order of two threads' stamps is the order of their counter
 * readings. RACEWAY_TRACER_CLOCK=monotonic reads the clock every time. */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define RACEWAY_HAVE_TSC 1
#endif

static int tsc_on;
static uint64_t first_tsc, steer_ticks;
static int64_t first_ns;
static atomic_uint clock_seq; /* odd while the stretch changes */
static _Atomic uint64_t stretch_tsc;
static _Atomic int64_t stretch_ns;
static _Atomic double stretch_rate; /* ns a tick, steered: for its first 2 ms */
static _Atomic double stretch_after; /* and after them, as measured */
static atomic_int clock_busy;       /* one new pair at a time */

#ifdef RACEWAY_HAVE_TSC
/* A counter reading and the clock at that moment: the counter read between two clock readings, the
 * closest of up to ten tries (a try the thread lost its core in is wide). Returns the width. */
static int64_t clock_pair(uint64_t *tsc, int64_t *ns)
{
    int64_t best = INT64_MAX;
    for (int i = 0; i < 10 && best > 1000; ++i) {
        const int64_t a = now_ns();
        const uint64_t t = __rdtsc();
        const int64_t b = now_ns();
        if (b - a < best) {
            best = b - a;
            *tsc = t;
            *ns = a + (b - a) / 2;
        }
    }
    return best;
}

static int64_t tsc_to_ns(uint64_t tsc)
{
    for (;;) {
        const unsigned seq = atomic_load_explicit(&clock_seq, memory_order_acquire);
        const uint64_t from = atomic_load_explicit(&stretch_tsc, memory_order_relaxed);
        const int64_t ns = atomic_load_explicit(&stretch_ns, memory_order_relaxed);
        const double rate = atomic_load_explicit(&stretch_rate, memory_order_relaxed);
        const double after = atomic_load_explicit(&stretch_after, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if ((seq & 1) != 0 || atomic_load_explicit(&clock_seq, memory_order_relaxed) != seq) continue;
        const int64_t ticks = (int64_t)(tsc - from), steered = 2 * (int64_t)steer_ticks;
        if (ticks <= steered) return ns + (int64_t)((double)ticks * rate);
        return ns + (int64_t)((double)steered * rate) + (int64_t)((double)(ticks - steered) * after);
    }
}

static void set_stretch(uint64_t tsc, int64_t ns, double rate, double after)
{
    const unsigned seq = atomic_load_explicit(&clock_seq, memory_order_relaxed);
    atomic_store_explicit(&clock_seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&stretch_tsc, tsc, memory_order_relaxed);
    atomic_store_explicit(&stretch_ns, ns, memory_order_relaxed);
    atomic_store_explicit(&stretch_rate, rate, memory_order_relaxed);
    atomic_store_explicit(&stretch_after, after, memory_order_relaxed);
    atomic_store_explicit(&clock_seq, seq + 2, memory_order_release);
}

static int cpu_has_steady_tsc(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    char line[4096];
    int constant = 0, nonstop = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            constant = strstr(line, " constant_tsc") != NULL;
            nonstop = strstr(line, " nonstop_tsc") != NULL;
            break;
        }
    fclose(f);
    return constant && nonstop;
}

/* A new pair, and the line steered by it (see above). */
static void clock_steer(void)
{
    int idle = 0;
    if (!atomic_compare_exchange_strong(&clock_busy, &idle, 1)) return; /* another thread is at it */
    uint64_t tsc;
    int64_t ns;
    const int64_t width = clock_pair(&tsc, &ns);
    const uint64_t from = atomic_load_explicit(&stretch_tsc, memory_order_relaxed);
    /* (A wide pair says little: the next stamp tries again.) */
    if (width <= 20000 && tsc > from && tsc - from >= steer_ticks && tsc > first_tsc && ns > first_ns) {
        const int64_t here = tsc_to_ns(tsc);
        const double measured = (double)(ns - first_ns) / (double)(tsc - first_tsc);
        double steer = (double)(ns - here) / 2e6;
        steer = steer > 0.01 ? 0.01 : steer < -0.01 ? -0.01 : steer;
        if (ns - here > 100000)
            set_stretch(tsc, ns, measured, measured);
        else
            set_stretch(tsc, here, measured * (1 + steer), measured);
    }
    atomic_store_explicit(&clock_busy, 0, memory_order_release);
}
#endif

/* Called once, when the module loads: the counter's first rate measured over a millisecond. */
static void clock_start(void)
{
#ifdef RACEWAY_HAVE_TSC
    const char *choice = getenv("RACEWAY_TRACER_CLOCK");
    if ((choice && strcmp(choice, "monotonic") == 0) || !cpu_has_steady_tsc()) return;
    const int64_t first_width = clock_pair(&first_tsc, &first_ns);
    while (now_ns() - first_ns < 1000000) {
    }
    uint64_t tsc;
    int64_t ns;
    const int64_t width = clock_pair(&tsc, &ns);
    /* A counter that does not count, or pairs too wide to give its rate: the clock it is. */
    if (tsc <= first_tsc || ns <= first_ns || first_width > 5000 || width > 5000) return;
    const double rate = (double)(ns - first_ns) / (double)(tsc - first_tsc);
    steer_ticks = (uint64_t)(1e6 / rate);
    set_stretch(tsc, ns, rate, rate);
    tsc_on = 1;
#endif
}

/* An event's stamp: CLOCK_MONOTONIC's time, from the counter where it can be. */
static int64_t stamp_ns(void)
{
#ifdef RACEWAY_HAVE_TSC
    if (tsc_on) {
        const uint64_t tsc = __rdtsc();
        if (tsc - atomic_load_explicit(&stretch_tsc, memory_order_relaxed) > steer_ticks) clock_steer();
        return tsc_to_ns(tsc);
    }
#endif
    return now_ns();
}

static void put_record(unsigned char *p, int64_t t, uint32_t arg, uint16_t lane, uint8_t kind, uint8_t obj)
{
    uint64_t ut = (uint64_t)t;
    for (int i = 0; i < 8; ++i)
        p[i] = (unsigned char)(ut >> (8 * i));
    for (int i = 0; i < 4; ++i)
        p[8 + i] = (unsigned char)(arg >> (8 * i));
    p[12] = (unsigned char)lane;
    p[13] = (unsigned char)(lane >> 8);
    p[14] = kind;
    p[15] = obj;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- Stream: one process's buffer in front of the pipe ------------------------------------------- */

typedef struct
{
    PyObject_HEAD unsigned char *data;
    Py_ssize_t size, capacity;
    Py_ssize_t items; /* records, or records with their text */
    int64_t first_t;  /* when the oldest buffered item was recorded */
    long long events, lock_waits, output_bytes, untraced_objects;
    int ok;
    /* 0: the buffer is free; 1: a thread is changing it; 2: a SIGTERM handler took it (nothing more is
     * added: the process is about to die of the signal) */
    atomic_int busy;
    uint64_t generation; /* the calling thread's cached lane is this stream's when they match */
    PyObject *wire;      /* its lane() gives a thread its lane */
    int fd;              /* the pipe (-1: not given yet), and what it was when given: */
    long pid;
    unsigned long long dev, ino;
    PyThread_type_lock flush_lock; /* one flush at a time: units go out in the order recorded */
    unsigned char *spare;          /* the other buffer, reused: a flush takes the one filled */
    Py_ssize_t spare_capacity;
} Stream;

static Stream *current_stream; /* the one the locks record into (the process's; replaced after fork) */
static uint64_t generations;
static _Thread_local uint64_t cached_generation;
static _Thread_local int cached_lane;
static PyObject *str_lane, *str_site;
static PyObject *one; /* site()'s depth from C: its caller is the script's frame (no Python frame here) */

static int reserve(Stream *s, Py_ssize_t more)
{
    if (s->size + more <= s->capacity) return 0;
    Py_ssize_t capacity = s->capacity ? s->capacity : 4096;
    while (capacity < s->size + more)
        capacity *= 2;
    unsigned char *data = PyMem_Realloc(s->data, (size_t)capacity);
    if (!data) {
        PyErr_NoMemory();
        return -1;
    }
    s->data = data;
    s->capacity = capacity;
    return 0;
}

/* The calling thread's lane: cached per thread, asked of the wire the first time (which adopts a thread
 * that threading did not start). */
static int stream_lane(Stream *s)
{
    if (cached_generation == s->generation) return cached_lane;
    PyObject *lane = PyObject_CallMethodObjArgs(s->wire, str_lane, NULL);
    if (!lane) return -1;
    long value = PyLong_AsLong(lane);
    Py_DECREF(lane);
    if (value == -1 && PyErr_Occurred()) return -1;
    cached_lane = (int)(value & 0xFFFF);
    cached_generation = s->generation;
    return cached_lane;
}

/* Appends one record. Returns 1 when the buffer is due to be written out, 0 when not, -1 on error. */
/* The buffer, for the calling thread to change; 0 once a SIGTERM handler has taken it. */
static int take_buffer(Stream *s)
{
#ifdef RACEWAY_FREE_THREADED
    /* Another thread may be changing it (for a few hundred nanoseconds, unless it lost its core meanwhile:
     * then spinning would waste the rest of a time slice, so the core is given up after a few tries):
     * wait for it, unless a SIGTERM handler took it for good. */
    for (unsigned tries = 0;; ++tries) {
        int free_ = 0;
        if (atomic_compare_exchange_weak(&s->busy, &free_, 1)) return 1;
        if (free_ == 2) return 0;
        if (tries >= 64) sched_yield();
    }
#else
    int free_ = 0;
    return atomic_compare_exchange_strong(&s->busy, &free_, 1);
#endif
}

/* A count more, from any thread (a tally threads add to at once without a GIL). */
static void count_one(long long *tally)
{
    __atomic_add_fetch(tally, 1, __ATOMIC_RELAXED);
}

/* Only the thread that took it has it at 1, and a SIGTERM handler takes it only from 0: a plain store. */
static void give_buffer(Stream *s)
{
    atomic_store_explicit(&s->busy, 0, memory_order_release);
}

static int stream_put(Stream *s, int lane, uint8_t kind, uint8_t obj, uint32_t arg, int64_t t)
{
    if (!take_buffer(s)) return 0;
    if (reserve(s, RECORD) < 0) {
        give_buffer(s);
        return -1;
    }
    put_record(s->data + s->size, t, arg, (uint16_t)lane, kind, obj);
    s->size += RECORD;
    s->events += 1;
    s->items += 1;
    if (s->items == 1) s->first_t = t;
    /* Never right after a lock was taken: writing lets go of the GIL, and every other thread would find
     * the lock held and queue up behind it. */
    const int due = s->items > 1 && kind != LOCK_ACQUIRED && (s->items >= FLUSH_AT || t - s->first_t > FLUSH_AGE_NS);
    give_buffer(s);
    return due;
}

/* The bytes of the item at offset p of data: its record, and a STRING record with its text when one
 * follows. */
static Py_ssize_t item_size(const unsigned char *data, Py_ssize_t size, Py_ssize_t p)
{
    Py_ssize_t n = RECORD;
    const unsigned char *next = data + p + RECORD;
    if (p + RECORD < size && next[14] == STRING)
        n += RECORD + (Py_ssize_t)(get_u32(next + 8) + RECORD - 1) / RECORD * RECORD;
    return p + n > size ? size - p : n; /* cannot be cut: items are appended whole */
}

/* The unit that begins at `begin` of data: a FRAME record and the whole items after it, at most 4096
 * bytes, in `unit`; sets *end to where the next begins and returns its length. No Python, no allocation
 * (a signal handler's too). */
static size_t frame_unit(unsigned char *unit, long pid, const unsigned char *data, Py_ssize_t size,
                         Py_ssize_t begin, Py_ssize_t *end)
{
    Py_ssize_t e = begin;
    while (e < size) {
        const Py_ssize_t n = item_size(data, size, e);
        if (e + n - begin > UNIT - RECORD && e > begin) break;
        e += n;
    }
    put_record(unit, 0, (uint32_t)pid, (uint16_t)((e - begin) / RECORD), FRAME, VERSION);
    memcpy(unit + RECORD, data + begin, (size_t)(e - begin));
    *end = e;
    return (size_t)(RECORD + e - begin);
}

/* Writes the buffer out, unit by unit, each unit one write() of at most PIPE_BUF bytes (never interleaved
 * with another process's). The GIL is kept: a unit goes into the pipe at once unless Raceway has stopped
 * reading, and letting go of the GIL here, 500 times a second, handed it to another thread each time.
 * A signal's Python handler runs between the retries of an interrupted write (and may raise: -1). */
static int write_units(Stream *s)
{
    struct stat st;
    if (s->fd < 0 || fstat(s->fd, &st) != 0 || (unsigned long long)st.st_dev != s->dev ||
        (unsigned long long)st.st_ino != s->ino) {
        s->ok = 0; /* closed by the script, or its number reused: never write into anything else */
        return 0;
    }
    if (!take_buffer(s)) return 0;
    unsigned char *data = s->data;
    const Py_ssize_t size = s->size, capacity = s->capacity;
    s->data = s->spare; /* what is recorded meanwhile (a signal handler's) goes to the other buffer */
    s->capacity = s->spare_capacity;
    s->spare = NULL;
    s->spare_capacity = 0;
    s->size = 0;
    s->items = 0;
    give_buffer(s);
    int rc = 0;
    unsigned char unit[UNIT];
    Py_ssize_t begin = 0;
    while (begin < size && s->ok && rc == 0) {
        Py_ssize_t end;
        const size_t length = frame_unit(unit, s->pid, data, size, begin, &end);
        for (;;) {
            const ssize_t written = write(s->fd, unit, length);
            if (written == (ssize_t)length) break;
            if (written < 0 && errno == EINTR) {
                if (PyErr_CheckSignals() < 0) {
                    rc = -1;
                    break;
                }
                continue;
            }
            s->ok = 0; /* a pipe write of at most PIPE_BUF bytes is whole or nothing: the pipe is gone */
            break;
        }
        begin = end;
    }
    if (take_buffer(s)) {
        if (!s->spare) {
            s->spare = data;
            s->spare_capacity = capacity;
            data = NULL;
        }
        give_buffer(s);
    }
    PyMem_Free(data);
    return rc;
}

/* One flush: skipped when another thread is flushing (what it leaves is taken by the next one). With
 * wait, waits up to force_after seconds (1 s when negative) for the other flush; with force_after >= 0
 * writes even then (a signal handler's last flush may have interrupted a flush on its own thread). */
static int stream_write_out(Stream *s, int wait, double force_after)
{
    int got = PyThread_acquire_lock(s->flush_lock, NOWAIT_LOCK);
    if (!got && wait) {
        const double seconds = force_after >= 0 ? force_after : 1.0;
        PyThreadState *state = PyEval_SaveThread();
        got =
            PyThread_acquire_lock_timed(s->flush_lock, (PY_TIMEOUT_T)(seconds * 1e6), 0) == PY_LOCK_ACQUIRED;
        PyEval_RestoreThread(state);
    }
    if (!got && force_after < 0) return 0;
    int rc = 0;
    if (s->ok && s->size > 0) rc = write_units(s);
    if (got) PyThread_release_lock(s->flush_lock);
    return rc;
}

static int stream_flush(Stream *s)
{
    return stream_write_out(s, 0, -1);
}

/* Records an event of the calling thread stamped at t (now when 0); writes the buffer out when due. */
static int stream_event(Stream *s, uint8_t kind, uint8_t obj, uint32_t arg, int64_t t)
{
    if (!s->ok) return 0;
    int lane = stream_lane(s);
    if (lane < 0) return -1;
    int due = stream_put(s, lane, kind, obj, arg, t ? t : stamp_ns());
    if (due < 0) return -1;
    return due ? stream_flush(s) : 0;
}

static int arg_u32(PyObject *o, uint32_t *out)
{
    unsigned long v = PyLong_AsUnsignedLongMask(o); /* negative values in two's complement, as & 0xFFFFFFFF */
    if (v == (unsigned long)-1 && PyErr_Occurred()) return -1;
    *out = (uint32_t)v;
    return 0;
}

static int arg_int(PyObject *o, long *out)
{
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    *out = v;
    return 0;
}

/* event(kind, obj=0, arg=0, t=0) */
static PyObject *stream_event_method(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Stream *s = (Stream *)self;
    if (nargs < 1 || nargs > 4) {
        PyErr_SetString(PyExc_TypeError, "event(kind, obj=0, arg=0, t=0)");
        return NULL;
    }
    if (!s->ok) Py_RETURN_NONE;
    long kind, obj = 0;
    uint32_t arg = 0;
    long long t = 0;
    if (arg_int(args[0], &kind) < 0) return NULL;
    if (nargs > 1 && arg_int(args[1], &obj) < 0) return NULL;
    if (nargs > 2 && arg_u32(args[2], &arg) < 0) return NULL;
    if (nargs > 3) {
        t = PyLong_AsLongLong(args[3]);
        if (t == -1 && PyErr_Occurred()) return NULL;
    }
    if (stream_event(s, (uint8_t)kind, (uint8_t)obj, arg, t) < 0) return NULL;
    Py_RETURN_NONE;
}

/* event_on(lane, kind, obj=0, arg=0): on a lane that is not the calling thread's own (an asyncio task's) */
static PyObject *stream_event_on(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Stream *s = (Stream *)self;
    if (nargs < 2 || nargs > 5) {
        PyErr_SetString(PyExc_TypeError, "event_on(lane, kind, obj=0, arg=0, t=0)");
        return NULL;
    }
    if (!s->ok) Py_RETURN_NONE;
    long lane, kind, obj = 0;
    uint32_t arg = 0;
    long long t = 0; /* 0: now */
    if (arg_int(args[0], &lane) < 0 || arg_int(args[1], &kind) < 0) return NULL;
    if (nargs > 2 && arg_int(args[2], &obj) < 0) return NULL;
    if (nargs > 3 && arg_u32(args[3], &arg) < 0) return NULL;
    if (nargs > 4 && (t = PyLong_AsLongLong(args[4])) == -1 && PyErr_Occurred()) return NULL;
    int due = stream_put(s, (int)lane, (uint8_t)kind, (uint8_t)obj, arg, t > 0 ? (int64_t)t : stamp_ns());
    if (due < 0 || (due && stream_flush(s) < 0)) return NULL;
    Py_RETURN_NONE;
}

/* append(item): a record with its text, packed by the wire, kept whole */
static PyObject *stream_append(PyObject *self, PyObject *item)
{
    Stream *s = (Stream *)self;
    char *bytes;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(item, &bytes, &n) < 0) return NULL;
    if (n <= 0 || n % RECORD != 0 || n > UNIT - RECORD) {
        PyErr_SetString(PyExc_ValueError, "an item is whole 16-byte records, at most 4080 bytes");
        return NULL;
    }
    if (!take_buffer(s)) Py_RETURN_NONE;
    if (reserve(s, n) < 0) {
        give_buffer(s);
        return NULL;
    }
    memcpy(s->data + s->size, bytes, (size_t)n);
    s->size += n;
    s->items += 1;
    if (s->items == 1) s->first_t = stamp_ns();
    give_buffer(s);
    Py_RETURN_NONE;
}

/* flush(wait=False, force_after=None) */
static PyObject *stream_flush_method(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames)
{
    PyObject *wait_arg = nargs > 0 ? args[0] : NULL, *force_arg = nargs > 1 ? args[1] : NULL;
    const Py_ssize_t nkw = kwnames ? PyTuple_Size(kwnames) : 0;
    if (nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "flush(wait=False, force_after=None)");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nkw; ++i) {
        PyObject *name = PyTuple_GetItem(kwnames, i);
        if (PyUnicode_CompareWithASCIIString(name, "wait") == 0)
            wait_arg = args[nargs + i];
        else if (PyUnicode_CompareWithASCIIString(name, "force_after") == 0)
            force_arg = args[nargs + i];
        else {
            PyErr_Format(PyExc_TypeError, "flush() got an unexpected argument '%U'", name);
            return NULL;
        }
    }
    int wait = 0;
    if (wait_arg && (wait = PyObject_IsTrue(wait_arg)) < 0) return NULL;
    double force_after = -1;
    if (force_arg && force_arg != Py_None) {
        force_after = PyFloat_AsDouble(force_arg);
        if (force_after == -1 && PyErr_Occurred()) return NULL;
        if (force_after < 0) force_after = 0;
    }
    if (stream_write_out((Stream *)self, wait, force_after) < 0) return NULL;
    Py_RETURN_NONE;
}

/* set_pipe(fd, pid, dev, ino): where flushes write, and what it must still be when they do */
static PyObject *stream_set_pipe(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Stream *s = (Stream *)self;
    long fd, pid;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "set_pipe(fd, pid, dev, ino)");
        return NULL;
    }
    if (arg_int(args[0], &fd) < 0 || arg_int(args[1], &pid) < 0) return NULL;
    const unsigned long long dev = PyLong_AsUnsignedLongLong(args[2]);
    if (dev == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    const unsigned long long ino = PyLong_AsUnsignedLongLong(args[3]);
    if (ino == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    s->fd = (int)fd;
    s->pid = pid;
    s->dev = dev;
    s->ino = ino;
    Py_RETURN_NONE;
}

static Py_ssize_t stream_length(PyObject *self)
{
    return ((Stream *)self)->items;
}

static int stream_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Stream *s = (Stream *)self;
    PyObject *wire;
    if (kwargs && PyDict_Size(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError, "Stream(wire)");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "O:Stream", &wire)) return -1;
    PyObject *old = s->wire;
    Py_INCREF(wire);
    s->wire = wire;
    Py_XDECREF(old);
    s->ok = 1;
    s->fd = -1;
    s->generation = ++generations;
    if (!s->flush_lock && !(s->flush_lock = PyThread_allocate_lock())) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int stream_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((Stream *)self)->wire);
    return 0;
}

static int stream_clear(PyObject *self)
{
    Py_CLEAR(((Stream *)self)->wire);
    return 0;
}

static void stream_dealloc(PyObject *self)
{
    Stream *s = (Stream *)self;
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (current_stream == s) current_stream = NULL;
    stream_clear(self);
    PyMem_Free(s->data);
    PyMem_Free(s->spare);
    if (s->flush_lock) PyThread_free_lock(s->flush_lock);
    freefunc free_ = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_(self);
    Py_DECREF(type);
}

static PyMethodDef stream_methods[] = {
    {"event", (PyCFunction)(void (*)(void))(FastFunction)stream_event_method, METH_FASTCALL,
     "event(kind, obj=0, arg=0, t=0): an event of the calling thread, stamped now or at t"},
    {"event_on", (PyCFunction)(void (*)(void))(FastFunction)stream_event_on, METH_FASTCALL,
     "event_on(lane, kind, obj=0, arg=0): an event on a lane no thread owns"},
    {"append", stream_append, METH_O, "append(item): a packed record with its text"},
    {"flush", (PyCFunction)(void (*)(void))(FastFunctionWithKeywords)stream_flush_method,
     METH_FASTCALL | METH_KEYWORDS, "flush(wait=False, force_after=None): the buffer written to the pipe"},
    {"set_pipe", (PyCFunction)(void (*)(void))(FastFunction)stream_set_pipe, METH_FASTCALL,
     "set_pipe(fd, pid, dev, ino): where flushes write"},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef stream_members[] = {
    {"events", T_LONGLONG, offsetof(Stream, events), 0, "events recorded"},
    {"lock_waits", T_LONGLONG, offsetof(Stream, lock_waits), 0, "contended acquisitions"},
    {"output_bytes", T_LONGLONG, offsetof(Stream, output_bytes), 0, "bytes the script printed"},
    {"untraced_objects", T_LONGLONG, offsetof(Stream, untraced_objects), 0, "objects beyond 255"},
    {"ok", T_INT, offsetof(Stream, ok), 0, "0 once the pipe cannot be written"},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot stream_slots[] = {
    {Py_tp_doc, (void *)"Stream(wire): the buffer of one process's events"},
    {Py_tp_init, (void *)stream_init},
    {Py_tp_new, (void *)PyType_GenericNew},
    {Py_tp_dealloc, (void *)stream_dealloc},
    {Py_tp_traverse, (void *)stream_traverse},
    {Py_tp_clear, (void *)stream_clear},
    {Py_tp_methods, stream_methods},
    {Py_tp_members, stream_members},
    {Py_sq_length, (void *)stream_length},
    {0, NULL},
};

static PyType_Spec stream_spec = {"_raceway_accel.Stream", sizeof(Stream), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, stream_slots};

/* ---- Lock: threading.Lock, traced --------------------------------------------------------------- */

typedef struct
{
    PyObject_HEAD PyThread_type_lock lock;
    int locked;
    int waited; /* another thread waited for it: its next release says where it happens */
    int obj;    /* the object's number on the stream (0: not named) */
} Lock;

static PyObject *lock_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    (void)args;
    (void)kwargs;
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    Lock *self = (Lock *)alloc(type, 0);
    if (!self) return NULL;
    self->lock = PyThread_allocate_lock();
    if (!self->lock) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_MemoryError, "cannot allocate a lock");
        return NULL;
    }
    return (PyObject *)self;
}

static void lock_dealloc(PyObject *op)
{
    Lock *self = (Lock *)op;
    PyTypeObject *type = Py_TYPE(op);
    if (self->lock) {
        if (self->locked) PyThread_release_lock(self->lock);
        PyThread_free_lock(self->lock);
    }
    freefunc free_ = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_(op);
    Py_DECREF(type);
}

/* The place in the script that called, as the wire numbers it (0: none). */
static uint32_t call_site(Stream *s)
{
    PyObject *r = PyObject_CallMethodObjArgs(s->wire, str_site, one, NULL);
    if (!r) {
        PyErr_Clear(); /* a place is a detail: the wait is drawn without one */
        return 0;
    }
    uint32_t v = 0;
    if (arg_u32(r, &v) < 0) PyErr_Clear();
    Py_DECREF(r);
    return v;
}

/* Records an event that must not fail the caller (the lock is taken already): a problem is reported as
 * unraisable and the run goes on. */
static void record_quietly(Stream *s, uint8_t kind, int obj)
{
    if (s && stream_event(s, kind, (uint8_t)obj, 0, 0) < 0) PyErr_WriteUnraisable(NULL);
}

static PyObject *lock_take(Lock *self, int blocking, double timeout)
{
    Stream *s = current_stream;
    if (PyThread_acquire_lock_timed(self->lock, 0, 0) == PY_LOCK_ACQUIRED) {
        self->locked = 1;
        record_quietly(s, LOCK_ACQUIRED, self->obj);
        Py_RETURN_TRUE;
    }
    if (!blocking) Py_RETURN_FALSE;
#ifdef RACEWAY_FREE_THREADED
    /* As threading.Lock does there (PyMutex): the core given away a few times before sleeping on the
     * lock. Sleeping at once, every brief hold on another core cost a sleep and a wake-up, and two threads
     * that ran side by side untraced took turns traced. Only a wait that sleeps is drawn and counted. */
    for (int turn = 0; turn < 40; ++turn) {
        sched_yield();
        if (PyThread_acquire_lock_timed(self->lock, 0, 0) == PY_LOCK_ACQUIRED) {
            self->locked = 1;
            record_quietly(s, LOCK_ACQUIRED, self->obj);
            Py_RETURN_TRUE;
        }
    }
#endif
    if (s && s->ok) {
        count_one(&s->lock_waits);
        __atomic_store_n(&self->waited, 1, __ATOMIC_RELAXED);
        if (stream_event(s, LOCK_REQUESTED, (uint8_t)self->obj, call_site(s), 0) < 0) return NULL;
    }
    PY_TIMEOUT_T micros = timeout < 0 ? -1 : (PY_TIMEOUT_T)(timeout * 1e6);
    const int64_t deadline = timeout < 0 ? 0 : now_ns() + (int64_t)(timeout * 1e9);
    PyLockStatus r;
    for (;;) {
        PyThreadState *state = PyEval_SaveThread(); /* the GIL is let go only to block */
        r = PyThread_acquire_lock_timed(self->lock, micros, 1);
        PyEval_RestoreThread(state);
        if (r != PY_LOCK_INTR) break;
        /* a signal: its Python handler runs here (and may raise), then the wait goes on */
        if (PyErr_CheckSignals() < 0) {
            record_quietly(s, WAIT_END, self->obj);
            return NULL;
        }
        if (timeout >= 0) {
            const int64_t left = deadline - now_ns();
            if (left <= 0) {
                r = PY_LOCK_FAILURE;
                break;
            }
            micros = (PY_TIMEOUT_T)(left / 1000);
        }
    }
    if (r == PY_LOCK_ACQUIRED) self->locked = 1;
    record_quietly(s, r == PY_LOCK_ACQUIRED ? LOCK_ACQUIRED : WAIT_END, self->obj);
    return PyBool_FromLong(r == PY_LOCK_ACQUIRED);
}

/* acquire(blocking=True, timeout=-1)'s arguments, checked as threading.Lock's are. */
static int acquire_arguments(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int *blocking,
                             double *timeout)
{
    PyObject *blocking_arg = nargs > 0 ? args[0] : NULL, *timeout_arg = nargs > 1 ? args[1] : NULL;
    if (nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "acquire(blocking=True, timeout=-1)");
        return -1;
    }
    const Py_ssize_t nkw = kwnames ? PyTuple_Size(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; ++i) {
        PyObject *name = PyTuple_GetItem(kwnames, i);
        PyObject **slot = NULL;
        if (PyUnicode_CompareWithASCIIString(name, "blocking") == 0)
            slot = &blocking_arg;
        else if (PyUnicode_CompareWithASCIIString(name, "timeout") == 0)
            slot = &timeout_arg;
        if (!slot || *slot) {
            PyErr_Format(PyExc_TypeError, "acquire() got an unexpected or repeated argument '%U'", name);
            return -1;
        }
        *slot = args[nargs + i];
    }
    *blocking = 1;
    if (blocking_arg && (*blocking = PyObject_IsTrue(blocking_arg)) < 0) return -1;
    *timeout = -1;
    if (timeout_arg) {
        *timeout = PyFloat_AsDouble(timeout_arg);
        if (*timeout == -1 && PyErr_Occurred()) return -1;
    }
    if (!*blocking && *timeout != -1) {
        PyErr_SetString(PyExc_ValueError, "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (*timeout < 0 && *timeout != -1) {
        PyErr_SetString(PyExc_ValueError, "timeout value must be a non-negative number");
        return -1;
    }
    if (*timeout >= 0 && *timeout * 1e6 >= (double)PY_TIMEOUT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return -1;
    }
    return 0;
}

/* acquire(blocking=True, timeout=-1), as threading.Lock's */
static PyObject *lock_acquire(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    int blocking;
    double timeout;
    if (acquire_arguments(args, nargs, kwnames, &blocking, &timeout) < 0) return NULL;
    return lock_take((Lock *)op, blocking, timeout);
}

static PyObject *lock_enter(PyObject *op, PyObject *unused)
{
    (void)unused;
    return lock_take((Lock *)op, 1, -1);
}

/* Let go; stamped while still held, recorded once let go (a write never happens while held). */
static PyObject *lock_release(PyObject *op, PyObject *unused)
{
    (void)unused;
    Lock *self = (Lock *)op;
    if (!self->locked) {
        PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    const int64_t t = stamp_ns();
    self->locked = 0;
    PyThread_release_lock(self->lock);
    Stream *s = current_stream;
    if (s && s->ok) {
        uint32_t site = 0;
        /* the release of a hold another thread waited for says where it happened */
        /* (looked at before it is exchanged: an exchange is a locked instruction, and mostly nobody waited) */
        if (__atomic_load_n(&self->waited, __ATOMIC_RELAXED) && __atomic_exchange_n(&self->waited, 0, __ATOMIC_RELAXED))
            site = call_site(s);
        if (stream_event(s, LOCK_RELEASED, (uint8_t)self->obj, site, t) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *lock_exit(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    (void)args;
    (void)nargs;
    return lock_release(op, NULL);
}

static PyObject *lock_locked(PyObject *op, PyObject *unused)
{
    (void)unused;
    return PyBool_FromLong(((Lock *)op)->locked);
}

/* After fork the child has only the forking thread: a lock another thread held is new and free. */
static PyObject *lock_at_fork_reinit(PyObject *op, PyObject *unused)
{
    (void)unused;
    Lock *self = (Lock *)op;
    PyThread_type_lock fresh = PyThread_allocate_lock();
    if (!fresh) return PyErr_NoMemory();
    self->lock = fresh; /* the old one may be held by a thread that does not exist here: not freed */
    self->locked = 0;
    self->waited = 0;
    Py_RETURN_NONE;
}

static PyMethodDef lock_methods[] = {
    {"acquire", (PyCFunction)(void (*)(void))(FastFunctionWithKeywords)lock_acquire,
     METH_FASTCALL | METH_KEYWORDS, "acquire(blocking=True, timeout=-1)"},
    {"__enter__", lock_enter, METH_NOARGS, "acquire()"},
    {"release", lock_release, METH_NOARGS, "release()"},
    {"__exit__", (PyCFunction)(void (*)(void))(FastFunction)lock_exit, METH_FASTCALL, "release()"},
    {"locked", lock_locked, METH_NOARGS, "whether it is held"},
    {"_is_owned", lock_locked, METH_NOARGS, "what Condition asks of a plain lock"},
    {"_at_fork_reinit", lock_at_fork_reinit, METH_NOARGS, "a free lock again, after fork"},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef lock_members[] = {
    {"_obj", T_INT, offsetof(Lock, obj), 0, "its number on the stream"},
    {"_waited", T_INT, offsetof(Lock, waited), 0, "another thread waited for the hold"},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot lock_slots[] = {
    {Py_tp_doc, (void *)"Lock(): threading.Lock, recording its waits and holds"},
    {Py_tp_new, (void *)lock_new},
    {Py_tp_dealloc, (void *)lock_dealloc},
    {Py_tp_methods, lock_methods},
    {Py_tp_members, lock_members},
    {0, NULL},
};

static PyType_Spec lock_spec = {"_raceway_accel.Lock", sizeof(Lock), 0,
                                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, lock_slots};

/* ---- RLock: threading.RLock, traced (a hold from the first acquire to the last release) ---------- */

typedef struct
{
    Lock base;
    unsigned long owner; /* the holder's thread ident (0: none) */
    unsigned long count; /* its acquisitions not yet released */
} RLock;

static int rlock_owned(const RLock *self)
{
    return self->count > 0 && self->owner == PyThread_get_thread_ident();
}

static PyObject *rlock_take(RLock *self, int blocking, double timeout)
{
    if (rlock_owned(self)) { /* again by its holder: nothing to draw */
        if (self->count == ~0UL) {
            PyErr_SetString(PyExc_OverflowError, "Internal lock count overflowed");
            return NULL;
        }
        self->count += 1;
        Py_RETURN_TRUE;
    }
    PyObject *got = lock_take(&self->base, blocking, timeout);
    if (got == Py_True) {
        self->owner = PyThread_get_thread_ident();
        self->count = 1;
    }
    return got;
}

static PyObject *rlock_acquire(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    int blocking;
    double timeout;
    if (acquire_arguments(args, nargs, kwnames, &blocking, &timeout) < 0) return NULL;
    return rlock_take((RLock *)op, blocking, timeout);
}

static PyObject *rlock_enter(PyObject *op, PyObject *unused)
{
    (void)unused;
    return rlock_take((RLock *)op, 1, -1);
}

static PyObject *rlock_release(PyObject *op, PyObject *unused)
{
    (void)unused;
    RLock *self = (RLock *)op;
    if (!rlock_owned(self)) {
        PyErr_SetString(PyExc_RuntimeError, "cannot release un-acquired lock");
        return NULL;
    }
    if (--self->count > 0) Py_RETURN_NONE;
    self->owner = 0;
    return lock_release(op, NULL);
}

static PyObject *rlock_exit(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    (void)args;
    (void)nargs;
    return rlock_release(op, NULL);
}

static PyObject *rlock_is_owned(PyObject *op, PyObject *unused)
{
    (void)unused;
    return PyBool_FromLong(rlock_owned((RLock *)op));
}

/* What Condition.wait() lets go of (however deep the holder is in it) and takes back after. */
static PyObject *rlock_release_save(PyObject *op, PyObject *unused)
{
    (void)unused;
    RLock *self = (RLock *)op;
    if (self->count == 0) {
        PyErr_SetString(PyExc_RuntimeError, "cannot release un-acquired lock");
        return NULL;
    }
    PyObject *saved = Py_BuildValue("(kk)", self->count, self->owner);
    if (!saved) return NULL;
    self->count = 0;
    self->owner = 0;
    PyObject *r = lock_release(op, NULL);
    if (!r) {
        Py_DECREF(saved);
        return NULL;
    }
    Py_DECREF(r);
    return saved;
}

static PyObject *rlock_acquire_restore(PyObject *op, PyObject *state)
{
    RLock *self = (RLock *)op;
    unsigned long count, owner;
    if (!PyArg_ParseTuple(state, "kk:_acquire_restore", &count, &owner)) return NULL;
    PyObject *got = lock_take(&self->base, 1, -1);
    if (!got) return NULL;
    Py_DECREF(got);
    self->owner = owner;
    self->count = count;
    Py_RETURN_NONE;
}

static PyObject *rlock_at_fork_reinit(PyObject *op, PyObject *unused)
{
    RLock *self = (RLock *)op;
    PyObject *r = lock_at_fork_reinit(op, unused);
    if (r) {
        self->owner = 0;
        self->count = 0;
    }
    return r;
}

static PyMethodDef rlock_methods[] = {
    {"acquire", (PyCFunction)(void (*)(void))(FastFunctionWithKeywords)rlock_acquire,
     METH_FASTCALL | METH_KEYWORDS, "acquire(blocking=True, timeout=-1)"},
    {"__enter__", rlock_enter, METH_NOARGS, "acquire()"},
    {"release", rlock_release, METH_NOARGS, "release()"},
    {"__exit__", (PyCFunction)(void (*)(void))(FastFunction)rlock_exit, METH_FASTCALL, "release()"},
    {"locked", rlock_is_owned, METH_NOARGS, "whether the calling thread holds it"},
    {"_is_owned", rlock_is_owned, METH_NOARGS, "whether the calling thread holds it"},
    {"_release_save", rlock_release_save, METH_NOARGS, "let go however deep (Condition.wait)"},
    {"_acquire_restore", rlock_acquire_restore, METH_O, "taken back as deep as before (Condition.wait)"},
    {"_at_fork_reinit", rlock_at_fork_reinit, METH_NOARGS, "a free lock again, after fork"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot rlock_slots[] = {
    {Py_tp_doc, (void *)"RLock(): threading.RLock, recording its waits and holds"},
    {Py_tp_new, (void *)lock_new},
    {Py_tp_dealloc, (void *)lock_dealloc},
    {Py_tp_methods, rlock_methods},
    {Py_tp_members, lock_members},
    {0, NULL},
};

static PyType_Spec rlock_spec = {"_raceway_accel.RLock", sizeof(RLock), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, rlock_slots};

/* ---- the module ------------------------------------------------------------------------------- */

static PyObject *module_use(PyObject *module, PyObject *stream)
{
    (void)module;
    if (stream == Py_None) {
        current_stream = NULL;
        Py_RETURN_NONE;
    }
    /* The module keeps its own reference (set as an attribute below) so the pointer stays valid. */
    if (PyObject_SetAttrString(module, "_current", stream) < 0) return NULL;
    current_stream = (Stream *)stream;
    Py_RETURN_NONE;
}

static PyObject *module_forget_lane(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    cached_generation = 0; /* the calling thread's lane changed: asked of the wire again */
    Py_RETURN_NONE;
}

/* ---- SIGTERM: the tallies sent, then death by the signal ------------------------------------- */

/* Writes one unit, retrying when interrupted: in a signal handler (no Python, nothing that allocates). */
static void write_raw(int fd, const unsigned char *unit, size_t length)
{
    while (write(fd, unit, length) < 0 && errno == EINTR) {
    }
}

/* A SIGTERM handler in C, async-signal-safe: what the process buffered, its exit (minus the signal) and its
 * tallies go to the pipe, then the signal's default kills it, as it would have untraced. A Python
 * handler would run only when the main thread next ran Python: a pool worker idle in a semaphore wait
 * whose SIGTERM came just before the wait began slept on with it pending, and Pool.terminate waited
 * for it forever (1 of 200 terminations). */
static void on_sigterm(int sig)
{
    const int saved = errno;
    Stream *s = current_stream;
    if (s && s->ok && s->fd >= 0 && s->pid == (long)getpid()) {
        unsigned char unit[UNIT];
        int free_ = 0;
        if (atomic_compare_exchange_strong(&s->busy, &free_, 2)) { /* never given back */
            Py_ssize_t begin = 0;
            while (begin < s->size) {
                Py_ssize_t end;
                write_raw(s->fd, unit, frame_unit(unit, s->pid, s->data, s->size, begin, &end));
                begin = end;
            }
        }
        const int64_t t = now_ns();
        const long long tallies[4][2] = {{STAT_LOCK_WAITS, s->lock_waits},
                                         {STAT_EVENTS, s->events},
                                         {STAT_OUTPUT_BYTES, s->output_bytes},
                                         {STAT_OBJECTS_UNTRACED, s->untraced_objects}};
        put_record(unit, 0, (uint32_t)s->pid, 5, FRAME, VERSION);
        put_record(unit + RECORD, t, (uint32_t)-sig, 0, EXIT, 0);
        for (int i = 0; i < 4; ++i) {
            const long long v = tallies[i][1];
            put_record(unit + RECORD * (2 + i), t, v > 0xFFFFFFFFLL ? 0xFFFFFFFFu : (uint32_t)v, 0, STAT,
                       (uint8_t)tallies[i][0]);
        }
        write_raw(s->fd, unit, RECORD * 6);
    }
    signal(sig, SIG_DFL);
    raise(sig); /* delivered once this handler returns: the exit status is the signal's */
    errno = saved;
}

/* tally_on_sigterm(): installs that handler where SIGTERM is still the default; True when it is the
 * handler (installed now or before). */
static PyObject *module_tally_on_sigterm(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    struct sigaction now;
    if (sigaction(SIGTERM, NULL, &now) != 0) Py_RETURN_FALSE;
    if (now.sa_handler == on_sigterm) Py_RETURN_TRUE; /* installed already (inherited through fork) */
    if (now.sa_handler != SIG_DFL) Py_RETURN_FALSE;
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_sigterm;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &act, NULL) != 0) Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

/* now_ns(): the time an event would be stamped with now; clock(): "tsc" or "monotonic" (see stamp_ns) */
static PyObject *module_now_ns(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyLong_FromLongLong(stamp_ns());
}

static PyObject *module_clock(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyUnicode_FromString(tsc_on ? "tsc" : "monotonic");
}

static PyMethodDef module_methods[] = {
    {"now_ns", module_now_ns, METH_NOARGS, "now_ns(): the time an event is stamped with now (ns, CLOCK_MONOTONIC)"},
    {"clock", module_clock, METH_NOARGS, "clock(): what stamps come from: 'tsc' or 'monotonic'"},
    {"tally_on_sigterm", module_tally_on_sigterm, METH_NOARGS,
     "tally_on_sigterm(): the tallies sent when SIGTERM kills the process (where it is the default)"},
    {"use", module_use, METH_O, "use(stream): the stream locks record into (None: none)"},
    {"forget_lane", module_forget_lane, METH_NOARGS, "the calling thread's lane is asked for again"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_raceway_accel", NULL, -1, module_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__raceway_accel(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    clock_start();
#ifdef RACEWAY_FREE_THREADED
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED); /* without it, importing this would turn the GIL on */
#endif
    str_lane = PyUnicode_InternFromString("lane");
    str_site = PyUnicode_InternFromString("site");
    one = PyLong_FromLong(1);
    PyObject *stream_type = PyType_FromSpec(&stream_spec);
    PyObject *lock_type = PyType_FromSpec(&lock_spec);
    if (!str_lane || !str_site || !one || !stream_type || !lock_type ||
        PyModule_AddObject(m, "Stream", stream_type) < 0) {
        Py_XDECREF(stream_type);
        Py_XDECREF(lock_type);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddObject(m, "Lock", lock_type) < 0) {
        Py_DECREF(lock_type);
        Py_DECREF(m);
        return NULL;
    }
    PyObject *rlock_type = PyType_FromSpec(&rlock_spec);
    if (!rlock_type || PyModule_AddObject(m, "RLock", rlock_type) < 0) {
        Py_XDECREF(rlock_type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
