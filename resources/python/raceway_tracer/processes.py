"""Processes: every child of the script is traced too, and every process says how it ended.

fork: the child starts a stream of its own (new pid, empty buffer, the forking thread as its first
lane). spawn and forkserver: the child is a new interpreter that finds this tracer through PYTHONPATH
(Raceway's sitecustomize); multiprocessing and subprocess close every descriptor they are not told to
pass, so the pipe is added to the ones they pass. Modules are patched when the script imports them,
so a script that never uses multiprocessing does not pay for importing it.
"""

import _thread
import os
import signal
import sys
import threading
import time

from . import aio, calls, wire

_state = {"wire": None, "fd": -1, "accel": None}
_raw_sleep = time.sleep  # taken before the tracer replaces time.sleep
HEARTBEAT_S = 0.05


def start_heartbeat():
    """Every 50 ms this process's buffered events go out, followed by a TICK: Raceway then knows it has
    everything recorded before that moment and draws the lanes up to there while the script runs (a
    thread busy computing records nothing for seconds, and would otherwise hold back what it recorded
    last). A raw thread: threading never sees it, so the script's own thread count is unchanged."""
    try:
        _thread.start_new_thread(_heartbeat, (os.getpid(),))
    except RuntimeError:
        pass  # no threads to be had: lanes are drawn as the buffer fills, and at the end


def _heartbeat(pid):
    # Signals sent to the process go to a thread of the script's, never to this one: the kernel may pick
    # any thread that does not block them, and a Python handler runs only when the main thread next runs
    # Python. A pool worker idle in a semaphore wait whose SIGTERM (Pool.terminate) came here slept on
    # with the handler pending, and the pool waited for it forever (1 of 200 terminations).
    # (signal is imported with this module, never here: a fork while this thread held an import's lock
    # left that lock held for good in the child, and the child's next import of it waited forever)
    try:
        synchronous = {signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL}
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.valid_signals()) - synchronous)
    except (AttributeError, ValueError, OSError):
        pass
    while True:
        _raw_sleep(HEARTBEAT_S)
        w = _state["wire"]
        if w is None or not w.ok or os.getpid() != pid:
            return
        if _gil["off"]:
            check_gil(w)
        tick = aio.held_back(wire._mono())
        if tick:
            w.meta(wire.TICK, t=tick)
        w.flush()


# A free-threaded build whose GIL is off at the start can turn it on for good: importing an extension module
# that does not declare it runs without one (CPython warns "The global interpreter lock (GIL) has been
# enabled to load module ..."). Each import's start is noted while the GIL is off; the heartbeat asks
# whether it is on yet, and names the first extension module imported since it last asked.
_gil = {"off": False, "seen": set(), "count": 0, "starts": {}}


def _watch_gil():
    enabled = getattr(sys, "_is_gil_enabled", None)
    _gil["off"] = enabled is not None and not enabled()
    _gil["seen"] = set(sys.modules)
    _gil["count"] = len(sys.modules)


def check_gil(w):
    if not sys._is_gil_enabled():
        if len(sys.modules) != _gil["count"]:
            _gil["seen"] = set(sys.modules)
            _gil["count"] = len(sys.modules)
        return
    _gil["off"] = False
    t = wire._mono()
    culprit = ""
    for name in list(sys.modules):
        if name in _gil["seen"]:
            continue
        path = str(getattr(sys.modules.get(name), "__file__", "") or "")
        if path.endswith((".so", ".pyd")):
            culprit = name
            t = _gil["starts"].get(name, t)
            break
    _gil["starts"] = {}
    w.meta(wire.GIL_ON, text=culprit, t=t)


def _w():
    return _state["wire"]


def after_fork_in_child():
    old = _state["wire"]
    if old is None:
        return
    w = wire.make_wire(old.fd, _state["accel"])
    w.cost_ps = old.cost_ps
    w.next_obj = old.next_obj  # objects inherited from the parent keep their numbers
    _state["wire"] = w
    _replace_wire(w)
    calls.after_fork(w)
    name = threading.current_thread().name
    w.meta(wire.HELLO, obj=wire.hello_flags(), arg=_parent_pid())
    w.meta(wire.STAT, obj=wire.STAT_COST_PS, arg=w.cost_ps)
    w.meta(wire.STAT, obj=wire.STAT_ACCELERATED, arg=int(_state["accel"] is not None))
    w.adopt_thread(name)
    w.event(wire.THREAD_START, 0, threading.get_native_id())
    w.flush()
    if _state["accel"] is not None:
        _tally_on_sigterm()  # a pool worker may be terminated before its bootstrap begins
    start_heartbeat()  # the parent's did not come through fork


def _parent_pid():
    return os.getppid()


_wire_users = []


def _replace_wire(w):
    for module in _wire_users:
        module._state["wire"] = w


def _patch_multiprocessing_util(module):
    original = module.spawnv_passfds

    def spawnv_passfds(path, args, passfds):
        fd = _state["fd"]
        if fd >= 0 and _w() is not None and _w().ok and fd not in passfds:
            passfds = list(passfds) + [fd]
        return original(path, args, passfds)

    module.spawnv_passfds = spawnv_passfds


