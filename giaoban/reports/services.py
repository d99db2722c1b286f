"""Reading the roll-up, comparisons and completeness for a unit, form and period."""

import datetime
import hashlib
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import orjson
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.core import periods
from giaoban.core.paths import PATH_SEP
from giaoban.core.perf import gc_paused
from giaoban.reports import buckets, rollup
from giaoban.reports.models import Report
from giaoban.units import history
from giaoban.units.models import Level, Unit

FULL, COMMON, NONE = "full", "common", "none"


@dataclass
class Basis:
    """What a comparison is made over (cơ sở so sánh).

    full: every unit expected to report did, in every period compared — totals compare;
    common: some are missing, so the figures compared are those of the `units` (of
    `of`) direct children of the node that have every report in, in every period
    compared (like with like: the same units on both sides);
    none: no comparison can honestly be made (the tree changed and data is incomplete,
    or nothing reported in one of the periods).
    """

    kind: str
    units: int = 0
    of: int = 0  # the node's direct children, of which `units` are compared

    @property
    def comparable(self):
        return self.kind != NONE


def pct(now, then):
    """The change from `then` to `now` in percent, 1 decimal (None if it cannot be said)."""
    if now is None or then in (None, 0):
        return None
    return ((now - then) / abs(then) * 100).quantize(Decimal("0.1"))


@dataclass
class Comparison:
    """One indicator this period, beside the previous period and the same period last year.

    `value`, `previous`, `last_year` are each period's own totals (what was reported).
    A change is computed only from a like-with-like pair (this period's figure and the
    other period's, over the same units): `previous_pair` and `last_year_pair`, None when
    no honest comparison can be made. On a "common" basis the pairs are the figures of
    the `basis.units` units that reported in every period compared (`base_value`).
    """

    value: Decimal | None
    previous: Decimal | None
    last_year: Decimal | None
    basis: Basis = field(default_factory=lambda: Basis(FULL))
    last_year_basis: Basis | None = None
    previous_pair: tuple | None = None
    last_year_pair: tuple | None = None
    base_value: Decimal | None = None

    def __post_init__(self):
        if self.basis.kind == FULL:
            self.previous_pair = (self.value, self.previous)
            self.base_value = self.value
            if self.last_year_basis is None:
                self.last_year_pair = (self.value, self.last_year)

    @property
    def shown_previous(self):
        """The previous period's figure as compared (the same units on a common basis)."""
        if self.basis.kind == COMMON:
            return self.previous_pair[1] if self.previous_pair else None
        return self.previous

    @property
    def shown_last_year(self):
        basis = self.last_year_basis or self.basis
        if basis.kind == COMMON:
            return self.last_year_pair[1] if self.last_year_pair else None
        return self.last_year

    @property
    def vs_previous(self):
        return pct(*self.previous_pair) if self.previous_pair else None

    @property
    def vs_last_year(self):
        return pct(*self.last_year_pair) if self.last_year_pair else None


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
    counts: dict = field(default_factory=dict)  # code → reports behind the figure

    @property
    def basis(self):
        """The page's basis of comparison (the same for every indicator)."""
        first = next(iter(self.comparisons.values()), None)
        return first.basis if first else Basis(NONE)

    @property
    def last_year_basis(self):
        first = next(iter(self.comparisons.values()), None)
        return (first.last_year_basis or first.basis) if first else Basis(NONE)


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
    """{node path: Counter(level id → units expected to report)} on the period's end date.

    The form's levels are read once per form instance (a page asks for three periods).
    """
    return _expected_cached(form.pk, _level_ids(form), period.end, history.stamp())


def _level_ids(form):
    """The ids of the levels that report on the form, sorted: read once per form instance
    (from the levels prefetched with it when they were)."""
    level_ids = form.__dict__.get("_expected_level_ids")
    if level_ids is None:
        level_ids = tuple(sorted(level.pk for level in form.levels.all()))
        form.__dict__["_expected_level_ids"] = level_ids
    return level_ids


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


