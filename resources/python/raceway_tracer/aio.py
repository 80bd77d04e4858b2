"""asyncio: each Task gets a lane of its own, named "task " and its name. A step of the task (the
event loop running it until its next await) is drawn running; between steps it is awaiting; it ends
when it is done. Steps are seen where the loop runs its callbacks (Handle._run), so every event loop
and every task is covered without touching the script. An asyncio.Lock is traced as a threading.Lock
is: a lane of its own, and a task's wait for it drawn as that wait."""

import itertools
import os
import sys
import time
import weakref

from . import wire

IO_BEGIN = 21
IO_END = 22
IO_LOOP_BUSY = 0xFFFE  # IO_BEGIN's argument: ready to run, while the loop runs another task's step


def _slow_step_ns():
    try:
        return max(1, int(float(os.environ.get("RACEWAY_SLOW_STEP_MS", "100")) * 1_000_000))
    except ValueError:
        return 100_000_000


# A step at least this long blocked the loop (asyncio's own debug mode warns from 100 ms).
SLOW_STEP_NS = _slow_step_ns()
_mono = time.monotonic_ns

_state = {"wire": None}
# The steps running now, by loop: when each began. A slow step draws other tasks "ready, loop busy" from
# its start once it ends, so the heartbeat promises nothing later than that meanwhile (see held_back).
_STEPS = {}
_TRACER = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LOCKS_FILE = [None]  # asyncio/locks.py, once patched


def _asyncio_own(task, package):
    """A task of asyncio's own (asyncio.run's shutdown_asyncgens and shutdown_default_executor): not
    the script's work, so it gets no lane (it drew as an empty lane after the program's)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(package)


_EXECUTOR = weakref.WeakSet()  # futures of work handed to an executor (run_in_executor, to_thread)


def _awaits_tasks(task):
    """The task waits for other work: another task, gather's, or a function running in an executor."""
    fut = getattr(task, "_fut_waiter", None)
    if fut is None:
        return False
    if hasattr(fut, "get_coro") or type(fut).__name__ == "_GatheringFuture":
        return True
    try:
        return fut in _EXECUTOR
    except TypeError:
        return False


