"""One name per report status, everywhere: pages, charts, Excel, API, audit trail.

The four stored statuses are `Report.Status`; "no report yet" (a unit expected to
report that has not opened one) is a fifth state with its own name. A unit that is not
expected to report at all — its level does not report on the form, or it did not
exist at the period's end — is "không thuộc diện báo cáo", never a late report.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core.due import timing
from giaoban.exports.charts import Segment
from giaoban.reports.models import Report

S = Report.Status
MISSING = "missing"  # expected, no report yet
PENDING = (None, S.DRAFT, S.RETURNED)  # nothing sent up yet
SENT = (S.SUBMITTED, S.ACCEPTED)

MISSING_LABEL = gettext_lazy("Chưa lập")
NOT_EXPECTED_LABEL = gettext_lazy("không thuộc diện báo cáo")

CSS = {
    None: "err",
    MISSING: "err",
    S.DRAFT: "",
    S.RETURNED: "warn",
    S.SUBMITTED: "info",
    S.ACCEPTED: "ok",
}
COLOURS = {
    S.ACCEPTED: "#1b7f3b",
    S.SUBMITTED: "#6fb7ff",
    S.RETURNED: "#e8a33d",
    S.DRAFT: "#b8bcc4",
    MISSING: "#f3d0cd",
}


def label(status):
    """The name of a status; None (or "missing") is "Chưa lập"."""
    if status in (None, "", MISSING):
        return str(MISSING_LABEL)
    return str(S(status).label)


def css(status):
    return CSS.get(status, "")


def segments():
    """The statuses as chart segments, in stacking order (sent ones count as done)."""
    order = (S.ACCEPTED, S.SUBMITTED, S.RETURNED, S.DRAFT, MISSING)
    return [Segment(key, label(key), COLOURS[key], done=key in SENT) for key in order]


def report_timing(status, deadline, first_submitted_at=None, today=None):
    """Where a report stands against its deadline: one sent up is judged by its first
    submission; one still in hand (missing, draft, returned) by the days left."""
    done = first_submitted_at if status not in PENDING else None
    return timing(deadline, done, today, verb=_("gửi"))
