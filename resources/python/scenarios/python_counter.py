"""Raceway's python-counter scenario: the tutorials' shared counter in real Python.

THREADS threads each add 1 to one module-level counter ITERATIONS times, with `counter += 1`, guarded
by one threading.Lock when LOCK is "on". Each thread also counts its own increments in a cell of its
own (`done`), which no other thread writes: their sum is what the counter should hold. Raceway watches
both (`counter` against `done`) and draws what is lost between them.

usage: python_counter.py THREADS ITERATIONS on|off
"""
import sys
import threading

THREADS = int(sys.argv[1])
ITERATIONS = int(sys.argv[2])
LOCKED = sys.argv[3] == "on"

counter = 0
done = [0] * THREADS
lock = threading.Lock()


def add_unlocked(me):
    global counter
    for n in range(1, ITERATIONS + 1):
        counter += 1
        done[me] = n


def add_locked(me):
    global counter
    for n in range(1, ITERATIONS + 1):
        with lock:
            counter += 1
        done[me] = n


work = add_locked if LOCKED else add_unlocked
adders = [threading.Thread(target=work, args=(i,), name="adder-%d" % (i + 1)) for i in range(THREADS)]
for a in adders:
    a.start()
for a in adders:
    a.join()
expected = THREADS * ITERATIONS
print("expected %d, counted %d, lost %d" % (expected, counter, expected - counter))
