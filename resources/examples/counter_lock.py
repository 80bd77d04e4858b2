"""The same four threads, each increment guarded by one Lock: nothing is lost, and the lock's lane
shows who holds it while the others wait."""
import threading

THREADS = 4
STEPS = 5_000
counter = 0
counter_lock = threading.Lock()


def add_many():
    global counter
    for _ in range(STEPS):
        with counter_lock:
            seen = counter
            counter = seen + 1


workers = [threading.Thread(target=add_many, name="adder-%d" % (n + 1)) for n in range(THREADS)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("expected", THREADS * STEPS, "counted", counter)
