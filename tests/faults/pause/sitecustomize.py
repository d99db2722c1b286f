"""Loaded at start-up by the server that tests/faults/test_kill.py kills (this folder is put
first on its PYTHONPATH; Python imports `sitecustomize` by itself). With
GB_FAULT_PAUSE_TABLE set, the request that bulk-writes rows into that table stops right
after they are written — the import's transaction open, what follows it (the tally, the
roll-up, the audit entries, the commit) not yet done — writes GB_FAULT_MARKER, and waits
there to be killed. The test then kills the server at a moment it knows, instead of
guessing one from timings. Nothing else of the server is changed."""

import os

TABLE = os.environ.get("GB_FAULT_PAUSE_TABLE")

if TABLE:
    import json
    import threading
    import time
    from pathlib import Path

    from giaoban.core import bulkwrite

    _insert_values = bulkwrite.insert_values

    def insert_values(model, fields, rows, *args, **kwargs):
        result = _insert_values(model, fields, rows, *args, **kwargs)
        if model._meta.db_table == TABLE:
            marker = Path(os.environ["GB_FAULT_MARKER"])
            state = {"pid": os.getpid(), "thread": threading.get_ident(), "table": TABLE}
            marker.write_text(json.dumps(state), encoding="utf-8")
            time.sleep(600)  # killed long before
        return result

    # Before any module takes the name with `from giaoban.core.bulkwrite import …`.
    bulkwrite.insert_values = insert_values
