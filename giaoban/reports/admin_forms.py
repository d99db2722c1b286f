"""Forms for editing report forms in the app (sửa mẫu báo cáo).

Each form validates against the form's current version, with Vietnamese messages
naming the field; saving goes through `versioning`, which decides whether the edit
lands on the current version or on a fresh copy of it.
"""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from giaoban.core import registry
from giaoban.core.formatting import MINUS, format_number
from giaoban.reports import computed, versioning
from giaoban.reports.models import (
    Indicator,
    NarrativeField,
    ReportForm,
    Section,
    ValidationRule,
)
from giaoban.units.models import Level

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")
CODE_HELP = _lazy("Chữ in hoa không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới; tối đa 30 ký tự.")

NOTE_FIELD_LABEL = _lazy("Ghi chú thay đổi (cho phiên bản mới)")


class VietnameseDecimalField(forms.DecimalField):
    """A decimal typed the Vietnamese way: "2,5", "1.234,5" (or "2.5")."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "").replace(MINUS, "-")
            if "," in text and "." in text:
                text = text.replace(".", "").replace(",", ".")
            elif "," in text:
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            # No thousands dots: "1.234" would read back as one point two three four.
            return format_number(value).replace(".", "")
        return value


def _clean_code(value):
    code = (value or "").strip().upper()
    if not CODE_RE.match(code):
        raise forms.ValidationError(
            _("“%(code)s” không hợp lệ: %(rule)s") % {"code": value, "rule": CODE_HELP}
        )
    return code


class VersionNoteMixin:
    """Adds the optional note that becomes the new version's note when an edit clones one."""

    def add_note_field(self, version):
        if versioning.in_use(version):
            self.fields["version_note"] = forms.CharField(
                label=NOTE_FIELD_LABEL,
                required=False,
                max_length=255,
                help_text=_(
                    "Phiên bản %(n)s đã có báo cáo: lưu thay đổi này sẽ tạo phiên bản %(m)s; "
                    "các báo cáo đã lập giữ nguyên phiên bản %(n)s."
                )
                % {"n": version.number, "m": version.number + 1},
            )

    def note_text(self):
        return (self.cleaned_data.get("version_note") or "").strip()


