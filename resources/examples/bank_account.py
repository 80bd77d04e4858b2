"""Three threads deposit into and withdraw from one account, under one lock; a withdrawal that would
take the balance below zero is refused."""
# raceway: watch balance
import threading
import time

balance = 100
account_lock = threading.Lock()
refused = 0


def customer(amount, times):
    global balance, refused
    for _ in range(times):
        with account_lock:
            if amount < 0 and balance + amount < 0:
                refused += 1
            else:
                current = balance
                time.sleep(0.001)  # the teller checks the books
                balance = current + amount


workers = [
    threading.Thread(target=customer, args=(50, 10), name="depositor"),
    threading.Thread(target=customer, args=(-80, 10), name="spender-1"),
    threading.Thread(target=customer, args=(-30, 10), name="spender-2"),
]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("balance", balance, "refused", refused)
