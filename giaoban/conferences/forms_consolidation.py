"""Forms of the consolidated report's pages (báo cáo tổng hợp).

- `NewForm`: the unit (the user's units where they may enter data, and those directly
  below them that have units below in turn), the issuing body, the report form and the
  period — offered in words, the form's current period and those before it. What only the
  service can judge (a period not yet begun, a unit with no reporting children, a unit out
  of the user's reach) comes back as its `ConsolidationError`, put on the field it names.
- `LayoutForm`: the subject line, the signing block and "Nơi nhận"; the service checks them.
- The paragraph actions post a few plain values (a section code, a report, sentences as
  "start-end" spans of the unit's text): `fragments_of` reads the spans.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.conferences.models import BODY_CHOICES, PARTY
from giaoban.core import periods, scope
from giaoban.core.text import nfc
from giaoban.reports import public as reports
from giaoban.units.models import Unit

RECENT_PERIODS = 6  # the current period and the five before it
REQUIRED = _("Chưa chọn.")


def _choice_errors():
    return {"required": REQUIRED, "invalid_choice": _("Lựa chọn không hợp lệ.")}


class PeriodSelect(forms.Select):
    """The periods of every form, one group per form; each option says its form
    (`data-form`), so consolidation.js shows only the chosen form's periods."""

    def __init__(self, group_forms=None, attrs=None):
        super().__init__(attrs=attrs)
        self.group_forms = group_forms or {}  # {group label: form code}

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        for label, options, _index in groups:
            for option in options:
                option["attrs"]["data-form"] = self.group_forms.get(label, "")
        return groups


def openable_units(user, day=None):
    """The units whose consolidated report the user may open, for a select: the outermost
    units where they enter data, then the units directly below those that have units below
    them (a province for the ministry's officer)."""
    day = day or timezone.localdate()
    paths = scope.role_paths(user, scope.CHANGE)
    if not paths:
        return []
    own = list(Unit.objects.filter(path__in=paths).order_by("path"))
    active = Q(active_to__isnull=True) | Q(active_to__gte=day)
    has_children = Exists(Unit.objects.filter(active, parent=OuterRef("pk")))
    below = Unit.objects.filter(active, has_children, parent__in=own).order_by("path")
    return own + list(below)


def period_groups(forms_list, day=None):
    """[(form name, [(key, label)])] and {form name: code}: the recent periods of each form."""
    day = day or timezone.localdate()
    groups, codes = [], {}
    for form in forms_list:
        recent = periods.recent(day, form.period_type, form.cutoff_day, RECENT_PERIODS)
        groups.append((form.name, [(p.key, str(p.label)) for p in recent]))
        codes[form.name] = form.code
    return groups, codes


class NewForm(forms.Form):
    """Lập báo cáo tổng hợp."""

    unit = forms.CharField(
        label=_("Đơn vị tổng hợp"),
        widget=forms.Select,
        error_messages={"required": REQUIRED},
        help_text=_("Báo cáo tổng hợp từ báo cáo của các đơn vị trực thuộc đơn vị này."),
    )
    body = forms.ChoiceField(
        label=_("Cơ quan ban hành"),
        choices=BODY_CHOICES,
        initial=PARTY,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(),
        help_text=_(
            "Tổ chức đảng: thể thức Hướng dẫn 36-HD/VPTW; chỉ huy: thể thức Nghị định 30/2020."
        ),
    )
    form = forms.CharField(
        label=_("Mẫu báo cáo"), widget=forms.Select, error_messages={"required": REQUIRED}
    )
    period = forms.CharField(
        label=_("Kỳ báo cáo"),
        error_messages={"required": REQUIRED},
        help_text=_("Kỳ hiện tại và các kỳ trước của mẫu đã chọn."),
    )

    def __init__(self, *args, user, day=None, extra_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = openable_units(user, day)
        if extra_unit is not None and extra_unit not in units:
            units.append(extra_unit)
        self.fields["unit"].widget.choices = [("", _("— chọn đơn vị —"))] + [
            (u.code, u.name) for u in units
        ]
        self.forms_list = list(reports.forms())
        self.fields["form"].widget.choices = [(f.code, f.name) for f in self.forms_list]
        groups, codes = period_groups(self.forms_list, day)
        self.fields["period"].widget = PeriodSelect(codes)
        self.fields["period"].widget.choices = groups

    def clean_unit(self):
        code = (self.cleaned_data["unit"] or "").strip().upper()
        unit = Unit.objects.select_related("level", "parent").filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không có đơn vị mã “%(code)s”.") % {"code": code[:30]}, code="invalid_choice"
            )
        return unit

    def clean_form(self):
        code = self.cleaned_data["form"]
        found = next((f for f in self.forms_list if f.code == code), None)
        if found is None:
            raise forms.ValidationError(_("Không có mẫu báo cáo này."), code="invalid_choice")
        return found

    def clean_period(self):
        return nfc(self.cleaned_data["period"]).strip()[:8]


class LayoutForm(forms.Form):
    """Thể thức: the subject line, the signing block, "Nơi nhận" (checked by the service)."""

    subject = forms.CharField(
        label=_("Trích yếu"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dòng dưới chữ “BÁO CÁO”; xuống dòng để ngắt như trên văn bản."),
    )
    signer_title = forms.CharField(
        label=_("Thẩm quyền ký"),
        required=False,
        help_text=_("Ví dụ “T/M ĐẢNG ỦY” hoặc “GIÁM ĐỐC”; tên người ký để trống."),
    )
    signer_position = forms.CharField(label=_("Chức vụ người ký"), required=False)
    recipients_text = forms.CharField(
        label=_("Nơi nhận"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nơi nhận, như in trên văn bản."),
    )

    @classmethod
    def of(cls, consolidation):
        return cls(
            initial={
                "subject": consolidation.subject,
                "signer_title": consolidation.signer_title,
                "signer_position": consolidation.signer_position,
                "recipients_text": consolidation.recipients_text,
            }
        )


def fragments_of(values):
    """The posted sentences ("start-end" each) as [[start, end]] pairs of text; the service
    checks each is a whole sentence of the unit's text."""
    return [value.split("-", 1) for value in values if value]


def span_value(start, end):
    return f"{start}-{end}"
