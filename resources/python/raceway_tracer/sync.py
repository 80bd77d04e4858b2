"""Traced threads, locks, semaphores, conditions, events, queues and sleeps.

Only objects the script itself creates are traced (the standard library's own locks, such as the one
inside every Queue, are not the script's story and would only add cost). Each traced object reports
where it was created. A release is stamped just before the lock is really released and an acquisition
just after it is really acquired, so on the lock's lane one holder always ends before the next begins.
"""

import queue
import threading
import time

from . import calls, wire

_mono = time.monotonic_ns

_state = {"wire": None}


def _w():
    return _state["wire"]


def _reserve(target, kind, prefix, site):
    """An object number for `target`, negative until its first traced use describes it (as a lock's is:
    by then the script has bound it to a name); 0 when it is not traced."""
    obj = _w().reserve_object() if site else 0
    if obj:
        target._raceway_describe = (kind, prefix, site)
    return -obj


def _first_use(target, obj):
    """Describes `target` (obj < 0: not described yet) by the name the script uses for it here, else
    where it was made; returns its number."""
    kind, prefix, site = target._raceway_describe
    name = wire.binding_name(target)
    _w().describe_object(-obj, kind, prefix + " " + (name or site))
    target._raceway_obj = -obj
    return -obj


class _Named(object):
    """What every traced lock class shares: its name on the stream."""

    __slots__ = ()
    _kind = wire.OBJ_LOCK

    def _describe(self):
        # By its first use the script has bound it to a name (`a = threading.Lock()` had not yet, when
        # it was made): "Lock a", else where it was made, "Lock bank.py:12".
        name = wire.binding_name(self)
        _w().describe_object(self._obj, self._kind, self._name() + " " + (name or self._site))

    @staticmethod
    def _name():
        return "Lock"


class PyTracedLock(_Named):
    """threading.Lock as the script sees it, reporting waits and holds (pure Python: the C accelerator's
    Lock does the same without a Python frame between taking and letting go)."""

    __slots__ = ("_lock", "_obj", "_site", "_waited", "__weakref__")

    def __init__(self, site, inner=None):
        self._lock = inner if inner is not None else _state["raw_lock"]()
        self._site = site
        self._waited = False  # another thread waited for it: its next release says where it happens
        self._obj = _w().reserve_object()  # described at its first acquire (see _FirstUse)

    def acquire(self, blocking=True, timeout=-1):
        w = _state["wire"]
        if self._lock.acquire(False):
            w.event(wire.LOCK_ACQUIRED, self._obj)
            return True
        if not blocking:
            return False
        w.count_wait()
        self._waited = True
        w.event(wire.LOCK_REQUESTED, self._obj, w.site())
        got = self._lock.acquire(True, timeout)
        w.event(wire.LOCK_ACQUIRED if got else wire.WAIT_END, self._obj)
        return got

    def release(self):
        t = _mono()  # stamped while held, recorded once let go (so a write never happens while held)
        self._lock.release()
        if self._waited:
            self._released_waited_for(t)
        else:
            _state["wire"].event(wire.LOCK_RELEASED, self._obj, 0, t)

    __enter__ = acquire

    def __exit__(self, *exc):  # release(), without a second call: `with` is how locks are mostly used
        t = _mono()
        self._lock.release()
        if self._waited:
            self._released_waited_for(t)
        else:
            _state["wire"].event(wire.LOCK_RELEASED, self._obj, 0, t)

    def _released_waited_for(self, t):
        """The release of a hold another thread waited for: it says where it happened (slow path)."""
        self._waited = False
        w = _state["wire"]
        w.event(wire.LOCK_RELEASED, self._obj, w.site(), t)

    def locked(self):
        return self._lock.locked()

    def _is_owned(self):  # what Condition asks of a plain lock, without acquiring it for show
        return self._lock.locked()

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()

    def __repr__(self):
        return "<traced %r>" % (self._lock,)


def _fast_lock_class(accel):
    class FastTracedLock(_Named, accel.Lock):
        """threading.Lock, traced by the C accelerator: acquire, release, __enter__ and __exit__ are C."""

        __slots__ = ("_site", "__weakref__")

        def __init__(self, site):
            self._site = site
            self._obj = _w().reserve_object()  # described at its first acquire (see _FirstUse)

        def __repr__(self):
            return "<traced %s lock>" % ("locked" if self.locked() else "unlocked")

    return FastTracedLock


