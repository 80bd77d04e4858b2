"""The stream the tracer writes to Raceway: 16-byte records, little-endian.

A record is (t: i64 ns CLOCK_MONOTONIC, arg: u32, lane: u16, kind: u8, obj: u8), the layout of
Raceway's own events. Records are written in units of at most 4096 bytes (PIPE_BUF), each one write():
a header record (kind FRAME, arg = pid, lane = records that follow, obj = protocol version) and then
those records. Writes of at most PIPE_BUF bytes to a pipe are never interleaved, so every process of the
run can write to the one inherited pipe. A string travels as a STRING record (arg = bytes) followed by
ceil(bytes / 16) records of raw UTF-8, always within one unit, and belongs to the record before it.
Lanes and objects are numbered per process; Raceway maps (pid, number) to its own lanes and objects.
"""

import os
import struct
import sys
import threading
import time

VERSION = 1

# Kinds shared with Raceway's events (core/event.h).
THREAD_START = 1  # arg = native thread id
THREAD_END = 2
LOCK_REQUESTED = 3  # obj: the lane waits for it from here
LOCK_ACQUIRED = 4
LOCK_RELEASED = 5
SLEEP_BEGIN = 6
SLEEP_END = 7
WAIT_BEGIN = 26  # obj: an event, a condition, a queue (0: a thread being joined)
WAIT_END = 27
SIGNAL = 28  # obj: an event; arg 1 set, 0 cleared
MARK = 29  # obj: mark kind; arg: its value
SITE_EVENT = 33  # obj = what happened there (SITE_OF_*), arg = a place (SITE): on the lane, now
SITE_OF_STEP = 3  # the slow asyncio step marked next ran there
CALL_BEGIN = 35  # a function called on this thread: arg = its place (SITE: "bank.py:28 in transfer")
CALL_END = 36  # the innermost call begun returns

MARK_JOINED = 10  # arg: the lane that was joined
MARK_NOTIFY = 12  # arg: the condition notified (whether or not a thread waited on it)
MARK_SLOW_STEP = 13  # on an asyncio task's lane: the step that just ended held the loop this long (µs)

# Kinds of the Python stream only.
HELLO = 0xE0  # arg = parent pid; obj = HELLO_* flags: what the interpreter is
THREAD_NAME = 0xE1  # lane, arg = native thread id; STRING: the thread's name
OBJECT = 0xE2  # obj, arg = object kind; STRING: "Kind file:line"
PROCESS_NAME = 0xE3  # STRING: the process's name
PRINT = 0xE4  # lane, arg = bytes written; STRING: the start of the text
EXIT = 0xE5  # arg = exit code (two's complement)
STAT = 0xE6  # obj = which, arg = value
TICK = 0xE7  # everything this process recorded before t has been written (within a GIL switch or two)
SITE = 0xE8  # arg = a place in the code (from 1); STRING: "bank.py:31 in transfer". A wait's arg names
# where it was asked for (LOCK_REQUESTED, WAIT_BEGIN); a release's, where a hold that another thread
# waited for was let go (LOCK_RELEASED)
WATCH = 0xE9  # obj = a watched number (from 1), arg = 1 when it has an expected value; STRING: its name
WATCH_VALUE = 0xEA  # obj = the watch: its value now, 48-bit two's complement (arg: low 32 bits, lane: high 16)
WATCH_EXPECTED = 0xEB  # the same for what it is expected to equal, just before the WATCH_VALUE it goes with
GIL_ON = 0xEC  # a free-threaded build's GIL turned on at t (importing a module that needs it); STRING: the
# module, where one was imported then (empty where none was)
STRING = 0xEF
FRAME = 0xF0

HELLO_FREE_THREADED = 1  # built without the GIL (Py_GIL_DISABLED)
HELLO_GIL_ENABLED = 2  # the GIL is on now (always, on a build with one)
HELLO_CALLS = 4  # its threads' function calls are traced (CALL_BEGIN, CALL_END)


def hello_flags():
    """What the interpreter is, for HELLO: a free-threaded build, and whether its GIL is on (PYTHON_GIL=1,
    or a module imported that does not declare it runs without one)."""
    import sysconfig

    free = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    calls = bool(os.environ.get("RACEWAY_TRACE_CALLS"))
    return (
        (HELLO_FREE_THREADED if free else 0) | (HELLO_GIL_ENABLED if enabled else 0) | (HELLO_CALLS if calls else 0)
    )


