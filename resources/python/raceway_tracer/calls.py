"""Function calls as nested slices (`raceway trace --calls`): the script's own Python functions, and the
C functions of modules that they call (time.sleep, math.factorial), each call a CALL_BEGIN and its
return a CALL_END on the calling thread's lane. The standard library's and the tracer's own Python code
is not recorded, nor are the built-ins (len, print) and methods of objects (list.append, a lock's
acquire), which would bury the rest.

A profile function sees every call; which ones are recorded is decided once per function and kept
(a code object or a C function as the key), so a skipped call costs one dictionary lookup. A return is
recorded only for a call that was: one begun before tracing started (the frame that installed it) is
never closed by mistake.
"""

import os
import sys
import threading
import time
from _thread import get_ident as _thread_ident

from . import wire

_BUILTIN = type(len)
_MODULE = type(sys)


_public = {}  # the tracer's stand-ins for the library's functions (time.sleep): code -> the name used


def public(fn, name):
    """`fn` stands in for the library function `name`: its calls are recorded under that name."""
    _public[fn.__code__] = name
    return fn


def _code_place(code, skip):
    name = _public.get(code)
    if name is not None:
        return name
    filename = code.co_filename
    if filename.startswith(skip) or filename.startswith("<"):  # "<string>": the library's exec and eval
        return None
    name = getattr(code, "co_qualname", code.co_name)  # Account.transfer, from 3.11
    return "%s:%d in %s" % (os.path.basename(filename), code.co_firstlineno, name)


def _c_place(fn):
    owner = getattr(fn, "__self__", None)
    if type(fn) is not _BUILTIN:
        return None
    module = getattr(owner, "__name__", "") or ""
    if not module or module == "builtins" or "raceway" in module:
        return None
    return "%s.%s" % (module, fn.__name__)


_installed = []
_costs = []  # (recorded, skipped) in picoseconds, once calibrated: a forked child keeps its parent's


def after_fork(w):
    """In a forked child: its own places and its own wire, from the thread that forked."""
    if _installed:
        install(w)


def _skipped():  # the tracer's own code: the profile function sees its calls and records none
    pass


def _calibrate(w, profile, tally):
    """What one recorded call and one skipped call cost, measured here and now: a loop of calls with the
    profile function against the same loop without it, the recorded calls' events on a lane Raceway
    drops. Raceway adds calls x cost to the run's estimated tracing time."""
    if _costs:
        return _costs[0]
    names = {}
    exec(compile("def recorded():\n    pass\n", "raceway-calibration", "exec"), names)
    recorded = names["recorded"]
    ident = _thread_ident()
    own_lane = w.lanes.get(ident)
    w.lanes[ident] = wire.CALIBRATION_LANE
    w.lane_changed()
    rounds = 1000
    costs = []
    try:
        for fn in (recorded, _skipped):
            best = None
            for _ in range(3):
                t0 = time.perf_counter_ns()
                for _ in range(rounds):
                    fn()
                t1 = time.perf_counter_ns()
                sys.setprofile(profile)
                for _ in range(rounds):
                    fn()
                sys.setprofile(None)
                t2 = time.perf_counter_ns()
                w.flush()
                cost = max(0, (t2 - t1) - (t1 - t0)) * 1000 // rounds
                best = cost if best is None else min(best, cost)
            costs.append(best)
    finally:
        sys.setprofile(None)
        w.events -= 2 * 3 * rounds
        tally[0] = tally[1] = 0
        if own_lane is None:
            del w.lanes[ident]
        else:
            w.lanes[ident] = own_lane
        w.lane_changed()
    _costs.append(tuple(costs))
    return _costs[0]


def install(w):
    """Traces calls from here on: this thread's, and every thread started after."""
    _installed[:] = [w]
    # The tracer's sitecustomize (beside its package) runs before the script: not the script's either.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    skip = wire._SKIP + (os.path.join(here, "sitecustomize.py"),)
    place = w.place
    event = w.event
    known = {}  # code object or C function -> its place number, 0: not recorded
    known_get = known.get
    callers = {}  # code object -> whether the C functions it calls are recorded: the script's own code
    caller_get = callers.get
    begin, end = wire.CALL_BEGIN, wire.CALL_END
    tally = [0, 0]  # calls recorded, calls skipped (an estimate's inputs: a rare lost increment is fine)

    def number(key, text):
        n = place(key, text) if text is not None else 0
        known[key] = n
        if text is not None and key not in _public and hasattr(key, "co_code"):
            callers[key] = True
        return n

    def profile(frame, what, arg):
        if what == "call":
            code = frame.f_code
            n = known_get(code)
            if n is None:
                n = number(code, _code_place(code, skip))
            if n:
                tally[0] += 1
                event(begin, 0, n)
            else:
                tally[1] += 1
        elif what == "return":
            if known_get(frame.f_code):
                event(end)
        elif what == "c_call":
            # A module's function (never a method: each access makes a new one), called by the script.
            if type(getattr(arg, "__self__", None)) is not _MODULE or not caller_get(frame.f_code):
                tally[1] += 1
                return
            n = known_get(arg)
            if n is None:
                n = number(arg, _c_place(arg))
            if n:
                tally[0] += 1
                event(begin, 0, n)
            else:
                tally[1] += 1
        elif type(getattr(arg, "__self__", None)) is _MODULE and caller_get(frame.f_code) and known_get(arg):
            event(end)  # c_return, c_exception of one recorded

    w.call_costs_ps = _calibrate(w, profile, tally)
    w.call_tally = tally
    threading.setprofile(profile)
    sys.setprofile(profile)
