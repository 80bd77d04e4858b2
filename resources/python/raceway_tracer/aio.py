"""asyncio: each Task gets a lane of its own, named "task " and its name. A step of the task (the
event loop running it until its next await) is drawn running; between steps it is awaiting; it ends
when it is done. Steps are seen where the loop runs its callbacks (Handle._run), so every event loop
and every task is covered without touching the script."""

from . import wire

IO_BEGIN = 21
IO_END = 22

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
            lane = w.new_lane("task " + task.get_name())
            task._raceway_lane = lane
            w.event_on(lane, wire.THREAD_START)
        else:
            w.event_on(lane, IO_END)
        try:
            return handle_run(self)
        finally:
            w.event_on(lane, wire.THREAD_END if task.done() else IO_BEGIN)

    module.Handle._run = _run