@dataclass
class Figures:
    """A node's totals for one period, and how many expected units they cover."""

    totals: dict
    covered: int
    expected: int
    same_tree: bool  # the node itself existed then (no lineage needed)

    @property
    def complete(self):
        return self.expected > 0 and self.covered == self.expected


UNREAD = object()  # _figures: the node's row has not been read yet


def _figures(node, form, period, mode, indicators, row=UNREAD):
    """The node's Figures for a period, through lineage when it did not exist then."""
    if node.active_on(period.end):
        if row is UNREAD:
            row = rollup.rows_for([node], form, period.key, mode).get(node.pk)
        path = history.path_on(node, period.end)
        expected = sum(expected_counts(form, period).get(path, {}).values())
        totals = rollup.totals(row, mode, indicators) if row else {}
        return Figures(totals, rollup.covered(row, mode), expected, True)
    shares = dict(history.predecessor_shares([node.pk], period.end).get(node.pk) or [])
    if not shares:
        return Figures({}, 0, 0, False)
    rows = rollup.rows_for(list(shares), form, period.key, mode)
    counts = expected_counts(form, period)
    paths = history.paths_on(period.end)
    expected = sum(sum(counts.get(paths.get(pk, ""), {}).values()) for pk in shares)
    covered = sum(rollup.covered(r, mode) for r in rows.values())
    totals = rollup.weighted_totals(list(shares.items()), form, period.key, mode, indicators)
    return Figures(totals or {}, covered, expected, False)


def _complete(row, expected, mode):
    return expected > 0 and rollup.covered(row, mode) == expected


def _children_state(children, form, period, mode, rows=None):
    """{child id: (row, complete)} of the node's children for a period (None: the child
    did not exist then)."""
    ids = [c.pk for c in children if c.active_on(period.end)]
    if rows is None:
        rows = rollup.rows_for(ids, form, period.key, mode, decode=False)
    counts = expected_counts(form, period)
    out = {}
    for child in children:
        if not child.active_on(period.end):
            out[child.pk] = None
            continue
        expected = sum(counts.get(history.path_on(child, period.end), {}).values())
        row = rows.get(child.pk)
        out[child.pk] = (row, _complete(row, expected, mode))
    return out


def _bucket(row, mode):
    bucket = getattr(row, mode) if row else None
    if isinstance(bucket, (str, bytes)):
        return orjson.loads(bucket)
    return bucket or {}


# common_figures' results, keyed by a digest of the very bucket texts they are made of: a
# change of any child's figures is a change of its text, hence of the key, so a result can
# never be stale (nothing to invalidate); per process, the latest few kept.
_COMMON_MEMO = OrderedDict()
_COMMON_MEMO_SIZE = 64
_common_lock = threading.Lock()


def _common_key(chosen, states, compared, mode, indicators):
    """A digest of everything common_figures' result depends on, or None when a bucket is
    not at hand as stored text (then nothing is memoised)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((mode, [(i.code, i.aggregation) for i in indicators])).encode())
    for p in compared:
        digest.update(b"\x00period " + p.key.encode())
        state = states[p.key]
        for pk in chosen:
            row = state[pk][0]
            text = getattr(row, mode) if row else b""
            if isinstance(text, str):
                text = text.encode()
            elif not isinstance(text, bytes):
                return None
            digest.update(b"\x00%d:" % len(text))
            digest.update(text)
    return digest.digest()


def common_figures(children, states, compared, mode, indicators):
    """(units, {period key: {code: figure}}): the figures of the children complete in every
    period of `compared` (the same units in each), period by period.

    Merging a few hundred children's buckets costs milliseconds a page; the result is
    memoised under a digest of those buckets' stored text (see _common_key)."""
    chosen = [
        c.pk
        for c in children
        if all(states[p.key].get(c.pk) and states[p.key][c.pk][1] for p in compared)
    ]
    key = _common_key(chosen, states, compared, mode, indicators)
    if key is not None:
        with _common_lock:
            hit = _COMMON_MEMO.get(key)
            if hit is not None:
                _COMMON_MEMO.move_to_end(key)
        if hit is not None:
            return len(chosen), {k: dict(v) for k, v in hit.items()}
    out = {}
    for p in compared:
        acc = buckets.merged(_bucket(states[p.key][pk][0], mode) for pk in chosen)
        out[p.key] = {i.code: buckets.value_of(acc.get(i.code), i.aggregation) for i in indicators}
    if key is not None:
        with _common_lock:
            _COMMON_MEMO[key] = {k: dict(v) for k, v in out.items()}
            while len(_COMMON_MEMO) > _COMMON_MEMO_SIZE:
                _COMMON_MEMO.popitem(last=False)
    return len(chosen), out


