"""Cây đơn vị theo thời gian — the tree of units as it stood on any date.

`Unit.parent` holds a unit's latest parent. A change of parent is a lineage record of
kind "move" naming the unit as both predecessor and successor, its old and its new
parent, and the date. So a unit's parent on a day is the new parent of the latest move
on or before that day; if every move came later, the old parent of the earliest one;
with no move at all, `Unit.parent`. Example: a legacy commune sat under its district
until 28/02/2025, under its province from 01/03/2025 (move record), and closed on
30/06/2025 when its successors took over (merge/split/rename records, with shares).

Speed. The whole tree on a day is computed in Python from two flat queries (every
unit; every lineage row: about 14,200 + 20,700 rows after both imports; ~0.25 s of CPU
on SQLite) and kept in process-local caches, so a warm call costs one small query:

- `_timeline(stamp)` — the rows themselves (one entry);
- `_parents(stamp, day)`, `_paths(stamp, day)`, `_children(stamp, day)` — one dict per
  day (16 days kept); the last lists each unit's children, so a per-child table does
  not scan every path.

Inside `pinned()` (one roll-up read, one page) the stamp query runs once.

The stamp costs one query of four index look-ups and changes whenever the tree can have
changed: the max id of units and of lineage (inserts, bulk ones too), the max id of the
audit entries about units and lineage (every audited change of a unit or lineage row —
save or delete, made in any process — appends one; an index on (model, id) keeps this a
lookup, and changes to reports or users leave the tree cached), and a process-local
generation bumped by save/delete signals and by `invalidate()` (the importers call it).
The generation matters because SQLite hands out ids again after a rollback, so ids
alone could repeat with different rows. (Row counts used to be part of it: on
PostgreSQL they cost a scan of 35,000 rows on every read, and every delete the app
makes is audited anyway.) Counting on the audit log rather than a timestamp column
keeps the models unchanged. Blind spot: a raw SQL change or delete, or a
`QuerySet.update()`, of a unit made in another process without an audit entry (the
importers and `Unit.save` write one). Any audited change of a unit resets the caches; rebuilding is
cheap.
"""

import datetime
from bisect import bisect_right
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models.signals import post_delete, post_save

from giaoban.audit.models import AuditEntry
from giaoban.core.paths import PATH_SEP
from giaoban.units.models import Level, Lineage, Unit

_generation = 0
# Inside `pinned()`: [generation, stamp or None] — the stamp is read once and reused.
_pin = ContextVar("history_pin", default=None)


def invalidate(**_kwargs):
    """Forget every cached tree (called after bulk writes, which fire no signals)."""
    global _generation
    _generation += 1


for _model in (Unit, Lineage):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"history:{_model.__name__}:save")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"history:{_model.__name__}:del")


def _stamp():
    pin = _pin.get()
    if pin is not None and pin[0] == _generation and pin[1] is not None:
        return pin[1]
    value = _read_stamp()
    if pin is not None:
        pin[0], pin[1] = _generation, value
    return value


@contextmanager
def pinned():
    """Read the stamp at most once in this block (one roll-up read, one page).

    Each read of the tree costs the stamp's query otherwise; a page asks for the tree
    several times. A change made in this process inside the block still shows (the
    generation moves on); a change made by another process meanwhile shows from the
    next block, as it would had it come a moment later.
    """
    if _pin.get() is not None:
        yield
        return
    token = _pin.set([_generation, None])
    try:
        yield
    finally:
        _pin.reset(token)


