"""Reading and checking an activity's fields, the same way on every path (form, Excel,
bulk import, API): every problem is a `Problem` naming its field, in Vietnamese.

Values may come typed (a date, an int, a kind) or as text (an Excel cell, a form, JSON):
dates as dd/mm/yyyy, counts as whole numbers (1.234 read the Vietnamese way), kinds by
code or name, forms by key or label, documents by id or by their number and symbol.
"""

import datetime
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.activities.models import Activity, ActivityKind
from giaoban.core.formatting import format_date, format_number
from giaoban.core.text import fold, nfc
from giaoban.documents import public as documents

FIELDS = (
    "date",
    "kind",
    "title",
    "form",
    "party_members",
    "officers",
    "others",
    "notes",
    "document",
)
COUNTS = ("party_members", "officers", "others")
MIN_DATE = datetime.date(2000, 1, 1)
MAX_COUNT = 1_000_000
MAX_TITLE = Activity._meta.get_field("title").max_length
MAX_NOTES = 5_000
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
WITH_DATE = re.compile(r"^(?P<symbol>.+?)\s*\((?P<day>\d{1,2}/\d{1,2}/\d{4})\)$")


def label(field):
    if field == "unit":
        return gettext_lazy("Đơn vị")
    if field == "files":
        return gettext_lazy("Tệp minh chứng")
    return Activity._meta.get_field(field).verbose_name


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field (of row `index` in a bulk import)."""

    field: str
    detail: str  # the message without the field's name (a form shows it beside the field)
    index: int = -1

    @property
    def label(self):
        return capfirst(str(label(self.field)))

    @property
    def message(self):
        return f"{self.label}: {self.detail}"

    def __str__(self):
        return self.message


class ActivityError(Exception):
    """A refused write; nothing was written. `problems` names every field at fault."""

    def __init__(self, problems, forbidden=False):
        self.problems = list(problems)
        self.forbidden = forbidden
        super().__init__("; ".join(p.message for p in self.problems))

    @property
    def message(self):
        return str(self)

    @property
    def field(self):
        return self.problems[0].field if self.problems else None


def forbidden(field, detail):
    return ActivityError([Problem(field, detail)], forbidden=True)


class FieldError(ValueError):
    pass


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------- single values


def parse_date(value, today=None):
    today = today or timezone.localdate()
    if _blank(value):
        raise FieldError(_("bắt buộc nhập (dạng dd/mm/yyyy)."))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        value = _date_from_text(str(value))
    if value > today:
        raise FieldError(_("không được sau hôm nay (%(d)s).") % {"d": format_date(today)})
    if value < MIN_DATE:
        raise FieldError(_("không được trước %(d)s.") % {"d": format_date(MIN_DATE)})
    return value


DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")


def _date_from_text(text):
    text = text.strip()
    match = DMY.match(text)
    if match:  # the common case, without strptime (the bulk path reads thousands)
        try:
            return datetime.date(int(match[4]), int(match[3]), int(match[1]))
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FieldError(
        _("“%(v)s” không phải là ngày: ghi dạng dd/mm/yyyy, ví dụ 05/03/2026.") % {"v": text[:40]}
    )


def parse_count(value):
    if _blank(value):
        return 0
    if isinstance(value, bool):
        raise FieldError(_("phải là số nguyên từ 0 trở lên."))
    if isinstance(value, str):
        value = _number_from_text(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FieldError(_("phải là số nguyên từ 0 trở lên."))
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise FieldError(_("phải là số nguyên (không có phần lẻ)."))
        value = int(value)
    if not isinstance(value, int):
        raise FieldError(_("phải là số nguyên từ 0 trở lên."))
    if value < 0:
        raise FieldError(_("không được âm."))
    if value > MAX_COUNT:
        raise FieldError(_("quá lớn (tối đa %(n)s người).") % {"n": format_number(MAX_COUNT)})
    return value


def _number_from_text(text):
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if GROUPED.match(raw):
        raw = raw.replace(".", "")
    raw = raw.replace(",", ".").replace("\u2212", "-")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise FieldError(_("“%(v)s” không phải là số.") % {"v": text.strip()[:40]}) from None


def parse_text(value, max_chars, required=False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = format_number(value) if isinstance(value, (int, float, Decimal)) else str(value)
    if "\x00" in value:
        raise FieldError(_("không được chứa ký tự rỗng (NUL)."))
    value = nfc(value)
    if required and not value:
        raise FieldError(_("bắt buộc nhập."))
    if len(value) > max_chars:
        raise FieldError(
            _("tối đa %(max)s ký tự (đang có %(n)s).")
            % {"max": format_number(max_chars), "n": format_number(len(value))}
        )
    return value


FORM_LABELS = {fold(str(lab)): key for key, lab in Activity.Form.choices}
FORM_VALUES = frozenset(Activity.Form.values)


@functools.lru_cache(maxsize=1024)
def _folded(text):
    return fold(text)


def parse_form(value):
    if _blank(value):
        return Activity.Form.DIRECT
    text = str(value).strip()
    if text in FORM_VALUES:
        return text
    found = FORM_LABELS.get(_folded(text))
    if found is None:
        names = ", ".join(str(lab) for _k, lab in Activity.Form.choices)
        raise FieldError(
            _("“%(v)s” không phải hình thức hợp lệ; chọn một trong: %(names)s.")
            % {"v": text[:40], "names": names}
        )
    return found


class Kinds:
    """The catalogue of kinds, read once: by id, by code and by name (without diacritics)."""

    def __init__(self):
        self.all = list(ActivityKind.objects.all())
        self.by_id = {k.pk: k for k in self.all}
        self.by_key = {}
        for k in self.all:
            self.by_key[k.code.lower()] = k
            self.by_key[fold(k.name)] = k

    def active(self):
        return [k for k in self.all if k.is_active]

    def parse(self, value, keep=None):
        if _blank(value):
            raise FieldError(_("bắt buộc chọn."))
        if isinstance(value, ActivityKind):
            kind = self.by_id.get(value.pk)
        elif isinstance(value, int) and not isinstance(value, bool):
            kind = self.by_id.get(value)
        else:
            text = str(value).strip()
            kind = self.by_key.get(text.lower()) or self.by_key.get(_folded(text))
            if kind is None and text.isdecimal():
                kind = self.by_id.get(int(text))
        if kind is None:
            raise FieldError(
                _("“%(v)s” không có trong danh mục loại hoạt động.") % {"v": str(value)[:60]}
            )
        if not kind.is_active and (keep is None or kind.pk != keep):
            raise FieldError(_("loại “%(v)s” không còn dùng.") % {"v": kind.name})
        return kind


def _symbol_key(text):
    """(the symbol as written, folded for matching, issue date or None) of a document named
    by number and symbol, with "Số" before it or "(dd/mm/yyyy)" after it."""
    text = nfc(text)
    match = WITH_DATE.match(text)
    day = None
    if match:
        text = match["symbol"]
        try:
            day = datetime.datetime.strptime(match["day"], "%d/%m/%Y").date()
        except ValueError:
            day = None
    return text, fold(re.sub(r"^(số|so)\s*:?\s*", "", text.strip(), flags=re.IGNORECASE)), day


class Documents:
    """The documents units received, asked of the register as few times as a write needs:
    a bulk import reads at once, for every unit whose rows name a document, the documents
    those rows may mean (`prefetch`); a single record asks only for the pair it names; a
    unit's whole list is read only when a symbol was not prefetched."""

    def __init__(self):
        self._received = {}  # unit id → {document id: documents.Received}: the whole list
        self._some = {}  # unit id → ({document id: Received}, ids covered, symbols covered)
        self._pairs = {}  # (document id, unit id) → Document or None
        self._folded = {}  # symbol → folded (units share most of what they receive)

    def prefetch(self, units, values=None):
        """Read what the rows of a bulk import name. Without `values`, every unit's whole
        list. With the rows' document values (ids, or numbers and symbols as typed): the
        documents any of the units received that one of the values can mean — by id, or
        by the folded symbol `by_symbol` compares — and which of the units received each;
        the other documents of a commune (hundreds) are not read."""
        if values is None:
            missing = {u.pk for u in units} - set(self._received)
            if missing:
                self._received.update(documents.received_by(missing))
            return
        ids, symbols = set(), set()
        for value in values:
            if _blank(value):
                continue
            if hasattr(value, "pk"):
                value = value.pk
            if isinstance(value, str):
                text = value.strip()
                if text.isdecimal():
                    ids.add(int(text))
                else:
                    symbols.add(_symbol_key(text)[1])
            elif isinstance(value, int) and not isinstance(value, bool):
                ids.add(value)
        unit_ids = {u.pk for u in units} - set(self._received) - set(self._some)
        if not unit_ids or not (ids or symbols):
            return
        meant = {
            pk
            for pk, symbol in documents.received_symbols(unit_ids).items()
            if pk in ids or self._fold(symbol) in symbols
        }
        found = documents.received_by(unit_ids, meant)
        covered = frozenset(ids | meant)
        symbols = frozenset(symbols)
        for unit_id in unit_ids:
            self._some[unit_id] = (found[unit_id], covered, symbols)

    def _fold(self, symbol):
        key = self._folded.get(symbol)
        if key is None:
            key = self._folded[symbol] = fold(symbol)
        return key

    def received(self, unit):
        if unit.pk not in self._received:
            self.prefetch([unit])
        return self._received[unit.pk]

    def get(self, document_id, unit):
        whole = self._received.get(unit.pk)
        if whole is not None:
            return whole.get(document_id)
        some = self._some.get(unit.pk)
        if some is not None and document_id in some[1]:
            return some[0].get(document_id)
        key = (document_id, unit.pk)
        if key not in self._pairs:
            self._pairs[key] = documents.received_document(document_id, unit)
        return self._pairs[key]

    def is_recipient(self, document_id, unit):
        return self.get(document_id, unit) is not None

    def issue_date(self, document_id, unit):
        document = self.get(document_id, unit)
        return document.issue_date if document else None

    def label(self, document_id, unit):
        document = self.get(document_id, unit)
        return documents.label(document) if document else ""

    def _candidates(self, wanted, unit):
        """The documents the unit received whose symbol might fold to `wanted`: the
        prefetched ones when `wanted` was prefetched for the unit, else its whole list."""
        some = self._some.get(unit.pk)
        if unit.pk not in self._received and some is not None and wanted in some[2]:
            return some[0].items()
        return self.received(unit).items()

    def by_symbol(self, text, unit):
        """The id of the document the unit received whose number and symbol is `text`
        ("15-NQ/ĐU", "Số 15-NQ/ĐU", or "15-NQ/ĐU (02/03/2026)" as the template lists it)."""
        text, wanted, day = _symbol_key(text)
        found = [
            pk
            for pk, d in self._candidates(wanted, unit)
            if self._fold(d.symbol) == wanted and (day is None or d.issue_date == day)
        ]
        if len(found) > 1:
            raise FieldError(
                _("có %(n)s văn bản cùng số, ký hiệu “%(v)s”: ghi kèm ngày ban hành như trong mẫu.")
                % {"n": len(found), "v": text}
            )
        if not found:
            raise FieldError(
                _("“%(v)s” không có trong các văn bản %(unit)s đã nhận.")
                % {"v": text[:80], "unit": unit.name}
            )
        return found[0]

    def parse(self, value, unit):
        if _blank(value):
            return None
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, str):
            text = value.strip()
            value = int(text) if text.isdecimal() else self.by_symbol(text, unit)
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(_("không đúng: chọn một văn bản đơn vị đã nhận."))
        if not self.is_recipient(value, unit):
            raise FieldError(
                _("văn bản này không có trong các văn bản %(unit)s đã nhận (đã ban hành).")
                % {"unit": unit.name}
            )
        return value


