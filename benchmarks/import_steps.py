"""Where the activity import's time goes, step by step (bench_documents.py's import measure).

`ImportSteps()` is a context: inside it, the steps of `giaoban.activities.bulk.import_rows`
are timed — this process's CPU, the PostgreSQL server process's CPU (from /proc) and wall
time — by wrapping the functions that make them (a dozen calls per import: the wrapping
itself costs nothing measurable). `lines(rows)` gives them in microseconds a row.

The steps, in the order they run:

- check: every row read and checked as one record is (`bulk._check`), with the reads of
  the units, the caller's rights and the sessions' documents;
- ids drawn (`reserve_ids`);
- activities: their rows made and written (executemany / the COPY), without the Python
  work done while PostgreSQL writes them (the next two);
- tally's deltas and audit snapshots: Python, made while PostgreSQL writes the activities;
- tally's upserts;
- audit entries written (`BulkWriter.write_json`);
- register: the sessions' (document, unit) records (`sync_dissemination`);
- commit: what is left of the transaction — on PostgreSQL the deferred foreign-key checks
  of every row, on SQLite writing the changed pages to the WAL (and the checkpoint);
- the rest of `import_rows` (the SQLite page cache set and set back).
"""

import time
from collections import defaultdict
from contextlib import contextmanager

from measure import backend_cpu, backend_pid

ORDER = (
    ("check", "check (read, validate, rights, documents)"),
    ("ids", "ids drawn"),
    ("activities", "activities: rows made and written"),
    ("deltas", "tally's deltas (Python, while the server writes)"),
    ("snapshots", "audit snapshots (Python, while the server writes)"),
    ("upserts", "tally's upserts"),
    ("audit", "audit entries written"),
    ("register", "register's dissemination records"),
    ("commit", "commit (PG: deferred FK checks; SQLite: pages to WAL)"),
    ("rest", "the rest"),
)


class ImportSteps:
    def __init__(self):
        self.spent = defaultdict(lambda: [0.0, 0.0, 0.0])  # step → [ours, server, wall]
        self.pid = backend_pid()
        self.undo = []

    def __enter__(self):
        from giaoban.activities import bulk, services, tally
        from giaoban.audit.registry import BulkWriter

        self._wrap(services, "import_rows", "all")
        self._wrap(bulk, "_check", "check")
        self._wrap(bulk, "_write", "write")
        self._wrap(bulk, "reserve_ids", "ids")
        self._wrap(bulk, "insert_values", "insert")
        self._wrap(tally.Deltas, "add_many", "deltas")
        self._wrap(tally.Deltas, "prepare", "deltas", then="upserts")
        self._wrap(bulk, "_audit_entries", "snapshots", consume=True)
        self._wrap(BulkWriter, "write_json", "audit")
        self._wrap(bulk, "sync_dissemination", "register")
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self.undo):
            setattr(owner, name, original)
        self.undo = []

    def _wrap(self, owner, name, step, consume=False, then=None):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            with self._timing(step):
                out = original(*args, **kwargs)
                out = list(out) if consume else out
            if then is not None:  # a function returned, to be timed as a step of its own
                return self._timed_call(out, then)
            return out

        self.undo.append((owner, name, original))
        setattr(owner, name, timed)

    def _timed_call(self, fn, step):
        def call(*args, **kwargs):
            with self._timing(step):
                return fn(*args, **kwargs)

        return call

    @contextmanager
    def _timing(self, step):
        at = (time.process_time(), backend_cpu(self.pid), time.perf_counter())
        try:
            yield
        finally:
            now = (time.process_time(), backend_cpu(self.pid), time.perf_counter())
            row = self.spent[step]
            for i in range(3):
                row[i] += now[i] - at[i]

    def _derived(self):
        s = {k: list(v) for k, v in self.spent.items()}
        zero = [0.0, 0.0, 0.0]

        def minus(total, *parts):
            out = list(s.get(total, zero))
            for part in parts:
                for i in range(3):
                    out[i] -= s.get(part, zero)[i]
            return out

        # The activities' insert_values ran the Python of the next two while the server wrote.
        s["activities"] = minus("insert", "deltas", "snapshots")
        s["commit"] = minus("write", "ids", "insert", "upserts", "audit", "register")
        s["rest"] = minus("all", "check", "write")
        return s

    def lines(self, rows):
        """The steps in µs a row: ours, the server's, wall."""
        s = self._derived()
        out = [f"{'import, per row':52s} {'ours':>7s} {'server':>7s} {'wall':>7s}  (µs)"]
        total = [0.0, 0.0, 0.0]
        for key, label in ORDER:
            ours, server, wall = s.get(key, [0.0, 0.0, 0.0])
            total = [total[0] + ours, total[1] + server, total[2] + wall]
            out.append(f"  {label:50s} {_us(ours, rows)} {_us(server, rows)} {_us(wall, rows)}")
        out.append(
            f"  {'total':50s} {_us(total[0], rows)} {_us(total[1], rows)} {_us(total[2], rows)}"
        )
        return out


def _us(seconds, rows):
    return f"{seconds * 1e6 / rows:7.1f}"
