"""How report data is audited: by the audit mechanism, like every other model.

A report's snapshot holds its own fields and, when the change began with
`audit.registry.take_snapshot` (saving figures), its figures and texts as
flat keys — "values.GD01": "4", "texts.KQ": "…" — so that an entry shows what changed,
indicator by indicator, before and after. Transitions are saves of the report marked
"transition" with the reason. Form definitions are audited model by model.
"""

from django.utils.translation import gettext as _

from giaoban.audit.registry import exempt, register
from giaoban.reports.models import (
    FormDeadline,
    FormVersion,
    Indicator,
    NarrativeField,
    Report,
    ReportEvent,
    ReportForm,
    ReportText,
    ReportValue,
    Rollup,
    Section,
    ValidationRule,
)

VALUES, TEXTS, REASONS = "values.", "texts.", "reasons."


def _number(value):
    return None if value is None else format(value.normalize(), "f")


def entries_snapshot(values, texts, reasons=None):
    """{"values.<code>": "4", "texts.<code>": "…", "reasons.<code>": "…"} of figures
    (Decimals), texts, and the reasons of figures that override a computed value."""
    out = {f"{VALUES}{code}": _number(value) for code, value in values.items()}
    out.update({f"{TEXTS}{code}": text for code, text in texts.items()})
    out.update({f"{REASONS}{code}": text for code, text in (reasons or {}).items() if text})
    return out


def report_entries(report):
    values, reasons = {}, {}
    for code, value, reason in report.values.values_list(
        "indicator__code", "value", "override_reason"
    ):
        values[code] = value
        reasons[code] = reason
    texts = dict(report.texts.values_list("field__code", "text"))
    return entries_snapshot(values, texts, reasons)


def entry_labels(keys):
    """What a reader calls each flat key: the indicator's or the narrative's own name."""
    codes = {k[len(VALUES) :] for k in keys if k.startswith(VALUES)}
    codes |= {k[len(REASONS) :] for k in keys if k.startswith(REASONS)}
    fields = {k[len(TEXTS) :] for k in keys if k.startswith(TEXTS)}
    # The newest version's wording: codes keep their meaning from version to version.
    names = dict(
        Indicator.objects.filter(code__in=codes)
        .order_by("version__number")
        .values_list("code", "name")
    )
    titles = dict(
        NarrativeField.objects.filter(code__in=fields)
        .order_by("version__number")
        .values_list("code", "title")
    )
    out = {}
    for key in keys:
        if key.startswith(VALUES):
            code = key[len(VALUES) :]
            name = names.get(code, "")
            out[key] = _("Chỉ tiêu %(code)s — %(name)s") % {"code": code, "name": name}
        elif key.startswith(TEXTS):
            code = key[len(TEXTS) :]
            out[key] = _("Thuyết minh: %(title)s") % {"title": titles.get(code, code)}
        elif key.startswith(REASONS):
            code = key[len(REASONS) :]
            out[key] = _("Lý do sửa số liệu tự tính của chỉ tiêu %(code)s") % {"code": code}
    return out


def _form_path(form):
    return form.owner.path if form.owner_id else ""


def register_audit():
    """Audit reports and form definitions; say why the rest of the app's models are not.

    Called from `ReportsConfig.ready()`, so changes made anywhere are audited.
    """
    register(
        Report,
        unit_path=lambda report: report.unit.path,
        exclude={"updated_at", "path"},
        related=report_entries,
        labels=entry_labels,
    )
    register(ReportForm, unit_path=_form_path)
    register(FormDeadline, unit_path=lambda d: _form_path(d.form))
    register(FormVersion, unit_path=lambda v: _form_path(v.form))
    for model in (Section, Indicator, NarrativeField, ValidationRule):
        register(model, unit_path=lambda obj: _form_path(obj.version.form))
    exempt(ReportValue, "part of its report's audited snapshot (values.<mã chỉ tiêu>)")
    exempt(ReportText, "part of its report's audited snapshot (texts.<mã thuyết minh>)")
    exempt(ReportEvent, "the workflow history itself, written with each audited transition")
    exempt(Rollup, "derived from the reports, recomputed by the roll-up invariant test")