# ---------------------------------------------------------------------------- a whole activity


@dataclass
class Context:
    """What checking needs besides the values (shared by every row of a bulk import), and
    the results of the parsers by value: the rows of an import repeat their dates,
    kinds, forms, counts and notes, each read once (see `_parse`)."""

    kinds: Kinds
    documents: Documents
    today: datetime.date
    memo: defaultdict = field(default_factory=lambda: defaultdict(dict))  # parser → cache

    def __post_init__(self):
        self.read_date = functools.partial(parse_date, today=self.today)

    @classmethod
    def fresh(cls):
        return cls(Kinds(), Documents(), timezone.localdate())


def _attempt(parse, value):
    try:
        return True, parse(value)
    except FieldError as error:
        return False, str(error)


def _parse(cache, parse, value, problems, name, index):
    """parse(value), read from `cache` when the same value (of the same type: 1, True and
    1.0 are equal keys otherwise) was read before; a FieldError becomes a Problem. Text —
    what a file gives — is its own key (a str never equals another type's value)."""
    key = value if value.__class__ is str else (value.__class__, value)
    try:
        hit = cache.get(key)
    except TypeError:  # an unhashable value: read it, and let the parser refuse it
        hit = _attempt(parse, value)
    else:
        if hit is None:
            hit = cache[key] = _attempt(parse, value)
    if hit[0]:
        return hit[1]
    problems.append(Problem(name, hit[1], index))
    return None


