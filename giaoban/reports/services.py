"""Reading the roll-up, comparisons and completeness for a unit, form and period."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Exists, OuterRef
from django.utils import timezone

from giaoban.core.perf import gc_paused
from giaoban.reports import periods, rollup
from giaoban.reports.models import Report
from giaoban.units import history
from giaoban.units.models import PATH_SEP, Level, Unit


@dataclass
class Comparison:
    value: Decimal | None
    previous: Decimal | None
    last_year: Decimal | None

    @staticmethod
    def _pct(now, then):
        if now is None or then in (None, 0):
            return None
        return ((now - then) / abs(then) * 100).quantize(Decimal("0.1"))

    @property
    def vs_previous(self):
        return self._pct(self.value, self.previous)

    @property
    def vs_last_year(self):
        return self._pct(self.value, self.last_year)


@dataclass
class ChildRow:
    unit: Unit
    values: dict
    covered: int
    expected: int
    statuses: dict = field(default_factory=dict)


@dataclass
class RollupView:
    node: Unit
    form: object
    period: periods.Period
    mode: str
    indicators: list
    totals: dict
    comparisons: dict
    covered: int
    expected: int
    children: list
    node_path: str | None


@lru_cache(maxsize=64)
def _expected_cached(form_id, level_ids, end, stamp):
    """{node_path: Counter(level_id → expected units)} for every ancestor of each expected unit."""
    paths = history.paths_on(end)
    levels = dict(
        Unit.objects.filter(pk__in=list(paths), level_id__in=level_ids).values_list(
            "id", "level_id"
        )
    )
    counts = defaultdict(Counter)
    for unit_id, level_id in levels.items():
        path = paths[unit_id]
        cut = 0
        while True:
            cut = path.find(PATH_SEP, cut) + 1
            if cut == 0:
                break
            counts[path[:cut]][level_id] += 1
    return counts


def expected_counts(form, period):
    level_ids = tuple(sorted(form.levels.values_list("id", flat=True)))
    return _expected_cached(form.pk, level_ids, period.end, history.stamp())


def node_path(node, period):
    """The node's path on the period's end date, or None if it did not exist then."""
    if not node.active_on(period.end):
        return None
    return history.path_on(node, period.end)


def children_on(node, period):
    """The node's direct children as the tree stood at the period's end, ordered by code.

    The Unit instances (each with its level) are cached per tree stamp and shared
    between callers: read them, do not change them. Any audited change of a unit moves
    the stamp, so names and levels are never stale. 128 lists are kept: at most about
    100 MB if every one were a 579-commune province, a few MB in practice.
    """
    if not node.active_on(period.end):
        return []
    return list(_children_units(history.stamp(), period.end, node.pk))


@lru_cache(maxsize=128)
def _children_units(stamp, day, node_id):
    ids = history.child_ids_on(node_id, day)
    if not ids:
        return ()
    levels = Level.objects.in_bulk()  # five rows, instead of a join and a Level per child
    level_cache = Unit._meta.get_field("level")
    units = Unit.objects.defer("search_text", "party_name", "command_name").in_bulk(ids)
    out = []
    for pk in ids:
        unit = units.get(pk)
        if unit is not None:
            level_cache.set_cached_value(unit, levels[unit.level_id])
            out.append(unit)
    return tuple(out)


def _totals_for(node, form, period, mode, indicators):
    """Totals of the node for a period, through lineage when the node did not exist then."""
    if node.active_on(period.end):
        row = rollup.rows_for([node], form, period.key, mode).get(node.pk)
        return rollup.totals(row, mode, indicators) if row else None
    shares = history.predecessor_shares([node.pk], period.end).get(node.pk) or []
    if not shares:
        return None
    return rollup.weighted_totals(shares, form, period.key, mode, indicators)


def rollup_view(node, form, period, mode=None, version=None, with_children=True):
    """Totals, comparisons, coverage and (unless with_children=False) the per-child table
    of a node for a period."""
    with history.pinned(), gc_paused():
        return _rollup_view(node, form, period, mode, version, with_children)


def _rollup_view(node, form, period, mode, version, with_children):
    mode = mode or rollup.mode_for(form)
    version = version or form.current_version()
    indicators = [i for i in version.indicators.all() if i.aggregation != "none"]
    path = node_path(node, period)
    children = children_on(node, period) if path and with_children else []
    rows = rollup.rows_for([node, *children], form, period.key, mode, decode=False)
    expected = expected_counts(form, period) if path else {}
    own = rows.get(node.pk)
    planned = rollup.plan(indicators)
    totals = (
        rollup.totals(own, mode, indicators, planned)
        if own
        else (_totals_for(node, form, period, mode, indicators) or {})
    )
    prev = _totals_for(node, form, periods.previous(period), mode, indicators) or {}
    last = _totals_for(node, form, periods.same_period_last_year(period), mode, indicators) or {}
    comparisons = {
        i.code: Comparison(totals.get(i.code), prev.get(i.code), last.get(i.code))
        for i in indicators
    }
    child_rows = []
    for child in children:
        crow = rows.get(child.pk)
        cpath = f"{path}{child.code}{PATH_SEP}"
        child_rows.append(
            ChildRow(
                unit=child,
                values=rollup.totals(crow, mode, indicators, planned),
                covered=rollup.covered(crow, mode),
                expected=sum(expected.get(cpath, {}).values()),
                statuses=dict(crow.statuses) if crow else {},
            )
        )
    return RollupView(
        node=node,
        form=form,
        period=period,
        mode=mode,
        indicators=indicators,
        totals=totals,
        comparisons=comparisons,
        covered=rollup.covered(own, mode),
        expected=sum(expected.get(path, {}).values()) if path else 0,
        children=child_rows,
        node_path=path,
    )


@dataclass
class Completeness:
    unit: Unit
    expected: int
    drafted: int
    submitted: int
    accepted: int
    returned: int
    missing: int
    late: int


def _completeness(unit, row, expected_by_level, period, today, deadlines, level_codes):
    st = row.statuses if row else {}
    expected = sum(expected_by_level.values())
    submitted, accepted = st.get("submitted", 0), st.get("accepted", 0)
    late = row.late if row else 0
    for level_id, n in expected_by_level.items():
        if today > period.end + datetime.timedelta(days=deadlines.get(level_id, 0)):
            code = level_codes.get(level_id)
            late += max(0, n - st.get(f"sent:{code}", 0))
    return Completeness(
        unit=unit,
        expected=expected,
        drafted=st.get("draft", 0),
        submitted=submitted,
        accepted=accepted,
        returned=st.get("returned", 0),
        missing=max(0, expected - submitted - accepted),
        late=late,
    )


def completeness(node, form, period, today=None):
    """(overall, [per direct child]) completeness and timeliness."""
    with history.pinned():
        return _completeness_of(node, form, period, today)


def _completeness_of(node, form, period, today):
    today = today or timezone.localdate()
    path = node_path(node, period)
    if path is None:
        return None, []
    children = children_on(node, period)
    rows = rollup.rows_for([node, *children], form, period.key, buckets=False)
    expected = expected_counts(form, period)
    deadlines = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    level_codes = dict(Level.objects.values_list("id", "code"))

    def count(unit, unit_path):
        row = rows.get(unit.pk)
        return _completeness(
            unit, row, expected.get(unit_path, {}), period, today, deadlines, level_codes
        )

    overall = count(node, path)
    per_child = [count(c, f"{path}{c.code}{PATH_SEP}") for c in children]
    return overall, per_child


def missing_units(node, form, period):
    """Expected units of the subtree with nothing in hand (no report, draft or returned)."""
    path = node_path(node, period)
    if path is None:
        return Unit.objects.none()
    paths = history.paths_on(period.end)
    level_ids = list(form.levels.values_list("id", flat=True))
    in_subtree = [uid for uid, p in paths.items() if p.startswith(path)]
    done = Report.objects.filter(
        unit=OuterRef("pk"),
        form=form,
        period_key=period.key,
        status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
    )
    return (
        Unit.objects.filter(pk__in=in_subtree, level_id__in=level_ids)
        .exclude(Exists(done))
        .select_related("level")
        .order_by("path")
    )
