"""What a template is: the form's shape (sections, indicators, narratives, bounds), the
hidden identity sheet with its checksum, and what reports already hold for pre-filling.

A very hidden, protected sheet records what the template is — form, version, period,
layout, unit, where its headers are — with a checksum, so an upload can tell a wrong or
altered template before reading a single figure. The checksum only catches mistakes;
security comes from the scope checks made on every row at upload.
"""

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from giaoban.core import periods, scope
from giaoban.exports.xlsx import BAND, CellProblem, UploadError, read_sheet, refuse
from giaoban.reports.models import Report, ReportForm, ReportText, ReportValue
from giaoban.units.models import Unit

META_SHEET = "_giaoban"
MAGIC = "giaoban-mau-nhap-lieu"
META_FORMAT = "1"
UNIT, SUBTREE = "unit", "subtree"
NARRATIVES_PER_PAGE = 3  # of the one-unit template, on A4 landscape
EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)
SENT = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)
DEMO_TEXT = gettext_noop(
    "Bản trình diễn: mọi số liệu trong tệp là số liệu giả lập, không phải số liệu thật."
)


# ------------------------------------------------------------------------- the form


@dataclass
class FormShape:
    """A form version's sections with their indicators and narrative fields, in order."""

    form: object
    period: periods.Period
    version: object
    sections: list  # [(section, [indicators], [narratives])]
    indicators: list
    narratives: list
    bounds: dict  # indicator id → (min, max) from the version's error rules

    @classmethod
    def of(cls, form, period, only=None):
        """The current version; `only` keeps just those indicators and no narratives."""
        version = form.current_version()
        sections = list(version.sections.order_by("order"))
        indicators = list(version.indicators.all())
        narratives = list(version.narratives.all())
        if only is not None:
            wanted = {i.code for i in only}
            indicators = [i for i in indicators if i.code in wanted]
            narratives = []
        groups = {s.pk: ([], []) for s in sections}
        for ind in indicators:
            groups[ind.section_id][0].append(ind)
        for nar in narratives:
            groups[nar.section_id][1].append(nar)
        bounds = {}
        for rule in version.rules.filter(kind="bounds", severity="error"):
            low, high = bounds.get(rule.indicator_id, (None, None))
            if rule.min_value is not None:
                low = rule.min_value if low is None else max(low, rule.min_value)
            if rule.max_value is not None:
                high = rule.max_value if high is None else min(high, rule.max_value)
            bounds[rule.indicator_id] = (low, high)
        return cls(
            form=form,
            period=period,
            version=version,
            sections=[(s, *groups[s.pk]) for s in sections if any(groups[s.pk])],
            indicators=indicators,
            narratives=narratives,
            bounds=bounds,
        )

    def validate(self, sheet, indicator, ref):
        """Excel's own check on the cells `ref`: the indicator's type and error bounds."""
        low, high = self.bounds.get(indicator.pk, (None, None))
        sheet.validate(ref, indicator.value_type == "int", low, high)

    def title(self, what=None):
        return _("%(form)s — kỳ %(period)s") % {
            "form": what or self.form.name,
            "period": self.period.label,
        }

    def window(self):
        start, end = self.period.start, self.period.end
        return _("thời gian từ %(start)s đến %(end)s") % {
            "start": f"{start:%d/%m/%Y}",
            "end": f"{end:%d/%m/%Y}",
        }

    def version_label(self):
        return _("mẫu %(code)s, phiên bản %(n)s") % {
            "code": self.form.code,
            "n": self.version.number,
        }

    def band(self, lead, with_narratives=True):
        """The row naming each section over its columns, after `lead` (value, style) cells."""
        cells, spans, col = list(lead), [], len(lead)
        for section, indicators, narratives in self.sections:
            width = len(indicators) + (len(narratives) if with_narratives else 0)
            cells.append((f"{section.number}. {section.title}", BAND))
            cells.extend((None, BAND) for _i in range(width - 1))
            if width > 1:
                spans.append((col + 1, col + width))
            col += width
        return cells, spans


# ----------------------------------------------------------------- template metadata


def checksum(meta):
    canonical = "\n".join(f"{k}={meta[k]}" for k in sorted(meta) if k != "checksum")
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def write_meta(wb, meta):
    meta = {k: str(v) for k, v in meta.items()}
    meta["checksum"] = checksum(meta)
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.append([_("Thông tin nhận dạng mẫu — không sửa"), ""])
    for key, value in meta.items():
        ws.append([key, value])
    return meta


