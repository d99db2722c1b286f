"""Văn bản đến hạn — the documents' part of the home page's list of what is due.

A unit owes an obligation of a document it received (quán triệt, kế hoạch triển khai,
báo cáo kết quả) while no record has met it: still within the deadline, or overdue.
For the user's own units every such obligation is an item, nearest deadline first,
linking to the document; for the units directly below, items too (the shell caps them,
linking to that unit's row of the document; handed as `core.due.Deferred`, so that only
the few shown are built) and one summary line per unit, document
and obligation: "x/y đơn vị cấp dưới chưa quán triệt văn bản …".

Only documents in force as issued count (a replaced or repealed one is owed no more).
Queries stay flat whatever the number of documents or children: the tree of today
(cached), the owed recipient rows of the anchors and their children in one query, their
documents in one, how
many children received each of those documents in one, and the own units' count of
obligations in one. Registered with `core.registry.due` in `DocumentsConfig.ready()`.
"""

import functools

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core import due
from giaoban.core.due import DueContribution, DueItem, DueSummary
from giaoban.core.scope import VIEW
from giaoban.documents import obligations
from giaoban.documents.models import Document, Recipient
from giaoban.units import history

KIND = {
    obligations.DISSEMINATE: gettext_lazy("Văn bản cần quán triệt"),
    obligations.PLAN: gettext_lazy("Văn bản cần xây dựng kế hoạch triển khai"),
    obligations.REPORT: gettext_lazy("Văn bản cần báo cáo kết quả thực hiện"),
}
SUMMARY = {
    obligations.DISSEMINATE: gettext_lazy(
        "%(anchor)s: %(owing)s/%(total)s đơn vị cấp dưới chưa quán triệt văn bản %(doc)s"
    ),
    obligations.PLAN: gettext_lazy(
        "%(anchor)s: %(owing)s/%(total)s đơn vị cấp dưới chưa có kế hoạch triển khai văn "
        "bản %(doc)s"
    ),
    obligations.REPORT: gettext_lazy(
        "%(anchor)s: %(owing)s/%(total)s đơn vị cấp dưới chưa báo cáo kết quả thực hiện văn "
        "bản %(doc)s"
    ),
}
ORDER = {o.key: n for n, o in enumerate(obligations.OBLIGATIONS)}


def owed_q():
    """Recipient rows with at least one obligation asked and not yet met."""
    q = Q()
    for o in obligations.OBLIGATIONS:
        q |= Q(**{f"document__{o.deadline_field}__isnull": False, f"{o.met_field}__isnull": True})
    return q


def document_label(document):
    return document.symbol or document.subject


def _detail(document):
    return _("%(body)s, ngày %(day)s") % {
        "body": document.issuer.name,
        "day": document.issue_date.strftime("%d/%m/%Y"),
    }


def _item(document, recipient, standing, own, today):
    if own:
        url = reverse("documents:detail", kwargs={"pk": document.pk})
    else:
        url = reverse(
            "documents:recipient", kwargs={"pk": document.pk, "code": recipient.unit.code}
        )
    return DueItem(
        kind=str(KIND[standing.obligation.key]),
        title=str(document),
        detail=_detail(document),
        unit=recipient.unit,
        own=own,
        deadline=standing.deadline,
        timing=due.timing(standing.deadline, None, today, verb=str(standing.obligation.verb)),
        status_label=str(standing.label),
        status_css=standing.css,
        url=url,
        sort_key=(ORDER[standing.obligation.key],),
    )


def _children(anchors, today):
    """{child unit id: anchor} for the units directly below each anchor today."""
    out = {}
    for anchor in anchors:
        for child_id in history.child_ids_on(anchor.pk, today):
            out.setdefault(child_id, anchor)
    return out


def _own_expected(user, anchor_ids):
    """How many obligations the documents in force asked of the user's own units."""
    counts = (
        Recipient.objects.restrict(user, VIEW)
        .filter(unit_id__in=anchor_ids, document__status=Document.Status.ISSUED)
        .aggregate(
            **{
                o.key: Count("pk", filter=Q(**{f"document__{o.deadline_field}__isnull": False}))
                for o in obligations.OBLIGATIONS
            }
        )
    )
    return sum(v or 0 for v in counts.values())


def contribution(user, anchors, today):
    """What the user's units and the units directly below owe on the documents they
    received (the `core.registry.due` provider of this app)."""
    out = DueContribution()
    if not anchors:
        return out
    own_ids = {a.pk for a in anchors}
    below = _children(anchors, today)
    for pk in own_ids:
        below.pop(pk, None)  # an anchor below another anchor counts as the user's own
    rows = list(
        Recipient.objects.restrict(user, VIEW)
        .filter(owed_q(), unit_id__in=[*own_ids, *below], document__status=Document.Status.ISSUED)
        .select_related("unit")
        .order_by("path", "document_id")
    )
    # A few documents for many rows: read once each, not joined into every row.
    documents = Document.objects.select_related("issuer", "kind").in_bulk(
        {r.document_id for r in rows}
    )
    for r in rows:
        r.document = documents[r.document_id]
    # (anchor id, document id, obligation) -> [owing, overdue]
    owing = {}
    for r in rows:
        document = r.document
        own = r.unit_id in own_ids
        title = None
        for standing in obligations.owed(document, r, today):
            if own:
                out.items.append(_item(document, r, standing, own, today))
            else:  # the home page shows a few of the units below: build only those
                title = title or str(document)
                out.items.append(
                    due.Deferred(
                        functools.partial(_item, document, r, standing, own, today),
                        deadline=standing.deadline,
                        sort_key=(ORDER[standing.obligation.key],),
                        unit=r.unit,
                        title=title,
                        own=own,
                    )
                )
            if not own:
                key = (below[r.unit_id].pk, document.pk, standing.obligation.key)
                count = owing.setdefault(key, [0, 0])
                count[0] += 1
                count[1] += standing.status == obligations.OVERDUE
    out.summaries = _summaries(rows, below, owing)
    out.own_expected = _own_expected(user, own_ids)
    return out


def _summaries(rows, below, owing):
    """One line per anchor, document and obligation still owed by some unit below."""
    if not owing:
        return []
    documents = {r.document_id: r.document for r in rows}
    received = (
        Recipient.objects.filter(document_id__in={d for _a, d, _o in owing}, unit_id__in=below)
        .values_list("document_id", "unit__parent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = {(parent_id, document_id): n for document_id, parent_id, n in received}
    anchors = {a.pk: a for a in below.values()}
    out = []
    for (anchor_id, document_id, key), (count, overdue) in sorted(
        owing.items(), key=lambda pair: (anchors[pair[0][0]].path, pair[0][1], ORDER[pair[0][2]])
    ):
        anchor, document = anchors[anchor_id], documents[document_id]
        text = SUMMARY[key] % {
            "anchor": anchor.short_name,
            "owing": count,
            "total": totals.get((anchor_id, document_id), count),
            "doc": document_label(document),
        }
        url = reverse("documents:recipients", kwargs={"pk": document_id})
        out.append(DueSummary(text=text, overdue=overdue, url=url))
    return out
