"""What every write path shares: who may record for a unit, the folded search text, and
telling the register how many dissemination sessions a (document, unit) pair now has."""

import functools

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from giaoban.activities.models import Activity
from giaoban.activities.validation import forbidden
from giaoban.core.scope import CHANGE, can
from giaoban.core.text import fold
from giaoban.documents import public as documents

CHUNK = 900  # ids per IN (…) list


def may_record(user, unit):
    """An officer or administrator of the unit or of a unit above it."""
    return can(user, CHANGE, unit)


def check_scope(user, unit):
    if not may_record(user, unit):
        raise forbidden(
            "unit", _("đồng chí không ghi được hoạt động của %(unit)s.") % {"unit": unit.name}
        )


def search_text(title, notes, document_label=""):
    """The folded text the log searches (`core.text.fold`), word by word: the words of
    titles and notes repeat (folded once, through a cache), and those in plain ASCII —
    numbers, codes — are only lower-cased, which is all `fold` does to them."""
    text = " ".join(filter(None, [title, notes, document_label]))
    words = [w.lower() if w.isascii() else _fold_word(w) for w in text.split()]
    return " ".join([w for w in words if w])


@functools.lru_cache(maxsize=50_000)
def _fold_word(word):
    return fold(word)


def sync_dissemination(pairs):
    """Tell the register how many sessions each (document id, unit id) now has, and the
    first one's date (None and 0 when none is left): one grouped query for all the pairs,
    and one set-based update of the register's rows when there are several."""
    pairs = {p for p in pairs if p[0] is not None}
    if not pairs:
        return
    # Counted only once the register's rows are held: a session another transaction is
    # adding to the same pair is then committed and counted, not lost (PostgreSQL; on
    # SQLite the IMMEDIATE transaction holds the whole file already).
    documents.hold_recipients(pairs)
    found = {}
    document_ids = sorted({d for d, _u in pairs})
    unit_ids = sorted({u for _d, u in pairs})
    for i in range(0, len(unit_ids), CHUNK):
        rows = (
            Activity.objects.filter(
                document_id__in=document_ids, unit_id__in=unit_ids[i : i + CHUNK]
            )
            .order_by()
            .values("document_id", "unit_id")
            .annotate(first=Min("date"), n=Count("id"))
        )
        for row in rows:
            key = (row["document_id"], row["unit_id"])
            if key in pairs:
                found[key] = (row["first"], row["n"])
    values = {pair: found.get(pair, (None, 0)) for pair in pairs}
    if len(values) == 1:
        ((document_id, unit_id), (first, n)) = next(iter(values.items()))
        documents.set_dissemination(document_id, unit_id, first, n)
    else:
        documents.set_disseminations(values)