def patch_futures(module):
    """Work handed to an executor: a task awaiting it is drawn waiting for it, as for a thread's end."""
    wrap = module.wrap_future

    def wrap_future(future, *args, **kwargs):
        wrapped = wrap(future, *args, **kwargs)
        if wrapped is not future:  # a concurrent.futures.Future: an executor's
            try:
                _EXECUTOR.add(wrapped)
            except TypeError:
                pass
        return wrapped

    module.wrap_future = wrap_future


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
        elif getattr(task, "_raceway_sleeping", False):  # back from asyncio.sleep: to what it did before
            w.event_on(lane, wire.SLEEP_END)
        elif getattr(task, "_raceway_joining", False):
            task._raceway_joining = False
            w.event_on(lane, wire.WAIT_END)
        elif not getattr(task, "_raceway_waiting", False):  # a lock's wait ends where it is taken
            w.event_on(lane, IO_END)
        frame = getattr(task.get_coro(), "cr_frame", None)
        first = frame.f_lineno if frame is not None else 0  # where the step resumes (for a slow one)
        loop = self._loop
        try:
            queued = len(loop._ready)  # callbacks ready before this step began: they wait for it
        except (AttributeError, TypeError):
            queued = 0
        began = _mono()
        _STEPS[loop] = began  # (one step at a time on a loop)
        try:
            return handle_run(self)
        finally:
            _STEPS.pop(loop, None)
            took = _mono() - began
            if took >= SLOW_STEP_NS:  # nothing else on this loop ran meanwhile
                place = _step_place(w, task, first)
                if place:
                    w.event_on(lane, wire.SITE_EVENT, wire.SITE_OF_STEP, place)
                w.event_on(lane, wire.MARK, wire.MARK_SLOW_STEP, min(took // 1000, 0xFFFFFFFF))
                _loop_was_busy(w, loop, lane, began, queued)
            if task.done():
                w.event_on(lane, wire.THREAD_END)
            elif getattr(task, "_raceway_sleeping", False):
                w.event_on(lane, wire.SLEEP_BEGIN)
            elif getattr(task, "_raceway_waiting", False):  # waiting for a lock is drawn so, not as I/O
                pass
            elif _awaits_tasks(task):  # another task, gather's, an executor's: as Thread.join is drawn
                task._raceway_joining = True
                w.event_on(lane, wire.WAIT_BEGIN)
            else:
                w.event_on(lane, IO_BEGIN)

    module.Handle._run = _run


def held_back(t):
    """What the heartbeat may promise at t: everything before it recorded, but for the steps running now,
    whose end may yet draw other tasks ready from their start."""
    try:
        running = list(_STEPS.values())
    except RuntimeError:  # changed meanwhile (a free-threaded build): the next heartbeat says it
        return 0
    return min([t] + running)


def _loop_was_busy(w, loop, blocker, began, queued):
    """After a slow step: the tasks that could have run meanwhile are drawn "ready, loop busy" from when
    they could (the step's start for those already queued to run; a sleep's end, for one that ended during
    it), until their own next step. Tasks made ready by the step itself are not (when is not known), nor
    those waiting for a lock (the wait ends where they take it)."""
    asyncio = sys.modules.get("asyncio")
    try:
        ready = list(itertools.islice(loop._ready, queued))
        now = loop.time()
        due = [h for h in loop._scheduled if not h.cancelled() and h.when() <= now]
        tasks = asyncio.all_tasks(loop) if due else ()
    except (AttributeError, TypeError, RuntimeError):
        return
    marked = set()

    def mark(task, t):
        lane = getattr(task, "_raceway_lane", None)
        if lane in (None, False) or lane == blocker or id(task) in marked:
            return
        if getattr(task, "_raceway_waiting", False) or task.done():
            return
        marked.add(id(task))
        w.event_on(lane, IO_BEGIN, 0, IO_LOOP_BUSY, t)

    for h in ready:
        task = getattr(getattr(h, "_callback", None), "__self__", None)
        if task is not None and hasattr(task, "get_coro"):
            mark(task, began)
    if due:
        waiting = {}
        for task in tasks:
            fut = getattr(task, "_fut_waiter", None)
            if fut is not None:
                waiting[id(fut)] = task
        for h in due:
            for a in getattr(h, "_args", None) or ():
                task = waiting.get(id(a))
                if task is not None:  # asyncio.sleep's timer: its future is what the task awaits
                    mark(task, max(began, int(h.when() * 1e9)))


def _step_place(w, task, first):
    """The place a step of `task` that resumed at line `first` ran, named on the stream: "blocker.py:6-8 in
    blocker" (to the await it stopped at, or "to its end" when it returned)."""
    try:
        coro = task.get_coro()
        code = coro.cr_code
        frame = coro.cr_frame
        last = frame.f_lineno if frame is not None else None
    except AttributeError:  # not a coroutine of its own (a generator-based one)
        return 0
    name = getattr(code, "co_qualname", code.co_name)
    where = "%d-%d" % (first, last) if last is not None and last != first else "%d" % first
    if last is None:
        where += " to its end"
    text = "%s:%s in %s" % (os.path.basename(code.co_filename), where, name)
    return w.place(("step", code, first, last), text)


def _task_lane(module):
    """The lane of the task running now, or None (not in a task, or one without a lane)."""
    try:
        task = module.current_task()
    except RuntimeError:  # no running loop
        return None, None
    lane = getattr(task, "_raceway_lane", None) if task is not None else None
    return (task, lane) if lane not in (None, False) else (None, None)


def _user_place():
    """'file.py:12' of the first frame outside the tracer, or None when that is the standard library's
    (an object asyncio uses for itself: not the script's story)."""
    frame = sys._getframe(1)
    # The tracer's frames, and asyncio's `async with` for its locks and semaphores (asyncio/locks.py).
    while frame is not None and (
        frame.f_code.co_filename.startswith(_TRACER) or frame.f_code.co_filename == _LOCKS_FILE[0]
    ):
        frame = frame.f_back
    if frame is None or frame.f_code.co_filename.startswith(wire._SKIP):
        return None
    return "%s:%d" % (os.path.basename(frame.f_code.co_filename), frame.f_lineno)


def _number(owner, w, kind, prefix):
    """The object's number (0: the library's own, not traced), described the first time by the name the
    script uses for it here, else where it is first used."""
    obj = getattr(owner, "_raceway_obj", None)
    if obj is None:
        place = _user_place()
        obj = w.reserve_object() if place is not None else 0
        if obj:
            w.describe_object(obj, kind, prefix + " " + (wire.binding_name(owner) or place))
        owner._raceway_obj = obj
    return obj


def _traced_acquire(asyncio, acquire, kind):
    async def traced_acquire(self):
        w = _state["wire"]
        task, lane = _task_lane(asyncio)
        if w is None or not w.ok or lane is None:
            return await acquire(self)
        _condition_wait_ends(w, task, lane)
        obj = _number(self, w, kind, "asyncio." + type(self).__name__)
        if not obj:
            return await acquire(self)
        # Taken at once where it is free and nobody queues for it; otherwise the task waits for it (the
        # loop's step ends, and the next one begins once it is handed over).
        waiters = getattr(self, "_waiters", None)
        waits = self.locked() or bool(waiters and any(not f.cancelled() for f in waiters))
        if waits:
            w.event_on(lane, wire.LOCK_REQUESTED, obj)
            w.count_wait()
            task._raceway_waiting = True
        try:
            got = await acquire(self)
        except BaseException:
            if waits:
                task._raceway_waiting = False
                w.event_on(lane, wire.WAIT_END, obj)  # cancelled while waiting: it runs again
            raise
        if waits:
            task._raceway_waiting = False
        w.event_on(lane, wire.LOCK_ACQUIRED, obj)
        return got

    return traced_acquire


def _traced_release(asyncio, release, kind):
    def traced_release(self, *args, **kwargs):
        w = _state["wire"]
        if w is not None and w.ok:
            task, lane = _task_lane(asyncio)
            obj = getattr(self, "_raceway_obj", None)
            if obj is None and kind == wire.OBJ_SEMAPHORE and lane is not None:
                obj = _number(self, w, kind, "asyncio." + type(self).__name__)  # given before taken
            if obj and lane is not None:
                w.event_on(lane, wire.LOCK_RELEASED, obj)
            if lane is not None:
                _condition_wait_begins(w, task, lane)
        return release(self, *args, **kwargs)

    return traced_release


# asyncio.Condition.wait() lets go of its lock, waits to be notified and takes the lock back, all inside:
# the task carries the condition's number while in wait() (_raceway_condition: positive until the lock is
# let go, then negative until it is asked for again), and that release and that acquire begin and end the
# wait for the condition on its lane.
def _condition_wait_begins(w, task, lane):
    cond = getattr(task, "_raceway_condition", 0)
    if cond > 0:
        task._raceway_condition = -cond
        task._raceway_waiting = True
        w.event_on(lane, wire.WAIT_BEGIN, cond)


def _condition_wait_ends(w, task, lane):
    cond = getattr(task, "_raceway_condition", 0)
    if cond < 0:
        task._raceway_condition = 0
        task._raceway_waiting = False
        w.event_on(lane, wire.WAIT_END, -cond)


def _patch_condition(asyncio, module):
    cls = module.Condition
    wait, notify = cls.wait, cls.notify

    async def traced_wait(self):
        w = _state["wire"]
        task, lane = _task_lane(asyncio)
        if w is None or not w.ok or lane is None:
            return await wait(self)
        obj = _number(self, w, wire.OBJ_CONDITION, "asyncio.Condition")
        if not obj:
            return await wait(self)
        task._raceway_condition = obj
        try:
            return await wait(self)
        finally:
            _condition_wait_ends(w, task, lane)  # where wait() did not take the lock back (an error)
            task._raceway_condition = 0

    def traced_notify(self, n=1):
        w = _state["wire"]
        if w is not None and w.ok:
            obj = _number(self, w, wire.OBJ_CONDITION, "asyncio.Condition")
            if obj:
                task, lane = _task_lane(asyncio)
                if lane is not None:
                    w.event_on(lane, wire.MARK, wire.MARK_NOTIFY, obj)
                else:
                    w.event(wire.MARK, wire.MARK_NOTIFY, obj)
        return notify(self, n)

    cls.wait = traced_wait
    cls.notify = traced_notify


def patch_locks(module):
    """asyncio's Lock, Semaphore (BoundedSemaphore), Condition, Event and Barrier as threading's are traced: a lane each
    (holder or holders, waiters), each task's wait for one drawn as that wait rather than as an await of
    something else, lock and semaphore waits counted in the lock waits."""
    import asyncio

    _LOCKS_FILE[0] = module.__file__
    module.Lock.acquire = _traced_acquire(asyncio, module.Lock.acquire, wire.OBJ_LOCK)
    module.Lock.release = _traced_release(asyncio, module.Lock.release, wire.OBJ_LOCK)
    module.Semaphore.acquire = _traced_acquire(asyncio, module.Semaphore.acquire, wire.OBJ_SEMAPHORE)
    module.Semaphore.release = _traced_release(asyncio, module.Semaphore.release, wire.OBJ_SEMAPHORE)
    _patch_condition(asyncio, module)

    event = module.Event
    wait, set_, clear = event.wait, event.set, event.clear

    async def traced_wait(self):
        w = _state["wire"]
        task, lane = _task_lane(asyncio)
        if w is None or not w.ok or lane is None or self.is_set():
            return await wait(self)
        obj = _number(self, w, wire.OBJ_EVENT, "asyncio.Event")
        if not obj:
            return await wait(self)
        w.event_on(lane, wire.WAIT_BEGIN, obj)
        task._raceway_waiting = True
        try:
            return await wait(self)
        finally:
            task._raceway_waiting = False
            w.event_on(lane, wire.WAIT_END, obj)

    def signal(self, value):
        w = _state["wire"]
        if w is None or not w.ok:
            return
        obj = _number(self, w, wire.OBJ_EVENT, "asyncio.Event")
        if obj:
            task, lane = _task_lane(asyncio)
            if lane is not None:
                w.event_on(lane, wire.SIGNAL, obj, value)
            else:  # a callback of the loop's, not a task: on the thread's lane
                w.event(wire.SIGNAL, obj, value)

    def traced_set(self):
        signal(self, 1)
        return set_(self)

    def traced_clear(self):
        signal(self, 0)
        return clear(self)

    event.wait = traced_wait
    event.set = traced_set
    event.clear = traced_clear

    # asyncio.Barrier (3.11 on) waits on a Condition of its own, which is traced: named after the barrier
    # (it read "asyncio.Condition b._cond"), its lock too.
    barrier = getattr(module, "Barrier", None)
    if barrier is not None:
        barrier_wait = barrier.wait

        async def traced_barrier_wait(self):
            w = _state["wire"]
            cond = getattr(self, "_cond", None)
            if w is not None and w.ok and cond is not None and getattr(cond, "_raceway_obj", None) is None:
                place = _user_place()
                name = "asyncio.Barrier " + (wire.binding_name(self) or place or "")
                for owner, kind, what in ((cond, wire.OBJ_CONDITION, name),
                                          (getattr(cond, "_lock", None), wire.OBJ_LOCK, name + "'s lock")):
                    if owner is None or getattr(owner, "_raceway_obj", None) is not None:
                        continue
                    obj = w.reserve_object() if place is not None else 0
                    if obj:
                        w.describe_object(obj, kind, what)
                    owner._raceway_obj = obj
            return await barrier_wait(self)

        barrier.wait = traced_barrier_wait


def patch_tasks(module):
    """asyncio.sleep: the task is drawn sleeping until its next step, not awaiting I/O (and what it did
    before, holding a lock say, is what it does again)."""
    sleep = module.sleep

    async def traced_sleep(delay, *args, **kwargs):
        task = None
        try:
            task = module.current_task()
        except RuntimeError:
            pass
        if task is None or getattr(task, "_raceway_lane", None) in (None, False):
            return await sleep(delay, *args, **kwargs)
        task._raceway_sleeping = True
        try:
            return await sleep(delay, *args, **kwargs)
        finally:
            task._raceway_sleeping = False

    module.sleep = traced_sleep


def patch_queues(module):
    """asyncio.Queue (LifoQueue, PriorityQueue): a task waiting in get() for an item, or in put() for
    room, is drawn waiting for that queue."""
    import asyncio

    cls = module.Queue
    get, put = cls.get, cls.put

    async def waiting_on(self, coro):
        w = _state["wire"]
        task, lane = _task_lane(asyncio)
        if w is None or not w.ok or lane is None:
            return await coro
        obj = _number(self, w, wire.OBJ_QUEUE, "asyncio." + type(self).__name__)
        if not obj:
            return await coro
        w.event_on(lane, wire.WAIT_BEGIN, obj)
        task._raceway_waiting = True
        try:
            return await coro
        finally:
            task._raceway_waiting = False
            w.event_on(lane, wire.WAIT_END, obj)

    async def traced_get(self):
        if not self.empty():
            return await get(self)
        return await waiting_on(self, get(self))

    async def traced_put(self, item):
        if not self.full():
            return await put(self, item)
        return await waiting_on(self, put(self, item))

    cls.get = traced_get
    cls.put = traced_put
