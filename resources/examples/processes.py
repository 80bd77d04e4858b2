"""Two processes do the same CPU-bound work at the same time. Each has its own interpreter and its
own GIL, so on two cores they run side by side."""
import multiprocessing as mp

STEPS = 3_000_000


def crunch(label):
    total = 0
    for i in range(STEPS):
        total += i % 7
    print(label, "done", total)


if __name__ == "__main__":
    workers = [mp.Process(target=crunch, args=("worker-%d" % (n + 1),), name="cruncher-%d" % (n + 1)) for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("exit codes", [w.exitcode for w in workers])
