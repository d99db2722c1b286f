"""Live roll-up (tổng hợp): running totals kept in the transaction of every transition.

Each report contributes to the Rollup row of every node on its stored path (the tree
as it stood at the period's end). Values only change while a report is a draft or
returned, when it contributes no figures, so only status changes move totals.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import orjson
from django.db import connection
from django.db.models import Max, Min

from giaoban.core.perf import gc_paused
from giaoban.reports.models import Report, ReportValue, Rollup
from giaoban.units.models import PATH_SEP, Unit, subtree_q

ACCEPTED = "accepted"
COUNTED = "counted"  # accepted + submitted
IN_COUNTED = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)


def path_codes(path):
    return path.strip(PATH_SEP).split(PATH_SEP)


# Figures repeat a lot between child rows and between reads (small counts especially);
# Decimals are immutable, so one per distinct string can be shared. ~5 MB at most.
_decimal = lru_cache(maxsize=1 << 15)(Decimal)


def _d(text):
    return Decimal(text) if text is not None else None


def _s(value):
    return None if value is None else format(value.normalize(), "f")


def _add(bucket, values, sign):
    """Add (sign=1) or remove (sign=-1) one report's values from a {code: [sum, n, min, max]}."""
    stale = []
    for code, value in values.items():
        if value is None:
            continue
        total, count, low, high = bucket.get(code, ["0", 0, None, None])
        total = _d(total) + sign * value
        count += sign
        if sign > 0:
            low = _s(value) if low is None or value < _d(low) else low
            high = _s(value) if high is None or value > _d(high) else high
        elif (low is not None and value <= _d(low)) or (high is not None and value >= _d(high)):
            stale.append(code)  # the extreme left: recompute it from the remaining reports
        if count <= 0:
            bucket.pop(code, None)
        else:
            bucket[code] = [_s(total), count, low, high]
    return stale


def report_values(report):
    return {
        code: value
        for code, value in ReportValue.objects.filter(report=report).values_list(
            "indicator__code", "value"
        )
    }


def apply_transition(report, old_status, new_status, values=None, first_submission=False):
    """Move `report` from old_status to new_status in every ancestor's Rollup (same transaction)."""
    codes = path_codes(report.path)
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
                    for code in _add(bucket, values, 1 if now else -1):
                        stale[(row.pk, mode)].add(code)
    for row in rows:
        for mode in (ACCEPTED, COUNTED):
            codes_to_fix = stale.get((row.pk, mode))
            if codes_to_fix:
                _recompute_extremes(row, mode, codes_to_fix)
    Rollup.objects.bulk_update(rows, ["statuses", "late", "accepted", "counted"])


def _lock_rows(report, node_ids):
    existing = Rollup.objects.filter(
        node_id__in=node_ids, form_id=report.form_id, period_key=report.period_key
    )
    if connection.features.has_select_for_update:
        existing = existing.select_for_update()
    rows = {r.node_id: r for r in existing}
    missing = [nid for nid in node_ids if nid not in rows]
    if missing:
        Rollup.objects.bulk_create(
            [
                Rollup(node_id=nid, form_id=report.form_id, period_key=report.period_key)
                for nid in missing
            ],
            ignore_conflicts=True,
        )
        again = Rollup.objects.filter(
            node_id__in=missing, form_id=report.form_id, period_key=report.period_key
        )
        if connection.features.has_select_for_update:
            again = again.select_for_update()
        rows.update({r.node_id: r for r in again})
    return [rows[nid] for nid in node_ids]


def _recompute_extremes(row, mode, codes):
    from giaoban.units import history

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
        entry = bucket.get(item["indicator__code"])
        if entry:
            entry[2], entry[3] = _s(item["low"]), _s(item["high"])


# ---------------------------------------------------------------------------- reading


