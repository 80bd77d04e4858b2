"""Two threads print Ping and Pong in turn, handing the turn over with two Events."""
import threading

ROUNDS = 5
ping_turn = threading.Event()
pong_turn = threading.Event()


def ping():
    for _ in range(ROUNDS):
        ping_turn.wait()
        ping_turn.clear()
        print("Ping")
        pong_turn.set()


def pong():
    for _ in range(ROUNDS):
        pong_turn.wait()
        pong_turn.clear()
        print("Pong")
        ping_turn.set()


players = [threading.Thread(target=ping, name="ping"), threading.Thread(target=pong, name="pong")]
for p in players:
    p.start()
ping_turn.set()
for p in players:
    p.join()
