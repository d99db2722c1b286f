"""What other domain apps may ask of periodic reports (import-linter allows only this
module).

The consolidated report of a conference (conferences app) is compiled from the live
roll-up of a unit's subtree and from the narrative texts its direct children submitted;
a follow-up task may name a report as the evidence of its progress. Everything here
reads; nothing writes.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from giaoban.core import periods
from giaoban.reports import services, statuses
from giaoban.reports.models import NarrativeField, Report, ReportEvent, ReportForm, ReportText

S = Report.Status
SENT = statuses.SENT
PeriodError = periods.PeriodError


def forms():
    """The active report forms, by code."""
    return ReportForm.objects.filter(is_active=True).order_by("code")


def form_by_code(code):
    return ReportForm.objects.filter(code=code).first()


def parse_period(form, key):
    """The form's period of `key`, or PeriodError (a Vietnamese message)."""
    return form.parse_period(key)


def period_of(form, key):
    return form.period(key)


def containing(form, day):
    """The form's period that `day` falls in."""
    return periods.containing(day, form.period_type, form.cutoff_day)


def figures(node, form, period):
    """The node's roll-up for the period (`services.RollupView`): totals, comparisons with
    the previous period and the same period last year (like with like, through lineage),
    coverage, and every direct child's figures."""
    return services.rollup_view(node, form, period)


def basis_notes(view, where=None):
    return services.basis_notes(view, where)


def narratives(form, period=None):
    """[(code, title)] of the form's narrative parts: those of the version the period's
    reports were filed on (else the current version), in order."""
    version = form.current_version()
    if period is not None:
        used = (
            Report.objects.filter(form=form, period_key=period.key)
            .values_list("version_id", flat=True)
            .order_by("-version_id")
            .first()
        )
        if used:
            version = version.__class__.objects.get(pk=used)
    if version is None:
        return []
    return list(
        NarrativeField.objects.filter(version=version)
        .order_by("section__order", "order")
        .values_list("code", "title")
    )


@dataclass
class Submission:
    """A direct child's report as the consolidation reads it.

    `version` counts the times it was sent up (a report returned and sent again is its
    second version); `sent_at` is when the version was sent. `texts` maps a narrative
    code to the text of that version (a sent report cannot be edited until it is
    returned or reopened, so the stored text is the version's).
    """

    unit: object
    report_id: int | None
    status: str | None  # None: no report opened
    version: int = 0
    sent_at: datetime.datetime | None = None
    texts: dict = field(default_factory=dict)

    @property
    def sent(self):
        return self.status in SENT

    @property
    def status_label(self):
        return statuses.label(self.status if self.status else statuses.MISSING)


def expected_children(node, form, period):
    """The node's direct children (as the tree stood at the period's end) whose own level
    reports on the form."""
    level_ids = {lvl.pk for lvl in form.levels.all()}
    return [c for c in services.children_on(node, period) if c.level_id in level_ids]


def submissions(node, form, period):
    """[Submission] of every direct child expected to report, in the tree's order, with
    the texts of those that sent theirs (a few queries whatever the number of children)."""
    children = expected_children(node, form, period)
    if not children:
        return []
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[c.pk for c in children]
        ).only("pk", "unit_id", "status", "submitted_at", "first_submitted_at")
    }
    sent_ids = [r.pk for r in reports.values() if r.status in SENT]
    versions = dict(
        ReportEvent.objects.filter(report_id__in=sent_ids, to_status=S.SUBMITTED)
        .values_list("report_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    texts = {}
    rows = ReportText.objects.filter(report_id__in=sent_ids).values_list(
        "report_id", "field__code", "text"
    )
    for report_id, code, text in rows:
        if text.strip():
            texts.setdefault(report_id, {})[code] = text
    out = []
    for child in children:
        report = reports.get(child.pk)
        if report is None:
            out.append(Submission(child, None, None))
            continue
        sent = report.status in SENT
        out.append(
            Submission(
                child,
                report.pk,
                report.status,
                # Reports loaded in bulk (imports, the demo) carry no events: one version.
                version=max(1, versions.get(report.pk, 0)) if sent else 0,
                sent_at=(report.submitted_at or report.first_submitted_at) if sent else None,
                texts=texts.get(report.pk, {}) if sent else {},
            )
        )
    return out


def report_url(form, period, unit):
    return reverse(
        "reports:report", kwargs={"form": form.code, "period": period.key, "code": unit.code}
    )


def rollup_url(form, period, unit):
    return reverse(
        "reports:rollup", kwargs={"form": form.code, "period": period.key, "code": unit.code}
    )


def reports_of(user, unit, limit=50):
    """The unit's own reports the user may see, newest period first, as
    [(report id, label)] (a follow-up task's evidence picker)."""
    rows = (
        Report.objects.restrict(user)
        .filter(unit=unit)
        .select_related("form")
        .order_by("-period_end", "form__code")[:limit]
    )
    return [(r.pk, describe(r)) for r in rows]


def report_in_scope(user, report_id, unit=None):
    """The report if the user may see it (and it is `unit`'s, when given), else None."""
    qs = Report.objects.restrict(user).select_related("form", "unit").filter(pk=report_id)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.first()


def describe(report):
    """ "Báo cáo … — 6 tháng đầu năm 2026 (Đã chấp nhận)"."""
    return f"{report.form.name} — {report.period.label} ({statuses.label(report.status)})"


def url_of(report):
    return report_url(report.form, report.period, report.unit)


__all__ = [
    "PeriodError",
    "Submission",
    "basis_notes",
    "containing",
    "describe",
    "expected_children",
    "figures",
    "form_by_code",
    "forms",
    "narratives",
    "parse_period",
    "period_of",
    "report_in_scope",
    "report_url",
    "reports_of",
    "rollup_url",
    "submissions",
    "url_of",
]