class ReportFormForm(forms.ModelForm):
    """The form's header: name, period, who reports, how the roll-up counts."""

    levels = forms.ModelMultipleChoiceField(
        label=_lazy("Các cấp báo cáo"),
        queryset=Level.objects.order_by("rank", "code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Các cấp báo cáo: cần chọn ít nhất một cấp.")},
    )

    class Meta:
        model = ReportForm
        fields = [
            "code",
            "name",
            "period_type",
            "cutoff_day",
            "levels",
            "count_submitted",
            "is_active",
        ]
        help_texts = {"code": CODE_HELP}

    def __init__(self, *args, has_reports=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_reports = has_reports
        self.fields["period_type"].choices = [
            ("", _("— chọn loại kỳ —")),
            *ReportForm.PeriodType.choices,
        ]
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Mã mẫu không đổi được sau khi tạo.")
        if has_reports:
            for name in ("period_type", "cutoff_day"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Mẫu đã có báo cáo nên không đổi được loại kỳ và ngày chốt số liệu "
                    "(các kỳ đã báo cáo sẽ sai lệch)."
                )

    def clean_code(self):
        if self.instance.pk:
            return self.instance.code
        code = _clean_code(self.cleaned_data.get("code"))
        if ReportForm.objects.filter(code=code).exists():
            raise forms.ValidationError(_("“%(code)s” đã có mẫu khác dùng.") % {"code": code})
        return code

    def clean_cutoff_day(self):
        day = self.cleaned_data.get("cutoff_day")
        if day is None or not 1 <= day <= 28:
            raise forms.ValidationError(_("phải từ 1 đến 28 (1 = theo tháng dương lịch)."))
        return day


class SectionForm(VersionNoteMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["number", "title", "order"]
        labels = {"order": _lazy("Thứ tự")}
        help_texts = {"number": _lazy("Ví dụ: I, II, III hoặc 1, 2, 3.")}

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["order"].required = False
        self.add_note_field(version)

    def clean_number(self):
        number = (self.cleaned_data.get("number") or "").strip()
        if not number:
            raise forms.ValidationError(_("cần nhập số mục."))
        taken = self.version.sections.filter(number__iexact=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("“%(number)s” đã có trong phiên bản này.") % {"number": number}
            )
        return number

    def clean_order(self):
        order = self.cleaned_data.get("order")
        if order is None:
            last = self.version.sections.order_by("-order").first()
            order = (last.order + 1) if last else 1
        return order


class _CodedItemForm(VersionNoteMixin, forms.ModelForm):
    """Indicators and narrative fields share one code space within a version: a
    validation problem or an import column names its field by code alone."""

    code_label = _lazy("Mã")

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["section"].queryset = version.sections.order_by("order")
        self.fields["section"].empty_label = None
        self.fields["section"].label = _("Thuộc mục")
        self.fields["order"].required = False
        self.fields["code"].help_text = CODE_HELP
        self.fields["code"].label = self.code_label
        self.add_note_field(version)

    def clean_code(self):
        code = _clean_code(self.cleaned_data.get("code"))
        own = self.instance.pk
        model = type(self.instance)
        clash_ind = self.version.indicators.filter(code=code)
        clash_nar = self.version.narratives.filter(code=code)
        if model is Indicator:
            clash_ind = clash_ind.exclude(pk=own)
        else:
            clash_nar = clash_nar.exclude(pk=own)
        if clash_ind.exists():
            raise forms.ValidationError(
                _("Mã “%(code)s” đã dùng cho một chỉ tiêu khác của mẫu này.") % {"code": code}
            )
        if clash_nar.exists():
            raise forms.ValidationError(
                _("Mã “%(code)s” đã dùng cho một phần thuyết minh của mẫu này.") % {"code": code}
            )
        return code

    def clean_order(self):
        order = self.cleaned_data.get("order")
        if order is None:
            model = type(self.instance)
            last = model.objects.filter(version=self.version).order_by("-order").first()
            order = (last.order + 1) if last else 1
        return order


PARAM_PREFIX = "param_"


def source_choices():
    """("", Nhập tay) then the registered sources, grouped by the records they read."""
    groups = {}
    for source in registry.indicator_sources:
        groups.setdefault(str(source.group), []).append((source.key, source.label))
    return [("", _("Nhập tay (cán bộ nhập số liệu)")), *groups.items()]


def source_params():
    """{param key: (SourceParam, [source keys taking it])}, in the sources' order."""
    out = {}
    for source in registry.indicator_sources:
        for param in source.params:
            out.setdefault(param.key, (param, []))[1].append(source.key)
    return out


class IndicatorForm(_CodedItemForm):
    """An indicator: typed in, or computed from a source of records and its parameters
    (reports/computed.py); a source or a parameter value that does not exist is refused
    naming the field."""

    code_label = _lazy("Mã chỉ tiêu")

    class Meta:
        model = Indicator
        fields = [
            "section",
            "code",
            "name",
            "unit_of_measure",
            "value_type",
            "aggregation",
            "is_main",
            "order",
            "source",
        ]
        labels = {"order": _lazy("Thứ tự")}

    # Saved with the Meta fields (the view copies both from cleaned_data): built by clean()
    # from the parameters' boxes, not a field of its own.
    extra_fields = ("source_params",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = forms.ChoiceField(
            label=_("Cách lấy số liệu"),
            required=False,
            choices=source_choices(),
            help_text=_(
                "Tự tính: số liệu lấy từ hồ sơ của chính đơn vị trong kỳ báo cáo (không gồm "
                "đơn vị cấp dưới — phần tổng hợp cộng lên); cán bộ chỉ xem lại, muốn sửa phải "
                "ghi lý do."
            ),
            error_messages={"invalid_choice": _("không có nguồn số liệu “%(value)s”.")},
        )
        current = self.instance.source_params or {}
        self.param_fields = []
        for key, (param, sources) in source_params().items():
            name = PARAM_PREFIX + key
            self.fields[name] = forms.MultipleChoiceField(
                label=param.label,
                required=False,
                choices=param.choices(),
                initial=current.get(key, []),
                widget=forms.CheckboxSelectMultiple(attrs={"data-sources": " ".join(sources)}),
                help_text=param.help_text,
                error_messages={"invalid_choice": _("không có “%(value)s” để chọn.")},
            )
            self.param_fields.append((name, sources))

    def param_boxes(self):
        """[(bound field, "source keys")] for the template's fieldset."""
        return [(self[name], " ".join(sources)) for name, sources in self.param_fields]

    def clean(self):
        data = super().clean()
        key = data.get("source") or ""
        data["source"], data["source_params"] = key, {}
        if not key or "source" in self.errors:
            return data
        source = registry.indicator_sources.get(key)
        raw = {
            param.key: data.get(PARAM_PREFIX + param.key) or []
            for param in source.params
            if PARAM_PREFIX + param.key not in self.errors
        }
        params, problems = computed.clean_params(source, raw)
        for param_key, message in problems.items():
            name = PARAM_PREFIX + param_key
            if name not in self.errors:
                self.add_error(name if name in self.fields else "source", message)
        data["source_params"] = params
        return data


class NarrativeForm(_CodedItemForm):
    code_label = _lazy("Mã phần thuyết minh")

    class Meta:
        model = NarrativeField
        fields = ["section", "code", "title", "required", "order"]
        labels = {"order": _lazy("Thứ tự")}
        help_texts = {
            "required": _lazy(
                "Phần bắt buộc phải có nội dung trước khi gửi (hệ thống tự thêm quy tắc kiểm tra)."
            )
        }


class RuleForm(VersionNoteMixin, forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = [
            "kind",
            "severity",
            "indicator",
            "operator",
            "other",
            "narrative",
            "min_value",
            "max_value",
            "message",
        ]
        labels = {
            "indicator": _lazy("Chỉ tiêu"),
            "operator": _lazy("Phép so sánh"),
            "other": _lazy("So với chỉ tiêu"),
            "narrative": _lazy("Phần thuyết minh"),
            "min_value": _lazy("Giá trị nhỏ nhất"),
            "max_value": _lazy("Giá trị lớn nhất"),
            "message": _lazy("Thông báo khi vi phạm"),
        }
        field_classes = {"min_value": VietnameseDecimalField, "max_value": VietnameseDecimalField}
        help_texts = {
            "kind": _lazy(
                "Giới hạn: chỉ tiêu nằm trong khoảng; Bắt buộc: chỉ tiêu hoặc phần thuyết minh "
                "phải có; So sánh: chỉ tiêu (vế trái) so với chỉ tiêu khác."
            ),
            "message": _lazy("Để trống để hệ thống tự soạn thông báo."),
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        indicators = version.indicators.order_by("section__order", "order")
        self.fields["indicator"].queryset = indicators
        self.fields["other"].queryset = indicators
        self.fields["narrative"].queryset = version.narratives.order_by("order")
        self.fields["message"].required = False
        self.fields["kind"].choices = [("", _("— chọn loại —")), *ValidationRule.Kind.choices]
        self.fields["operator"].choices = [("", _("— không chọn —")), *ValidationRule.OPERATORS]
        for name in ("indicator", "other", "narrative"):
            self.fields[name].empty_label = _("— không chọn —")
        self.add_note_field(version)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        indicator, other = data.get("indicator"), data.get("other")
        narrative, operator = data.get("narrative"), data.get("operator")
        low, high = data.get("min_value"), data.get("max_value")
        if kind == ValidationRule.Kind.BOUNDS:
            if indicator is None:
                self.add_error("indicator", _("cần chọn chỉ tiêu được giới hạn."))
            if low is None and high is None:
                self.add_error("min_value", _("cần nhập giá trị nhỏ nhất, lớn nhất hoặc cả hai."))
            if low is not None and high is not None and low > high:
                self.add_error(
                    "max_value",
                    _("phải lớn hơn hoặc bằng giá trị nhỏ nhất (đang là %(high)s < %(low)s).")
                    % {"high": _plain(high), "low": _plain(low)},
                )
            data.update(other=None, narrative=None, operator="")
        elif kind == ValidationRule.Kind.REQUIRED:
            if (indicator is None) == (narrative is None):
                self.add_error(
                    "indicator",
                    _("quy tắc bắt buộc nhập cần đúng một chỉ tiêu hoặc một phần thuyết minh."),
                )
            data.update(other=None, operator="", min_value=None, max_value=None)
        elif kind == ValidationRule.Kind.COMPARE:
            if indicator is None:
                self.add_error("indicator", _("cần chọn chỉ tiêu ở vế trái."))
            if not operator:
                self.add_error("operator", _("cần chọn phép so sánh."))
            if other is None:
                self.add_error("other", _("cần chọn chỉ tiêu ở vế phải."))
            elif indicator is not None and other.pk == indicator.pk:
                self.add_error(
                    "other",
                    _("hai vế phải là hai chỉ tiêu khác nhau (đang cùng là %(code)s).")
                    % {"code": indicator.code},
                )
            data.update(narrative=None, min_value=None, max_value=None)
        if not self.errors and not (data.get("message") or "").strip():
            data["message"] = default_message(data)
        elif data.get("message"):
            data["message"] = data["message"].strip()
        return data


def _plain(value):
    return format_number(value)


def default_message(data):
    """A Vietnamese message for a rule saved without one."""
    kind, ind = data.get("kind"), data.get("indicator")
    if kind == ValidationRule.Kind.REQUIRED:
        if data.get("narrative") is not None:
            return versioning.required_message(data["narrative"].title)
        return _("%(name)s (%(code)s): cần nhập số liệu.") % {"name": ind.name, "code": ind.code}
    if kind == ValidationRule.Kind.BOUNDS:
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None:
            text = _("phải từ %(low)s đến %(high)s") % {"low": _plain(low), "high": _plain(high)}
        elif low is not None:
            text = _("không được nhỏ hơn %(low)s") % {"low": _plain(low)}
        else:
            text = _("không được lớn hơn %(high)s") % {"high": _plain(high)}
        return f"{ind.name} ({ind.code}) {text}."
    symbol = dict(ValidationRule.OPERATORS).get(data.get("operator"), data.get("operator"))
    other = data["other"]
    return _("%(left)s (%(lcode)s) phải %(op)s %(right)s (%(rcode)s).") % {
        "left": ind.name,
        "lcode": ind.code,
        "op": symbol,
        "right": other.name,
        "rcode": other.code,
    }


class DeadlinesForm(forms.Form):
    """One "days after the period end" field per reporting level; lower levels report first."""

    def __init__(self, *args, form, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_form = form
        current = {d.level_id: d.days_after_end for d in form.deadlines.all()}
        self.levels = list(form.levels.order_by("rank", "code"))
        for level in self.levels:
            self.fields[f"level_{level.code}"] = forms.IntegerField(
                label=_("%(level)s — số ngày sau khi hết kỳ") % {"level": level.name},
                min_value=0,
                max_value=365,
                initial=current.get(level.pk, 0),
                error_messages={
                    "invalid": _("số ngày phải là số nguyên."),
                    "required": _("cần nhập số ngày."),
                    "min_value": _("số ngày không được âm."),
                    "max_value": _("tối đa 365 ngày."),
                },
            )

    def clean(self):
        data = super().clean()
        days = {
            level: data.get(f"level_{level.code}")
            for level in self.levels
            if data.get(f"level_{level.code}") is not None
        }
        for lower, lower_days in days.items():
            # The nearest level above that must report earlier than this one would.
            earlier = sorted(
                (-upper.rank, upper_days, upper.name)
                for upper, upper_days in days.items()
                if upper.rank < lower.rank and upper_days < lower_days
            )
            if earlier:
                _rank, upper_days, upper_name = earlier[0]
                self.add_error(
                    f"level_{lower.code}",
                    _(
                        "%(ld)s ngày là muộn hơn hạn của %(upper)s (%(ud)s ngày): "
                        "cấp dưới phải báo cáo trước hoặc cùng hạn với cấp trên."
                    )
                    % {"ld": lower_days, "upper": upper_name, "ud": upper_days},
                )
        return data

    def days_by_level(self):
        return {level: self.cleaned_data[f"level_{level.code}"] for level in self.levels}