def _fast_rlock_class(accel):
    class FastTracedRLock(_Named, accel.RLock):
        """threading.RLock, traced by the C accelerator: a hold from the first acquire to the last
        release, Condition's _release_save and _acquire_restore included."""

        __slots__ = ("_site", "__weakref__")
        _kind = wire.OBJ_RLOCK

        def __init__(self, site):
            self._site = site
            self._obj = _w().reserve_object()

        @staticmethod
        def _name():
            return "RLock"

        def __repr__(self):
            return "<traced %s RLock>" % ("owned" if self._is_owned() else "unowned")

    return FastTracedRLock


TracedLock = PyTracedLock  # the accelerator's when it loads (see install)


class TracedRLock(PyTracedLock):
    """threading.RLock: a hold is drawn from the first acquire to the last release."""

    __slots__ = ("_depth",)
    _kind = wire.OBJ_RLOCK

    def __init__(self, site):
        PyTracedLock.__init__(self, site, _state["raw_rlock"]())
        self._depth = 0

    @staticmethod
    def _name():
        return "RLock"

    def acquire(self, blocking=True, timeout=-1):
        inner = self._lock
        if inner._is_owned():
            inner.acquire()
            self._depth += 1
            return True
        got = PyTracedLock.acquire(self, blocking, timeout)
        if got:
            self._depth = 1
        return got

    __enter__ = acquire

    def release(self):
        last = self._depth == 1 and self._lock._is_owned()
        t = _mono()
        self._depth -= 1
        self._lock.release()
        if last and self._waited:
            self._released_waited_for(t)
        elif last:
            _state["wire"].event(wire.LOCK_RELEASED, self._obj, 0, t)

    def __exit__(self, *exc):
        self.release()

    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        _state["wire"].event(wire.LOCK_RELEASED, self._obj)
        saved = (self._lock._release_save(), self._depth)
        self._depth = 0
        return saved

    def _acquire_restore(self, saved):
        w = _state["wire"]
        inner_state, depth = saved
        if not self._lock.acquire(False):
            w.count_wait()
            self._waited = True
            w.event(wire.LOCK_REQUESTED, self._obj, w.site())
            self._lock.acquire()
        self._lock.release()
        self._lock._acquire_restore(inner_state)
        self._depth = depth
        w.event(wire.LOCK_ACQUIRED, self._obj)

    def locked(self):
        return self._lock._is_owned()


def _first_use_class(traced):
    class _FirstUseLock(traced):
        """A traced lock not used yet: its first acquire describes it, then it is a `traced` (the same
        layout: the swap costs later acquires nothing)."""

        __slots__ = ()

        def acquire(self, blocking=True, timeout=-1):
            if type(self) is _FirstUseLock:  # a bound method taken before the swap (Condition's) comes back
                self._describe()
                self.__class__ = traced
            return traced.acquire(self, blocking, timeout)

        __enter__ = acquire

    return _FirstUseLock


def bare_lock():
    """A traced lock that names no object (calibration's)."""
    lock = TracedLock.__new__(TracedLock)
    if TracedLock is PyTracedLock:
        lock._lock = _state["raw_lock"]()
    lock._obj = 0
    lock._waited = False
    return lock


def _patch_locks(accel):
    global TracedLock
    raw_lock = threading.Lock
    raw_rlock = threading.RLock
    _state["raw_lock"] = raw_lock
    _state["raw_rlock"] = raw_rlock
    traced_rlock = TracedRLock
    if accel is not None:
        TracedLock = _fast_lock_class(accel)
        traced_rlock = _fast_rlock_class(accel)
    _state["traced_rlock"] = traced_rlock  # a Condition's own lock, named where it is made
    first_use = _first_use_class(TracedLock)
    first_use_rlock = _first_use_class(traced_rlock)

    def Lock():
        site = wire.describe_caller(1)
        return first_use(site) if site else raw_lock()

    def RLock(*args, **kwargs):
        site = wire.describe_caller(1)
        return first_use_rlock(site) if site else raw_rlock(*args, **kwargs)

    threading.Lock = Lock
    threading.RLock = RLock


