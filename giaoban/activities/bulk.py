"""Many activities at once (nhập nhiều hoạt động): the bulk path behind Excel uploads, the
API's bulk create, the demo and the benchmark. All or nothing, with every problem named.

`import_rows` runs two steps:

- check: each row's unit (a code, a `Unit`, or the `unit` option), the caller's right to
  record for it, and its fields through `validation.clean` — the very checks of a single
  record — with one `Problem` per field at fault, carrying the row's index;
- write, only when no row has a problem, in one transaction: the activities at bulk-load
  speed (executemany / COPY through `core.bulkwrite`), the tally's deltas in one pass, one
  audit entry per activity through `BulkWriter` (as the receivers would write it), and the
  register's dissemination record of every (document, unit) pair touched, set-based.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.activities import tally
from giaoban.activities.models import Activity
from giaoban.activities.records import may_record, search_text, sync_dissemination
from giaoban.activities.validation import FIELDS, ActivityError, Context, Problem, clean_row
from giaoban.audit.registry import BulkWriter, JSONText
from giaoban.core.bulkwrite import insert_values
from giaoban.core.scope import VIEW, can
from giaoban.units.models import Unit

COLUMNS = (
    "unit",
    "path",
    "date",
    "kind",
    "title",
    "form",
    "party_members",
    "officers",
    "others",
    "notes",
    "document",
    "created_by",
    "created_at",
    "updated_at",
    "is_demo",
    "search_text",
)
KEYS = frozenset((*FIELDS, "unit"))
BATCH = 5000
PAGE_CACHE_KIB = 64 * 1024  # SQLite's page cache during a large import (KiB)
CHUNK = 900  # ids per IN (…) list: far below SQLite's variable limit


@dataclass
class BulkResult:
    """What an import wrote."""

    created: int = 0
    ids: list = field(default_factory=list)  # the new activities' ids, in the rows' order
    units: int = 0  # distinct units written to
    sessions: int = 0  # rows that are dissemination sessions

    @property
    def rows_created(self):
        return self.created


@dataclass
class Row:
    index: int
    unit: object
    values: dict


def import_rows(
    user,
    rows,
    *,
    unit=None,
    is_demo=False,
    check_scope=True,
    ctx=None,
    message="",
    max_rows=None,
):
    """Record every row ({date, kind, title, form, counts, notes, document, unit?}) or none.

    - `unit`: the unit of rows that name none (a `Unit`); a row's "unit" is a code or a Unit.
    - `check_scope=False` only for trusted callers (demo, benchmark): no right is checked.
    - Raises `ActivityError` with one `Problem(field, detail, index)` per thing wrong,
      `index` being the row's position (0-based) — nothing is written then.
    """
    rows = list(rows)
    if max_rows is not None and len(rows) > max_rows:
        detail = _("tối đa %(n)s hoạt động một lần (đang có %(m)s).") % {
            "n": max_rows,
            "m": len(rows),
        }
        raise ActivityError([Problem("unit", detail)])
    ctx = ctx or Context.fresh()
    checked, problems = _check(user, rows, unit, ctx, check_scope)
    if problems:
        raise ActivityError(problems)
    if not checked:
        return BulkResult()
    with _page_cache(len(checked)):
        return _write(user, checked, ctx, is_demo, message)


@contextmanager
def _page_cache(n):
    """On SQLite, a page cache the size of what a large import touches, for its length.

    Every row lands at its own place in each index of the activities, the audit trail and
    the tally; with SQLite's default cache (2 MB) a table of a few hundred thousand rows
    re-reads index pages from the file for every few rows (the insert took three times
    as long at 100,000 rows as at 0). The connection's own size is set back after."""
    if connection.vendor != "sqlite" or n < 1000:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# ---------------------------------------------------------------------------- check


def _units(rows, default):
    """{code: Unit} of the codes the rows name (NUL-free ones: PostgreSQL refuses NUL)."""
    codes = set()
    for raw in rows:
        value = raw.get("unit")
        if isinstance(value, str) and value.strip() and "\x00" not in value:
            codes.add(value.strip().upper())
    found = {}
    code_list = sorted(codes)
    for i in range(0, len(code_list), CHUNK):
        chunk = code_list[i : i + CHUNK]
        found.update({u.code: u for u in Unit.objects.filter(code__in=chunk)})
    if default is not None:
        found.setdefault(default.code, default)
    return found


def _prefetch_received(rows, by_code, default, ctx):
    """The received documents of every unit whose rows name a document, in a few queries
    rather than one per unit."""
    units = set()
    for raw in rows:
        if raw.get("document") in (None, ""):
            continue
        value = raw.get("unit")
        if isinstance(value, Unit):
            units.add(by_code.get(value.code, value))
        elif isinstance(value, str) and value.strip():
            found = by_code.get(value.strip().upper())
            if found is not None:
                units.add(found)
        elif default is not None:
            units.add(default)
    ctx.documents.prefetch(units)


def _unit_of(raw, index, by_code, default):
    """(Unit, None) or (None, Problem) of one row."""
    value = raw.get("unit")
    if isinstance(value, Unit):
        return by_code.get(value.code, value), None
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            return None, Problem("unit", _("bắt buộc nhập mã đơn vị."), index)
        return default, None
    code = str(value).strip().upper()
    found = by_code.get(code)
    if found is None:
        return None, Problem(
            "unit", _("không có đơn vị mã “%(code)s”.") % {"code": code[:30]}, index
        )
    return found, None


