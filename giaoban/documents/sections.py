"""The register's section of the consolidated report (registry.report_sections).

For the consolidating unit and the period's window: the documents its party organisation
and command issued (by kind) and received, and how the obligations of the documents it
issued in the window stand among their recipients — disseminated, planned, reported on
time, late, still within the deadline, overdue — as they stood on `as_of`. Counts of
records only, in one query each.
"""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING, STANDING_LABELS
from giaoban.core.formatting import format_number
from giaoban.core.registry import ReportSection
from giaoban.documents import obligations
from giaoban.documents.models import Document, Recipient

TITLE = gettext_lazy("Công tác ban hành, quán triệt, triển khai văn bản chỉ đạo")
COUNTED = (Document.Status.ISSUED, Document.Status.REPLACED, Document.Status.REPEALED)


def _standings(rows, deadline, met, as_of):
    """{standing: count} of one obligation over recipient rows, as of `as_of`."""
    asked = Q(**{f"document__{deadline}__isnull": False})
    done = Q(**{f"{met}__isnull": False, f"{met}__lte": as_of})
    in_time = Q(**{f"{met}__lte": F(f"document__{deadline}")})
    return rows.aggregate(
        asked=Count("pk", filter=asked),
        **{
            ON_TIME: Count("pk", filter=asked & done & in_time),
            LATE: Count("pk", filter=asked & done & ~in_time),
            PENDING: Count("pk", filter=asked & ~done & Q(**{f"document__{deadline}__gte": as_of})),
            OVERDUE: Count("pk", filter=asked & ~done & Q(**{f"document__{deadline}__lt": as_of})),
        },
    )


def _issued_by_kind(unit, start, end):
    rows = (
        Document.objects.filter(
            unit=unit, status__in=COUNTED, issue_date__gte=start, issue_date__lte=end
        )
        .values("kind__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind__name")
    )
    return [(r["kind__name"], r["n"]) for r in rows]


def section(unit, period, as_of):
    """The ReportSection of the register for `unit` over `period` (None: nothing to say)."""
    start, end = period.start, min(period.end, as_of)
    kinds = _issued_by_kind(unit, start, end)
    issued = sum(n for _k, n in kinds)
    received = Recipient.objects.filter(
        unit=unit,
        document__status__in=COUNTED,
        document__issue_date__gte=start,
        document__issue_date__lte=end,
    ).count()
    if not issued and not received:
        return None
    rows = Recipient.objects.filter(
        document__unit=unit,
        document__status__in=COUNTED,
        document__issue_date__gte=start,
        document__issue_date__lte=end,
    )
    table_rows, data = [], {"issued": issued, "received": received, "kinds": dict(kinds)}
    for o in obligations.OBLIGATIONS:
        counts = _standings(rows, o.deadline_field, o.met_field, as_of)
        data[o.key] = counts
        if counts["asked"]:
            table_rows.append(
                [str(o.label), counts["asked"], *(counts[s] for s in (ON_TIME, LATE, PENDING))]
                + [counts[OVERDUE]]
            )
    window = {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
    paragraphs = [
        _(
            "Từ ngày %(start)s đến ngày %(end)s, ban hành %(issued)s văn bản%(kinds)s; nhận "
            "%(received)s văn bản của cấp trên."
        )
        % {
            **window,
            "issued": format_number(issued),
            "kinds": (" (" + ", ".join(f"{format_number(n)} {k.lower()}" for k, n in kinds) + ")")
            if kinds
            else "",
            "received": format_number(received),
        }
    ]
    if table_rows:
        paragraphs.append(
            _(
                "Việc thực hiện các văn bản đã ban hành trong kỳ của các đơn vị nhận, tính đến "
                "ngày %(day)s (lượt đơn vị):"
            )
            % {"day": f"{end:%d/%m/%Y}"}
        )
    header = [
        _("Yêu cầu"),
        _("Số lượt đơn vị phải thực hiện"),
        *(str(STANDING_LABELS[s]) for s in (ON_TIME, LATE, PENDING, OVERDUE)),
    ]
    return ReportSection(
        key="documents",
        title=str(TITLE),
        paragraphs=paragraphs,
        table=(header, table_rows) if table_rows else None,
        data=data,
        url=reverse("documents:outgoing"),
    )
