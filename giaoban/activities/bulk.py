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
    values = {value for raw in rows if isinstance(value := raw.get("unit"), str)}
    codes = {v.strip().upper() for v in values if v.strip() and "\x00" not in v}
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
        if document is None or document == "":
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


def _unit_of(value, by_code, default):
    """(Unit, None) or (None, what is wrong) of a row's "unit"."""
    if isinstance(value, Unit):
        return by_code.get(value.code, value), None
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            return None, _("bắt buộc nhập mã đơn vị.")
        return default, None
    code = str(value).strip().upper()
    found = by_code.get(code)
    if found is None:
        return None, _("không có đơn vị mã “%(code)s”.") % {"code": code[:30]}
    return found, None


def _refusal(user, unit):
    """What is wrong if `user` may not record for `unit`, else None."""
    if may_record(user, unit):
        return None
    if can(user, VIEW, unit):
        return _("đồng chí không ghi được hoạt động của %(unit)s.") % {"unit": unit.name}
    # Never named: a unit outside the subtree reads like one that does not exist.
    return _("không có đơn vị mã “%(code)s” trong phạm vi của đồng chí.") % {"code": unit.code}


class _UnitsOfRows:
    """A row's unit and the caller's right to record for it, (Unit, None) or (None, what is
    wrong), found once per unit code as a file writes it (a file names a few thousand
    units in tens of thousands of rows) and once per unit for the right."""

    def __init__(self, user, by_code, default, check_scope):
        self.user, self.by_code, self.default = user, by_code, default
        self.check_scope = check_scope
        self.rights = {}  # unit id → what is wrong, or None
        self.seen = {}  # a row's "unit", text or None → (Unit, None) or (None, what is wrong)

    def __call__(self, value):
        if value is None or value.__class__ is str:
            found = self.seen.get(value)
            if found is None:
                found = self.seen[value] = self._find(value)
            return found
        return self._find(value)

    def _find(self, value):
        unit, detail = _unit_of(value, self.by_code, self.default)
        if detail is None and self.check_scope:
            if unit.pk not in self.rights:
                self.rights[unit.pk] = _refusal(self.user, unit)
            detail = self.rights[unit.pk]
            if detail is not None:
                return None, detail
        return unit, detail


def _check(user, rows, default, ctx, check_scope):
    """([(Unit, cleaned values)] of the rows, [Problem]): every row read as one record is."""
    by_code = _units(rows, default)
    _prefetch_received(rows, by_code, default, ctx)
    unit_of = _UnitsOfRows(user, by_code, default, check_scope)
    checked, problems = [], []
    for index, raw in enumerate(rows):
        if not raw.keys() <= KEYS:
            raise TypeError(", ".join(sorted(set(raw) - KEYS)))
        unit, detail = unit_of(raw.get("unit"))
        if detail is not None:
            problems.append(Problem("unit", detail, index))
            continue
        cleaned, found = clean_row(raw, unit, ctx, index=index)
        if found:
            problems.extend(found)
        else:
            checked.append((unit, cleaned))
    return checked, problems


# ---------------------------------------------------------------------------- write


def _rows(rows, ids, user, ctx, is_demo, now, written, days):
    """The activities' rows as the driver takes them (the id, then COLUMNS), made as the
    database asks for them; each is appended to `written`, its date, as a date, to `days`.
    What rows share — a unit's id and path, a kind's id, a date as the driver takes it —
    is made once."""
    adapt_date = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(now)
    demo = bool(is_demo)
    by = user.pk
    label = ctx.documents.label
    units, kinds, adapted = {}, {}, {}
    keep, remember = written.append, days.append
    for (unit, v), pk in zip(rows, ids, strict=True):
        of_unit = units.get(id(unit))
        if of_unit is None:
            of_unit = units[id(unit)] = (unit.pk, unit.path)
        kind = kinds.get(id(v["kind"]))
        if kind is None:
            kind = kinds[id(v["kind"])] = v["kind"].pk
        day = v["date"]
        shown = adapted.get(day)
        if shown is None:
            shown = adapted[day] = adapt_date(day)
        document, title, notes = v["document"], v["title"], v["notes"]
        row = [
            pk,
            of_unit[0],
            of_unit[1],
            shown,
            kind,
            title,
            v["form"],
            v["party_members"],
            v["officers"],
            v["others"],
            notes,
            document,
            by,
            stamp,
            stamp,
            demo,
            search_text(title, notes, "" if document is None else label(document, unit)),
        ]
        keep(row)
        remember(day)
        yield row


# Positions in a written row (_rows): the id first, then COLUMNS.
ID, UNIT, PATH, DATE, KIND, TITLE, FORM, MEMBERS, OFFICERS, OTHERS, NOTES, DOCUMENT, BY = range(13)


@transaction.atomic
def _write(user, rows, ctx, is_demo, message):
    now = timezone.now()
    # The ids are drawn first (executemany and COPY give none back): the audit entries are
    # made with them while the activities are written, and nothing is read back.
    ids = reserve_ids(Activity, len(rows))
    units = {id(unit): unit for unit, _v in rows}.values()
    deltas = tally.Deltas()
    deltas.preload({u.path for u in units}, {u.code: u.pk for u in units})
    written, days = [], []

    def meanwhile():
        # Python only: on PostgreSQL the server is still writing the activities.
        deltas.add_many(
            (r[PATH], r[KIND], day, r[MEMBERS], r[OFFICERS], r[OTHERS])
            for r, day in zip(written, days, strict=True)
        )
        return deltas.prepare(), list(_audit_entries(written, days, now, is_demo))

    add_to_tally, entries = insert_values(
        Activity,
        [Activity._meta.get_field(name) for name in ("id", *COLUMNS)],
        _rows(rows, ids, user, ctx, is_demo, now, written, days),
        batch=BATCH,
        prepare=False,
        meanwhile=meanwhile,
    )
    add_to_tally()
    message = message or _("Nhập nhiều hoạt động (tệp Excel hoặc API)")
    BulkWriter(at=now).write_json(Activity, "create", entries, message=message)
    sessions = [(r[DOCUMENT], r[UNIT]) for r in written if r[DOCUMENT] is not None]
    sync_dissemination(set(sessions))
    return BulkResult(
        created=len(ids), ids=ids, units=len({u.pk for u in units}), sessions=len(sessions)
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
    texts = {}  # a form or notes → as JSON text: they repeat
    for r, day in zip(written, days, strict=True):
        shown = dates.get(day)
        if shown is None:
            shown = dates[day] = (day.isoformat(), f"{day:%d/%m/%Y}")
        path = paths.get(r[PATH])
        if path is None:
            path = paths[r[PATH]] = text(r[PATH])
        form = texts.get(r[FORM])
        if form is None:
            form = texts[r[FORM]] = text(r[FORM])
        notes = texts.get(r[NOTES])
        if notes is None:
            notes = texts[r[NOTES]] = text(r[NOTES])
        after = snapshot % (
            r[ID],
            r[UNIT],
            path,
            shown[0],
            r[KIND],
            text(r[TITLE]),
            form,
            r[MEMBERS],
            r[OFFICERS],
            r[OTHERS],
            notes,
            "null" if r[DOCUMENT] is None else int(r[DOCUMENT]),
            "null" if r[BY] is None else int(r[BY]),
        )
        yield r[ID], f"{shown[1]} — {r[TITLE]}", r[PATH], None, after
