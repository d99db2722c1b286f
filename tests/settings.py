"""Settings for the test suite: the project's settings in test mode, said explicitly.

Test mode allows the built-in secret key and plain HTTP, keeps no persistent
connections and uses a fast password hasher; see giaoban/settings.py.
"""

import os

os.environ["GIAOBAN_TESTING"] = "1"

from giaoban.settings import *  # noqa: E402, F403
from giaoban.settings import INSTALLED_APPS  # noqa: E402

# Test-only models (a directive-like object addressed to units) for the scope mechanism.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoped"]
