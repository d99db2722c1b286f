"""Live roll-up (tổng hợp): running totals kept in the transaction of every transition.

Each report contributes to the Rollup row of every node on its stored path (the tree
as it stood at the period's end). Values only change while a report is a draft or
returned, when it contributes no figures, so only status changes move totals. Bulk
imports fold their reports bottom-up (`buckets.Tally`) and add the result in
(`merge_tally`); `recompute` builds every row from the reports alone, for the invariant
test. The arithmetic itself is `buckets`.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import orjson
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from giaoban.core import paths
from giaoban.core.bulkwrite import insert_rows
from giaoban.core.paths import subtree_q
from giaoban.core.perf import gc_paused
from giaoban.reports import buckets
from giaoban.reports.models import Report, ReportValue, Rollup
from giaoban.units import history
from giaoban.units.models import Unit

ACCEPTED = "accepted"
COUNTED = "counted"  # accepted + submitted
IN_COUNTED = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)


def report_values(report):
    return {
        code: value
        for code, value in ReportValue.objects.filter(report=report).values_list(
            "indicator__code", "value"
        )
    }


def apply_transition(report, old_status, new_status, values=None, first_submission=False):
    """Move `report` from old_status to new_status in every ancestor's Rollup (same transaction)."""
    codes = paths.codes(report.path)
    node_ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "id"))
    rows = _lock_rows(report, [node_ids[c] for c in codes if c in node_ids])
    need_values = (old_status in IN_COUNTED) != (new_status in IN_COUNTED) or (
        (old_status == ACCEPTED) != (new_status == ACCEPTED)
    )
    if need_values and values is None:
        values = report_values(report)
    level_code = report.unit.level.code
    stale = defaultdict(set)
    for row in rows:
        st = row.statuses
        if old_status:
            st[old_status] = st.get(old_status, 0) - 1
        if new_status:
            st[new_status] = st.get(new_status, 0) + 1
        if first_submission:
            key = f"sent:{level_code}"
            st[key] = st.get(key, 0) + 1
            if report.is_late:
                row.late += 1
        if need_values:
            for mode, members in ((ACCEPTED, (ACCEPTED,)), (COUNTED, IN_COUNTED)):
                was, now = old_status in members, new_status in members
                if was != now:
                    bucket = getattr(row, mode)
                    for code in buckets.add_report(bucket, values, 1 if now else -1):
                        stale[(row.pk, mode)].add(code)
    for row in rows:
        for mode in (ACCEPTED, COUNTED):
            codes_to_fix = stale.get((row.pk, mode))
            if codes_to_fix:
                _recompute_extremes(row, mode, codes_to_fix)
    _save_rows(rows)


