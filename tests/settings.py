"""Settings for the test suite: the project's settings in test mode, said explicitly.

Test mode allows the built-in secret key and plain HTTP, keeps no persistent
connections and uses a fast password hasher; see giaoban/settings.py.
"""

import os

os.environ["GIAOBAN_TESTING"] = "1"

from giaoban.settings import *  # noqa: E402, F403
from giaoban.settings import DATABASES, INSTALLED_APPS  # noqa: E402

# Test-only models (a directive-like object addressed to units) for the scope mechanism.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoped"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is thrown away after the run: a commit (each migration, each flush
    # and live-server request of a browser test) need not wait for the WAL to reach the disk.
    # A per-connection setting; the server's own (fsync…) are left alone.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
