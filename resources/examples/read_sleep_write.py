"""Five threads each read the counter, sleep a tenth of a second, and write back what they read plus
one. They all read 0 before any of them writes, so the counter ends at 1, not 5."""
import threading
import time

counter = 0


def slow_increment():
    global counter
    seen = counter
    time.sleep(0.1)
    counter = seen + 1


workers = [threading.Thread(target=slow_increment, name="reader-%d" % (n + 1)) for n in range(5)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("counter", counter)
