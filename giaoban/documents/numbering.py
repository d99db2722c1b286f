"""Số, ký hiệu: who issues, and the number each document gets at issue.

- Party documents (Hướng dẫn 36-HD/VPTW): "15-NQ/ĐU" — number, kind, the body's symbol.
- State documents (Nghị định 30/2020/NĐ-CP): "12/KH-CAT"; a công văn has no kind in
  it: "12/CAT".

Numbers run per issuing body, kind and numbering span — the calendar year, or the party
committee's term where the body sets one — from 1, below 10 with a leading zero. The
number is allocated when the document is issued, by incrementing the span's counter row
inside the issuing transaction: the row stays locked until commit (PostgreSQL's row
lock; SQLite's single writer), so two documents issued at the same instant get
consecutive numbers, and a unique constraint on the documents makes a repeat impossible.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from giaoban.documents.models import PARTY, STATE, IssuingBody, NumberCounter

# The command's symbol from the start of the unit's name (Nghị định 30, Phụ lục III).
_STATE_SYMBOLS = [
    ("Bộ Công an", "BCA"),
    ("Công an thành phố", "CATP"),
    ("Công an tỉnh", "CAT"),
    ("Công an phường", "CAP"),
    ("Công an xã", "CAX"),
    ("Công an đặc khu", "CAĐK"),
    ("Công an thị trấn", "CATT"),
    ("Công an huyện", "CAH"),
    ("Công an quận", "CAQ"),
    ("Công an thị xã", "CATX"),
]


def default_symbol(unit, body):
    if body == PARTY:
        return "ĐU"
    for prefix, symbol in _STATE_SYMBOLS:
        if unit.name.startswith(prefix):
            return symbol
    return unit.code


# The ministry and its departments sit in the capital; a locality's units are named by it.
CAPITAL = "Hà Nội"
CENTRAL_LEVELS = ("bo", "cuc")


def default_place(unit):
    """The place of the date line (Nghị định 30, Phụ lục I; Hướng dẫn 36, mục 1.4)."""
    if unit.parent_id is None or unit.level.code in CENTRAL_LEVELS:
        return CAPITAL
    return unit.short_name


def default_name(unit, body):
    if body == PARTY:
        return unit.party_name or f"Đảng ủy {unit.name}"
    return unit.command_name or unit.name


def defaults(unit, body):
    """The fields of `unit`'s issuing body for `body` before anyone corrects them."""
    parent = unit.parent
    return {
        "name": default_name(unit, body),
        "superior": default_name(parent, body) if parent is not None else "",
        "symbol": default_symbol(unit, body),
        "place": default_place(unit),
    }


def issuing_body(unit, body):
    """The unit's IssuingBody for `body` (PARTY or STATE), made with defaults the first time
    (an administrator may then correct its name, symbol, place and numbering span)."""
    if body not in (PARTY, STATE):
        raise ValueError(body)
    found = IssuingBody.objects.filter(unit=unit, body=body).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return IssuingBody.objects.create(unit=unit, body=body, **defaults(unit, body))
    except IntegrityError:  # made by another request meanwhile
        return IssuingBody.objects.get(unit=unit, body=body)


def span_key(issuer, day):
    """The numbering span a document issued on `day` counts in."""
    if (
        issuer.span == IssuingBody.Span.TERM
        and issuer.term_start
        and issuer.term_end
        and issuer.term_start <= day <= issuer.term_end
    ):
        return f"{issuer.term_start.year}-{issuer.term_end.year}"
    return str(day.year)


def allocate(issuer, kind, key):
    """The next number of (issuer, kind, span); call inside the issuing transaction."""
    NumberCounter.objects.bulk_create(
        [NumberCounter(issuer=issuer, kind=kind, span_key=key)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.filter(issuer=issuer, kind=kind, span_key=key)
    counter.update(last=F("last") + 1)  # takes the row lock until the transaction ends
    return counter.values_list("last", flat=True).get()


def compose(issuer, kind, number):
    """ "15-NQ/ĐU" or "12/KH-CAT" (as shown after "Số" / "Số:")."""
    n = f"{number:02d}"
    if issuer.body == PARTY:
        return (
            f"{n}-{kind.abbreviation}/{issuer.symbol}"
            if kind.abbreviation
            else f"{n}/{issuer.symbol}"
        )
    if kind.abbreviation:
        return f"{n}/{kind.abbreviation}-{issuer.symbol}"
    return f"{n}/{issuer.symbol}"
