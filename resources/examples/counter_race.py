"""Four threads add 1 to one shared counter, with no lock.

Each step reads the counter, does a little work, and writes back what it read plus one. When another
thread writes in between, one of the two increments is lost. Run it a few times: the total differs.
"""
import threading

THREADS = 4
STEPS = 20_000
counter = 0


def add_many():
    global counter
    for _ in range(STEPS):
        seen = counter
        seen = seen + 1  # the gap between reading and writing back
        counter = seen


workers = [threading.Thread(target=add_many, name="adder-%d" % (n + 1)) for n in range(THREADS)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("expected", THREADS * STEPS, "counted", counter, "lost", THREADS * STEPS - counter)
