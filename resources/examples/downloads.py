"""Pretend downloads of different lengths, one thread each: all together take about as long as the
longest, not their sum."""
import random
import threading
import time

rng = random.Random(12)
lengths = [rng.uniform(0.05, 0.3) for _ in range(5)]


def download(n, seconds):
    time.sleep(seconds)
    print("file %d arrived after %.0f ms" % (n, seconds * 1000))


started = time.monotonic()
workers = [threading.Thread(target=download, args=(n, s), name="download-%d" % n) for n, s in enumerate(lengths, 1)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("all in %.0f ms; the longest was %.0f ms" % ((time.monotonic() - started) * 1000, max(lengths) * 1000))
