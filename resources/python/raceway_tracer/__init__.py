"""Raceway's tracer for Python programs: standard library only, Python 3.8 and later.

Raceway starts the interpreter with this package's directory first on PYTHONPATH and the number of
an inherited pipe in RACEWAY_TRACE_FD. The script itself is not touched: the package's sitecustomize
calls install_from_environment() before the script runs, in every process of the run.
"""

import atexit
import os
import sys
import threading
import time

from . import processes, sync, wire

__all__ = ["install_from_environment"]

_installed = []


def _calibrate(w):
    """The cost of one recorded event, measured here and now: traced lock cycles against raw ones,
    recorded into a buffer that is thrown away. Raceway multiplies it by the events recorded to
    estimate the run's untraced wall time, without running the script twice."""
    raw = threading._allocate_lock() if hasattr(threading, "_allocate_lock") else None
    if raw is None:
        return 0
    saved_ok = w.ok
    traced = sync.TracedLock.__new__(sync.TracedLock)
    traced._lock = threading._allocate_lock()
    traced._obj = 0
    rounds = 2000
    best = None
    for _ in range(3):
        t0 = time.perf_counter_ns()
        for _ in range(rounds):
            raw.acquire()
            raw.release()
        t1 = time.perf_counter_ns()
        mark = len(w.buf)
        for _ in range(rounds):
            traced.acquire()
            traced.release()
        t2 = time.perf_counter_ns()
        del w.buf[mark:]
        w.events -= 2 * rounds
        cost = max(0, (t2 - t1) - (t1 - t0)) * 1000 // (2 * rounds)
        best = cost if best is None else min(best, cost)
    w.ok = saved_ok
    return best


def install_from_environment(began=None):
    if _installed:
        return
    began = time.perf_counter_ns() if began is None else began
    value = os.environ.get("RACEWAY_TRACE_FD")
    if not value:
        return
    try:
        fd = int(value)
        w = wire.Wire(fd)
    except (ValueError, OSError):
        return  # not given the pipe (a descriptor closed on the way): run untraced
    _installed.append(w)
    # Flushes are held off during calibration so its events never reach the pipe.
    real = (wire._FLUSH_AT, wire._FLUSH_AGE_NS)
    wire._FLUSH_AT = wire._FLUSH_AGE_NS = 1 << 62
    sync.install(w)
    w.meta(wire.HELLO, arg=os.getppid())
    w.adopt_thread(threading.current_thread().name)
    w.cost_ps = _calibrate(w)
    wire._FLUSH_AT, wire._FLUSH_AGE_NS = real
    w.meta(wire.STAT, obj=wire.STAT_COST_PS, arg=min(w.cost_ps, 0xFFFFFFFF))
    w.event(wire.THREAD_START, 0, threading.get_native_id())
    w.flush()
    processes.install(w, fd, [sync])
    atexit.register(_at_exit)
    startup = time.perf_counter_ns() - began
    w.meta(wire.STAT, obj=wire.STAT_STARTUP_NS, arg=min(startup, 0xFFFFFFFF))
    w.flush()


def _at_exit():
    w = processes._state["wire"]
    if w is not None:
        w.finish()
