"""What other domain apps may ask of documents (import-linter allows only this module).

The activity log records dissemination sessions: it offers the documents a unit
received, checks a session's document is one of them, and tells the register when a
unit's sessions for a document change, so that the dissemination obligation is met by
the records themselves.

The conferences app registers what it issues — a consolidated report (kind báo cáo), a
conference's conclusions (thông báo kết luận) — through `issue_directly`, prints them
with the issuing body's header (`issuer`), and lets a follow-up task name a document
its unit issued as evidence (`issued_by`, `issued_document`).
"""

import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.urls import reverse

from giaoban.documents import numbering, services
from giaoban.documents.models import (
    PARTY,
    STATE,
    Document,
    DocumentKind,
    DocumentLink,
    IssuingBody,
    Recipient,
)
from giaoban.exports.docx import Issuer

DocumentError = services.DocumentError
Rule = Document.Rule
__all__ = ["PARTY", "STATE", "DocumentError", "Rule"]


def issue_directly(user, unit, body, kind_abbr, subject, body_text, **options):
    """Issue a document written elsewhere, in one step, as a leader of `unit`
    (`services.issue_directly`): returns (document, warnings) or raises DocumentError."""
    return services.issue_directly(user, unit, body, kind_abbr, subject, body_text, **options)


def issuer(unit, body):
    """The header block of `unit`'s party organisation (PARTY) or command (STATE) for a
    Word file: its issuing body as the register holds it, or the defaults the register
    would give it (nothing is written)."""
    found = IssuingBody.objects.filter(unit=unit, body=body).first()
    fields = (
        {k: getattr(found, k) for k in ("name", "superior", "symbol", "place")}
        if found is not None
        else numbering.defaults(unit, body)
    )
    return Issuer(layout=body, **fields)


def url(document):
    return reverse("documents:detail", kwargs={"pk": document.pk})


def issued_by(user, unit, limit=100):
    """Issued documents of `unit` the user may see, newest first: [(id, label)]."""
    rows = (
        Document.objects.restrict(user)
        .filter(unit=unit, status__in=(Document.Status.ISSUED, Document.Status.REPLACED))
        .order_by("-issue_date", "-pk")
        .only("pk", "symbol", "subject")[:limit]
    )
    return [(d.pk, str(d)) for d in rows]