def _save_rows(rows):
    """Write the moved rows back: one plain UPDATE per row, sent together. (bulk_update
    builds a CASE expression per column, which costs more Python than the four rows.)"""
    fields = [Rollup._meta.get_field(name) for name in ("statuses", "late", "accepted", "counted")]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Rollup._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _lock_rows(report, node_ids):
    """The rows of the report's nodes, locked in node order — the order every writer of
    roll-up rows takes them in (`merge_tally` too), so that two never deadlock."""
    existing = Rollup.objects.filter(
        node_id__in=node_ids, form_id=report.form_id, period_key=report.period_key
    ).order_by("node_id")
    if connection.features.has_select_for_update:
        existing = existing.select_for_update()
    rows = {r.node_id: r for r in existing}
    missing = [nid for nid in node_ids if nid not in rows]
    if missing:
        Rollup.objects.bulk_create(
            [
                Rollup(node_id=nid, form_id=report.form_id, period_key=report.period_key)
                for nid in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        again = Rollup.objects.filter(
            node_id__in=missing, form_id=report.form_id, period_key=report.period_key
        ).order_by("node_id")
        if connection.features.has_select_for_update:
            again = again.select_for_update()
        rows.update({r.node_id: r for r in again})
    return [rows[nid] for nid in node_ids]


def _recompute_extremes(row, mode, codes):
    node = Unit.objects.get(pk=row.node_id)
    end = row.form.period(row.period_key).end
    statuses = (ACCEPTED,) if mode == ACCEPTED else IN_COUNTED
    reports = Report.objects.filter(
        subtree_q(history.path_on(node, end), "path"),
        form_id=row.form_id,
        period_key=row.period_key,
        status__in=statuses,
    )
    agg = (
        ReportValue.objects.filter(report__in=reports, indicator__code__in=codes)
        .values("indicator__code")
        .annotate(low=Min("value"), high=Max("value"))
    )
    bucket = getattr(row, mode)
    for item in agg:
        buckets.set_extremes(bucket, item["indicator__code"], item["low"], item["high"])


# ---------------------------------------------------------------------------- reading


def mode_for(form):
    return COUNTED if form.count_submitted else ACCEPTED


@dataclass(slots=True)
class RollupRow:
    """A Rollup row as read for display (no model instance: wide tables read hundreds)."""

    node_id: int
    statuses: dict
    late: int
    accepted: dict
    counted: dict


def rows_for(nodes, form, period_key, mode=None, buckets=True, decode=True):
    """{node id: RollupRow} of the nodes (Units or ids).

    With `mode`, only that bucket is read and decoded (the other is left empty); with
    buckets=False neither is (statuses and lateness only); with decode=False buckets stay
    the JSON text the database sent, for `totals` to memoise. The garbage collector is held
    off while the rows are decoded: a 500-child table allocates tens of thousands of
    small lists, which would otherwise set off collections that cost as much again.
    """
    return rows_over(nodes, form, [period_key], mode, buckets, decode)[period_key]


def rows_over(nodes, form, period_keys, mode=None, buckets=True, decode=True):
    """{period key: {node id: RollupRow}}: rows_for over several periods in one query
    (the previous period and the same one last year of a page, read together)."""
    ids = [getattr(n, "pk", n) for n in nodes]
    keys = list(dict.fromkeys(period_keys))
    wanted = [m for m in (ACCEPTED, COUNTED) if buckets and mode in (None, m)]
    out = {key: {} for key in keys}
    if not ids or not keys:
        return out
    # A plain cursor: Django's per-value converters cost more than the decoding itself
    # for a few hundred rows. JSON comes back as text (FastJSONField: a json column on
    # PostgreSQL, selected as text); decoded here with orjson, as the field would.
    quote = connection.ops.quote_name
    text = "::text" if connection.vendor == "postgresql" else ""  # json arrives as text
    columns = ", ".join(
        [quote("period_key"), quote("node_id"), f"{quote('statuses')}{text}", quote("late")]
        + [f"{quote(m)}{text}" for m in wanted]
    )
    if connection.vendor == "postgresql":
        # One array parameter, not 500 placeholders; typed as the column is, so that the
        # server hashes it (psycopg would send small ids as smallint[], and a cross-type
        # comparison is a linear search: 11,000 rows × 527 ids for a wide table).
        among, id_params = "= ANY(%s::bigint[])", [ids]
    else:
        among, id_params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    if len(keys) == 1:
        in_period, key_params = "= %s", keys
    else:
        in_period, key_params = f"IN ({', '.join(['%s'] * len(keys))})", keys
    sql = (
        f"SELECT {columns} FROM {quote(Rollup._meta.db_table)} "  # noqa: S608 — no input
        f"WHERE form_id = %s AND period_key {in_period} AND node_id {among}"
    )
    with connection.cursor() as cursor, gc_paused():
        cursor.execute(sql, [getattr(form, "pk", form), *key_params, *id_params])
        for key, node_id, statuses, late, *bucket in cursor.fetchall():
            data = dict(zip(wanted, map(_json, bucket) if decode else bucket, strict=True))
            out[key][node_id] = RollupRow(
                node_id, _json(statuses), late, data.get(ACCEPTED, {}), data.get(COUNTED, {})
            )
    return out


def _json(value):
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def plan(indicators):
    """((code, aggregation), …) in the indicators' order: how `totals` reads a bucket."""
    return tuple((i.code, i.aggregation) for i in indicators)


def totals(row, mode, indicators, planned=None):
    """{indicator code: figure} of a row under `mode`: value_of, unrolled for sums (wide
    tables call this once per child row; pass `planned` = plan(indicators) then).

    A bucket still in JSON text (rows_for(decode=False)) is read through a memo keyed by
    the text itself: the same text always gives the same figures, so nothing can go
    stale, and a table read again — most reads of a period long closed — skips the
    decoding and the Decimals. At most 4,096 buckets (about 20 MB) are kept.
    """
    planned = planned or plan(indicators)
    bucket = getattr(row, mode) if row else None
    if not bucket:
        return dict.fromkeys((i.code for i in indicators), None)
    if isinstance(bucket, (str, bytes)):
        return dict(_text_totals(bucket, planned))
    return buckets.figures(bucket, planned)


@lru_cache(maxsize=4096)
def _text_totals(text, planned):
    return buckets.figures(orjson.loads(text), planned)


def counts(row, mode):
    """{indicator code: number of reports behind its figure} of a row under `mode`."""
    bucket = getattr(row, mode) if row else None
    if not bucket:
        return {}
    if isinstance(bucket, (str, bytes)):
        return _text_counts(bucket)
    return {code: entry[1] for code, entry in bucket.items()}


@lru_cache(maxsize=256)
def _text_counts(text):
    return {code: entry[1] for code, entry in orjson.loads(text).items()}


def covered(row, mode):
    if row is None:
        return 0
    st = row.statuses
    if mode == ACCEPTED:
        return st.get(ACCEPTED, 0)
    return st.get(ACCEPTED, 0) + st.get("submitted", 0)


def weighted_totals(node_ids_with_share, form, period_key, mode, indicators):
    """Totals of other units' rollups, each weighted by a lineage share (None if none)."""
    shares = dict(node_ids_with_share)
    rows = rows_for(list(shares), form, period_key, mode)
    if not rows:
        return None
    return {
        ind.code: buckets.weighted(
            [(getattr(row, mode).get(ind.code), shares[nid]) for nid, row in rows.items()],
            ind.aggregation,
        )
        for ind in indicators
    }


def children_totals(rows, mode, indicators):
    """{code: figure} over several nodes' rows (e.g. a unit's direct children), exactly:
    sums and counts add, extremes take the extreme, averages stay averages of reports."""
    acc = buckets.merged(getattr(row, mode) for row in rows)
    return {i.code: buckets.value_of(acc.get(i.code), i.aggregation) for i in indicators}


# ---------------------------------------------------------------------------- bulk


def merge_tally(form, period_key, tally, batch=2000):
    """Add a tally to the period's stored Rollup rows (creating the missing ones).

    The existing rows of every node it touches are locked first, all in node order, as a
    transition locks its own (`_lock_rows`): the tally is drained deepest first, in
    batches, and a batch of communes locked before the ministry's row would otherwise
    deadlock with a transition that holds the ministry's row and waits for a commune's."""
    if connection.features.has_select_for_update:
        _lock_nodes(form, period_key, tally, batch)
    nodes = tally.drain()
    while chunk := list(islice(nodes, batch)):
        ids = dict(Unit.objects.filter(code__in=[c[0] for c in chunk]).values_list("code", "id"))
        existing = Rollup.objects.filter(form=form, period_key=period_key, node_id__in=ids.values())
        if connection.features.has_select_for_update:
            existing = existing.select_for_update()
        rows = {r.node_id: r for r in existing}
        fresh = []
        for code, statuses, late, accepted, counted in chunk:
            row = rows.get(ids[code])
            if row is None:
                fresh.append(
                    Rollup(
                        node_id=ids[code],
                        form=form,
                        period_key=period_key,
                        statuses=statuses,
                        late=late,
                        accepted=accepted,
                        counted=counted,
                    )
                )
                continue
            row.statuses = dict(Counter(row.statuses) + Counter(statuses))
            row.late += late
            if accepted:
                row.accepted = buckets.dump(buckets.merged([row.accepted, accepted]))
            if counted:
                row.counted = buckets.dump(buckets.merged([row.counted, counted]))
        insert_rows(Rollup, fresh)
        Rollup.objects.bulk_update(
            list(rows.values()), ["statuses", "late", "accepted", "counted"], batch_size=500
        )


def _lock_nodes(form, period_key, tally, batch):
    codes = sorted({code for path in tally.nodes for code in paths.codes(path)})
    ids = sorted(Unit.objects.filter(code__in=codes).values_list("id", flat=True))
    rows = Rollup.objects.filter(form=form, period_key=period_key).order_by("node_id")
    for i in range(0, len(ids), batch):
        list(rows.filter(node_id__in=ids[i : i + batch]).select_for_update().values_list("pk"))


def recompute(form, period_key):
    """Every node's Rollup contents computed from the reports alone: {node_id: dict}."""
    reports = list(
        Report.objects.filter(form=form, period_key=period_key).values_list(
            "id", "path", "status", "first_submitted_at", "deadline", "unit__level__code"
        )
    )
    values = defaultdict(dict)
    for rid, code, value in (
        ReportValue.objects.filter(report__form=form, report__period_key=period_key)
        .values_list("report_id", "indicator__code", "value")
        .iterator(chunk_size=20000)
    ):
        values[rid][code] = value
    tally = buckets.Tally()
    for rid, path, status, first_sent, deadline, level in reports:
        late = first_sent is not None and timezone.localtime(first_sent).date() > deadline
        tally.add(path, status, level, first_sent is not None, late, values.pop(rid, {}))
    folded = {code: rest for code, *rest in tally.drain()}
    ids = dict(Unit.objects.filter(code__in=list(folded)).values_list("code", "id"))
    return {
        ids[code]: {"statuses": st, "late": late, "accepted": acc, "counted": cnt}
        for code, (st, late, acc, cnt) in folded.items()
    }
