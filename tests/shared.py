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
import dis
import inspect
import sys

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


def calls(function, wanted):
    """Which of the functions `wanted` the function calls, itself or through the functions
    of tests/ it calls, read from their code: the names it loads (`module.name` too) or
    imports; in the order they are first named. (What a test needs is then built before
    its transaction begins, instead of by the test.)"""
    if any(function is w for w in wanted):
        return [function]
    found, seen = [], set()

    def visit(code, namespace):
        if code in seen:
            return
        seen.add(code)
        loaded = None  # the module the previous instruction loaded, for `module.name`
        imported = None  # the module of `from module import name`
        for instruction in dis.get_instructions(code):
            name = instruction.argval
            if instruction.opname == "LOAD_GLOBAL":
                thing = namespace.get(name)
            elif instruction.opname == "LOAD_ATTR" and inspect.ismodule(loaded):
                thing = getattr(loaded, name, None)
            elif instruction.opname == "IMPORT_NAME":
                imported = sys.modules.get(name)
                continue
            elif instruction.opname == "IMPORT_FROM" and imported is not None:
                thing = getattr(imported, name, None)
            else:
                loaded = None
                continue
            loaded = thing
            if any(thing is w for w in wanted):
                if not any(thing is f for f in found):
                    found.append(thing)
            elif inspect.isfunction(thing) and thing.__module__.startswith("tests."):
                visit(thing.__code__, thing.__globals__)
        for const in code.co_consts:
            if inspect.iscode(const):  # a nested function or a comprehension
                visit(const, namespace)

    visit(function.__code__, function.__globals__)
    return found