def compare(node, form, period, mode, indicators, now, children=None, rows=None):
    """{code: Comparison} for this period against the previous one and the same one last
    year, like with like (see Basis): whole totals when everything is in; otherwise the
    node's direct children that have all their reports in, in every period compared."""
    prev_p, last_p = periods.previous(period), periods.same_period_last_year(period)
    past = [p for p in (prev_p, last_p) if node.active_on(p.end)]
    own = rollup.rows_over([node], form, [p.key for p in past], mode)
    prev, last = (
        _figures(node, form, p, mode, indicators, own[p.key].get(node.pk, None))
        if p.key in own
        else _figures(node, form, p, mode, indicators)
        for p in (prev_p, last_p)
    )

    def make(code, basis, last_basis=None):
        return Comparison(
            now.totals.get(code),
            prev.totals.get(code),
            last.totals.get(code),
            basis,
            last_year_basis=last_basis,
        )

    if now.complete and prev.complete and last.complete:
        return {i.code: make(i.code, Basis(FULL)) for i in indicators}
    last_basis = None
    if not last.same_tree:  # through lineage: its units are not this period's units
        last_basis = Basis(FULL) if (now.complete and last.complete) else Basis(NONE)
    matched = [p for p, f in ((prev_p, prev), (last_p, last)) if f.same_tree and f.covered]
    units, base = 0, {}
    if now.covered and matched and now.same_tree:
        if children is None:
            children = children_on(node, period)
        states = {period.key: _children_state(children, form, period, mode, rows)}
        ids = [c.pk for c in children]
        past_rows = rollup.rows_over(ids, form, [p.key for p in matched], mode, decode=False)
        for p in matched:
            states[p.key] = _children_state(children, form, p, mode, past_rows[p.key])
        units, base = common_figures(children, states, [period, *matched], mode, indicators)
    basis = Basis(COMMON, units, len(children or ())) if units else Basis(NONE)
    out = {}
    for i in indicators:
        c = make(i.code, basis, last_basis)
        if units:
            c.base_value = base[period.key][i.code]
            if prev_p in matched:
                c.previous_pair = (c.base_value, base[prev_p.key][i.code])
            if last_p in matched:
                c.last_year_pair = (c.base_value, base[last_p.key][i.code])
        if last_basis is not None and last_basis.kind == FULL:
            c.last_year_pair = (c.value, c.last_year)
        out[i.code] = c
    return out


