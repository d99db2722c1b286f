"""Running totals of the activity log (số liệu tổng hợp hoạt động), kept in the transaction
of every write.

Each activity counts in one `ActivityTally` row per node on its path (the ministry, its
province, its commune), for its kind and its half-month (`bucket`: the 1st for days
1–14, the 15th for the 15th to the month's end). A write adds or takes away its deltas
with one upsert per row (`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, on
SQLite and PostgreSQL alike), in key order, so that concurrent writers never lose an
update nor deadlock on each other.

Reading: a period is cut into the whole halves it covers, read from the tally, and the
days at its edges that do not fill a half (a window with a cut-off day other than the
1st or the 15th), read from the activities themselves — a few days, never the period.
`recompute` counts everything again from the activities, for the invariant test.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from giaoban.activities.models import Activity, ActivityTally
from giaoban.core import paths
from giaoban.core.paths import subtree_q
from giaoban.units.models import Unit

ONE_DAY = datetime.timedelta(days=1)
SUMS = ("party_members", "officers", "others")


@dataclass
class Totals:
    """Activities and participants of a selection."""

    activities: int = 0
    party_members: int = 0
    officers: int = 0
    others: int = 0

    @property
    def participants(self):
        return self.party_members + self.officers + self.others

    def add(self, n, party_members, officers, others):
        self.activities += n or 0
        self.party_members += party_members or 0
        self.officers += officers or 0
        self.others += others or 0
        return self

    def merge(self, other):
        return self.add(other.activities, other.party_members, other.officers, other.others)

    def minus(self, other):
        return Totals(
            self.activities - other.activities,
            self.party_members - other.party_members,
            self.officers - other.officers,
            self.others - other.others,
        )

    def as_tuple(self):
        return (self.activities, self.party_members, self.officers, self.others)


# ---------------------------------------------------------------------------- halves


def bucket_of(day):
    """The first day of the half-month holding `day`."""
    return day.replace(day=1 if day.day < 15 else 15)


def bucket_end(bucket):
    if bucket.day == 1:
        return bucket.replace(day=14)
    return bucket.replace(day=calendar.monthrange(bucket.year, bucket.month)[1])


def _next_bucket(bucket):
    return bucket_end(bucket) + ONE_DAY


def split(start, end):
    """(first whole half, last whole half, [edge (from, to)]) of the days start…end.

    The whole halves are None when none fits; the edges are the days outside them.
    """
    first = bucket_of(start)
    if first != start:
        first = _next_bucket(first)
    last = bucket_of(end)
    if bucket_end(last) != end:
        last = bucket_of(last - ONE_DAY)
    if first > last:
        return None, None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - ONE_DAY))
    if bucket_end(last) < end:
        edges.append((bucket_end(last) + ONE_DAY, end))
    return first, last, edges


# ---------------------------------------------------------------------------- writing


class Deltas:
    """What a write adds to (or takes from) the tally, by (node id, kind id, bucket)."""

    def __init__(self):
        self.rows = defaultdict(lambda: [0, 0, 0, 0])
        self._ids = {}

    def node_ids(self, path):
        """The ids of the nodes on `path`, root first (one query per new path)."""
        ids = self._ids.get(path)
        if ids is None:
            codes = paths.codes(path)
            found = dict(Unit.objects.filter(code__in=codes).values_list("code", "id"))
            ids = self._ids[path] = [found[c] for c in codes if c in found]
        return ids

    def preload(self, path_list, known=None):
        """Read the node ids of many paths at once (the bulk path); `known` ({code: id},
        the units the caller has already read) are not asked again."""
        wanted = {p for p in path_list if p not in self._ids}
        found = dict(known or {})
        codes = {c for p in wanted for c in paths.codes(p)} - found.keys()
        code_list = list(codes)
        for i in range(0, len(code_list), 900):
            chunk = code_list[i : i + 900]
            found.update(Unit.objects.filter(code__in=chunk).values_list("code", "id"))
        for p in wanted:
            self._ids[p] = [found[c] for c in paths.codes(p) if c in found]

    def add(self, path, kind_id, day, sign, party_members, officers, others):
        bucket = bucket_of(day)
        for node_id in self.node_ids(path):
            row = self.rows[(node_id, kind_id, bucket)]
            row[0] += sign
            row[1] += sign * party_members
            row[2] += sign * officers
            row[3] += sign * others

    def add_many(self, items):
        """Add many activities, given as (path, kind id, day, party members, officers,
        others): summed by (path, kind, half) first, then spread over each path's nodes
        (the bulk path: thousands of rows share a few thousand keys)."""
        leaves = {}
        halves = {}
        for path, kind_id, day, party_members, officers, others in items:
            bucket = halves.get(day)
            if bucket is None:
                bucket = halves[day] = bucket_of(day)
            key = (path, kind_id, bucket)
            row = leaves.get(key)
            if row is None:
                leaves[key] = [1, party_members, officers, others]
            else:
                row[0] += 1
                row[1] += party_members
                row[2] += officers
                row[3] += others
        rows = self.rows
        nodes = {}
        for (path, kind_id, bucket), (n, pm, off, oth) in leaves.items():
            ids = nodes.get(path)
            if ids is None:
                ids = nodes[path] = self.node_ids(path)
            for node_id in ids:
                row = rows[(node_id, kind_id, bucket)]
                row[0] += n
                row[1] += pm
                row[2] += off
                row[3] += oth

    def add_activity(self, activity, sign):
        self.add(
            activity.path,
            activity.kind_id,
            activity.date,
            sign,
            activity.party_members,
            activity.officers,
            activity.others,
        )

    def apply(self):
        """Write the deltas as upserts, in key order (no lost update, no deadlock)."""
        return self.prepare()()

    def prepare(self):
        """`apply` in two steps: the statements and their values are made now (Python
        only: the bulk path does it while PostgreSQL is still writing the activities),
        and written by calling what this returns, which returns how many rows."""
        changed = sorted((k, v) for k, v in self.rows.items() if any(v))
        self.rows.clear()
        if not changed:
            return lambda: 0
        quote = connection.ops.quote_name
        table = quote(ActivityTally._meta.db_table)
        counted = ("activities", *SUMS)
        columns = ", ".join(quote(c) for c in ("node_id", "kind_id", "bucket", *counted))
        updates = ", ".join(
            f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in counted
        )
        conflict = (
            f"ON CONFLICT ({quote('node_id')}, {quote('kind_id')}, {quote('bucket')}) "
            f"DO UPDATE SET {updates}"
        )
        if connection.vendor == "postgresql" and len(changed) > 1:
            # One statement per chunk over arrays (unnest keeps the key order): a bulk
            # import touches tens of thousands of rows, one round trip each was most of it.
            # The arrays go as their text ("{1,2,3}"), cast by the server: the driver's
            # array adaptation, value by value, was most of this step.
            arrays = (
                "unnest(%s::text::bigint[], %s::text::bigint[], %s::text::date[], "
                "%s::text::bigint[], %s::text::bigint[], %s::text::bigint[], %s::text::bigint[])"
            )
            sql = f"INSERT INTO {table} ({columns}) SELECT * FROM {arrays} {conflict}"  # noqa: S608
            chunks = [
                [_array_text(col) for col in zip(*_flat(changed[i : i + 10_000]), strict=True)]
                for i in range(0, len(changed), 10_000)
            ]

            def write():
                with connection.cursor() as cursor:
                    for params in chunks:
                        cursor.execute(sql, params)
                return len(changed)

            return write
        sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) {conflict}"  # noqa: S608
        adapt = connection.ops.adapt_datefield_value
        halves = {b: adapt(b) for b in {b for (_n, _k, b), _v in changed}}
        params = [(n, k, halves[b], *v) for (n, k, b), v in changed]

        def write_many():
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
            return len(params)

        return write_many


def _array_text(values):
    """A PostgreSQL array literal of ints or dates ("{1,2}", "{2026-03-01}")."""
    return "{" + ",".join(map(str, values)) + "}"


def _flat(changed):
    return [(n, k, b, *v) for (n, k, b), v in changed]


# ---------------------------------------------------------------------------- reading


def _tally_rows(node_ids, first, last, kind=None):
    qs = ActivityTally.objects.filter(node_id__in=node_ids, bucket__gte=first, bucket__lte=last)
    if kind is not None:
        qs = qs.filter(kind_id=getattr(kind, "pk", kind))
    return qs


def _sum_fields():
    """Counts and sums of activity rows."""
    return {"n": Count("id"), **{name: Sum(name) for name in SUMS}}


def _edge_q(edges):
    q = Q()
    for low, high in edges:
        q |= Q(date__gte=low, date__lte=high)
    return q


def _edge_activities(node, edges, kind=None):
    if paths.depth(node.path) == 0:
        # A root's subtree is (nearly) every activity: its path index would scan the whole
        # log for a few days (4 s for 1,000,000 on SQLite). Test the prefix by an
        # expression no index serves, so that the days are read through the date index.
        qs = Activity.objects.alias(root=Substr("path", 1, len(node.path))).filter(root=node.path)
    else:
        qs = Activity.objects.filter(subtree_q(node.path, "path"))
    qs = qs.filter(_edge_q(edges))
    if kind is not None:
        qs = qs.filter(kind_id=getattr(kind, "pk", kind))
    return qs


def _tally_sums():
    """Sums of tally rows, in the shape of _sum_fields."""
    return {"n": Sum("activities"), **{name: Sum(name) for name in SUMS}}


def totals(node, start, end, kind=None):
    """Totals of the activities of `node`'s subtree dated start…end (of one kind)."""
    out = Totals()
    first, last, edges = split(start, end)
    if first is not None:
        row = _tally_rows([node.pk], first, last, kind).aggregate(**_tally_sums())
        out.add(row["n"], row["party_members"], row["officers"], row["others"])
    if edges:
        row = _edge_activities(node, edges, kind).aggregate(**_sum_fields())
        out.add(row["n"], row["party_members"], row["officers"], row["others"])
    return out


