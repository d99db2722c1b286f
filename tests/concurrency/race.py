"""Running two sides of a race for real: each in its own thread, with its own database
connection and its own transactions, started together or in a forced order.

- `together(*calls)`: every call waits at one barrier, then all run at once.
- `Held(monkeypatch, owner, name)`: the first side to reach `owner.name` (a function it
  calls after it has read — and, when the code is right, locked — what it will change,
  and before it writes) is held there; `Held.race(first, second)` starts the second side
  only then and lets the first go on once the second is waiting for it (PostgreSQL: a
  backend of this database waits for a lock) or has finished. That forces the worst
  interleaving every time instead of hoping for it: without the lock, the second side
  reads what the first has not yet written, and finishes first.
"""

import threading
import time
from dataclasses import dataclass

from django.db import connection, connections

TIMEOUT = 30  # seconds: a side still running after this is a failure, not a hang


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None

    @property
    def ok(self):
        return self.error is None


def _side(call, outcome, barrier=None):
    def run():
        try:
            if barrier is not None:
                barrier.wait(TIMEOUT)
            outcome.value = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the test
            outcome.error = exc
        finally:
            connections.close_all()

    return run


def _join(threads):
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a side of the race never finished"


def together(*calls):
    """[Outcome] of the calls, run at the same instant in threads of their own."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]
    threads = [
        threading.Thread(target=_side(call, out, barrier), name=f"side-{i}")
        for i, (call, out) in enumerate(zip(calls, outcomes, strict=True))
    ]
    for thread in threads:
        thread.start()
    _join(threads)
    return outcomes


def lock_waiters():
    """How many backends of the test database wait for a lock (PostgreSQL), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


class Held:
    """Hold the first side at `owner.name` until the second waits for it (see module)."""

    def __init__(self, monkeypatch, owner, name):
        self.reached, self.go = threading.Event(), threading.Event()
        self.waited = None  # whether the second side was seen waiting for a lock
        self.passed = None  # whether the second side finished while the first was held
        original = getattr(owner, name)

        def held(*args, **kwargs):
            if threading.current_thread().name == "first" and not self.reached.is_set():
                self.reached.set()
                self.go.wait(TIMEOUT)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    def race(self, first, second):
        """(first's Outcome, second's Outcome). May be run again for another race."""
        self.reached.clear()
        self.go.clear()
        outcomes = Outcome(), Outcome()
        one = threading.Thread(target=_side(first, outcomes[0]), name="first")
        two = threading.Thread(target=_side(second, outcomes[1]), name="second")
        one.start()
        try:
            assert self.reached.wait(TIMEOUT), "the first side never reached the hold"
            two.start()
            self.waited = self._wait_for(two)
            self.passed = not two.is_alive()
        finally:
            self.go.set()
        _join([one, two] if two.ident else [one])
        return outcomes

    def _wait_for(self, thread):
        """Until `thread` waits for a lock (True) or has finished (False). SQLite cannot
        say: its writers queue on the database file's lock (the IMMEDIATE transaction
        the first side holds), so the second side is given a moment to reach it."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            waiting = lock_waiters()
            if waiting is None:
                thread.join(0.3)
                return False
            if waiting:
                return True
            if not thread.is_alive():
                return False
            time.sleep(0.01)
        return False
