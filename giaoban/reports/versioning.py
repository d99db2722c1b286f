"""Phiên bản mẫu báo cáo — editing a form without changing what old reports were filed on.

A report keeps the form version it was opened on (`Report.version`); new reports take
`form.current_version()`, the highest number. So:

- while the current version has no report, an edit applies to it in place;
- once any report uses it, the first edit copies the whole version (sections,
  indicators, narrative fields, validation rules) into version N+1 and applies the
  edit to the copy. Old submissions keep version N, untouched; later edits go on
  changing N+1 until a report uses it in turn.

Editors of one form are serialised by locking the form row, so two administrators
saving at once cannot both create "version N+1". (A report opened at the very moment
an unused version is edited may see that edit: the edit was made before its data.)

Every change is in the audit log: the form models are registered with the audit
mechanism by `reports.auditing.register_audit()` (one entry per create, update or
delete through the ORM), and a copy made by `clone()` writes one entry naming both
versions and what was copied.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from giaoban.audit.registry import write as audit
from giaoban.reports.models import (
    FormVersion,
    Indicator,
    NarrativeField,
    Report,
    ReportForm,
    Section,
    ValidationRule,
)


def _form_path(form):
    return form.owner.path if form.owner_id else ""


class VersionConflict(Exception):
    """The object edited belongs to a version that is no longer the current one."""

    def __init__(self):
        super().__init__(
            _(
                "Mẫu báo cáo vừa được sửa ở nơi khác (đã có phiên bản mới). "
                "Mở lại trang và sửa lại trên phiên bản hiện hành."
            )
        )
        self.message = str(self)


def in_use(version):
    return version is not None and version.reports.exists()


def version_for_period(form, period_key):
    """The newest version any report of this period was filed on, else the current one.

    Pages about a past period show the indicators its reports actually had.
    """
    used = (
        FormVersion.objects.filter(form=form)
        .filter(Exists(Report.objects.filter(version=OuterRef("pk"), period_key=period_key)))
        .order_by("-number")
        .first()
    )
    return used or form.current_version()


@dataclass
class Target:
    """The version an edit lands on, and how the current version's objects map onto it."""

    source: FormVersion | None  # the current version when the edit started
    version: FormVersion
    cloned: bool
    mapping: dict = field(default_factory=dict)  # (model, old pk) → new object

    def counterpart(self, obj):
        """The object of the target version standing for `obj` (itself when not cloned)."""
        if obj is None:
            return None
        if obj.version_id != (self.source.pk if self.source else None):
            raise VersionConflict()
        if not self.cloned:
            return obj
        return self.mapping[(type(obj), obj.pk)]


def _lock(form):
    return ReportForm.objects.select_for_update().get(pk=form.pk)


def editable_version(form, note=""):
    """The version to apply an edit to, cloning the current one first if reports use it.

    Must run inside `transaction.atomic()` together with the edit itself.
    """
    form = _lock(form)
    current = form.current_version()
    if current is None:
        version = FormVersion.objects.create(form=form, number=1, note=note[:255])
        return Target(source=None, version=version, cloned=False)
    if not in_use(current):
        return Target(source=current, version=current, cloned=False)
    return clone(current, note)


def clone(version, note=""):
    """Copy `version` with everything in it into version N+1 (one audit entry for the copy)."""
    number = version.number + 1
    new = FormVersion.objects.create(
        form=version.form,
        number=number,
        note=(
            note
            or _("Sửa đổi từ phiên bản %(n)s (phiên bản %(n)s đã có báo cáo)")
            % {"n": version.number}
        )[:255],
    )
    mapping = {}

    def copy(model, rows, **remap):
        fresh = []
        for row in rows:
            clone_row = model(
                **{
                    f.attname: getattr(row, f.attname)
                    for f in model._meta.concrete_fields
                    if not f.primary_key and f.attname != "version_id"
                }
            )
            clone_row.version = new
            for attname, related_model in remap.items():
                old_id = getattr(row, attname)
                if old_id is not None:
                    setattr(clone_row, attname, mapping[(related_model, old_id)].pk)
            fresh.append(clone_row)
        model.objects.bulk_create(fresh)  # returns primary keys on SQLite and PostgreSQL
        for row, clone_row in zip(rows, fresh, strict=True):
            mapping[(model, row.pk)] = clone_row
        return fresh

    sections = copy(Section, list(version.sections.order_by("pk")))
    indicators = copy(Indicator, list(version.indicators.order_by("pk")), section_id=Section)
    narratives = copy(NarrativeField, list(version.narratives.order_by("pk")), section_id=Section)
    rules = copy(
        ValidationRule,
        list(version.rules.order_by("pk")),
        indicator_id=Indicator,
        other_id=Indicator,
        narrative_id=NarrativeField,
    )
    audit(
        new,
        "create",
        after={
            "copied_from_version": version.number,
            "version": number,
            "sections": len(sections),
            "indicators": len(indicators),
            "narratives": len(narratives),
            "rules": len(rules),
        },
        message=_("Tạo phiên bản %(new)s bằng cách sao chép phiên bản %(old)s đã có báo cáo.")
        % {"new": number, "old": version.number},
        unit_path=_form_path(version.form),
    )
    return Target(source=version, version=new, cloned=True, mapping=mapping)


VERSIONED = (Section, Indicator, NarrativeField, ValidationRule)


@transaction.atomic
def save_item(form, model, original, data, note=""):
    """Create (`original` None) or change an object of the form's current version.

    `data` maps field names to cleaned values; related sections, indicators and
    narrative fields are taken from the current version and mapped onto the target.
    Returns (target, saved object).
    """
    target = editable_version(form, note)
    if original is None:
        obj = model(version=target.version)
    else:
        obj = target.counterpart(original)
    for name, value in data.items():
        if isinstance(value, VERSIONED):
            value = target.counterpart(value)
        setattr(obj, name, value)
    obj.save()
    if model is NarrativeField:
        _sync_required_rule(obj)
    elif model is ValidationRule:
        _sync_required_flags(target.version)
    return target, obj


@transaction.atomic
def delete_item(form, original, note=""):
    """Delete an object of the current version (in version N+1 if N is in use)."""
    target = editable_version(form, note)
    obj = target.counterpart(original)
    obj.delete()  # cascades (a section's indicators, an indicator's rules) are audited too
    if isinstance(obj, ValidationRule):
        _sync_required_flags(target.version)
    return target


def required_message(title):
    return _("“%(title)s” là phần bắt buộc, cần nhập nội dung.") % {"title": title}


def _required_rules(version):
    return ValidationRule.objects.filter(
        version=version, kind="required", severity="error", narrative__isnull=False
    )


def _sync_required_rule(narrative):
    """A required narrative field is enforced by an error-level "required" rule (the
    checks only read rules): ticking "bắt buộc" adds that rule, unticking removes it."""
    rules = _required_rules(narrative.version).filter(narrative=narrative)
    if narrative.required and not rules.exists():
        ValidationRule.objects.create(
            version=narrative.version,
            kind="required",
            severity="error",
            narrative=narrative,
            message=required_message(narrative.title),
        )
    elif not narrative.required:
        for rule in rules:
            rule.delete()


def _sync_required_flags(version):
    """After a rule changes: a narrative is "bắt buộc" exactly when an error rule requires it."""
    wanted = set(_required_rules(version).values_list("narrative_id", flat=True))
    for narrative in version.narratives.all():
        if narrative.required != (narrative.pk in wanted):
            narrative.required = narrative.pk in wanted
            narrative.save()