def by_kind(node, start, end):
    """{kind id: Totals} of `node`'s subtree dated start…end."""
    out = defaultdict(Totals)
    first, last, edges = split(start, end)
    if first is not None:
        rows = _tally_rows([node.pk], first, last).values("kind_id").annotate(**_tally_sums())
        for r in rows:
            out[r["kind_id"]].add(r["n"], r["party_members"], r["officers"], r["others"])
    if edges:
        rows = _edge_activities(node, edges).values("kind_id").annotate(**_sum_fields())
        for r in rows:
            out[r["kind_id"]].add(r["n"], r["party_members"], r["officers"], r["others"])
    return dict(out)


def by_node(node, children, start, end, kind=None):
    """{child id: Totals} for each of `children` (units directly below `node`), each with
    its subtree, dated start…end."""
    out = defaultdict(Totals)
    first, last, edges = split(start, end)
    ids = [c.pk for c in children]
    if first is not None and ids:
        rows = _tally_rows(ids, first, last, kind).values("node_id").annotate(**_tally_sums())
        for r in rows:
            out[r["node_id"]].add(r["n"], r["party_members"], r["officers"], r["others"])
    if edges and ids:
        by_code = {c.code: c.pk for c in children}
        depth = paths.depth(node.path) + 1
        rows = _edge_activities(node, edges, kind).values("path").annotate(**_sum_fields())
        for r in rows:
            codes = paths.codes(r["path"])
            child = by_code.get(codes[depth]) if len(codes) > depth else None
            if child is not None:
                out[child].add(r["n"], r["party_members"], r["officers"], r["others"])
    return dict(out)


# ---------------------------------------------------------------------------- checking


def recompute():
    """{(node id, kind id, bucket): (n, party members, officers, others)} from the
    activities alone — what the tally must hold (its rows of all zeros aside)."""
    deltas = Deltas()
    for path, kind_id, day, pm, off, oth in Activity.objects.values_list(
        "path", "kind_id", "date", "party_members", "officers", "others"
    ).iterator(chunk_size=5000):
        deltas.add(path, kind_id, day, 1, pm, off, oth)
    return {k: tuple(v) for k, v in deltas.rows.items() if any(v)}


def stored():
    """The tally's rows that are not all zeros, in the shape of `recompute`."""
    return {
        (node_id, kind_id, bucket): (n, pm, off, oth)
        for node_id, kind_id, bucket, n, pm, off, oth in ActivityTally.objects.values_list(
            "node_id", "kind_id", "bucket", "activities", *SUMS
        )
        if n or pm or off or oth
    }
