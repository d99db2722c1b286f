"""Test data built once for the tests of a module, each test still starting from it as it was
built: Django's TestCase.setUpTestData, for pytest fixtures.

The data are written inside a transaction that spans the module; pytest-django opens each
test's own transaction as a savepoint inside it and rolls it back after the test, so what a
test writes never reaches the next one. Each test gets its own deep copy of the Python
objects, so what a test changes in memory does not either.

Some data are costly and needed by a part of the tests only: such a *layer* is a function
of the data that writes what it adds and keeps it on the data (as the walk's `records(w)`
do). A test asks for the layers it needs; the tests that need the same ones share them, and
a test that needs others rolls the previous ones back (to a savepoint) and builds its own.
A layer a test does not ask for is still built the first time the test calls it, inside the
test's transaction, as without sharing.

    @pytest.fixture(scope="module")
    def shared_scene(django_db_setup, django_db_blocker):
        with Shared(django_db_blocker, build_scene) as shared:
            yield shared

    @pytest.fixture
    def scene(shared_scene, db):  # `shared_scene` first: its writes precede the test's
        return shared_scene.copy()
"""

import copy

from django.db import connection, transaction


class Shared:
    def __init__(self, django_db_blocker, build):
        self._blocker = django_db_blocker
        self._build = build

    def __enter__(self):
        with self._blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self._depth = len(connection.atomic_blocks)
            self._base = self._build()
            self._savepoint = transaction.savepoint_create()
        self._layers, self._data = (), self._base
        return self

    def __exit__(self, *exc):
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    def copy(self, layers=()):
        """A copy of the data with `layers` (functions of the data) built, in the database
        and on the data, before the test's own transaction begins."""
        layers = tuple(layers)
        if layers != self._layers:
            if len(connection.atomic_blocks) != self._depth:
                raise RuntimeError(
                    "Shared data must be copied before the test's transaction begins: request "
                    "the fixture that copies it before `db` (or any fixture using the database)."
                )
            with self._blocker.unblock():
                transaction.savepoint_rollback(self._savepoint)
                self._layers, self._data = (), copy.deepcopy(self._base)
                for layer in layers:
                    layer(self._data)
                self._layers = layers
        return copy.deepcopy(self._data)
