"""Five threads each read the counter, wait until all five have read it, sleep a tenth of a second,
and write back what they read plus one. Every one of them read 0, so the counter ends at 1, not 5."""
import threading
import time

counter = 0
all_have_read = threading.Barrier(5)


def slow_increment():
    global counter
    seen = counter
    all_have_read.wait()  # however slowly the threads start, no write comes before the last read
    time.sleep(0.1)
    counter = seen + 1


workers = [threading.Thread(target=slow_increment, name="reader-%d" % (n + 1)) for n in range(5)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("counter", counter)