def _patch_condition():
    cls = threading.Condition
    init = cls.__init__

    def __init__(self, lock=None):
        site = wire.creation_site(self)
        if site and lock is None:  # its lock is drawn as the condition's own
            lock = _state["traced_rlock"](site)
            _w().describe_object(lock._obj, lock._kind, "RLock " + site)  # named where it is made
        init(self, lock)
        self._raceway_obj = _reserve(self, wire.OBJ_CONDITION, "Condition", site)
        if not self._raceway_obj:
            return
        # wait() releases the lock through _release_save and takes it back through _acquire_restore:
        # the release is drawn, then the wait, then the lock taken back.
        release_save, acquire_restore = self._release_save, self._acquire_restore
        condition = self

        def released():
            saved = release_save()
            obj = condition._raceway_obj
            if obj < 0:
                obj = _first_use(condition, obj)
            w = _w()
            w.event(wire.WAIT_BEGIN, obj, w.site())
            w.flush()
            return saved

        def restored(saved):
            _w().event(wire.WAIT_END, condition._raceway_obj)
            acquire_restore(saved)

        self._release_save, self._acquire_restore = released, restored

    # notify(): drawn where it is called, so the waiter it wakes gets an arrow from there (notify_all
    # calls notify). Also where nobody waits: a notify that wakes nobody is worth seeing.
    notify = cls.notify

    def traced_notify(self, n=1):
        obj = getattr(self, "_raceway_obj", 0)
        if obj < 0:
            obj = _first_use(self, obj)
        if obj:
            _w().event(wire.MARK, wire.MARK_NOTIFY, obj)
        return notify(self, n)

    cls.__init__ = __init__
    cls.notify = traced_notify


def _patch_semaphore(cls):
    init, acquire, release = cls.__init__, cls.acquire, cls.release

    def __init__(self, value=1):
        init(self, value)
        site = wire.creation_site(self)
        name = type(self).__name__
        self._raceway_obj = _reserve(self, wire.OBJ_SEMAPHORE, name, site)

    def traced_acquire(self, blocking=True, timeout=None):
        obj = getattr(self, "_raceway_obj", 0)
        if not obj:
            return acquire(self, blocking, timeout)
        if obj < 0:
            obj = _first_use(self, obj)
        w = _w()
        if acquire(self, False):
            w.event(wire.LOCK_ACQUIRED, obj)
            return True
        if not blocking:
            return False
        w.count_wait()
        w.event(wire.LOCK_REQUESTED, obj, w.site())
        got = acquire(self, True, timeout)
        w.event(wire.LOCK_ACQUIRED if got else wire.WAIT_END, obj)
        return got

    def traced_release(self, *args, **kwargs):  # release(n=1) since 3.9, release() before
        obj = getattr(self, "_raceway_obj", 0)
        if obj < 0:  # given before any was taken (a semaphore used as a signal)
            obj = _first_use(self, obj)
        if obj:
            _w().event(wire.LOCK_RELEASED, obj)
        return release(self, *args, **kwargs)

    cls.__init__ = __init__
    cls.acquire = traced_acquire
    cls.__enter__ = traced_acquire
    cls.release = traced_release


def _patch_event():
    cls = threading.Event
    init, wait, set_, clear = cls.__init__, cls.wait, cls.set, cls.clear

    def __init__(self):
        init(self)
        site = wire.creation_site(self)
        self._raceway_obj = _reserve(self, wire.OBJ_EVENT, "Event", site)

    def traced_wait(self, timeout=None):
        obj = getattr(self, "_raceway_obj", 0)
        if not obj or self.is_set():
            return wait(self, timeout)
        if obj < 0:
            obj = _first_use(self, obj)
        w = _w()
        w.event(wire.WAIT_BEGIN, obj, w.site())
        w.flush()
        try:
            return wait(self, timeout)
        finally:
            w.event(wire.WAIT_END, obj)

    def traced_set(self):
        obj = getattr(self, "_raceway_obj", 0)
        if obj < 0:
            obj = _first_use(self, obj)
        if obj:
            _w().event(wire.SIGNAL, obj, 1)
        set_(self)

    def traced_clear(self):
        obj = getattr(self, "_raceway_obj", 0)
        if obj < 0:
            obj = _first_use(self, obj)
        if obj:
            _w().event(wire.SIGNAL, obj, 0)
        clear(self)

    cls.__init__ = __init__
    cls.wait = traced_wait
    cls.set = traced_set
    cls.clear = traced_clear


