"""Two processes add to one multiprocessing.Value. With its lock held around each addition the total
is exact; the lanes show both processes."""
import multiprocessing as mp

STEPS = 2_000


def add(total):
    for _ in range(STEPS):
        with total.get_lock():
            total.value += 1


if __name__ == "__main__":
    total = mp.Value("i", 0)
    workers = [mp.Process(target=add, args=(total,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("expected", 2 * STEPS, "total", total.value)
