"""Five coroutines each wait 200 ms on one event loop thread; gathered, they finish in about 200 ms,
not a second."""
import asyncio
import time


async def wait_a_bit(n):
    await asyncio.sleep(0.2)
    return n


async def main():
    started = time.monotonic()
    results = await asyncio.gather(*(wait_a_bit(n) for n in range(5)))
    print("results", results, "in %.0f ms" % ((time.monotonic() - started) * 1000))


asyncio.run(main())