def issued_document(user, document_id, unit=None):
    """The issued document if the user may see it (and `unit` issued it, when given)."""
    qs = Document.objects.restrict(user).filter(
        pk=document_id, status__in=(Document.Status.ISSUED, Document.Status.REPLACED)
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.first()


def visible(user, ids):
    """{id: Document} of the documents among `ids` the user may open (drafts only where
    the user writes or approves: `services.visible_documents`)."""
    return services.visible_documents(user).in_bulk(list(ids))


def restrict(user):
    """The documents the user may open (a picker's queryset: list, search)."""
    return services.visible_documents(user)


def received(unit):
    """Issued documents addressed to `unit`, newest first (for a session's picker)."""
    return (
        Document.objects.filter(recipients__unit=unit, status=Document.Status.ISSUED)
        .select_related("kind")
        .order_by("-issue_date", "-pk")
    )


CHUNK = 500  # unit ids per query (SQLite's limit on parameters)
RECEIVED_FIELDS = ("pk", "symbol", "subject", "issue_date")


class Received(NamedTuple):
    """A received document as a picker or a check needs it (thousands per import: no model
    instances)."""

    pk: int
    symbol: str
    subject: str
    issue_date: datetime.date

    def __str__(self):
        return f"{self.symbol} — {self.subject}" if self.symbol else self.subject


def received_by(unit_ids, document_ids=None):
    """{unit id: {document id: Received}} of the issued documents each unit received, in
    one query per CHUNK units (for a label, a symbol to match and an issue date to check a
    session against); only those among `document_ids` when given."""
    out = {pk: {} for pk in unit_ids}
    ids = sorted(out)
    if document_ids is not None:
        document_ids = sorted(document_ids)
        if not document_ids:
            return out
    for i in range(0, len(ids), CHUNK):
        rows = Recipient.objects.filter(
            unit_id__in=ids[i : i + CHUNK], document__status=Document.Status.ISSUED
        )
        if document_ids is not None:
            rows = rows.filter(document_id__in=document_ids)
        rows = rows.order_by("unit_id", "-document__issue_date", "-document_id").values_list(
            "unit_id",
            "document_id",
            "document__symbol",
            "document__subject",
            "document__issue_date",
        )
        for unit_id, pk, symbol, subject, issue_date in rows:
            out[unit_id][pk] = Received(pk, symbol, subject, issue_date)
    return out


def received_symbols(unit_ids):
    """{document id: number and symbol} of the issued documents any of `unit_ids` received,
    each once: what a bulk import's sessions may name, to be matched before the documents
    themselves are read (a commune receives hundreds; a file's sessions name a few)."""
    out = {}
    ids = sorted(unit_ids)
    for i in range(0, len(ids), CHUNK):
        rows = (
            Document.objects.filter(
                status=Document.Status.ISSUED, recipients__unit_id__in=ids[i : i + CHUNK]
            )
            .order_by()
            .values_list("pk", "symbol")
            .distinct()
        )
        out.update(rows)
    return out


def received_document(document_id, unit):
    """The issued document if `unit` received it (RECEIVED_FIELDS only), else None."""
    return (
        Document.objects.filter(
            pk=document_id, recipients__unit=unit, status=Document.Status.ISSUED
        )
        .only(*RECEIVED_FIELDS)
        .first()
    )


def is_recipient(document_id, unit):
    return Recipient.objects.filter(
        document_id=document_id, unit=unit, document__status=Document.Status.ISSUED
    ).exists()


def label(document):
    """ "Số 15-NQ/ĐU — trích yếu" as a list shows it."""
    return str(document)


def set_dissemination(document_id, unit_id, first_on, sessions):
    """The unit's sessions for the document changed: first day (None: none left) and count."""
    with transaction.atomic():
        return services.set_dissemination(document_id, unit_id, first_on, sessions)


def hold_recipients(pairs):
    """Lock the register's rows of these (document id, unit id) pairs until the transaction
    ends (call it inside the writer's transaction), in one order — by unit, then row — that
    every holder follows, so two never deadlock. A writer of a pair's sessions holds them
    before it counts the sessions: two writers at once (an import and a record) then count
    one after the other, each with the other's session, instead of both without it."""
    pairs = set(pairs)
    document_ids = sorted({d for d, _u in pairs})
    unit_ids = sorted({u for _d, u in pairs})
    if connection.features.has_select_for_update:  # SQLite: the writer holds the file
        for i in range(0, len(unit_ids), 900):
            rows = Recipient.objects.filter(
                document_id__in=document_ids, unit_id__in=unit_ids[i : i + 900]
            )
            list(rows.select_for_update().order_by("unit_id", "pk").values_list("pk"))


def set_disseminations(values):
    """Many (document, unit) pairs at once (a bulk import of sessions): `values` maps
    (document id, unit id) → (first day or None, count). The rows that change are updated
    set-based and audited as `set_dissemination` would (one entry per row, before/after);
    pairs with no recipient row are ignored. Returns how many rows changed."""
    from giaoban.audit.registry import BulkWriter, snapshot

    if not values:
        return 0
    document_ids = sorted({d for d, _u in values})
    unit_ids = sorted({u for _d, u in values})
    changed = []
    writer = BulkWriter()
    with transaction.atomic():
        for i in range(0, len(unit_ids), 900):
            rows = (
                Recipient.objects.select_for_update()
                .filter(document_id__in=document_ids, unit_id__in=unit_ids[i : i + 900])
                .order_by("pk")
            )
            for recipient in rows:
                wanted = values.get((recipient.document_id, recipient.unit_id))
                if wanted is None or (recipient.disseminated_on, recipient.sessions) == wanted:
                    continue
                before = snapshot(recipient)
                recipient.disseminated_on, recipient.sessions = wanted
                writer.add(
                    Recipient,
                    recipient.pk,
                    str(recipient),
                    recipient.path,
                    "update",
                    before,
                    snapshot(recipient),
                )
                changed.append(recipient)
        # One plain UPDATE a row (executemany): what bulk_update wrote, without compiling a
        # CASE expression over every row (it was most of this function for 500 rows).
        adapt = connection.ops.adapt_datefield_value
        table = connection.ops.quote_name(Recipient._meta.db_table)
        sql = f"UPDATE {table} SET disseminated_on = %s, sessions = %s WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(adapt(r.disseminated_on), r.sessions, r.pk) for r in changed])
        writer.flush()
    return len(changed)


def chain_ids(document_id, depth=4):
    """The ids of `document_id` and of the issued documents implementing it, down the tree
    (a province's plan implementing the central one, a commune's implementing the
    province's), `depth` levels at most: one query a level."""
    found = {document_id}
    level = {document_id}
    for _ in range(depth):
        level = (
            set(
                DocumentLink.objects.filter(
                    target_id__in=level,
                    kind=DocumentLink.Kind.IMPLEMENTS,
                    source__status__in=(Document.Status.ISSUED, Document.Status.REPLACED),
                ).values_list("source_id", flat=True)
            )
            - found
        )
        if not level:
            break
        found |= level
    return found


def first_implementing(chain, unit_ids=None):
    """{unit id: the issue date of its first issued document linked "implements" to a
    document of `chain`} (a unit's own plan for a campaign or a directive)."""
    rows = Document.objects.filter(
        links_out__target_id__in=chain,
        links_out__kind=DocumentLink.Kind.IMPLEMENTS,
        status__in=(Document.Status.ISSUED, Document.Status.REPLACED),
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    out = {}
    for unit_id, day in rows.values_list("unit_id", "issue_date").order_by("issue_date"):
        out.setdefault(unit_id, day)
    return out


def implementing_by(user, unit_id, chain, limit=5):
    """The issued documents of `unit_id` the user may see that implement a document of
    `chain` (a unit's own plan for a campaign), oldest first."""
    return list(
        Document.objects.restrict(user)
        .filter(
            unit_id=unit_id,
            links_out__target_id__in=list(chain),
            links_out__kind=DocumentLink.Kind.IMPLEMENTS,
            status__in=(Document.Status.ISSUED, Document.Status.REPLACED),
        )
        .distinct()
        .order_by("issue_date", "pk")
        .only("pk", "symbol", "subject", "issue_date")[:limit]
    )


def issue_plan(user, unit, body, kind_abbr, subject, body_text, *, day, implements=(), **fields):
    """A unit's plan (or any document) through the register's own steps, all or nothing:
    drafted (`services.create_draft`, with `fields`: recipient_rule, recipient_level,
    disseminate_by, plan_by, report_by, signer_title…), linked "implements" to each of
    `implements`, sent for review and issued on `day` by `user`, an officer and a leader
    of `unit` (a campaign's plan, a province's plan implementing it). `is_demo` in
    `fields` marks it demo. Returns (document, warnings); raises DocumentError."""
    is_demo = fields.pop("is_demo", False)
    kind = DocumentKind.objects.filter(body=body, abbreviation=kind_abbr, is_active=True).first()
    with transaction.atomic():
        document = services.create_draft(
            user, unit, body, kind=kind, subject=subject, body_text=body_text, **fields
        )
        if is_demo:
            document.is_demo = True
            document.save(update_fields=["is_demo"])
        for target in implements:
            services.add_link(document, target, DocumentLink.Kind.IMPLEMENTS, user)
        services.send_for_review(document, user)
        return services.issue(document, user, day)
