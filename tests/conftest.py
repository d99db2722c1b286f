"""The fixed cast every test can use.

    BCA  Bộ Công an (root)
    ├── CTDCT  Cục Công tác đảng và công tác chính trị
    ├── T19    Công an tỉnh Thái Nguyên        ← province A
    │   ├── X05500  Công an phường Phan Đình Phùng   ← commune A1
    │   └── X05800  Công an xã Đại Phúc               ← commune A2 (sibling)
    └── T01    Công an thành phố Hà Nội        ← province B
        └── X00004  Công an phường Ba Đình

Users: ministry_officer / ministry_admin (BCA), leader_a / officer_a (T19),
commune_officer / commune_leader (X05500), officer_b (T01). Password for all: PASSWORD.
"""

import pytest

from giaoban.accounts.models import RoleAssignment, User
from giaoban.units.models import Level, Unit

PASSWORD = "mat-khau-thu-nghiem-2026"


def make_unit(code, name, short, level, parent=None, active_from=None, active_to=None):
    if level == "bo":
        party = "Đảng ủy Công an Trung ương"
    elif level == "xa":
        party = "Chi bộ " + name
    else:
        party = "Đảng ủy " + name
    return Unit.objects.create(
        code=code,
        name=name,
        short_name=short,
        level=Level.objects.get(code=level),
        parent=parent,
        party_name=party,
        command_name=name,
        active_from=active_from,
        active_to=active_to,
    )


def make_user(username, unit, *roles):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        unit=unit,
        full_name=username.replace("_", " ").title(),
    )
    for role in roles:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


class Cast:
    pass


@pytest.fixture
def cast(db):
    return build_cast()


def build_cast():
    """The cast, created in the database (for fixtures that share one beyond a test)."""
    c = Cast()
    c.root = make_unit("BCA", "Bộ Công an", "Bộ Công an", "bo")
    c.department = make_unit(
        "CTDCT", "Cục Công tác đảng và công tác chính trị", "Cục CTĐ, CTCT", "cuc", c.root
    )
    c.province_a = make_unit("T19", "Công an tỉnh Thái Nguyên", "Thái Nguyên", "tinh", c.root)
    c.commune_a1 = make_unit(
        "X05500", "Công an phường Phan Đình Phùng", "Phan Đình Phùng", "xa", c.province_a
    )
    c.commune_a2 = make_unit("X05800", "Công an xã Đại Phúc", "Đại Phúc", "xa", c.province_a)
    c.province_b = make_unit("T01", "Công an thành phố Hà Nội", "Hà Nội", "tinh", c.root)
    c.commune_b1 = make_unit("X00004", "Công an phường Ba Đình", "Ba Đình", "xa", c.province_b)
    c.ministry_admin = make_user("ministry_admin", c.root, "admin")
    c.ministry_officer = make_user("ministry_officer", c.root, "officer")
    c.leader_a = make_user("leader_a", c.province_a, "leader")
    c.officer_a = make_user("officer_a", c.province_a, "officer")
    c.commune_officer = make_user("commune_officer", c.commune_a1, "officer")
    c.commune_leader = make_user("commune_leader", c.commune_a1, "leader")
    c.officer_b = make_user("officer_b", c.province_b, "officer")
    c.password = PASSWORD
    return c


def pytest_configure(config):
    serve_live_server_requests_one_at_a_time_on_sqlite()
    config.addinivalue_line(
        "markers",
        "one_run: uses no database of the test run (its own SQLite files, a subprocess without "
        "DATABASE_URL): run in the SQLite run only, which the PostgreSQL run would repeat as is",
    )


def serve_live_server_requests_one_at_a_time_on_sqlite():
    """The browser tests' live server answers one request at a time on SQLite.

    The test database is then in memory, and Django hands the server's threads the test's
    own connection: two requests of one page at once (the page and its fetch) would use one
    sqlite3 connection from two threads — "bad parameter or other API misuse", a 500, a
    test failing on a loaded machine. One request at a time (as `runserver --nothreading`,
    each answer closing its connection) cannot. PostgreSQL's test database is a real one,
    each thread with its own connection: its live server stays threaded."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The server's thread takes the overrides itself (LiveServerThread.run).
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = SerialWSGIServer


def pytest_collection_modifyitems(config, items):
    """Tests marked `one_run` are left to the SQLite run (deselected, said in the summary);
    then the layers' order below."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        repeated = [item for item in items if item.get_closest_marker("one_run")]
        if repeated:
            config.hook.pytest_deselected(items=repeated)
            items[:] = [item for item in items if not item.get_closest_marker("one_run")]
    order_by_layers(items)


def order_by_layers(items):
    """A module that shares data built in layers (tests/shared.py) names the layers each of
    its tests uses with `shared_layers(item)`: the tests of one function that use the same
    layers then run one after the other, so that each layer is built once, not at every
    change (the order is otherwise kept)."""
    start = 0
    while start < len(items):
        group = (getattr(items[start], "module", None), getattr(items[start], "originalname", None))
        end = start + 1
        while (
            end < len(items)
            and (
                getattr(items[end], "module", None),
                getattr(items[end], "originalname", None),
            )
            == group
        ):
            end += 1
        layers_of = getattr(group[0], "shared_layers", None)
        if layers_of is not None and end - start > 1:
            rank = {}
            keys = [rank.setdefault(layers_of(item), len(rank)) for item in items[start:end]]
            order = sorted(range(start, end), key=lambda i: keys[i - start])
            items[start:end] = [items[i] for i in order]
        start = end


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory):
    """One LibreOffice user profile for the session's conversions (tests/office.py): made on
    the first one, reused by the rest; never the profile of the person running the tests."""
    return tmp_path_factory.mktemp("office-profile")