def _patch_queue():
    cls = queue.Queue
    init, get, put = cls.__init__, cls.get, cls.put

    def __init__(self, maxsize=0):
        init(self, maxsize)
        site = wire.creation_site(self)
        name = type(self).__name__
        self._raceway_obj = _reserve(self, wire.OBJ_QUEUE, name, site)

    def traced_get(self, block=True, timeout=None):
        obj = getattr(self, "_raceway_obj", 0)
        if not obj or not block or self._qsize() > 0:
            return get(self, block, timeout)
        if obj < 0:
            obj = _first_use(self, obj)
        w = _w()
        w.event(wire.WAIT_BEGIN, obj, w.site())
        w.flush()
        try:
            return get(self, block, timeout)
        finally:
            w.event(wire.WAIT_END, obj)

    def traced_put(self, item, block=True, timeout=None):
        obj = getattr(self, "_raceway_obj", 0)
        if not obj or not block or self.maxsize <= 0 or self._qsize() < self.maxsize:
            return put(self, item, block, timeout)
        if obj < 0:
            obj = _first_use(self, obj)
        w = _w()
        w.event(wire.WAIT_BEGIN, obj, w.site())
        w.flush()
        try:
            return put(self, item, block, timeout)
        finally:
            w.event(wire.WAIT_END, obj)

    cls.__init__ = __init__
    cls.get = traced_get
    cls.put = traced_put


def _patch_threads():
    cls = threading.Thread
    bootstrap_inner, join = cls._bootstrap_inner, cls.join

    def traced_bootstrap_inner(self):
        w = _w()
        self._raceway_lane = w.adopt_thread(self.name)
        w.event(wire.THREAD_START, 0, threading.get_native_id())
        w.flush()  # Raceway starts sampling the thread as soon as it knows it
        try:
            bootstrap_inner(self)
        finally:
            w.event(wire.THREAD_END)
            w.flush()
            w.lanes.pop(threading.get_ident(), None)

    def traced_join(self, timeout=None):
        w = _w()
        if self is threading.current_thread() or not self.is_alive():
            return join(self, timeout)
        w.event(wire.WAIT_BEGIN, 0, w.site())
        w.flush()
        try:
            return join(self, timeout)
        finally:
            w.event(wire.WAIT_END, 0)
            if not self.is_alive():
                joined = _lane_of_thread(w, self)
                if joined is not None:
                    w.event(wire.MARK, wire.MARK_JOINED, joined)

    cls._bootstrap_inner = traced_bootstrap_inner
    cls.join = traced_join


def _lane_of_thread(w, thread):
    return getattr(thread, "_raceway_lane", None)


def _patch_sleep():
    raw_sleep = time.sleep

    def sleep(seconds):
        w = _w()
        w.event(wire.SLEEP_BEGIN)
        w.flush()
        try:
            raw_sleep(seconds)
        finally:
            w.event(wire.SLEEP_END)

    time.sleep = calls.public(sleep, "time.sleep")


def install(w, accel=None):
    _state["wire"] = w
    _patch_locks(accel)
    _patch_condition()
    _patch_semaphore(threading.Semaphore)
    if threading.BoundedSemaphore.release is not threading.Semaphore.release:
        _patch_semaphore_release_only(threading.BoundedSemaphore)
    _patch_event()
    _patch_queue()
    _patch_threads()
    _patch_sleep()


def _patch_semaphore_release_only(cls):
    release = cls.release

    def traced_release(self, *args, **kwargs):  # release(n=1) since 3.9, release() before
        obj = getattr(self, "_raceway_obj", 0)
        if obj < 0:
            obj = _first_use(self, obj)
        if obj:
            _w().event(wire.LOCK_RELEASED, obj)
        return release(self, *args, **kwargs)

    cls.release = traced_release
