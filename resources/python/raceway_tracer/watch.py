"""Numbers of the script's own, drawn as they change (raceway trace --watch NAME).

RACEWAY_WATCH names module-level variables of the script (`counter`, or a dotted path such as
`account.balance`), separated by commas; a name may carry a second one after a slash, the number it is
expected to equal (`counter/done`: the increments made so far, against which lost ones show), which it
can never exceed (a reading of it behind the value is taken as the value: see sample()). A raw
thread reads them every few milliseconds and records each change; the final values are read once more
at exit. Only the script's own process watches: the variable is taken out of the environment, so that
its children do not.

A value is a number (an int, a bool, a float rounded to the nearest whole number) or a list or tuple of
numbers, which counts as their sum (one cell per thread: `done[i] += 1` without a race). Anything else,
or a name not yet bound, is not a reading: the lane keeps its last one.
"""

import _thread
import os
import signal
import sys
import time

from . import wire

MAX_WATCHES = 8
_LIMIT = (1 << 47) - 1  # values travel as 48-bit two's complement (arg: low 32 bits, lane: high 16)
_raw_sleep = time.sleep  # taken before the tracer replaces time.sleep
_state = {"watches": [], "wire": None, "pid": 0}


def parse(spec):
    """[(name, expected name or None)], at most MAX_WATCHES of them, from RACEWAY_WATCH's text."""
    out = []
    for entry in spec.split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, _, expected = entry.partition("/")
        out.append((name.strip(), expected.strip() or None))
    return out[:MAX_WATCHES]


def _lookup(path):
    main = sys.modules.get("__main__")
    if main is None:
        return None
    parts = path.split(".")
    value = main.__dict__.get(parts[0])
    for part in parts[1:]:
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


def _number(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(round(value)) if value == value and abs(value) < 1e18 else None
    if isinstance(value, (list, tuple)):
        total = 0
        for v in tuple(value):
            n = _number(v) if not isinstance(v, (list, tuple)) else None
            if n is None:
                return None
            total += n
        return total
    return None


def _clamped(n):
    return max(-_LIMIT, min(_LIMIT, n))


def _record(w, number, expected, value):
    t = wire._mono()  # the process's one clock (see install_from_environment)
    item = b""
    if expected is not None:
        e = _clamped(expected) & 0xFFFFFFFFFFFF
        item += wire._pack(t, e & 0xFFFFFFFF, e >> 32, wire.WATCH_EXPECTED, number)
    v = _clamped(value) & 0xFFFFFFFFFFFF
    item += wire._pack(t, v & 0xFFFFFFFF, v >> 32, wire.WATCH_VALUE, number)
    w._append(item)


def sample(final=False):
    """Reads every watched name once and records the ones that changed (all of them when final)."""
    w = _state["wire"]
    if w is None or not w.ok or os.getpid() != _state["pid"]:
        return
    for watch in _state["watches"]:
        number, name, expected_name, last = watch
        try:
            value = _number(_lookup(name))
            expected = _number(_lookup(expected_name)) if expected_name else None
            # The value first, then what it should be. Threads that really run at once go on between the
            # two reads: one that has just counted its update may not have written its own tally yet.
            # The expected number is the updates made, which the value can never exceed: a reading
            # behind the value is that moment's, and the value is taken for it.
            if expected is not None and value is not None and expected < value:
                expected = value
        except Exception:  # a property that raises, a module torn down at exit
            continue
        if value is None or (expected_name and expected is None):
            continue
        reading = (expected, value)
        if reading == last[0] and not final:
            continue
        last[0] = reading
        _record(w, number, expected, value)


def _sampler(period):
    try:
        synchronous = {signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL}
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.valid_signals()) - synchronous)
    except (AttributeError, ValueError, OSError):
        pass
    pid = _state["pid"]
    while os.getpid() == pid and _state["wire"] is not None:
        _raw_sleep(period)
        sample()


def install(w):
    spec = os.environ.pop("RACEWAY_WATCH", "")
    watches = parse(spec)
    if not watches:
        return
    try:
        period = max(0.001, float(os.environ.pop("RACEWAY_WATCH_MS", "5")) / 1000)
    except ValueError:
        period = 0.005
    _state["wire"] = w
    _state["pid"] = os.getpid()
    for number, (name, expected) in enumerate(watches, start=1):
        w.meta(wire.WATCH, obj=number, arg=1 if expected else 0, text=name)
        _state["watches"].append((number, name, expected, [None]))
    try:
        _thread.start_new_thread(_sampler, (period,))
    except RuntimeError:
        pass  # no threads to be had: the final values are still read at exit


def finish():
    """At exit, before the tallies: the final values."""
    if _state["watches"]:
        sample(final=True)