def _refusal(user, unit, index, rights):
    """A Problem if `user` may not record for `unit` (cached per unit)."""
    if unit.pk not in rights:
        if may_record(user, unit):
            rights[unit.pk] = None
        elif can(user, VIEW, unit):
            rights[unit.pk] = _("đồng chí không ghi được hoạt động của %(unit)s.") % {
                "unit": unit.name
            }
        else:
            # Never named: a unit outside the subtree reads like one that does not exist.
            rights[unit.pk] = _("không có đơn vị mã “%(code)s” trong phạm vi của đồng chí.") % {
                "code": unit.code
            }
    detail = rights[unit.pk]
    return Problem("unit", detail, index) if detail else None


def _check(user, rows, default, ctx, check_scope):
    by_code = _units(rows, default)
    _prefetch_received(rows, by_code, default, ctx)
    rights, checked, problems = {}, [], []
    for index, raw in enumerate(rows):
        if not raw.keys() <= KEYS:
            raise TypeError(", ".join(sorted(set(raw) - KEYS)))
        unit, problem = _unit_of(raw, index, by_code, default)
        if problem is None and check_scope:
            problem = _refusal(user, unit, index, rights)
        if problem is not None:
            problems.append(problem)
            continue
        cleaned, found = clean_row(raw, unit, ctx, index=index)
        if found:
            problems.extend(found)
        else:
            checked.append(Row(index, unit, cleaned))
    return checked, problems


# ---------------------------------------------------------------------------- write


def _values(rows, user, ctx, is_demo, now):
    """The activities' column values (in COLUMNS order), adapted for the driver."""
    adapt_date = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(now)
    out = []
    for row in rows:
        v, unit = row.values, row.unit
        document = v["document"]
        label = ctx.documents.label(document, unit) if document is not None else ""
        out.append(
            [
                unit.pk,
                unit.path,
                v["date"],
                v["kind"].pk,
                v["title"],
                v["form"],
                v["party_members"],
                v["officers"],
                v["others"],
                v["notes"],
                document,
                user.pk,
                stamp,
                stamp,
                bool(is_demo),
                search_text(v["title"], v["notes"], label),
            ]
        )
    return out, adapt_date


@transaction.atomic
def _write(user, rows, ctx, is_demo, message):
    now = timezone.now()
    values, adapt_date = _values(rows, user, ctx, is_demo, now)
    # Ids are read back as those above the highest before the insert, made by this user at
    # this instant (executemany and COPY return none); a range scan on the primary key.
    before = Activity.objects.aggregate(top=Max("pk"))["top"] or 0
    fields = [Activity._meta.get_field(name) for name in COLUMNS]
    insert_values(
        Activity,
        fields,
        ([*r[:2], adapt_date(r[2]), *r[3:]] for r in values),
        batch=BATCH,
        prepare=False,
    )
    ids = _ids(Activity.objects.filter(pk__gt=before, created_by=user, created_at=now))
    if len(ids) != len(values):  # cannot happen unless the clock or the table is shared oddly
        raise RuntimeError(f"bulk import read back {len(ids)} ids for {len(values)} rows")
    _tally(values)
    _audit(values, ids, now, is_demo, message)
    pairs = {(r[10], r[0]) for r in values if r[10] is not None}
    sync_dissemination(pairs)
    return BulkResult(
        created=len(ids),
        ids=ids,
        units=len({r[0] for r in values}),
        sessions=sum(1 for r in values if r[10] is not None),
    )


def _ids(queryset):
    """The primary keys of `queryset` in order, fetched by the cursor itself (the ORM's
    row-by-row iteration cost more than the query for the ids of a large import)."""
    sql, params = queryset.order_by("pk").values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _tally(values):
    deltas = tally.Deltas()
    deltas.preload({r[1] for r in values})
    deltas.add_many((r[1], r[3], r[2], r[6], r[7], r[8]) for r in values)
    deltas.apply()


def _audit(values, ids, now, is_demo, message):
    """One "create" entry per activity, in the receivers' shape: its "after" is what
    `audit.registry.snapshot` gives of the activity (every field but the derived search
    text and the update time, see apps.py), key for key (tests/activities/test_bulk_speed)."""
    writer = BulkWriter(at=now)
    add = writer.add
    stamp = DjangoJSONEncoder().default(now)
    demo = bool(is_demo)
    message = message or _("Nhập nhiều hoạt động (tệp Excel hoặc API)")
    days = {}  # date → (ISO text, dd/mm/yyyy): a few hundred dates for thousands of rows
    # The snapshot as json.dumps writes it (ASCII, ", " and ": "), formatted directly: the
    # encoder's generic walk over each dict was the largest cost of the audit entries.
    text = json.encoder.encode_basestring_ascii
    head = '{"id": %d, "unit_id": %d, "path": %s, "date": "%s", "kind_id": %d, "title": %s, '
    tail = (
        '"form": %s, "party_members": %d, "officers": %d, "others": %d, "notes": %s, '
        '"document_id": %s, "created_by_id": %s, "created_at": %s, "is_demo": %s}'
    )
    stamp, demo = text(stamp), "true" if demo else "false"
    for r, pk in zip(values, ids, strict=True):
        day = days.get(r[2])
        if day is None:
            day = days[r[2]] = (r[2].isoformat(), f"{r[2]:%d/%m/%Y}")
        after = JSONText(
            head % (pk, r[0], text(r[1]), day[0], r[3], text(r[4]))
            + tail
            % (
                text(r[5]),
                r[6],
                r[7],
                r[8],
                text(r[9]),
                "null" if r[10] is None else int(r[10]),
                "null" if r[11] is None else int(r[11]),
                stamp,
                demo,
            )
        )
        add(Activity, pk, f"{day[1]} — {r[4]}", r[1], "create", None, after, message=message)
        if len(writer.rows) >= BATCH:
            writer.flush()
    writer.flush()
