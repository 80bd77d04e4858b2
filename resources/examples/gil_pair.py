"""Two threads do CPU-bound work at once. Only the thread holding the GIL runs Python, so they take
turns: together they take about as long as doing the work twice in one thread."""
import threading

STEPS = 2_000_000


def crunch():
    total = 0
    for i in range(STEPS):
        total += i % 7
    return total


workers = [threading.Thread(target=crunch, name="cruncher-%d" % (n + 1)) for n in range(2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("both done")