STAT_LOCK_WAITS = 1  # contended acquisitions of traced locks and semaphores
STAT_EVENTS = 2  # events recorded by this process
STAT_COST_PS = 3  # calibrated cost of one event, in picoseconds
STAT_OUTPUT_BYTES = 4  # bytes printed to stdout and stderr
STAT_OBJECTS_UNTRACED = 5  # objects beyond the 255 one run can name
STAT_STARTUP_NS = 6  # what loading and calibrating the tracer took in this process
STAT_ACCELERATED = 7  # 1: locks and events recorded by the C accelerator, 0: pure Python
STAT_CALLS = 8  # calls recorded (--calls): each one a CALL_BEGIN and a CALL_END among the events
STAT_CALL_COST_PS = 9  # calibrated cost of one recorded call, in picoseconds
STAT_CALLS_SKIPPED = 10  # calls the profile function saw and did not record (the library's, built-ins)
STAT_SKIP_COST_PS = 11  # calibrated cost of one such call

CALIBRATION_LANE = 0xFFFF  # never named, so Raceway reads these events and draws none of them

OBJ_LOCK = 1
OBJ_RLOCK = 2
OBJ_SEMAPHORE = 3
OBJ_CONDITION = 4
OBJ_EVENT = 5
OBJ_QUEUE = 6

_record = struct.Struct("<qIHBB")
_pack = _record.pack
_mono = time.monotonic_ns
_RECORD = 16
_UNIT = 4096
_PER_UNIT = _UNIT // _RECORD - 1
_FLUSH_AT = 200  # buffered items
_FLUSH_AGE_NS = 50_000_000  # events are not held back longer than this when more arrive
_STRING_MAX = 1024
_SITES_MAX = 4096  # places in the code one process names; later ones go unnamed

from _thread import allocate_lock as _allocate_lock
from _thread import get_ident as _get_ident


def _free_threaded():
    try:
        import sysconfig

        return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    except Exception:
        return False


_FREE_THREADED = _free_threaded()


class _Tally:
    """A count that threads add to at once without a GIL (where `n += 1` loses increments): each
    thread adds to a cell of its own, and the cells are summed when the count is read."""

    def __init__(self):
        self._cells = []
        self._local = threading.local()
        self._lock = _allocate_lock()

    def add(self, n=1):
        cell = getattr(self._local, "cell", None)
        if cell is None:
            cell = self._local.cell = [0]
            with self._lock:
                self._cells.append(cell)
        cell[0] += n

    def total(self):
        with self._lock:
            return sum(c[0] for c in self._cells)