def value_of(entry, aggregation):
    """The figure an aggregate bucket entry stands for under the indicator's aggregation."""
    if not entry:
        return None
    total, count, low, high = entry
    if aggregation == "sum":
        return _d(total)
    if aggregation == "avg":
        return (_d(total) / count).quantize(Decimal("0.01")) if count else None
    if aggregation == "min":
        return _d(low)
    if aggregation == "max":
        return _d(high)
    return None


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
    ids = [getattr(n, "pk", n) for n in nodes]
    wanted = [m for m in (ACCEPTED, COUNTED) if buckets and mode in (None, m)]
    if not ids:
        return {}
    # A plain cursor: Django's per-value converters cost more than the decoding itself
    # for a few hundred rows. JSON comes back as text (FastJSONField: a json column on
    # PostgreSQL, selected as text); decoded here with orjson, as the field would.
    quote = connection.ops.quote_name
    text = "::text" if connection.vendor == "postgresql" else ""  # json arrives as text
    columns = ", ".join(
        [quote("node_id"), f"{quote('statuses')}{text}", quote("late")]
        + [f"{quote(m)}{text}" for m in wanted]
    )
    if connection.vendor == "postgresql":
        # One array parameter, not 500 placeholders; typed as the column is, so that the
        # server hashes it (psycopg would send small ids as smallint[], and a cross-type
        # comparison is a linear search: 11,000 rows × 527 ids for a wide table).
        among, id_params = "= ANY(%s::bigint[])", [ids]
    else:
        among, id_params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    sql = (
        f"SELECT {columns} FROM {quote(Rollup._meta.db_table)} "  # noqa: S608 — no input
        f"WHERE form_id = %s AND period_key = %s AND node_id {among}"
    )
    out = {}
    with connection.cursor() as cursor, gc_paused():
        cursor.execute(sql, [getattr(form, "pk", form), period_key, *id_params])
        for node_id, statuses, late, *bucket in cursor.fetchall():
            data = dict(zip(wanted, map(_json, bucket) if decode else bucket, strict=True))
            out[node_id] = RollupRow(
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
    return _totals_of(bucket, planned)


@lru_cache(maxsize=4096)
def _text_totals(text, planned):
    return _totals_of(orjson.loads(text), planned)


def _totals_of(bucket, planned):
    get = bucket.get
    out = {}
    for code, aggregation in planned:
        entry = get(code)
        if entry is None:
            out[code] = None
        elif aggregation == "sum":
            out[code] = _decimal(entry[0])
        else:
            out[code] = value_of(entry, aggregation)
    return out


def covered(row, mode):
    if row is None:
        return 0
    st = row.statuses
    if mode == ACCEPTED:
        return st.get(ACCEPTED, 0)
    return st.get(ACCEPTED, 0) + st.get("submitted", 0)


def weighted_totals(node_ids_with_share, form, period_key, mode, indicators):
    """Totals of other units' rollups, each sum weighted by a lineage share."""
    rows = {
        r.node_id: r
        for r in Rollup.objects.filter(
            node_id__in=[nid for nid, _ in node_ids_with_share], form=form, period_key=period_key
        )
    }
    if not rows:
        return None
    out = {}
    for ind in indicators:
        acc_sum, acc_count, lows, highs, seen = Decimal(0), Decimal(0), [], [], False
        for nid, share in node_ids_with_share:
            row = rows.get(nid)
            entry = getattr(row, mode).get(ind.code) if row else None
            if not entry or share == 0:
                continue
            seen = True
            acc_sum += _d(entry[0]) * share
            acc_count += entry[1] * share
            if entry[2] is not None:
                lows.append(_d(entry[2]))
            if entry[3] is not None:
                highs.append(_d(entry[3]))
        if not seen or ind.aggregation == "none":
            out[ind.code] = None
        elif ind.aggregation == "sum":
            out[ind.code] = acc_sum
        elif ind.aggregation == "avg":
            out[ind.code] = (acc_sum / acc_count).quantize(Decimal("0.01")) if acc_count else None
        elif ind.aggregation == "min":
            out[ind.code] = min(lows) if lows else None
        else:
            out[ind.code] = max(highs) if highs else None
    return out
