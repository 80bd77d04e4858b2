"""Six jobs of 150 ms handed to a pool of three threads: they run in two waves, and the pool's
threads are the lanes."""
import time
from concurrent.futures import ThreadPoolExecutor


def job(n):
    time.sleep(0.15)
    return n * n


with ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool") as pool:
    print("squares", list(pool.map(job, range(6))))
