"""Demo data (dữ liệu trình diễn): synthetic users on real units, and a hook for apps.

Used only by `giaoban demo`, which refuses to run unless GIAOBAN_DEMO=1 or
GIAOBAN_DEBUG=1. Every name here is synthetic ("Cán bộ minh họa 01"): no real
official, signature or document number is ever part of the demo.

Adding demo data from an app
----------------------------
Register a loader with `giaoban.core.registry.demo` (in the app's `ready()`, or in a
module `demo.py` of the app, which `giaoban demo` imports); the loaders run in the
order they were registered, each in its own transaction, after the demo users exist::

    from giaoban.core import registry

    @registry.demo.register
    def load_reports(ctx):
        # ctx.ministry, ctx.department, ctx.province_a (Thái Nguyên), ctx.commune_a,
        # ctx.province_b (Hà Nội) are Units; ctx.users maps username -> User.
        # Re-running the demo must duplicate nothing: use get_or_create/update_or_create.
        ...
        ctx.log("Đã tạo 3 báo cáo minh họa.")

Figures a loader invents must be marked as synthetic where users see them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from giaoban.accounts.models import RoleAssignment, User
from giaoban.core import registry
from giaoban.units.models import Unit

# Known to everyone who reads the source, so only ever set in demo mode.
DEMO_PASSWORD = "giaoban-demo-2026"  # noqa: S105 — public by design, demo mode only

MINISTRY_CODE = "BCA"
DEPARTMENT_NAME = "Cục Công tác đảng và công tác chính trị"
PROVINCE_A_CODE = "T19"  # Công an tỉnh Thái Nguyên
PROVINCE_B_CODE = "T01"  # Công an thành phố Hà Nội


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str  # a RoleAssignment.Role value
    place: str  # which unit of the DemoContext: ministry, province_a, commune_a, province_b
    full_name: str
    position: str


DEMO_USERS = [
    DemoUser("quantri", "admin", "ministry", "Cán bộ minh họa 01", "Quản trị hệ thống"),
    DemoUser(
        "cuc.canbo",
        "officer",
        "ministry",
        "Cán bộ minh họa 02",
        "Cán bộ chuyên trách, Cục Công tác đảng và công tác chính trị",
    ),
    DemoUser(
        "cuc.lanhdao",
        "leader",
        "ministry",
        "Cán bộ minh họa 03",
        "Lãnh đạo Cục Công tác đảng và công tác chính trị",
    ),
    DemoUser("thainguyen.lanhdao", "leader", "province_a", "Cán bộ minh họa 04", "Lãnh đạo"),
    DemoUser(
        "thainguyen.canbo", "officer", "province_a", "Cán bộ minh họa 05", "Cán bộ chuyên trách"
    ),
    DemoUser("xa.lanhdao", "leader", "commune_a", "Cán bộ minh họa 06", "Lãnh đạo"),
    DemoUser("xa.canbo", "officer", "commune_a", "Cán bộ minh họa 07", "Cán bộ chuyên trách"),
    DemoUser("hanoi.canbo", "officer", "province_b", "Cán bộ minh họa 08", "Cán bộ chuyên trách"),
]


class DemoDataMissing(Exception):
    """The units the demo users belong to are not in the database."""


@dataclass
class DemoContext:
    """What a demo loader gets: the demo units, the demo users, and a way to report."""

    ministry: object
    department: object | None
    province_a: object
    commune_a: object
    province_b: object
    users: dict = field(default_factory=dict)
    log: Callable[[str], None] = print

    def unit_for(self, demo_user):
        return getattr(self, demo_user.place)


def loaders():
    return list(registry.demo)


def load_extra(ctx):
    """Run every registered loader, in registration order, each all-or-nothing."""
    for loader in loaders():
        with transaction.atomic():
            loader(ctx)


def find_units(today=None, log=print):
    """The real units the demo is set on, as `giaoban units import` loaded them."""
    today = today or timezone.localdate()
    current = Unit.objects.active_on(today).select_related("level")

    def one(code):
        unit = current.filter(code=code).first()
        if unit is None:
            raise DemoDataMissing(
                f"Không có đơn vị mã {code} đang hoạt động: chạy `giaoban units import` trước."
            )
        return unit

    ministry = current.filter(parent__isnull=True, level__code="bo").order_by("code").first()
    if ministry is None:
        ministry = one(MINISTRY_CODE)
    province_a = one(PROVINCE_A_CODE)
    commune_a = current.filter(parent=province_a, level__code="xa").order_by("code").first()
    if commune_a is None:
        raise DemoDataMissing(f"{province_a} chưa có đơn vị cấp xã: chạy `giaoban units import`.")
    return DemoContext(
        ministry=ministry,
        department=current.filter(parent=ministry, name=DEPARTMENT_NAME).first(),
        province_a=province_a,
        commune_a=commune_a,
        province_b=one(PROVINCE_B_CODE),
        log=log,
    )


class _DemoPassword:
    """One Argon2 hash of DEMO_PASSWORD shared by all demo users.

    Argon2 is slow on purpose; checking and setting eight passwords one by one
    would cost seconds on every start. Each distinct stored hash is checked once.
    """

    def __init__(self):
        self.checked = {}
        self.encoded = None

    def matches(self, encoded):
        if encoded not in self.checked:
            self.checked[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        if self.checked[encoded]:
            self.encoded = self.encoded or encoded
        return self.checked[encoded]

    def hash(self):
        if self.encoded is None:
            self.encoded = make_password(DEMO_PASSWORD)
        return self.encoded


@transaction.atomic
def ensure_users(ctx):
    """Create or bring back the demo users with exactly their demo role; duplicates nothing."""
    password = _DemoPassword()
    for spec in DEMO_USERS:
        unit = ctx.unit_for(spec)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username)
        wanted = {
            "full_name": spec.full_name,
            "position": spec.position,
            "unit": unit,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        }
        changed = user.pk is None
        for name, value in wanted.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed = True
        if not password.matches(user.password) or user.password != password.hash():
            user.password = password.hash()
            changed = True
        if changed:
            user.save()
        RoleAssignment.objects.get_or_create(user=user, unit=unit, role=spec.role)
        for stale in user.role_assignments.exclude(unit=unit, role=spec.role):
            stale.delete()
        ctx.users[spec.username] = user
    return ctx


def logins(ctx):
    """Rows of (username, password, role label, unit name) to show the demo's users."""
    labels = dict(RoleAssignment.Role.choices)
    return [
        (spec.username, DEMO_PASSWORD, str(labels[spec.role]), ctx.unit_for(spec).name)
        for spec in DEMO_USERS
    ]
