"""Twenty coroutines on one thread each add 1 to a shared total 20 times: read it, await, write it back.

No two run at once, yet updates are lost: a coroutine that awaits between reading and writing lets the
others run, and then writes back a stale value over their work. Run with "--lock" and each update happens
inside an asyncio.Lock: the others wait for it (drawn waiting on the lock's lane) and none is lost.
Raceway draws the total against the updates made, and what is lost between them (the comment below).
"""
# raceway: watch total/made
import asyncio
import sys

TASKS = 20
STEPS = 20
total = 0
made = 0  # updates made: no await between reading and writing this one, so none is lost


async def add(lock):
    global total, made
    for _ in range(STEPS):
        if lock is None:
            seen = total
            await asyncio.sleep(0)  # the await between reading and writing back
            total = seen + 1
            made += 1
        else:
            async with lock:
                seen = total
                await asyncio.sleep(0)
                total = seen + 1
                made += 1


async def main(use_lock):
    lock = asyncio.Lock() if use_lock else None
    await asyncio.gather(*(add(lock) for _ in range(TASKS)))


use_lock = "--lock" in sys.argv[1:]
asyncio.run(main(use_lock))
print("expected", TASKS * STEPS, "counted", total, "lost", TASKS * STEPS - total, "(lock)" if use_lock else "")