def _latest_audit(audit, label):
    """SQL for the id of the latest audit entry about `label`'s model, and its parameters.

    On PostgreSQL `MAX(id) … WHERE model = 'units.Unit'` is planned as a backward scan of
    the primary key, filtering: the planner expects one entry in ten to match and stops at
    the first, but the tree's entries are old ones (the import), so it reads almost every
    entry made since (139,000 after the demo: 70 ms of the server's CPU, on every page
    that reads the tree). `= ANY(ARRAY[…])` hides the equality from the planner's constant
    folding, so the ordering (model, id) is only the partial index's (audit_tree_latest),
    and reading its last entry costs a lookup. The label is inlined (it comes from the
    code, and a bound parameter would not prove the partial index's condition)."""
    if connection.vendor != "postgresql":
        return f"(SELECT MAX(id) FROM {audit} WHERE model = %s)", [label]  # noqa: S608
    if not label.replace(".", "").replace("_", "").isalnum():
        raise ValueError(f"unexpected model label {label!r}")
    return (
        f"(SELECT id FROM {audit} WHERE model = ANY(ARRAY['{label}']) "  # noqa: S608 — a label of the code
        "ORDER BY model DESC, id DESC LIMIT 1)"
    ), []


def _read_stamp():
    quote = connection.ops.quote_name
    unit, lineage, audit = (quote(m._meta.db_table) for m in (Unit, Lineage, AuditEntry))
    units_sql, units_params = _latest_audit(audit, Unit._meta.label)
    lineage_sql, lineage_params = _latest_audit(audit, Lineage._meta.label)
    sql = (
        f"SELECT (SELECT MAX(id) FROM {unit}), (SELECT MAX(id) FROM {lineage}), "  # noqa: S608 — table names, no input
        f"{units_sql}, {lineage_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*units_params, *lineage_params])
        row = cursor.fetchone()
    return (connection.alias, connection.settings_dict["NAME"], _generation, *row)


def stamp():
    """A cheap value that changes whenever the tree may have changed (for callers' caches)."""
    return _stamp()


class _Timeline:
    """Every unit's validity and parent, every move and every inheritance link."""

    def __init__(self):
        self.code, self.parent, self.span = {}, {}, {}
        rows = Unit.objects.order_by().values_list(
            "id", "code", "parent_id", "active_from", "active_to"
        )
        for pk, code, parent_id, active_from, active_to in rows:
            self.code[pk] = code
            self.parent[pk] = parent_id
            self.span[pk] = (active_from, active_to)
        moves = defaultdict(list)
        self.links = defaultdict(list)  # successor → [(predecessor, date, share)]
        rows = Lineage.objects.order_by().values_list(
            "kind",
            "predecessor_id",
            "successor_id",
            "date",
            "share",
            "old_parent_id",
            "new_parent_id",
        )
        for kind, predecessor, successor, date, share, old_parent, new_parent in rows:
            if kind == Lineage.Kind.MOVE:
                moves[successor].append((date, old_parent, new_parent))
            elif predecessor != successor:
                self.links[successor].append((predecessor, date, share))
        self.moves = {}
        for pk, records in moves.items():
            records.sort(key=lambda r: r[0])
            self.moves[pk] = ([r[0] for r in records], records)

    def active(self, pk, day):
        active_from, active_to = self.span[pk]
        return (active_from is None or active_from <= day) and (
            active_to is None or active_to >= day
        )

    def parent_on(self, pk, day):
        if pk not in self.moves:
            return self.parent[pk]
        dates, records = self.moves[pk]
        i = bisect_right(dates, day)
        if i == 0:
            return records[0][1]  # every move is later: the parent before the first one
        return records[i - 1][2]

    def paths_on(self, day, pks):
        paths = {}
        for pk in pks:
            chain, node = [], pk
            while node is not None and node not in paths:
                chain.append(node)
                if len(chain) > 64:
                    raise ValueError(f"cycle in the unit tree at {self.code[pk]} on {day}")
                node = self.parent_on(node, day)
            prefix = paths[node] if node is not None else ""
            for item in reversed(chain):
                prefix = paths[item] = prefix + self.code[item] + PATH_SEP
        return {pk: paths[pk] for pk in pks}

    def shares(self, pk, day, share, totals, trail):
        """Spread `share` of `pk` over its predecessors active on `day`, link by link."""
        if self.active(pk, day):
            totals[pk] += share
            return
        for predecessor, date, link_share in self.links.get(pk, ()):
            # Only links made after `day` lead back to who was there on `day`.
            if date > day and predecessor not in trail and link_share:
                self.shares(predecessor, day, share * link_share, totals, trail | {predecessor})


@lru_cache(maxsize=1)
def _timeline(stamp):
    return _Timeline()


@lru_cache(maxsize=16)
def _parents(stamp, day):
    timeline = _timeline(stamp)
    return {pk: timeline.parent_on(pk, day) for pk in timeline.code if timeline.active(pk, day)}


@lru_cache(maxsize=16)
def _paths(stamp, day):
    return _timeline(stamp).paths_on(day, list(_parents(stamp, day)))


@lru_cache(maxsize=16)
def _children(stamp, day):
    """{parent id: (child ids ordered by code)} on `day`; roots under None."""
    timeline = _timeline(stamp)
    out = defaultdict(list)
    for pk, parent in _parents(stamp, day).items():
        out[parent].append(pk)
    return {
        parent: tuple(sorted(pks, key=timeline.code.__getitem__)) for parent, pks in out.items()
    }


def _day(day):
    return day.date() if isinstance(day, datetime.datetime) else day


def parents_on(day):
    """{unit id: parent id or None} for every unit active on `day`, with the parent it had then."""
    return dict(_parents(_stamp(), _day(day)))


def paths_on(day):
    """{unit id: materialised path on `day`} for every unit active that day (as Unit.path)."""
    return dict(_paths(_stamp(), _day(day)))


def child_ids_on(unit, day):
    """Ids of the units directly under `unit` (a Unit or an id) on `day`, ordered by code."""
    return _children(_stamp(), _day(day)).get(getattr(unit, "pk", unit), ())


def path_on(unit, day):
    """The path of `unit` (a Unit or an id) on `day`, through the parents it had then."""
    pk = getattr(unit, "pk", unit)
    day = _day(day)
    stamp = _stamp()
    cached = _paths(stamp, day).get(pk)
    if cached is not None:
        return cached
    return _timeline(stamp).paths_on(day, [pk])[pk]  # a unit not active that day


def units_on(day):
    """The units active on `day`, ordered as the tree stood then.

    Each Unit carries `day_parent_id`, `day_path` and `day_depth`: its parent, path and
    depth on `day` (its own `parent` and `path` stay the current ones).
    """
    day = _day(day)
    stamp = _stamp()
    parents, paths = _parents(stamp, day), _paths(stamp, day)
    levels = Level.objects.in_bulk()  # five rows, instead of a join and a Level per unit
    level_cache = Unit._meta.get_field("level")
    units = list(Unit.objects.active_on(day).order_by())
    for unit in units:
        level_cache.set_cached_value(unit, levels[unit.level_id])
        unit.day_parent_id = parents.get(unit.pk, unit.parent_id)
        unit.day_path = paths.get(unit.pk, unit.path)
        unit.day_depth = unit.day_path.count(PATH_SEP) - 1
    units.sort(key=lambda u: u.day_path)
    return units


def predecessor_shares(unit_ids, day):
    """{unit id: [(predecessor id, share)]}: who held each unit's figures on `day`.

    A unit active on `day` is its own predecessor with share 1. Otherwise its merge,
    split and rename links made after `day` are followed back, multiplying the shares
    along the way, to the units active on `day`; a unit reached by several routes sums
    them. Predecessors that pass on nothing (share 0) are left out. Use: the figure of
    "the same period last year" for a unit is Σ share × figure of each predecessor.
    """
    day = _day(day)
    timeline = _timeline(_stamp())
    result = {}
    for pk in unit_ids:
        totals = defaultdict(Decimal)
        if pk in timeline.code:
            timeline.shares(pk, day, Decimal(1), totals, frozenset([pk]))
        result[pk] = sorted((p, s) for p, s in totals.items() if s)
    return result
