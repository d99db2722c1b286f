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
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.activities import tally
from giaoban.activities.models import Activity
from giaoban.activities.records import may_record, search_text, sync_dissemination
from giaoban.activities.validation import FIELDS, ActivityError, Context, Problem, clean_row
from giaoban.audit.registry import BulkWriter
from giaoban.core.bulkwrite import insert_values, reserve_ids
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
    """What the rows' sessions name, read for all their units at once (see
    `validation.Documents.prefetch`) rather than unit by unit."""
    units, values = set(), set()
    for raw in rows:
        document = raw.get("document")
        if document in (None, ""):
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
        try:
            values.add(document)
        except TypeError:  # unhashable: the row's own check refuses it
            pass
    if units:
        ctx.documents.prefetch(units, values)


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


def _rows(rows, ids, user, ctx, is_demo, now, days):
    """The activities' rows as the driver takes them (the id, then COLUMNS), made as the
    database asks for them; each row's date, as a date, is appended to `days`."""
    adapt_date = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(now)
    demo = bool(is_demo)
    label = ctx.documents.label
    for row, pk in zip(rows, ids, strict=True):
        v, unit = row.values, row.unit
        document = v["document"]
        day = v["date"]
        days.append(day)
        yield [
            pk,
            unit.pk,
            unit.path,
            adapt_date(day),
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
            demo,
            search_text(v["title"], v["notes"], "" if document is None else label(document, unit)),
        ]


# Positions in a written row (_rows): the id first, then COLUMNS.
ID, UNIT, PATH, DATE, KIND, TITLE, FORM, MEMBERS, OFFICERS, OTHERS, NOTES, DOCUMENT, BY = range(13)


@transaction.atomic
def _write(user, rows, ctx, is_demo, message):
    now = timezone.now()
    # The ids are drawn first (executemany and COPY give none back): the audit entries are
    # made with them while the activities are written, and nothing is read back.
    ids = reserve_ids(Activity, len(rows))
    deltas = tally.Deltas()
    deltas.preload({row.unit.path for row in rows}, {row.unit.code: row.unit.pk for row in rows})
    written, days = [], []

    def kept(made):
        for row in made:
            written.append(row)
            yield row

    def meanwhile():
        # Python only: on PostgreSQL the server is still writing the activities.
        deltas.add_many(
            (r[PATH], r[KIND], day, r[MEMBERS], r[OFFICERS], r[OTHERS])
            for r, day in zip(written, days, strict=True)
        )
        return list(_audit_entries(written, days, now, is_demo))

    entries = insert_values(
        Activity,
        [Activity._meta.get_field(name) for name in ("id", *COLUMNS)],
        kept(_rows(rows, ids, user, ctx, is_demo, now, days)),
        batch=BATCH,
        prepare=False,
        meanwhile=meanwhile,
    )
    deltas.apply()
    message = message or _("Nhập nhiều hoạt động (tệp Excel hoặc API)")
    BulkWriter(at=now).write_json(Activity, "create", entries, message=message)
    sessions = [(r[DOCUMENT], r[UNIT]) for r in written if r[DOCUMENT] is not None]
    sync_dissemination(set(sessions))
    return BulkResult(
        created=len(ids), ids=ids, units=len({r[UNIT] for r in written}), sessions=len(sessions)
    )


def _audit_entries(written, days, now, is_demo):
    """One "create" entry per activity, in the receivers' shape: its "after" is what
    `audit.registry.snapshot` gives of the activity (every field but the derived search
    text and the update time, see apps.py), key for key (tests/activities/test_bulk_speed)."""
    # The snapshot as json.dumps writes it (ASCII, ", " and ": "), formatted directly: the
    # encoder's generic walk over each dict was the largest cost of the audit entries.
    text = json.encoder.encode_basestring_ascii
    snapshot = (
        '{"id": %d, "unit_id": %d, "path": %s, "date": "%s", "kind_id": %d, "title": %s, '
        '"form": %s, "party_members": %d, "officers": %d, "others": %d, "notes": %s, '
        '"document_id": %s, "created_by_id": %s, "created_at": '
        + text(DjangoJSONEncoder().default(now)).replace("%", "%%")
        + ', "is_demo": '
        + ("true" if is_demo else "false")
        + "}"
    )
    dates = {}  # date → (ISO text, dd/mm/yyyy): a few hundred dates for thousands of rows
    paths = {}  # path → as JSON text: a few thousand units
    for r, day in zip(written, days, strict=True):
        shown = dates.get(day)
        if shown is None:
            shown = dates[day] = (day.isoformat(), f"{day:%d/%m/%Y}")
        path = paths.get(r[PATH])
        if path is None:
            path = paths[r[PATH]] = text(r[PATH])
        after = snapshot % (
            r[ID],
            r[UNIT],
            path,
            shown[0],
            r[KIND],
            text(r[TITLE]),
            text(r[FORM]),
            r[MEMBERS],
            r[OFFICERS],
            r[OTHERS],
            text(r[NOTES]),
            "null" if r[DOCUMENT] is None else int(r[DOCUMENT]),
            "null" if r[BY] is None else int(r[BY]),
        )
        yield r[ID], f"{shown[1]} — {r[TITLE]}", r[PATH], None, after
