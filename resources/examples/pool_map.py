"""Pool.map: two worker processes square a list of numbers; the results come back in input order."""
import multiprocessing as mp


def square(n):
    total = 0
    for i in range(200_000):
        total += i % 3
    return n * n


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print("squares", pool.map(square, range(8)))
