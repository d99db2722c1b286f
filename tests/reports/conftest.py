import pytest

from giaoban.reports.demo_form import ensure_demo_form
from tests.conftest import make_user


@pytest.fixture
def form(cast):
    return ensure_demo_form()


@pytest.fixture
def leaders(cast):
    """A leader at every unit of the cast (for submitting and for approving children)."""
    out = {}
    for unit in [
        cast.root,
        cast.department,
        cast.province_a,
        cast.commune_a1,
        cast.commune_a2,
        cast.province_b,
        cast.commune_b1,
    ]:
        out[unit.code] = make_user(f"lead_{unit.code.lower()}", unit, "leader")
    out["X05500"] = cast.commune_leader
    out["T19"] = cast.leader_a
    return out


GOOD = {
    "GD01": 4,
    "GD02": 120,
    "XD01": 3,
    "XD02": 40,
    "XD03": 2,
    "XD05": 1,
    "TD02": 1,
    "VH01": 2,
    "VH02": 60,
    "DV01": 3,
    "GD09": "95,5",
    "VH08": 80,
}
TEXTS = {"KQ": "Tổ chức quán triệt đầy đủ (số liệu thử nghiệm).", "PH": "Tiếp tục triển khai."}


@pytest.fixture
def computed_form(form):
    """The demo form with its dissemination figures (GD01, GD02) computed from the
    activity log, as the demo's loader makes it."""
    from giaoban.reports.demo_form import ensure_computed

    return ensure_computed(form)


def record_session(user, unit, day, kind="quan-triet", members=10, officers=5, others=3):
    """An activity of `unit` in the activity log, through its service."""
    from giaoban.activities import services

    return services.record(
        user,
        unit,
        date=day,
        kind=kind,
        title="Hội nghị quán triệt nghị quyết (số liệu thử nghiệm)",
        form="direct",
        party_members=members,
        officers=officers,
        others=others,
        notes="",
    )
