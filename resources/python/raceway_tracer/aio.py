"""asyncio: each Task gets a lane of its own, named "task " and its name. A step of the task (the
event loop running it until its next await) is drawn running; between steps it is awaiting; it ends
when it is done. Steps are seen where the loop runs its callbacks (Handle._run), so every event loop
and every task is covered without touching the script."""

import os
import time

from . import wire

IO_BEGIN = 21
IO_END = 22


def _slow_step_ns():
    try:
        return max(1, int(float(os.environ.get("RACEWAY_SLOW_STEP_MS", "100")) * 1_000_000))
    except ValueError:
        return 100_000_000


# A step at least this long blocked the loop (asyncio's own debug mode warns from 100 ms).
SLOW_STEP_NS = _slow_step_ns()
_mono = time.monotonic_ns

_state = {"wire": None}


def _asyncio_own(task, package):
    """A task of asyncio's own (asyncio.run's shutdown_asyncgens and shutdown_default_executor): not
    the script's work, so it gets no lane (it drew as an empty lane after the program's)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(package)


def patch_events(module):
    handle_run = module.Handle._run
    package = module.__file__.rsplit("/", 1)[0] + "/"

    def _run(self):
        w = _state["wire"]
        task = getattr(self._callback, "__self__", None)
        if w is None or not w.ok or task is None or not hasattr(task, "get_coro"):
            return handle_run(self)
        lane = getattr(task, "_raceway_lane", None)
        if lane is False:
            return handle_run(self)
        if lane is None:
            if _asyncio_own(task, package):
                task._raceway_lane = False
                return handle_run(self)
            coro = task.get_coro()
            what = getattr(coro, "__qualname__", None) or getattr(coro, "__name__", None)
            lane = w.new_lane("task " + task.get_name() + (" (%s)" % what if what else ""))
            task._raceway_lane = lane
            w.event_on(lane, wire.THREAD_START)
        else:
            w.event_on(lane, IO_END)
        began = _mono()
        try:
            return handle_run(self)
        finally:
            took = _mono() - began
            if took >= SLOW_STEP_NS:  # nothing else on this loop ran meanwhile
                w.event_on(lane, wire.MARK, wire.MARK_SLOW_STEP, min(took // 1000, 0xFFFFFFFF))
            w.event_on(lane, wire.THREAD_END if task.done() else IO_BEGIN)

    module.Handle._run = _run