class Wire:
    """One process's buffer in front of the pipe. Appending to a list is atomic under the GIL; a raw
    lock (never traced) keeps flushes in order."""

    def __init__(self, fd):
        self.fd = fd
        self.ok = True
        self.pid = os.getpid()
        st = os.fstat(fd)
        self.identity = (st.st_dev, st.st_ino)
        self.buf = []
        self.first_t = 0
        self.flush_lock = _allocate_lock()
        self.lanes = {}  # thread ident -> lane
        self.next_lane = 0
        self.next_obj = 1
        self.events = 0
        self.lock_waits = 0
        self.output_bytes = 0
        self.untraced_objects = 0
        self.cost_ps = 0
        # --calls: [recorded, skipped] (counted by the profile function) and what one of each costs
        self.call_tally = None
        self.call_costs_ps = (0, 0)
        self.sites = {}  # (code, line) -> place number
        # Lanes, objects and places are numbered under this (rare) lock: two threads numbering at once
        # without a GIL would get the same number. Counts go to tallies there.
        self._numbering = _allocate_lock()
        self._event_tally = _Tally() if _FREE_THREADED else None
        self._wait_tally = _Tally() if _FREE_THREADED else None

    # -- recording -----------------------------------------------------------------------------
    def lane(self):
        lane = self.lanes.get(_get_ident())
        if lane is None:
            lane = self.adopt_thread()
        return lane

    def event(self, kind, obj=0, arg=0, t=0):
        """Records an event stamped now (or at t). Writing the buffer out lets go of the GIL: never
        done right after a lock was taken, where every other thread would find it held and queue up
        behind it (untraced, the holder would usually have let go of it before losing the GIL)."""
        if not self.ok:
            return
        lane = self.lanes.get(_get_ident())
        if lane is None:
            lane = self.adopt_thread()
        if not t:
            t = _mono()
        if self._event_tally is None:
            self.events += 1
        else:
            self._event_tally.add()
        buf = self.buf
        buf.append(_pack(t, arg & 0xFFFFFFFF, lane, kind, obj))
        if len(buf) == 1:
            self.first_t = t
        elif kind != LOCK_ACQUIRED and (len(buf) >= _FLUSH_AT or t - self.first_t > _FLUSH_AGE_NS):
            self.flush()

    def event_on(self, lane, kind, obj=0, arg=0, t=0):
        """An event on a lane that is not the calling thread's own (an asyncio task's), stamped now (or
        at t: never before that lane's last event)."""
        if not self.ok:
            return
        t = t or _mono()
        if self._event_tally is None:
            self.events += 1
        else:
            self._event_tally.add()
        buf = self.buf
        buf.append(_pack(t, arg & 0xFFFFFFFF, lane, kind, obj))
        if len(buf) == 1:
            self.first_t = t
        elif len(buf) >= _FLUSH_AT or t - self.first_t > _FLUSH_AGE_NS:
            self.flush()

    def site(self, depth=2):
        """The number of the place in the script's code that called into the tracer (the first frame
        outside the standard library and the tracer), named on the stream the first time; 0 where there
        is none. Only on slow paths: a wait about to block, a release someone waited for. `depth`: the
        frames above this one to begin looking at (1 when called from C)."""
        try:
            frame = sys._getframe(depth)
        except ValueError:
            return 0
        while frame is not None and frame.f_code.co_filename.startswith(_SKIP):
            frame = frame.f_back
        if frame is None:
            return 0
        code = frame.f_code
        key = (code, frame.f_lineno)
        number = self.sites.get(key)
        if number is None:
            if len(self.sites) >= _SITES_MAX:
                return 0
            with self._numbering:
                number = self.sites.get(key)
                fresh = number is None
                if fresh:
                    number = len(self.sites) + 1
                    self.sites[key] = number
            if not fresh:
                return number
            place = "%s:%d in %s" % (os.path.basename(code.co_filename), frame.f_lineno, code.co_name)
            self.meta(SITE, arg=number, text=place)
        return number

    def place(self, key, text):
        """The number of a place in the code named `text` (a function: its code object as the key),
        named on the stream the first time; 0 once the process has named as many as it may."""
        number = self.sites.get(key)
        if number is not None:
            return number
        if len(self.sites) >= _SITES_MAX:
            return 0
        with self._numbering:
            number = self.sites.get(key)
            if number is not None:
                return number
            number = len(self.sites) + 1
            self.sites[key] = number
        self.meta(SITE, arg=number, text=text)
        return number

    def new_lane(self, name):
        """A lane of this process that no thread owns (its native id is 0: nothing to sample)."""
        with self._numbering:
            lane = self.next_lane
            self.next_lane += 1
        self.meta(THREAD_NAME, lane=lane, arg=0, text=name)
        return lane

    def meta(self, kind, lane=0, obj=0, arg=0, text=None, t=None):
        """A record with a string after it, appended as one item so that a flush never splits it."""
        if not self.ok:
            return
        item = _pack(_mono() if t is None else t, arg & 0xFFFFFFFF, lane, kind, obj)
        if text is not None:
            data = text.encode("utf-8", "replace")[:_STRING_MAX]
            padded = data + b"\0" * (-len(data) % _RECORD)
            item += _pack(0, len(data), lane, STRING, 0) + padded
        self._append(item)

    def _append(self, item):
        self.buf.append(item)
        if len(self.buf) == 1:
            self.first_t = _mono()

    def lane_changed(self):
        """The calling thread's entry in `lanes` was changed by hand (calibration)."""

    def adopt_thread(self, name=None):
        """A lane for the calling thread, named after it (threads started outside threading.Thread
        are adopted at their first event)."""
        ident = _get_ident()
        lane = self.lanes.get(ident)
        if lane is not None:
            return lane
        with self._numbering:
            lane = self.next_lane
            self.next_lane += 1
        self.lanes[ident] = lane
        if name is None:
            current = threading.current_thread()
            name = current.name
        native = threading.get_native_id() if hasattr(threading, "get_native_id") else 0
        self.meta(THREAD_NAME, lane=lane, arg=native, text=name)
        return lane

    def new_object(self, kind, label):
        obj = self.reserve_object()
        self.describe_object(obj, kind, label)
        return obj

    def reserve_object(self):
        """An object's number (0 once 255 are taken), described by describe_object() before any event
        names it: a lock is described at its first use, when the name the script gave it is known."""
        with self._numbering:
            if self.next_obj > 255:
                self.untraced_objects += 1
                return 0
            obj = self.next_obj
            self.next_obj += 1
            return obj

    def describe_object(self, obj, kind, label):
        if obj:
            self.meta(OBJECT, obj=obj, arg=kind, text=label)

    # -- writing -------------------------------------------------------------------------------
    def flush(self, wait=False, force_after=None):
        lock = self.flush_lock
        # Another thread writing takes these too, or the next flush does. The last flush waits for it
        # (the heartbeat may be writing): after it there is no next one. A signal handler's last flush
        # may have interrupted a flush on its own thread, which will never let go: after force_after
        # seconds it writes without the lock (units stay whole; their order may not).
        got = lock.acquire(True, force_after if force_after is not None else 1.0) if wait else lock.acquire(False)
        if not got and force_after is None:
            return
        try:
            if not self.ok:
                return
            units = self._take_units()
            if units:
                self.write_units(units)
        finally:
            if got:
                lock.release()

    def _take_units(self):
        """Everything buffered, as units ready to write (a FRAME record and what follows), the buffer
        emptied."""
        n = len(self.buf)
        items = self.buf[:n]
        del self.buf[:n]
        units = []
        unit = []
        size = 0
        for item in items:
            if size + len(item) > _UNIT - _RECORD:
                units.append(_pack(0, self.pid, size // _RECORD, FRAME, VERSION) + b"".join(unit))
                unit = []
                size = 0
            unit.append(item)
            size += len(item)
        if unit:
            units.append(_pack(0, self.pid, size // _RECORD, FRAME, VERSION) + b"".join(unit))
        return units

    def write_units(self, units):
        # The descriptor may have been closed by the script, or its number reused for something else:
        # never write into anything but the pipe Raceway gave.
        try:
            st = os.fstat(self.fd)
        except OSError:
            self.ok = False
            return
        if (st.st_dev, st.st_ino) != self.identity:
            self.ok = False
            return
        for data in units:
            while self.ok:
                try:
                    written = os.write(self.fd, data)
                    if written != len(data):  # a pipe write of at most PIPE_BUF bytes is whole or nothing
                        self.ok = False
                    break
                except InterruptedError:
                    continue
                except OSError:
                    self.ok = False

    def count_event(self):
        """One more event, recorded other than by event() (a printed line)."""
        if self._event_tally is None:
            self.events += 1
        else:
            self._event_tally.add()

    def count_wait(self):
        """One more contended acquisition of a traced lock or semaphore."""
        if self._wait_tally is None:
            self.lock_waits += 1
        else:
            self._wait_tally.add()

    def counted(self):
        """(events, lock waits) so far."""
        events, waits = self.events, self.lock_waits
        if self._event_tally is not None:
            events += self._event_tally.total()
            waits += self._wait_tally.total()
        return events, waits

    def finish(self, force_after=None):
        """What this process's stream ends with: its tallies."""
        events, waits = self.counted()
        self.meta(STAT, obj=STAT_LOCK_WAITS, arg=waits)
        self.meta(STAT, obj=STAT_EVENTS, arg=min(events, 0xFFFFFFFF))
        self.meta(STAT, obj=STAT_OUTPUT_BYTES, arg=min(self.output_bytes, 0xFFFFFFFF))
        self.meta(STAT, obj=STAT_OBJECTS_UNTRACED, arg=self.untraced_objects)
        if self.call_tally is not None:
            recorded, skipped = self.call_tally
            self.meta(STAT, obj=STAT_CALLS, arg=min(recorded, 0xFFFFFFFF))
            self.meta(STAT, obj=STAT_CALLS_SKIPPED, arg=min(skipped, 0xFFFFFFFF))
            self.meta(STAT, obj=STAT_CALL_COST_PS, arg=min(self.call_costs_ps[0], 0xFFFFFFFF))
            self.meta(STAT, obj=STAT_SKIP_COST_PS, arg=min(self.call_costs_ps[1], 0xFFFFFFFF))
        self.flush(wait=True, force_after=force_after)


class FastWire(Wire):
    """The same wire with its buffer, its counts and the recording of events in the C accelerator (its
    Stream), which its traced locks record into without running any Python code."""

    def __init__(self, fd, accel):
        self.stream = accel.Stream(self)
        Wire.__init__(self, fd)
        self.stream.set_pipe(fd, self.pid, self.identity[0], self.identity[1])
        self.event = self.stream.event  # straight to C: no Python frame per event
        self.event_on = self.stream.event_on
        self.flush = self.stream.flush  # the units written by C, one flush at a time as here
        self._accel = accel
        accel.use(self.stream)

    events = property(lambda self: self.stream.events, lambda self, v: setattr(self.stream, "events", v))
    lock_waits = property(
        lambda self: self.stream.lock_waits, lambda self, v: setattr(self.stream, "lock_waits", v)
    )
    # Counted in C: a SIGTERM handler there sends them (see processes._tally_on_sigterm).
    output_bytes = property(
        lambda self: self.stream.output_bytes, lambda self, v: setattr(self.stream, "output_bytes", v)
    )
    untraced_objects = property(
        lambda self: self.stream.untraced_objects, lambda self, v: setattr(self.stream, "untraced_objects", v)
    )
    ok = property(lambda self: bool(self.stream.ok), lambda self, v: setattr(self.stream, "ok", int(bool(v))))

    def _append(self, item):
        self.stream.append(item)

    def lane_changed(self):
        self._accel.forget_lane()


def load_accelerator():
    """The C accelerator (core/python/accel/raceway_accel.c), or None: pure Python when it was not
    built, will not load or RACEWAY_TRACER_PURE is set. An interpreter without a GIL cannot load the abi3
    module: it loads the one built for it beside it (_raceway_accel.cpython-313t-...so), where there is one."""
    if os.environ.get("RACEWAY_TRACER_PURE"):
        return None
    try:
        import sysconfig

        path = os.environ.get("RACEWAY_TRACER_ACCEL")
        if path and sysconfig.get_config_var("Py_GIL_DISABLED"):
            path = os.path.join(os.path.dirname(path), "_raceway_accel" + sysconfig.get_config_var("EXT_SUFFIX"))
            if not os.path.exists(path):
                return None
        if path:
            import importlib
            import importlib.machinery

            loader = importlib.machinery.ExtensionFileLoader("_raceway_accel", path)
            spec = importlib.machinery.ModuleSpec("_raceway_accel", loader, origin=path)
            module = importlib._bootstrap.module_from_spec(spec)
            loader.exec_module(module)
            return module
        from . import _raceway_accel

        return _raceway_accel
    except Exception:  # not built, or built for something else: pure Python serves
        return None


def make_wire(fd, accel):
    return FastWire(fd, accel) if accel is not None else Wire(fd)


def stdlib_dir():
    return os.path.dirname(os.path.abspath(threading.__file__))


def binding_name(target):
    """The name the script's code gives `target` where it is being used: a variable (`a`), an
    attribute of one (`self._lock`, `bank.lock`) or of a class (`Account.lock`); None when the first
    frame outside the standard library and the tracer binds it to none. Asked once per object."""
    try:
        frame = sys._getframe(1)
    except ValueError:
        return None
    while frame is not None and frame.f_code.co_filename.startswith(_SKIP):
        frame = frame.f_back
    if frame is None:
        return None
    try:
        local_vars = list(frame.f_locals.items())
        global_vars = list(frame.f_globals.items())
        for name, value in local_vars + global_vars:
            if value is target:
                return name
        # Attributes, one level down: of the frame's own variables, then of the module's objects and
        # classes (not of modules or functions).
        for owner, value in local_vars + global_vars[:500]:
            if owner.startswith("__") or isinstance(value, (type(sys), type(binding_name))):
                continue
            places = [(owner, getattr(value, "__dict__", None))]
            if not isinstance(value, type):
                places.append((type(value).__name__, getattr(type(value), "__dict__", None)))
            for prefix, attrs in places:
                if not hasattr(attrs, "items"):
                    continue
                for attr, x in list(attrs.items()):
                    if x is target:
                        return prefix + "." + attr
    except Exception:  # a frame or an object that will not be looked into: the creation site serves
        return None
    return None


def describe_caller(depth):
    """'file.py:12' for the frame `depth` levels above the caller, or None when that code is the
    standard library's or the tracer's own (their locks are not the script's story)."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return None
    filename = frame.f_code.co_filename
    if filename.startswith(_SKIP):
        return None
    return "%s:%d" % (os.path.basename(filename), frame.f_lineno)


def creation_site(obj):
    """Where `obj` is being created: the first frame above its __init__ methods (a subclass's
    included), described as describe_caller() does."""
    try:
        frame = sys._getframe(1)
    except ValueError:
        return None
    while frame is not None and frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is obj:
        frame = frame.f_back
    if frame is None:
        return None
    filename = frame.f_code.co_filename
    if filename.startswith(_SKIP):
        return None
    return "%s:%d" % (os.path.basename(filename), frame.f_lineno)


_SKIP = (stdlib_dir() + os.sep, os.path.dirname(os.path.abspath(__file__)) + os.sep, "<frozen")