def _patch_multiprocessing_process(module):
    cls = module.BaseProcess
    bootstrap = cls._bootstrap

    def _bootstrap(self, *args, **kwargs):
        w = _w()
        if w is not None:
            w.meta(wire.PROCESS_NAME, text=self.name)
            w.flush()
            _tally_on_sigterm()
        code = 1
        try:
            code = bootstrap(self, *args, **kwargs)
        finally:
            w = _w()
            if w is not None:
                w.meta(wire.EXIT, arg=code if isinstance(code, int) else 1)
                w.finish()
        return code

    cls._bootstrap = _bootstrap
    join = cls.join

    def traced_join(self, timeout=None):
        w = _w()
        if w is None or self._popen is None or self._popen.poll() is not None:
            return join(self, timeout)
        w.event(wire.WAIT_BEGIN, 0, w.site())
        w.flush()
        try:
            return join(self, timeout)
        finally:
            w.event(wire.WAIT_END, 0)

    cls.join = traced_join


def _tally_on_sigterm():
    """A multiprocessing child ended by SIGTERM (Pool.terminate, Process.terminate) says so and sends its
    tallies first, then dies of the signal as it would have untraced. Only where the script left SIGTERM
    to its default: a handler of the script's own is the script's."""
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return
        # With the accelerator the handler is C, run by whichever thread the signal interrupts, at once.
        # A Python handler runs only when the main thread next runs Python: a worker idle in a semaphore
        # wait whose SIGTERM came just before the wait began sleeps on with it pending (1 in 200 of
        # Pool.terminate's workers here), and the pool waits for it forever.
        accel = _state["accel"]
        if accel is not None:
            accel.tally_on_sigterm()  # where SIGTERM is still the system's default
        else:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError, AttributeError):
        pass  # not the main thread, or no such signal here


def _on_sigterm(signum, frame):
    signal.signal(signum, signal.SIG_DFL)
    w = _w()
    if w is not None and w.ok and w.pid == os.getpid():
        w.meta(wire.EXIT, arg=-signum)
        w.finish(force_after=0.2)
    os.kill(os.getpid(), signum)


def _patch_subprocess(module):
    cls = module.Popen
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        fd = _state["fd"]
        w = _w()
        if fd >= 0 and w is not None and w.ok:
            passed = tuple(kwargs.get("pass_fds", ()))
            if fd not in passed:
                kwargs["pass_fds"] = passed + (fd,)
        init(self, *args, **kwargs)

    cls.__init__ = __init__


_PATCHES = {
    "asyncio.events": aio.patch_events,
    "asyncio.locks": aio.patch_locks,
    "asyncio.tasks": aio.patch_tasks,
    "asyncio.queues": aio.patch_queues,
    "asyncio.futures": aio.patch_futures,
    "multiprocessing.util": _patch_multiprocessing_util,
    "multiprocessing.process": _patch_multiprocessing_process,
    "subprocess": _patch_subprocess,
}


class _PatchOnImport(object):
    """Finds nothing itself: when one of the modules above is about to load, it wraps the loader so
    the module is patched as soon as it has run."""

    def find_spec(self, name, path=None, target=None):
        if _gil["off"] and len(_gil["starts"]) < 4096:
            _gil["starts"].setdefault(name, wire._mono())
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        class Patched(object):
            def create_module(self, spec_):
                return loader.create_module(spec_)

            def exec_module(self, module):
                exec_module(module)
                try:
                    patch(module)
                except Exception as error:
                    sys.stderr.write("raceway: could not trace %s: %s\n" % (name, error))

        spec.loader = Patched()
        return spec


class _Tee(object):
    """sys.stdout or sys.stderr as the script sees it: every line written is also a printed-line
    instant on the writing thread's lane, stamped when its newline is written. Everything else is
    the stream's own."""

    def __init__(self, stream):
        self._stream = stream
        self._partial = {}  # thread ident -> the start of a line not ended yet

    def write(self, text):
        w = _w()
        if w is not None and w.ok and isinstance(text, str):
            w.output_bytes += len(text)
            ident = threading.get_ident()
            if "\n" not in text:
                self._partial[ident] = (self._partial.get(ident, "") + text)[-256:]
            else:
                lines = (self._partial.pop(ident, "") + text).split("\n")
                if lines[-1]:
                    self._partial[ident] = lines[-1][-256:]
                lane = w.lane()
                for line in lines[:-1]:
                    w.meta(wire.PRINT, lane=lane, arg=len(line) + 1, text=line[:256])
                    w.count_event()
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def flush(self):
        return self._stream.flush()

    def fileno(self):
        return self._stream.fileno()

    def isatty(self):
        return self._stream.isatty()

    def writable(self):
        return True


def _patch_fork():
    """Python 3.12 and later warn when a process with several threads forks. A script with one thread
    of its own must not see that warning because of the heartbeat thread."""
    if sys.version_info < (3, 12):
        return
    raw_fork = os.fork

    def fork():
        if threading.active_count() > 1:
            return raw_fork()  # the script's own threads: the warning is the script's
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=r"This process .* is multi-threaded", category=DeprecationWarning
            )
            return raw_fork()

    os.fork = fork


def _patch_exit():
    raw_exit = os._exit

    def _exit(code):
        w = _w()
        if w is not None:
            w.finish()
        raw_exit(code)

    os._exit = _exit


def install(w, fd, users, accel=None):
    _state["wire"] = w
    _state["fd"] = fd
    _state["accel"] = accel
    _wire_users.extend(users)
    _wire_users.append(aio)
    aio._state["wire"] = w
    _wire_users.append(sys.modules[__name__])
    for name, patch in _PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            patch(module)
    _watch_gil()
    sys.meta_path.insert(0, _PatchOnImport())
    os.register_at_fork(after_in_child=after_fork_in_child)
    _patch_exit()
    _patch_fork()
    if sys.stdout is not None:
        sys.stdout = _Tee(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = _Tee(sys.stderr)
