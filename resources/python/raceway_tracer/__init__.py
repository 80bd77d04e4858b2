"""Raceway's tracer for Python programs: standard library only, Python 3.8 and later.

Raceway starts the interpreter with this package's directory first on PYTHONPATH and the number of
an inherited pipe in RACEWAY_TRACE_FD. The script itself is not touched: the package's sitecustomize
calls install_from_environment() before the script runs, in every process of the run.
"""

import _thread
import atexit
import os
import sys
import threading
import time

from . import aio, calls, processes, sync, watch, wire

__all__ = ["install_from_environment"]

_installed = []


CALIBRATION_LANE = wire.CALIBRATION_LANE


def _calibrate(w):
    """The cost of one recorded event, measured here and now: traced lock cycles against raw ones,
    their events buffered and written to the pipe as any others (on a lane Raceway drops). Raceway
    multiplies it by the events recorded to estimate the run's untraced wall time, without running
    the script twice."""
    raw = _thread.allocate_lock()
    traced = sync.bare_lock()
    ident = _thread.get_ident()
    own_lane = w.lanes.get(ident)
    w.lanes[ident] = CALIBRATION_LANE
    w.lane_changed()
    rounds = 1500
    best = None
    for _ in range(3):
        t0 = time.perf_counter_ns()
        for _ in range(rounds):
            with raw:
                pass
        t1 = time.perf_counter_ns()
        for _ in range(rounds):
            with traced:  # as scripts mostly take their locks
                pass
        w.flush()
        t2 = time.perf_counter_ns()
        w.events -= 2 * rounds
        cost = max(0, (t2 - t1) - (t1 - t0)) * 1000 // (2 * rounds)
        best = cost if best is None else min(best, cost)
    w.lanes[ident] = own_lane
    w.lane_changed()
    return best


def install_from_environment(began=None):
    if _installed:
        return
    began = time.perf_counter_ns() if began is None else began
    value = os.environ.get("RACEWAY_TRACE_FD")
    if not value:
        return
    accel = wire.load_accelerator()
    if accel is not None and hasattr(accel, "now_ns"):
        # Every stamp of the process from one clock: the accelerator's (the CPU's counter, as
        # CLOCK_MONOTONIC's time), also where Python stamps an event itself, so that two stamps of one
        # lane are never from two clocks a microsecond apart (a release stamped here and the next
        # acquisition stamped in C came out of order, and the hold between them was lost).
        wire._mono = sync._mono = aio._mono = accel.now_ns
    try:
        fd = int(value)
        w = wire.make_wire(fd, accel)
    except (ValueError, OSError):
        return  # not given the pipe (a descriptor closed on the way): run untraced
    _installed.append(w)
    sync.install(w, accel)
    w.meta(wire.HELLO, obj=wire.hello_flags(), arg=os.getppid())
    w.meta(wire.STAT, obj=wire.STAT_ACCELERATED, arg=int(accel is not None))
    w.adopt_thread(threading.current_thread().name)
    w.cost_ps = _calibrate(w)
    w.meta(wire.STAT, obj=wire.STAT_COST_PS, arg=min(w.cost_ps, 0xFFFFFFFF))
    w.event(wire.THREAD_START, 0, threading.get_native_id())
    w.flush()
    processes.install(w, fd, [sync], accel)
    atexit.register(_at_exit)
    startup = time.perf_counter_ns() - began
    w.meta(wire.STAT, obj=wire.STAT_STARTUP_NS, arg=min(startup, 0xFFFFFFFF))
    w.meta(wire.TICK)
    w.flush()
    processes.start_heartbeat()
    watch.install(w)
    if os.environ.get("RACEWAY_TRACE_CALLS"):
        calls.install(w)  # last: nothing of the tracer's own start-up is a call of the script's


def _at_exit():
    w = processes._state["wire"]
    if w is not None:
        watch.finish()
        if processes._gil["off"]:  # asked again at the end: a heartbeat may not have come since it came on
            processes.check_gil(w)
        w.finish()