def base_meta(shape, layout, unit, sheet):
    return {
        "magic": MAGIC,
        "format": META_FORMAT,
        "form": shape.form.code,
        "version": shape.version.number,
        "period": shape.period.key,
        "layout": layout,
        "unit": unit.code,
        "sheet": sheet,
        "generated": timezone.now().isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------- building templates


@dataclass
class Entries:
    """What a report holds, for pre-filling a template."""

    status: str = ""
    values: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    is_demo: bool = False


def entries_of(form, period_key, unit_ids, statuses=None):
    """{unit id: Entries} of the units' reports for a period, in three queries."""
    reports = Report.objects.filter(form=form, period_key=period_key, unit_id__in=unit_ids)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    by_id = {
        rid: (uid, Entries(status=st, is_demo=demo))
        for rid, uid, st, demo in reports.values_list("id", "unit_id", "status", "is_demo")
    }
    for rid, code, value in ReportValue.objects.filter(report_id__in=list(by_id)).values_list(
        "report_id", "indicator__code", "value"
    ):
        by_id[rid][1].values[code] = value
    for rid, code, text in ReportText.objects.filter(report_id__in=list(by_id)).values_list(
        "report_id", "field__code", "text"
    ):
        by_id[rid][1].texts[code] = text
    return {uid: entries for uid, entries in by_id.values()}


def unit_name(unit):
    return _("Đơn vị: %(name)s (mã %(code)s)") % {"name": unit.name, "code": unit.code}


def with_levels(form):
    """The form with its levels and deadlines fetched once: workflow.reports_on and
    deadline_for read them for every unit, which is thousands of times in a big file."""
    cache = getattr(form, "_prefetched_objects_cache", {})
    if "levels" in cache and "deadlines" in cache:
        return form
    return ReportForm.objects.prefetch_related("levels", "deadlines").get(pk=form.pk)


def read_meta(wb):
    """The template's identity, checked against its checksum; UploadError if absent or altered."""
    not_ours = _(
        "Tệp không phải là mẫu nhập liệu của giaoban (không có phần thông tin nhận dạng mẫu): "
        "hãy tải mẫu Excel ở trang này, điền số liệu vào mẫu đó rồi tải lên."
    )
    if META_SHEET not in wb.sheetnames:
        refuse(not_ours)
    meta = {}
    for row in read_sheet(wb[META_SHEET], META_SHEET).rows[1:]:
        if row and row[0] is not None:
            meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if meta.get("magic") != MAGIC:
        refuse(not_ours)
    if meta.get("format") != META_FORMAT or meta.get("checksum") != checksum(meta):
        refuse(
            _(
                "Phần thông tin nhận dạng của tệp mẫu đã bị sửa hoặc không còn nguyên vẹn: "
                "hãy tải mẫu mới và điền lại."
            )
        )
    return meta


def check_identity(meta, form, period, node, user):
    """The template must be this form's current version, for this period, under this unit."""
    version = form.current_version()
    problems = []
    if meta["form"] != form.code:
        message = _("Tệp là mẫu “%(other)s”, không phải mẫu “%(form)s” đang nhập.")
        problems.append(message % {"other": meta["form"], "form": form.code})
    elif meta["version"] != str(version.number):
        message = _(
            "Tệp lập theo phiên bản %(old)s của mẫu, nay mẫu đã có phiên bản %(new)s: "
            "hãy tải mẫu mới và điền lại."
        )
        problems.append(message % {"old": meta["version"], "new": version.number})
    if meta["period"] != period.key:
        try:
            other = form.period(meta["period"]).label
        except periods.PeriodError:
            other = meta["period"]
        message = _("Tệp là mẫu của kỳ “%(other)s”, không phải kỳ “%(period)s” đang nhập.")
        problems.append(message % {"other": other, "period": period.label})
    unit = Unit.objects.filter(code=meta.get("unit", "")).first()
    if unit is None or not unit.path.startswith(node.path):
        message = _(
            "Tệp là mẫu của %(other)s, không thuộc %(node)s: hãy tải lên ở trang của đơn vị đó."
        )
        # A unit outside the user's scope is named by the code the file holds, no more.
        visible = unit is not None and scope.can(user, scope.VIEW, unit)
        other = unit.name if visible else _("đơn vị mã “%(code)s”") % {"code": meta.get("unit")}
        problems.append(message % {"other": other, "node": node.name})
    if meta.get("layout") not in (UNIT, SUBTREE):
        problems.append(_("Tệp không rõ là mẫu một đơn vị hay mẫu nhiều đơn vị."))
    if problems:
        raise UploadError([CellProblem(p) for p in problems])
    return unit
