"""A timer thread ticks every 50 ms while the main thread waits on an Event to stop it."""
import threading
import time

stop = threading.Event()


def ticker():
    n = 0
    while not stop.wait(0.05):
        n += 1
        print("tick", n)


t = threading.Thread(target=ticker, name="ticker")
t.start()
time.sleep(0.3)
stop.set()
t.join()