def _count(value):
    if value.__class__ is int and 0 <= value <= MAX_COUNT:
        return value
    return parse_count(value)


FIELD_SET = frozenset(FIELDS)


def clean(values, unit, ctx, existing=None, index=-1):
    """(cleaned values, [Problem]) of `values` for an activity of `unit`.

    For an edit (`existing`), the fields not given keep their values, and a document or
    kind left as it was is not checked again (a document since replaced stays linked).
    """
    if not values.keys() <= FIELD_SET:
        raise TypeError(", ".join(sorted(set(values) - FIELD_SET)))
    return clean_row(values, unit, ctx, existing, index)


def clean_row(values, unit, ctx, existing=None, index=-1):
    """`clean` without its check of the keys (the bulk path checks them, and leaves the
    row's "unit" in it): the keys other than FIELDS are not read.

    The bulk path calls it for every row of a file (50,000): each field is read in the
    order its problems are listed, values met before come from `ctx.memo`."""
    problems = []
    if existing:
        merged = {f: getattr(existing, _attr(f)) for f in FIELDS}
        merged.update(values)
        get = merged.get
        keep = existing.kind_id
        kind_cache, read_kind = {}, lambda v: ctx.kinds.parse(v, keep)
    else:
        get = values.get
        kind_cache, read_kind = ctx.memo["kind"], ctx.kinds.parse
    memo = ctx.memo
    day = _parse(memo["date"], ctx.read_date, get("date"), problems, "date", index)
    kind = _parse(kind_cache, read_kind, get("kind"), problems, "kind", index)
    try:
        title = parse_text(get("title"), MAX_TITLE, True)
    except FieldError as error:
        title = None
        problems.append(Problem("title", str(error), index))
    form = _parse(memo["form"], parse_form, get("form"), problems, "form", index)
    counts = []
    for name in COUNTS:
        value = get(name)
        if not (value.__class__ is int and 0 <= value <= MAX_COUNT):
            value = _parse(memo["count"], _count, value, problems, name, index)
        counts.append(value)
    party_members, officers, others = counts
    notes = _parse(memo["notes"], _notes, get("notes"), problems, "notes", index)
    document = get("document")
    if document is not None or existing is not None:
        document = _document(problems, document, unit, ctx, existing, index)
    if day is not None and (document is not None or not unit.active_on(day)):
        _check_day(problems, day, unit, document, ctx, index)
    out = {
        "date": day,
        "kind": kind,
        "title": title,
        "form": form,
        "party_members": party_members,
        "officers": officers,
        "others": others,
        "notes": notes,
        "document": document,
    }
    return out, problems


def _notes(value):
    return parse_text(value, MAX_NOTES)


def _attr(field):
    return f"{field}_id" if field in ("kind", "document") else field


def _document(problems, value, unit, ctx, existing, index):
    if existing is not None and existing.unit_id == unit.pk:
        same = getattr(value, "pk", value)
        if same == existing.document_id or (same is None and existing.document_id is None):
            return existing.document_id
    if _blank(value):
        return None
    return _parse(
        ctx.memo[("document", unit.pk)],
        lambda v: ctx.documents.parse(v, unit),
        value,
        problems,
        "document",
        index,
    )


def _check_day(problems, day, unit, document_id, ctx, index):
    if not unit.active_on(day):
        problems.append(
            Problem(
                "date",
                _("%(unit)s không hoạt động vào ngày %(d)s.")
                % {"unit": unit.name, "d": format_date(day)},
                index,
            )
        )
    if document_id is None:
        return
    issued = ctx.documents.issue_date(document_id, unit)
    if issued is not None and day < issued:
        problems.append(
            Problem(
                "date",
                _("buổi quán triệt không thể trước ngày ban hành văn bản (%(d)s).")
                % {"d": format_date(issued)},
                index,
            )
        )