@dataclass
class ChildRow:
    """One child of the node in the per-child table; its figures are read when first used,
    so a page showing 50 children of 500 decodes 50 buckets."""

    unit: Unit
    row: object
    mode: str
    indicators: list
    planned: tuple
    covered: int
    expected: int
    statuses: dict = field(default_factory=dict)
    _values: dict | None = None

    @property
    def values(self):
        if self._values is None:
            self._values = rollup.totals(self.row, self.mode, self.indicators, self.planned)
        return self._values


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
    planned = rollup.plan(indicators)
    own = rows.get(node.pk) if path else None
    if path:
        now = Figures(
            rollup.totals(own, mode, indicators, planned) if own else {},
            rollup.covered(own, mode),
            sum(expected.get(path, {}).values()),
            True,
        )
    else:
        now = _figures(node, form, period, mode, indicators)
    child_rows = []
    for child in children:
        crow = rows.get(child.pk)
        child_rows.append(
            ChildRow(
                unit=child,
                row=crow,
                mode=mode,
                indicators=indicators,
                planned=planned,
                covered=rollup.covered(crow, mode),
                expected=sum(expected.get(f"{path}{child.code}{PATH_SEP}", {}).values()),
                statuses=dict(crow.statuses) if crow else {},
            )
        )
    return RollupView(
        node=node,
        form=form,
        period=period,
        mode=mode,
        indicators=indicators,
        totals=now.totals,
        comparisons=compare(
            node,
            form,
            period,
            mode,
            indicators,
            now,
            children if with_children else None,
            rows if with_children else None,
        ),
        covered=now.covered if path else 0,
        expected=now.expected if path else 0,
        children=child_rows,
        node_path=path,
        counts=rollup.counts(own, mode),
    )


def basis_notes(view, where=None):
    """What the comparisons of a page are made over, in words (shown beside them); `where`
    names the figures on that basis (the table's "Cùng đơn vị" columns by default)."""
    basis, last_basis = view.basis, view.last_year_basis
    notes = []
    if basis.kind == COMMON:
        where = where or _("cột “Cùng đơn vị”")
        notes.append(
            _(
                "Kỳ này mới có số liệu của %(covered)s/%(expected)s đơn vị: các so sánh chỉ "
                "tính trên %(units)s/%(of)s đơn vị trực thuộc đã đủ số liệu ở cả kỳ này và kỳ "
                "so sánh (%(where)s), không so tổng chưa đầy đủ với tổng đầy đủ."
            )
            % {
                "covered": view.covered,
                "expected": view.expected,
                "units": basis.units,
                "of": basis.of,
                "where": where,
            }
        )
    elif basis.kind == NONE:
        notes.append(
            _(
                "Chưa so sánh được: chưa có đơn vị trực thuộc nào đủ số liệu ở cả kỳ này và kỳ "
                "so sánh, nên không so tổng chưa đầy đủ với tổng đầy đủ."
            )
        )
    if view.comparisons and last_basis.kind == NONE and basis.kind != NONE:
        notes.append(
            _(
                "Cùng kỳ năm trước: cây đơn vị đã thay đổi, số liệu quy đổi theo tỷ lệ kế thừa "
                "chỉ được so sánh khi cả hai kỳ đã đủ báo cáo."
            )
        )
    return notes


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


ID_LIST_PARAMETER = 200  # ids from which a list goes to the database as one parameter


def _id_list(ids):
    """A value for `pk__in`: the ids themselves, or for a long list (a national subtree
    holds thousands of units) one parameter the database unpacks — a JSON array on SQLite,
    an array on PostgreSQL — instead of thousands of placeholders that Django writes and
    the database binds, once for the page's count and once for its rows."""
    if len(ids) < ID_LIST_PARAMETER:
        return ids
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [orjson.dumps(list(ids)).decode()])
    return ids


def missing_units(node, form, period):
    """Expected units of the subtree with nothing in hand (no report, draft or returned)."""
    path = node_path(node, period)
    if path is None:
        return Unit.objects.none()
    paths = history.paths_on(period.end)
    level_ids = list(_level_ids(form))
    in_subtree = [uid for uid, p in paths.items() if p.startswith(path)]
    done = Report.objects.filter(
        unit=OuterRef("pk"),
        form=form,
        period_key=period.key,
        status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
    )
    return (
        Unit.objects.filter(pk__in=_id_list(in_subtree), level_id__in=level_ids)
        .exclude(Exists(done))
        .select_related("level")
        .order_by("path")
    )
