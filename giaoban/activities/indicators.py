"""What a report's indicator may be computed from in the activity log (chỉ tiêu tính từ
nhật ký hoạt động): the number of activities of given kinds, and the participants of
activities of given kinds — all of them, or only party members, officers or others.

Registered as `core.registry.indicator_sources` by `ActivitiesConfig.ready()`; the
reports app asks by key and never imports this module. A value counts the unit's OWN
activities (its unit id), never its subtree's: the report's roll-up adds the subtree up.
Each batch is one grouped query on the (unit, date) index.
"""

from django.db.models import Count, IntegerField, Sum, Value
from django.utils.translation import gettext_lazy as _

from giaoban.activities.models import Activity, ActivityKind
from giaoban.activities.views.common import log_url
from giaoban.core import registry

GROUPS = (
    ("party_members", _("Đảng viên")),
    ("officers", _("Cán bộ, chiến sĩ chưa là đảng viên")),
    ("others", _("Người khác (ngoài lực lượng)")),
)


def kind_choices():
    """Every kind, the inactive ones too: an indicator may count a kind no longer offered
    for new records (its old records still count)."""
    return [(k.code, k.name) for k in ActivityKind.objects.order_by("order", "name")]


KINDS = registry.SourceParam(
    "kinds",
    _("Loại hoạt động"),
    kind_choices,
    help_text=_("Chỉ các hoạt động thuộc những loại được chọn."),
)
PEOPLE = registry.SourceParam(
    "groups",
    _("Người tham dự được tính"),
    lambda: list(GROUPS),
    help_text=_("Chọn cả ba nhóm để tính mọi người tham dự."),
)


def _activities(unit_ids, start, end, params):
    kinds = ActivityKind.objects.filter(code__in=params["kinds"]).values("pk")
    return (
        Activity.objects.filter(unit_id__in=list(unit_ids), date__gte=start, date__lte=end)
        .filter(kind_id__in=kinds)
        .order_by()
        .values("unit_id")
    )


def count(unit_ids, start, end, params):
    """{unit id: number of its own activities of the kinds, dated start…end}."""
    rows = _activities(unit_ids, start, end, params).annotate(n=Count("pk"))
    return {row["unit_id"]: row["n"] for row in rows}


def participants(unit_ids, start, end, params):
    """{unit id: participants of the chosen groups in its own activities of the kinds}."""
    total = Value(0, output_field=IntegerField())
    for group in params["groups"]:
        total = total + Sum(group)
    rows = _activities(unit_ids, start, end, params).annotate(n=total)
    return {row["unit_id"]: row["n"] or 0 for row in rows}


def link(unit, start, end, params):
    """The unit's own activities of the kinds in the window, in the log."""
    kinds = params.get("kinds") or []
    which = {"kind": kinds[0]} if len(kinds) == 1 else {"kinds": ",".join(kinds)}
    return log_url(unit, scope="own", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}", **which)


COUNT = registry.IndicatorSource(
    key="activities.count",
    label=_("Số hoạt động (theo loại)"),
    group=_("Nhật ký hoạt động"),
    compute=count,
    link=link,
    params=(KINDS,),
    order=10,
)
PARTICIPANTS = registry.IndicatorSource(
    key="activities.participants",
    label=_("Lượt người tham dự hoạt động (theo loại)"),
    group=_("Nhật ký hoạt động"),
    compute=participants,
    link=link,
    params=(KINDS, PEOPLE),
    order=11,
)


def register():
    registry.indicator_sources.register(COUNT)
    registry.indicator_sources.register(PARTICIPANTS)
